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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What an analyst does on the dashboard, in a real browser (Debian's headless Chromium) against the local default:
 * sign in and land on the address asked for (no {@code ?continue}), hover the chart for a tooltip, follow a breakdown
 * row to a filtered view whose cards change, pick a range, switch to the dark theme (kept over a reload), use the page
 * 390 px wide with the result column on screen, and open a malformed SHA. Screenshots go to {@code target/e2e/}.
 */
class AnalystDashboardBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "e2e", "analyst");

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

        dataDir = Files.createTempDirectory("turnstile-analyst-e2e-");
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
    void an_analyst_hovers_the_chart_filters_switches_to_dark_and_reads_the_page_on_a_phone() throws Exception {
        try {
            analystSession();
        } catch (Throwable failure) {
            screenshot("failure.png");
            Files.writeString(SCREENSHOTS.resolve("failure.html"), browser.getPageSource());
            throw failure;
        }
    }

    private void analystSession() throws Exception {
        var run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        var busy = "alpha-" + run;
        var quiet = "beta-" + run;
        var sha = "3f9c2ab" + run;
        claim(busy, "deploy", sha, "agent-1");
        claim(busy, "deploy", sha, "agent-2");
        claim(busy, "deploy", sha, "agent-3");
        claim(quiet, "build", "0a1b2c3d" + run, "agent-4");

        // Signing in lands on the address asked for, lease tab included, without "?continue".
        browser.get(base + "/leases?state=expired");
        await().until(driver -> driver.getCurrentUrl().contains("/login"));
        var login = LocalDashboardLogin.loadOrCreate(dataDir);
        await().until(driver -> !driver.findElements(By.name("username")).isEmpty());
        browser.findElement(By.name("username")).sendKeys(login.user());
        browser.findElement(By.name("password")).sendKeys(login.password());
        submitLogin();
        await().until(driver -> driver.getCurrentUrl().endsWith("/leases?state=expired"));
        await().until(driver -> driver.findElement(By.id("leases-expired")).getDomAttribute("selected") != null);
        assertThat(browser.getCurrentUrl()).doesNotContain("continue");
        screenshot("leases-expired-after-sign-in.png");

        // The chart: hovering the latest point shows a tooltip with its claims and blocks.
        browser.get(base + "/");
        await().until(driver -> cardValue("total-claims").equals("4"));
        var canvas = await().until(driver -> driver.findElement(By.cssSelector("ts-timeline-chart canvas")));
        await().until(driver -> (Boolean) js("return !!window.Chart && !!Chart.getChart(arguments[0]);", canvas));
        hoverLastPoint(canvas);
        var tooltip = browser.findElement(By.cssSelector("ts-timeline-chart .ts-chart-tooltip"));
        await().until(driver -> tooltip.isDisplayed() && tooltip.getText().contains("Claims: 4"));
        assertThat(tooltip.getText()).contains("Blocked: 2 (50.0%)");
        screenshot("chart-tooltip.png");

        // A breakdown row is a link to the filtered view; the filter changes the cards and the chart, not only the
        // list, and the range is in the address too.
        browser.findElement(By.linkText(quiet)).click();
        await().until(driver -> driver.getCurrentUrl().contains("project=" + quiet));
        await().until(driver -> cardValue("total-claims").equals("1"));
        assertThat(cardValue("duplicates-blocked")).isEqualTo("0");
        assertThat(browser.findElement(By.id("timeline-chart")).getDomAttribute("aria-label"))
                .endsWith("(filtered): 1 claims, 0 blocked");
        browser.findElement(By.id("range-7d")).click();
        await().until(driver -> driver.getCurrentUrl().contains("range=7d"));
        assertThat(browser.getCurrentUrl()).contains("project=" + quiet);
        screenshot("filtered-by-breakdown-7d.png");
        browser.navigate().back();
        await().until(driver -> !driver.getCurrentUrl().contains("range=7d"));
        await().until(driver -> driver.findElement(By.id("range-24h")).getDomAttribute("selected") != null);

        // Dark theme: the toggle switches Lumo to its dark scheme, and the choice survives a reload.
        browser.get(base + "/");
        await().until(driver -> cardValue("total-claims").equals("4"));
        assertThat(js("return window.turnstileTheme.current();")).isEqualTo("light");
        browser.findElement(By.id("theme-toggle")).click();
        await().until(driver -> "dark".equals(js("return document.documentElement.getAttribute('theme');")));
        browser.navigate().refresh();
        await().until(driver -> cardValue("total-claims").equals("4"));
        assertThat(js("return document.documentElement.getAttribute('theme');")).isEqualTo("dark");
        var background = (String) js("return getComputedStyle(document.body).backgroundColor;");
        assertThat(brightness(background))
                .as("the page's background, %s", background)
                .isLessThan(100);
        hoverLastPoint(browser.findElement(By.cssSelector("ts-timeline-chart canvas")));
        screenshot("dark.png");

        // A phone held upright: the grid folds project, task, SHA and agent into one column; the result stays on
        // screen and nothing is wider than the window.
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        await().until(driver -> cardValue("total-claims").equals("4"));
        await().until(driver -> gridText().contains("Attempt") && gridText().contains(busy + " · deploy"));
        var layout = (String) js("""
                const badges = [...document.querySelectorAll('#activity-grid .ts-badge')];
                const offScreen = badges.filter(b => b.getBoundingClientRect().right > window.innerWidth
                    || b.getBoundingClientRect().width === 0).length;
                return 'width=' + window.innerWidth + ' badges=' + badges.length + ' offScreen=' + offScreen
                    + ' overflow=' + (document.documentElement.scrollWidth > window.innerWidth);
                """);
        screenshot("narrow-390.png");
        js("document.getElementById('activity-grid').scrollIntoView();");
        screenshot("narrow-390-grid.png");
        assertThat(layout).matches("width=3[89]\\d badges=4 offScreen=0 overflow=false");
        assertThat(gridText()).contains("Granted", "Blocked", sha.substring(0, 7), "agent-3");

        // A malformed SHA says what a SHA looks like.
        browser.manage().window().setSize(new Dimension(1400, 1100));
        browser.get(base + "/sha/zzzz");
        await().until(driver -> textOf("sha-problem").contains("is not a git SHA"));
        assertThat(textOf("sha-problem")).contains("hexadecimal").contains("40 characters");
        assertThat(browser.findElements(By.id("sha-summary")).stream().noneMatch(WebElement::isDisplayed))
                .isTrue();
        screenshot("not-a-sha.png");
    }

    /** Moves the mouse over the chart's latest point (the bucket holding now). */
    private static void hoverLastPoint(WebElement canvas) {
        @SuppressWarnings("unchecked")
        var point = (List<Number>) js("""
                const chart = Chart.getChart(arguments[0]);
                const points = chart.getDatasetMeta(0).data;
                const last = points[points.length - 1];
                const box = arguments[0].getBoundingClientRect();
                return [last.x - box.width / 2, last.y - box.height / 2];
                """, canvas);
        new Actions(browser)
                .moveToElement(canvas, point.get(0).intValue() - 2, point.get(1).intValue())
                .perform();
    }

    /** Perceived brightness (0-255) of a computed colour such as {@code rgb(35, 51, 72)}. */
    private static double brightness(String rgb) {
        var parts = rgb.replaceAll("[^0-9.,]", "").split(",");
        return 0.299 * Double.parseDouble(parts[0])
                + 0.587 * Double.parseDouble(parts[1])
                + 0.114 * Double.parseDouble(parts[2]);
    }

    private static Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(script, arguments);
    }

    private static void submitLogin() {
        List<WebElement> buttons = browser.findElements(By.cssSelector("vaadin-login-form vaadin-button"));
        if (!buttons.isEmpty()) {
            buttons.getFirst().click();
        } else {
            browser.findElement(By.name("password")).submit();
        }
    }

    private static void claim(String project, String task, String sha, String agent) throws Exception {
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
        }
    }

    private static String gridText() {
        return browser.findElements(By.cssSelector("#activity-grid vaadin-grid-cell-content")).stream()
                .map(WebElement::getText)
                .reduce("", (a, b) -> a + " | " + b);
    }

    /** The number on a stat card. */
    private static String cardValue(String id) {
        var found = browser.findElements(By.cssSelector("#stat-" + id + " .ts-card-number"));
        return found.isEmpty() ? "" : found.getFirst().getText().strip();
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
