package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;

/** The product's mark (the favicon's drawing) and name, on the header and the sign-in page. */
final class ProductMark extends HorizontalLayout {

    ProductMark(String fontSize) {
        setId("product-mark");
        var icon = new Image("turnstile/favicon.svg", "");
        icon.addClassName("ts-mark-icon");
        icon.getElement().setAttribute("aria-hidden", "true");
        var name = new Span("Turnstile");
        name.addClassName("ts-mark-name");
        name.getStyle().set("font-size", fontSize);
        add(icon, name);
        setSpacing(false);
        addClassName("ts-mark");
        setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    }
}
