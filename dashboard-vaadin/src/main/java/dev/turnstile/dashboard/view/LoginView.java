package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import dev.turnstile.dashboard.DashboardSettings;

/** Sign in with a configured user, or with an identity provider when one is configured (OIDC). */
@Route(value = "login", autoLayout = false)
@PageTitle("Sign in · Turnstile")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();

    public LoginView(DashboardSettings settings) {
        setId("login-view");
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        add(new H1("Turnstile"), new Paragraph("Coordination activity for analysts. Sign in to continue."), form);
        settings.identityProviders().forEach(provider -> {
            var link = new Anchor("/oauth2/authorization/" + provider.id(), "Sign in with " + provider.name());
            link.setRouterIgnore(true);
            add(link);
        });
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        form.setError(event.getLocation().getQueryParameters().getParameters().containsKey("error"));
    }
}
