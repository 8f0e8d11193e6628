package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.dashboard.signin.SignInFailureHandler;
import java.util.List;

/** Sign in with a configured user, or with an identity provider when one is configured (OIDC). */
@Route(value = "login", autoLayout = false)
@PageTitle("Sign in · Turnstile")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();
    private LoginI18n messages = LoginI18n.createDefault();

    public LoginView(DashboardSettings settings) {
        setId("login-view");
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        var title = new H1(new ProductMark("var(--lumo-font-size-xxl)"));
        title.getStyle().set("margin", "0");
        add(title, new Paragraph("Coordination activity for analysts. Sign in to continue."), form);
        settings.identityProviders().forEach(provider -> {
            var link = new Anchor("/oauth2/authorization/" + provider.id(), "Sign in with " + provider.name());
            link.setRouterIgnore(true);
            add(link);
        });
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        show(event.getLocation().getQueryParameters());
    }

    /** The outcome of the last attempt, from the address the sign-in redirected to. */
    void show(QueryParameters parameters) {
        var throttled = parameters.getParameters().getOrDefault(SignInFailureHandler.THROTTLED_PARAMETER, List.of());
        var i18n = LoginI18n.createDefault();
        if (!throttled.isEmpty()) {
            i18n.getErrorMessage().setTitle("Too many sign-in attempts");
            i18n.getErrorMessage()
                    .setMessage("Try again in " + seconds(throttled.getFirst()) + " s. Repeated wrong"
                            + " passwords from one address, or for one user, are slowed down.");
        }
        messages = i18n;
        form.setI18n(i18n);
        form.setError(!throttled.isEmpty() || parameters.getParameters().containsKey("error"));
    }

    LoginForm form() {
        return form;
    }

    LoginI18n messages() {
        return messages;
    }

    private static long seconds(String value) {
        try {
            return Math.max(1, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
