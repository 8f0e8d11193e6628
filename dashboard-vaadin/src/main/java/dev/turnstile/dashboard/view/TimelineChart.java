package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Div;
import dev.turnstile.projections.query.TimelineBucket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Claims and blocks over time, drawn by XChart as SVG on the server and sent to the page as markup. */
public class TimelineChart extends Div {

    private String svg = "";

    public TimelineChart() {
        setId("timeline-chart");
        addClassName("ts-chart");
        getElement().setAttribute("role", "img");
        setWidthFull();
    }

    public void show(List<TimelineBucket> buckets, String title) {
        svg = render(buckets, title);
        getElement().setProperty("innerHTML", svg);
        // The chart's text is drawn as shapes: say what it shows for screen readers (and tests).
        long attempts = buckets.stream().mapToLong(TimelineBucket::attempts).sum();
        long blocked = buckets.stream().mapToLong(TimelineBucket::blocked).sum();
        getElement().setAttribute("aria-label", title + ": " + attempts + " claims, " + blocked + " blocked");
    }

    /** The SVG last drawn. */
    public String svg() {
        return svg;
    }

    static String render(List<TimelineBucket> buckets, String title) {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(260)
                .title(title)
                .xAxisTitle("")
                .yAxisTitle("per bucket")
                .build();
        var styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        styler.setDatePattern("HH:mm");
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setYAxisMin(0.0);
        styler.setYAxisDecimalPattern("#,###");
        if (buckets.isEmpty()) {
            buckets = List.of(new TimelineBucket(java.time.Instant.EPOCH, 0, 0));
        }
        var times = buckets.stream().map(b -> Date.from(b.start())).toList();
        chart.addSeries(
                        "Claims",
                        times,
                        buckets.stream().map(b -> (Number) b.attempts()).toList())
                .setMarker(SeriesMarkers.NONE);
        chart.addSeries(
                        "Blocked",
                        times,
                        buckets.stream().map(b -> (Number) b.blocked()).toList())
                .setMarker(SeriesMarkers.NONE);
        var out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not draw the timeline chart", e);
        }
        var text = out.toString(StandardCharsets.UTF_8);
        // Keep the <svg> element only: the XML prologue and doctype have no place inside a page.
        int start = text.indexOf("<svg");
        return start < 0 ? text : text.substring(start);
    }
}
