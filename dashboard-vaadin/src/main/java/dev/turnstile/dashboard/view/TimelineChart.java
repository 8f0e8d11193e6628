package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JavaScript;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.TimelineBucket;
import java.util.List;
import java.util.Map;

/**
 * Claims and blocks over time, as an interactive chart in the browser: Chart.js with tooltips on hover and zoom
 * (drag, pinch, Ctrl+wheel), from WebJars served by the application, driven by {@code turnstile/timeline-chart.js}.
 * The server sends the buckets; the browser draws them in the user's time zone and colour scheme.
 */
@Tag("ts-timeline-chart")
@JavaScript(TimelineChart.CHART_JS)
@JavaScript(TimelineChart.HAMMER_JS)
@JavaScript(TimelineChart.ZOOM_JS)
@JavaScript("context://turnstile/timeline-chart.js")
public class TimelineChart extends Component implements HasSize {

    static final String CHART_JS = "context://webjars/chart.js/4.5.1/dist/chart.umd.min.js";
    static final String HAMMER_JS = "context://webjars/hammerjs/2.0.8/hammer.min.js";
    static final String ZOOM_JS = "context://webjars/chartjs-plugin-zoom/2.2.0/dist/chartjs-plugin-zoom.min.js";

    private String data = "";

    public TimelineChart() {
        setId("timeline-chart");
        getElement().getClassList().add("ts-chart");
        getElement().setAttribute("role", "figure");
        setWidthFull();
    }

    /** Shows {@code buckets} of {@code range} under {@code title}. */
    public void show(List<TimelineBucket> buckets, TimeRange range, String title) {
        var points = buckets.stream()
                .map(bucket -> Map.of(
                        "t", bucket.start().toEpochMilli(), "claims", bucket.attempts(), "blocked", bucket.blocked()))
                .toList();
        data = Json.MAPPER.writeValueAsString(
                Map.of("title", title, "bucketMillis", range.bucket().toMillis(), "points", points));
        getElement().setProperty("data", data);
        // The chart is a canvas: say what it shows for screen readers (and tests).
        long attempts = buckets.stream().mapToLong(TimelineBucket::attempts).sum();
        long blocked = buckets.stream().mapToLong(TimelineBucket::blocked).sum();
        getElement().setAttribute("aria-label", title + ": " + attempts + " claims, " + blocked + " blocked");
    }

    /** The JSON last sent to the browser. */
    public String data() {
        return data;
    }
}
