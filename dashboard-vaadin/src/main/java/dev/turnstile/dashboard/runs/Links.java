package dev.turnstile.dashboard.runs;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;

/**
 * Links within the Runs pages, whose state is in the address's query. An anchor marked {@code router-link}, as a
 * {@code RouterLink} renders, so the browser navigates without a reload; made from the view's {@link Route} alone, so
 * that a page can be built (and tested) without a running router.
 */
final class Links {

    private Links() {}

    static Anchor to(String text, Class<? extends Component> view, QueryParameters query) {
        var path = view.getAnnotation(Route.class).value();
        var queryString = query.getQueryString();
        var link = new Anchor(queryString.isEmpty() ? path : path + "?" + queryString, text);
        link.getElement().setAttribute("router-link", true);
        return link;
    }
}
