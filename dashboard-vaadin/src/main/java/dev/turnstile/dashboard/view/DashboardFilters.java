package dev.turnstile.dashboard.view;

import com.vaadin.flow.router.QueryParameters;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.Result;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The activity page's state as it appears in its address ({@code ?project=hire&result=blocked&sha=3f9c&range=7d}):
 * the filters and the time range, so a view can be shared and survives a reload and the back button. Values that
 * cannot be a filter are dropped, and said so.
 *
 * @param range how far back the chart and the cards look; the default is left out of the address
 * @param problem why a value from the address was ignored, or null
 */
public record DashboardFilters(
        String project, String task, Result result, String shaPrefix, TimeRange range, String problem) {

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{1,64}");

    public static final DashboardFilters NONE = new DashboardFilters(null, null, null, null, TimeRange.DEFAULT, null);

    public DashboardFilters(String project, String task, Result result, String shaPrefix, String problem) {
        this(project, task, result, shaPrefix, TimeRange.DEFAULT, problem);
    }

    public DashboardFilters {
        range = range == null ? TimeRange.DEFAULT : range;
        // The same normalisation as the query API's filter: blank means unset, SHA prefixes in lower case.
        var normalized = new AttemptFilter(project, task, result, shaPrefix);
        project = normalized.project();
        task = normalized.task();
        shaPrefix = normalized.shaPrefix();
    }

    /** Reads the filters from an address's query; unknown parameters are left alone. */
    public static DashboardFilters from(QueryParameters query) {
        var params = query.getParameters();
        String problem = null;
        Result result = null;
        var resultText = first(params, "result");
        if (resultText != null) {
            try {
                result = Result.parse(resultText);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        var sha = first(params, "sha");
        if (sha != null && !HEX.matcher(sha).matches()) {
            problem = "sha must be hexadecimal (0-9, a-f), up to 64 characters; got \"" + sha + "\"";
            sha = null;
        }
        var range = TimeRange.DEFAULT;
        var rangeText = first(params, "range");
        if (rangeText != null) {
            try {
                range = TimeRange.parse(rangeText);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        return new DashboardFilters(first(params, "project"), first(params, "task"), result, sha, range, problem);
    }

    /** True when {@code text} can be typed into the SHA filter. */
    public static boolean isShaPrefix(String text) {
        return text == null || text.isBlank() || HEX.matcher(text.strip()).matches();
    }

    /** The query that reproduces these filters; empty when nothing is filtered. */
    public QueryParameters toQuery() {
        var params = new LinkedHashMap<String, List<String>>();
        if (project != null) {
            params.put("project", List.of(project));
        }
        if (task != null) {
            params.put("task", List.of(task));
        }
        if (result != null) {
            params.put("result", List.of(result.label()));
        }
        if (shaPrefix != null) {
            params.put("sha", List.of(shaPrefix));
        }
        if (range != TimeRange.DEFAULT) {
            params.put("range", List.of(range.label()));
        }
        return new QueryParameters(params);
    }

    /** True when nothing is filtered (whatever the range). */
    public boolean isEmpty() {
        return project == null && task == null && result == null && shaPrefix == null;
    }

    public AttemptFilter toAttemptFilter() {
        return new AttemptFilter(project, task, result, shaPrefix);
    }

    public DashboardFilters withProject(String value) {
        return new DashboardFilters(value, task, result, shaPrefix, range, null);
    }

    public DashboardFilters withTask(String value) {
        return new DashboardFilters(project, value, result, shaPrefix, range, null);
    }

    public DashboardFilters withResult(Result value) {
        return new DashboardFilters(project, task, value, shaPrefix, range, null);
    }

    public DashboardFilters withShaPrefix(String value) {
        return new DashboardFilters(project, task, result, value, range, null);
    }

    public DashboardFilters withRange(TimeRange value) {
        return new DashboardFilters(project, task, result, shaPrefix, value, null);
    }

    /** No filter, the same range. */
    public DashboardFilters cleared() {
        return NONE.withRange(range);
    }

    private static String first(Map<String, List<String>> params, String name) {
        var values = params.get(name);
        return values == null || values.isEmpty() || values.getFirst().isBlank()
                ? null
                : values.getFirst().strip();
    }
}
