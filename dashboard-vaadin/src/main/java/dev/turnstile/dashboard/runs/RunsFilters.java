package dev.turnstile.dashboard.runs;

import com.vaadin.flow.router.QueryParameters;
import dev.turnstile.contracts.job.JobRules;
import dev.turnstile.contracts.job.JobState;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Runs page shows, kept in its address ({@code /runs?queue=emails&state=active&name=send}) so that a view can
 * be shared and survives a reload. A value that breaks the rules is dropped, not trusted.
 *
 * @param queue the queue whose jobs are listed; null for none chosen
 * @param state only jobs in this state; null for all
 * @param name only jobs with this name; null for all
 */
record RunsFilters(String queue, JobState state, String name) {

    static final RunsFilters NONE = new RunsFilters(null, null, null);

    static RunsFilters from(QueryParameters parameters) {
        var values = parameters.getParameters();
        var queue = first(values, "queue");
        var name = first(values, "name");
        var state = first(values, "state");
        return new RunsFilters(
                queue != null && JobRules.checkQueue(queue).isEmpty() ? queue : null,
                state == null
                        ? null
                        : Arrays.stream(JobState.values())
                                .filter(each -> each.wireName().equals(state))
                                .findFirst()
                                .orElse(null),
                name != null && JobRules.checkPrintable("name", name, true).isEmpty() ? name : null);
    }

    QueryParameters toQuery() {
        var values = new LinkedHashMap<String, List<String>>();
        if (queue != null) {
            values.put("queue", List.of(queue));
        }
        if (state != null) {
            values.put("state", List.of(state.wireName()));
        }
        if (name != null) {
            values.put("name", List.of(name));
        }
        return new QueryParameters(values);
    }

    RunsFilters withQueue(String value) {
        return new RunsFilters(value, null, null);
    }

    RunsFilters withState(JobState value) {
        return new RunsFilters(queue, value, name);
    }

    RunsFilters withName(String value) {
        return new RunsFilters(queue, state, value == null || value.isBlank() ? null : value.strip());
    }

    boolean filtered() {
        return state != null || name != null;
    }

    private static String first(Map<String, List<String>> values, String key) {
        var list = values.get(key);
        return list == null || list.isEmpty() || list.getFirst().isBlank()
                ? null
                : list.getFirst().strip();
    }
}
