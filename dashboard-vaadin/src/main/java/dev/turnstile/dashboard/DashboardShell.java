package dev.turnstile.dashboard;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.ColorScheme;
import com.vaadin.flow.component.page.Inline;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.theme.lumo.Lumo;
import java.util.Map;

/**
 * The page shell: Lumo styles in the system's light or dark scheme (or the one the user picked, kept in the browser),
 * the product's icon, and server push so every open dashboard shows new decisions as they happen.
 */
@Push
@ColorScheme(ColorScheme.Value.LIGHT_DARK)
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet(Lumo.UTILITY_STYLESHEET)
@StyleSheet("context://turnstile/dashboard.css")
public class DashboardShell implements AppShellConfigurator {

    /** Where the browser keeps the user's choice of scheme ({@code light} or {@code dark}); absent: the system's. */
    public static final String THEME_KEY = "turnstile-theme";

    /**
     * Applies the stored choice before the page draws (no flash of the other scheme), and offers {@code toggle()}
     * to the theme button. Without a stored choice the page follows {@code prefers-color-scheme}.
     */
    private static final String THEME_SCRIPT = """
            window.turnstileTheme = (() => {
              const root = document.documentElement;
              const stored = () => { try { return localStorage.getItem('%1$s'); } catch (e) { return null; } };
              const system = () => matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
              const apply = (scheme) => {
                if (scheme === 'dark' || scheme === 'light') {
                  root.setAttribute('theme', scheme);
                  root.style.colorScheme = scheme;
                }
              };
              const current = () => stored() || system();
              apply(stored());
              return {
                current,
                toggle() {
                  const next = current() === 'dark' ? 'light' : 'dark';
                  try { localStorage.setItem('%1$s', next); } catch (e) { /* private mode: this page only */ }
                  apply(next);
                  return next;
                }
              };
            })();
            """.formatted(THEME_KEY);

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.addLink("turnstile/favicon.svg", Map.of("rel", "icon", "type", "image/svg+xml"));
        settings.addInlineWithContents(Inline.Position.PREPEND, THEME_SCRIPT, Inline.Wrapping.JAVASCRIPT);
    }
}
