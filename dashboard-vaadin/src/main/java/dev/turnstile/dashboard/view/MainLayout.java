package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;

/**
 * The header on every page: the product's mark (a link home), the pages, a light/dark switch (kept in the browser),
 * who is signed in and a sign-out button. On a narrow screen it wraps rather than cutting anything off.
 */
@Layout
@PermitAll
public class MainLayout extends AppLayout {

    public MainLayout(AuthenticationContext authentication) {
        var title = new H1(new RouterLink(DashboardView.class));
        title.getChildren()
                .findFirst()
                .ifPresent(link -> ((RouterLink) link).add(new ProductMark("var(--lumo-font-size-l)")));
        title.getStyle().set("margin", "0").set("font-size", "inherit");
        title.addClassName("ts-title");
        var home = new RouterLink("Activity", DashboardView.class);
        var leases = new RouterLink("Leases", LeasesView.class);
        leases.setId("nav-leases");
        var runs = new RouterLink("Runs", dev.turnstile.dashboard.runs.RunsView.class);
        runs.setId("nav-runs");
        var user = new Span(authentication.getPrincipalName().orElse(""));
        user.setId("signed-in-user");
        var theme = new Button(VaadinIcon.ADJUST.create());
        theme.setId("theme-toggle");
        theme.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ICON);
        theme.setAriaLabel("Switch between light and dark theme");
        theme.setTooltipText("Light or dark theme");
        // In the browser alone: the choice is the browser's (localStorage, see DashboardShell), no round trip.
        theme.getElement().executeJs("this.addEventListener('click', () => window.turnstileTheme.toggle())");
        var signOut = new Button("Sign out", event -> authentication.logout());
        signOut.setId("sign-out");
        signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        var header = new HorizontalLayout(title, home, leases, runs, theme, user, signOut);
        header.setWrap(true);
        header.addClassName("ts-header");
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        header.expand(runs);
        header.setWidthFull();
        header.getStyle().set("padding", "0 var(--lumo-space-m)");
        addToNavbar(header);
        // One page family, no side menu: the navigation bar spans the page and no drawer is reserved.
        setPrimarySection(Section.NAVBAR);
        setDrawerOpened(false);
    }
}
