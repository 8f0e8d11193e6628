package dev.turnstile.dashboard;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.theme.lumo.Lumo;

/** The page shell: Lumo styles, and server push so every open dashboard shows new decisions as they happen. */
@Push
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet(Lumo.UTILITY_STYLESHEET)
@StyleSheet("context://turnstile/dashboard.css")
public class DashboardShell implements AppShellConfigurator {}
