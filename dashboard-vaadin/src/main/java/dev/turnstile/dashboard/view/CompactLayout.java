package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import java.util.function.Consumer;

/** Tells a page whether its window is narrow (a phone held upright), now and after every resize. */
final class CompactLayout {

    private CompactLayout() {}

    /**
     * Calls {@code apply} with true when the window is narrower than {@link AttemptGrid#COMPACT_BELOW_PX}, at once
     * (when the browser has reported its size) and on each resize.
     *
     * @return what stops the resize listening; remove it on detach
     */
    static Registration follow(UI ui, Consumer<Boolean> apply) {
        var details = ui.getPage().getExtendedClientDetails();
        int width = details == null ? 0 : details.getWindowInnerWidth();
        if (width > 0) {
            apply.accept(width < AttemptGrid.COMPACT_BELOW_PX);
        }
        return ui.getPage()
                .addBrowserWindowResizeListener(event -> apply.accept(event.getWidth() < AttemptGrid.COMPACT_BELOW_PX));
    }
}
