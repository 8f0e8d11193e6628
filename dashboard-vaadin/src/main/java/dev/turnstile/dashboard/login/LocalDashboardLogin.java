package dev.turnstile.dashboard.login;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The local default's dashboard user: {@code analyst} with a random password made on first start and kept in the
 * data directory (readable by its owner only), so the same password works after a restart. Used only when no
 * dashboard user is configured. Whoever starts the local default owns it (they could stop it or delete its data), so
 * its one login may also operate work queues (cancel, retry, pause, resume): the roles ANALYST and OPERATOR.
 *
 * @param user the sign-in name
 * @param password the password in clear, to print for the person who started the local default
 * @param file where it is kept
 */
public record LocalDashboardLogin(String user, String password, Path file) {

    public static final String USER = "analyst";
    private static final String USERS_PROPERTY = "turnstile.dashboard.users.";

    /** True when the arguments, system properties or environment already configure dashboard users. */
    public static boolean usersConfigured(List<String> springArguments, Map<String, String> environment) {
        return springArguments.stream().anyMatch(argument -> argument.startsWith("--" + USERS_PROPERTY))
                || System.getProperties().stringPropertyNames().stream()
                        .anyMatch(name -> name.startsWith(USERS_PROPERTY))
                || environment.keySet().stream().anyMatch(name -> name.startsWith("TURNSTILE_DASHBOARD_USERS_"));
    }

    /** Reads the saved login from {@code dataDir}, or makes and saves one. */
    public static LocalDashboardLogin loadOrCreate(Path dataDir) {
        var file = dataDir.resolve("dashboard-login.properties");
        var properties = new Properties();
        try {
            if (Files.exists(file)) {
                try (var in = Files.newBufferedReader(file)) {
                    properties.load(in);
                }
            }
            var password = properties.getProperty("password");
            if (password == null || password.isBlank()) {
                var bytes = new byte[15];
                new SecureRandom().nextBytes(bytes);
                password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                properties.setProperty("user", USER);
                properties.setProperty("password", password);
                Files.createDirectories(dataDir);
                Files.deleteIfExists(file);
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (var out = Files.newBufferedWriter(file)) {
                    properties.store(out, "Dashboard login of the local default; delete this file for a new password");
                }
            }
            return new LocalDashboardLogin(properties.getProperty("user", USER), password, file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read or write the local dashboard login " + file, e);
        }
    }

    /** The roles of the local default's login. */
    public static final String ROLES = "ANALYST,OPERATOR";

    /** The Spring properties that configure this user: the password hashed, and its roles. */
    public List<String> springProperties() {
        return List.of(
                USERS_PROPERTY + user + ".password={bcrypt}" + new BCryptPasswordEncoder().encode(password),
                USERS_PROPERTY + user + ".roles=" + ROLES);
    }
}
