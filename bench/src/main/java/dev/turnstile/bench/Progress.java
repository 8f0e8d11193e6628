package dev.turnstile.bench;

import java.io.Console;
import java.lang.reflect.Method;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on a terminal; nothing at all otherwise (a log or CI gets one result line per level instead of a
 * line per tick).
 */
interface Progress extends AutoCloseable {

    /** Elapsed milliseconds of the level. */
    void stepTo(long millis);

    @Override
    void close();

    Progress NONE = new Progress() {
        @Override
        public void stepTo(long millis) {}

        @Override
        public void close() {}
    };

    /** A bar for {@code task} when {@code interactive}, else {@link #NONE}. */
    static Progress of(String task, long totalMillis, boolean interactive) {
        if (!interactive) {
            return NONE;
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalMillis)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" s", 1000)
                .continuousUpdate()
                .build();
        return new Progress() {
            @Override
            public void stepTo(long millis) {
                bar.stepTo(Math.min(millis, totalMillis));
            }

            @Override
            public void close() {
                bar.stepTo(totalMillis);
                bar.close();
            }
        };
    }

    /**
     * Whether standard output is a terminal: {@code System.console()} is null when it is not, and from JDK 22 on,
     * where a console exists even when output is redirected, {@code Console.isTerminal()} says.
     */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console means a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
