package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.dashboard.login.LocalDashboardLogin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against the local default: sign in, see a claim made
 * through the API appear without a reload, filter by project through the address, sign out. Screenshots go to
 * {@code target/e2e/}.
 */
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "e2e");

    private static Path dataDir;
    private static TurnstileLauncher launcher;
    private static ChromeDriver browser;
    private static String base;

    @BeforeAll
    static void startEverything() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("CI must run the browser test: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(installed, "Chromium is not installed (apt-get install chromium chromium-driver)");

        dataDir = Files.createTempDirectory("turnstile-dashboard-e2e-");
        launcher = new TurnstileLauncher();
        int exit = new picocli.CommandLine(launcher)
                .execute("--http-port=0", "--kafka-port=0", "--controller-port=0", "--data-dir=" + dataDir);
        assertThat(exit).isZero();
        base = "http://127.0.0.1:" + launcher.httpPort();

        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1100");
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (launcher != null) {
            launcher.shutdown();
        }
        if (dataDir != null) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void an_analyst_signs_in_sees_claims_arrive_live_filters_by_project_and_signs_out() throws Exception {
        try {
            signInWatchFilterAndSignOut();
        } catch (Throwable failure) {
            screenshot("failure.png");
            Files.writeString(SCREENSHOTS.resolve("failure.html"), browser.getPageSource());
            throw failure;
        }
    }

    private void signInWatchFilterAndSignOut() throws Exception {
        var run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        var project = "e2e-" + run;
        var other = "other-" + run;
        claim(other, "build", "0a1b2c3d" + run, "agent-0");

        // Signing in: the dashboard sends a stranger to the sign-in page.
        browser.get(base + "/");
        await().until(driver -> driver.getCurrentUrl().contains("/login"));
        var login = LocalDashboardLogin.loadOrCreate(dataDir);
        await().until(driver -> !driver.findElements(By.name("username")).isEmpty());
        browser.findElement(By.name("username")).sendKeys(login.user());
        browser.findElement(By.name("password")).sendKeys(login.password());
        submitLogin();
        await().until(driver -> textOf("signed-in-user").equals(login.user()));
        await().until(driver -> gridText().contains(other));
        screenshot("signed-in.png");

        // Live: a claim made through the API shows up on the open page, without a reload. The page notes when the
        // denied attempt's agent first appears, so the delay is measured in the browser, not by this test's polling.
        var js = (JavascriptExecutor) browser;
        js.executeScript("""
                window.turnstileE2eMarker = 'still-here';
                const wanted = arguments[0];
                new MutationObserver((changes, observer) => {
                  if (document.body.textContent.includes(wanted)) {
                    window.turnstileSeenAt = performance.now();
                    observer.disconnect();
                  }
                }).observe(document.body, {childList: true, subtree: true, characterData: true});
                """, "agent-2-" + run);
        var sha = "3f9c2ab" + run;
        assertThat(claim(project, "convex-deploy", sha, "agent-1-" + run)).contains("\"proceed\":true");
        assertThat(claim(project, "convex-deploy", sha, "agent-2-" + run)).contains("\"proceed\":false");
        var answeredAt = ((Number) js.executeScript("return performance.now();")).doubleValue();
        await().until(driver -> gridText().contains(project) && gridText().contains("Blocked"));
        var seenAt = ((Number) js.executeScript("return window.turnstileSeenAt;")).doubleValue();
        System.out.printf(
                "dashboard: the denied attempt appeared %.0f ms after its answer%n", Math.max(0, seenAt - answeredAt));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.turnstileE2eMarker;"))
                .as("the page was not reloaded")
                .isEqualTo("still-here");
        assertThat(textOf("stat-total-claims")).contains("3");
        screenshot("live.png");

        // A legal 200-character agent id is cut with an ellipsis (whole on hover); the result column stays on screen.
        var longAgent = "agent-" + "x".repeat(186) + run;
        claim(project, "long-agent", "4a5b6c7d" + run, longAgent);
        await().until(driver -> (Boolean) js.executeScript(
                "return [...document.querySelectorAll('#activity-grid .ts-clip')].some(e => e.title === arguments[0]);",
                longAgent));
        var layout = (String) js.executeScript("""
                const agent = [...document.querySelectorAll('#activity-grid .ts-clip')]
                    .find(e => e.title === arguments[0]);
                const badges = [...document.querySelectorAll('#activity-grid .ts-badge')];
                const offScreen = badges.filter(b => b.getBoundingClientRect().right > window.innerWidth
                    || b.getBoundingClientRect().width === 0).length;
                return 'badges=' + badges.length + ' offScreen=' + offScreen
                    + ' clipped=' + (agent.scrollWidth > agent.clientWidth);
                """, longAgent);
        screenshot("long-agent.png");
        assertThat(layout)
                .as("the result badges and the long agent id")
                .matches("badges=[1-9]\\d* offScreen=0 clipped=true");

        // Filtering through the address: only that project's attempts, and a way to clear the filter.
        browser.get(base + "/?project=" + project);
        await().until(driver -> gridText().contains(project) && !gridText().contains(other));
        assertThat(browser.findElement(By.id("clear-filters")).isDisplayed()).isTrue();
        assertThat(gridText()).contains("Granted", "Blocked", "agent-1-" + run, "agent-2-" + run, sha.substring(0, 7));
        screenshot("filtered-by-project.png");

        // The SHA links to every attempt for that commit.
        browser.findElement(By.linkText(sha.substring(0, 7))).click();
        await().until(driver -> driver.getCurrentUrl().contains("/sha/" + sha));
        await().until(driver -> textOf("sha-summary").startsWith("2 attempts"));
        screenshot("sha.png");

        // Signing out returns to the sign-in page; the dashboard is closed again.
        browser.findElement(By.id("sign-out")).click();
        await().until(driver -> driver.getCurrentUrl().contains("/login"));
        browser.get(base + "/");
        await().until(driver -> driver.getCurrentUrl().contains("/login"));
    }

    private static void submitLogin() {
        // The login form's submit button is a vaadin-button in the form's light DOM.
        List<WebElement> buttons = browser.findElements(By.cssSelector("vaadin-login-form vaadin-button"));
        if (!buttons.isEmpty()) {
            buttons.getFirst().click();
        } else {
            browser.findElement(By.name("password")).submit();
        }
    }

    private static String claim(String project, String task, String sha, String agent) throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            var body = "{\"project\":\"%s\",\"task\":\"%s\",\"gitSha\":\"%s\",\"agentId\":\"%s\"}"
                    .formatted(project, task, sha, agent);
            var response = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/claim"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        }
    }

    private static String gridText() {
        return browser.findElements(By.cssSelector("#activity-grid vaadin-grid-cell-content")).stream()
                .map(WebElement::getText)
                .reduce("", (a, b) -> a + " | " + b);
    }

    private static String textOf(String id) {
        var found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.getFirst().getText().strip();
    }

    private static WebDriverWait await() {
        return new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
    }

    private static void screenshot(String name) throws IOException {
        var shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
