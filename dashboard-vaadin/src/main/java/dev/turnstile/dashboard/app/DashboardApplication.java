package dev.turnstile.dashboard.app;

import dev.turnstile.dashboard.login.LocalDashboardLogin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The projections and the dashboard on their own, against any Kafka cluster ({@code spring.kafka.bootstrap-servers}):
 * the read models, their query, live and operator APIs, and the dashboard's pages. Ready once the activity read model
 * has caught up with the decisions topic (the {@code projections} health indicator).
 *
 * <p>With {@code --turnstile.dashboard.generated-login-dir=<dir>} and no configured user, it makes (once) and uses the
 * local default's login, {@code analyst} with a random password kept in {@code <dir>/dashboard-login.properties}, as
 * the all-in-one does.
 */
@SpringBootApplication
public class DashboardApplication {

    static final String GENERATED_LOGIN_DIR = "--turnstile.dashboard.generated-login-dir=";

    public static void main(String[] args) {
        var application = new SpringApplication(DashboardApplication.class);
        var defaults = new HashMap<String, Object>();
        defaults.put("spring.threads.virtual.enabled", "true");
        defaults.put("spring.application.name", "turnstile-dashboard");
        defaults.put("management.endpoints.web.exposure.include", "health,info,metrics,prometheus");
        defaults.put("management.endpoint.health.show-details", "when-authorized");
        defaults.put("management.endpoint.health.show-components", "when-authorized");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.group.readiness.include", "readinessState,projections");
        defaults.put("management.endpoint.health.group.liveness.include", "livenessState");
        defaults.put("turnstile.processor.enabled", "false");
        // Kafka's clients log every connection and rebalance at INFO: what matters reaches WARN.
        defaults.put("logging.level.org.apache.kafka", "WARN");
        defaults.put("logging.level.kafka", "WARN");
        application.setDefaultProperties(defaults);
        application.run(withGeneratedLogin(args).toArray(String[]::new));
    }

    /** The arguments, plus the generated login's properties when asked for one and no user is configured. */
    static List<String> withGeneratedLogin(String[] args) {
        var arguments = new ArrayList<>(Arrays.asList(args));
        var dir = arguments.stream()
                .filter(argument -> argument.startsWith(GENERATED_LOGIN_DIR))
                .findFirst();
        if (dir.isEmpty() || LocalDashboardLogin.usersConfigured(arguments, System.getenv())) {
            return arguments;
        }
        var login = LocalDashboardLogin.loadOrCreate(Path.of(dir.get().substring(GENERATED_LOGIN_DIR.length())));
        login.springProperties().forEach(property -> arguments.add("--" + property));
        return arguments;
    }
}
