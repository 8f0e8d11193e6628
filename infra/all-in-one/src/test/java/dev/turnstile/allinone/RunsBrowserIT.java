package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.core.type.TypeReference;

/**
 * The Runs page in a real browser (Debian's headless Chromium) against the all-in-one, with this test acting as the
 * worker over HTTP: a job moves waiting → active (its progress bar moved by heartbeats) → succeeded without a reload;
 * an operator cancels an active job, confirming it in a dialog, and the worker's next heartbeat is refused with
 * {@code cancelled}; an analyst sees no operator buttons. Screenshots go to {@code target/e2e/runs/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunsBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "e2e", "runs");
    private static final String OPERATOR = "ops";
    private static final String ANALYST = "viewer";
    private static final String PASSWORD = "runs-" + UUID.randomUUID();

    private static Path dataDir;
    private static TurnstileLauncher launcher;
    private static ChromeDriver browser;
    private static String base;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final String queue = "e2e-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startEverything() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("CI must run the browser test: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(installed, "Chromium is not installed (apt-get install chromium chromium-driver)");

        dataDir = Files.createTempDirectory("turnstile-runs-e2e-");
        var hash = "{bcrypt}" + new BCryptPasswordEncoder(4).encode(PASSWORD);
        launcher = new TurnstileLauncher();
        int exit = new picocli.CommandLine(launcher)
                .execute(
                        "--http-port=0",
                        "--kafka-port=0",
                        "--controller-port=0",
                        "--data-dir=" + dataDir,
                        "--turnstile.dashboard.users." + OPERATOR + ".password=" + hash,
                        "--turnstile.dashboard.users." + OPERATOR + ".roles=OPERATOR",
                        "--turnstile.dashboard.users." + ANALYST + ".password=" + hash);
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
                "--window-size=1400,1300");
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
    @Order(1)
    void a_job_moves_waiting_to_active_with_its_progress_bar_moving_to_succeeded_without_a_reload() throws Exception {
        recordingFailures("lifecycle", () -> {
            signIn(OPERATOR);
            var job = enqueue("report-1");
            browser.get(base + "/runs?queue=" + queue);
            await().until(driver -> count("waiting").equals("1"));
            screenshot("01-runs-waiting.png");

            browser.get(base + "/runs/job?id=" + URLEncoder.encode(job, StandardCharsets.UTF_8));
            await().until(driver -> state().equals("waiting"));
            markPage();

            var claimed = claimNext("worker-1");
            assertThat(claimed).containsEntry("id", job);
            var token = claimed.get("fencingToken");
            await().until(driver -> state().equals("active"));
            screenshot("02-job-active.png");

            heartbeat(job, "worker-1", token, 25, "rendering page 1 of 4");
            await().until(driver -> progress().equals("25"));
            await().until(driver -> textOf("job-progress-label").equals("25% — rendering page 1 of 4"));
            screenshot("03-job-progress-25.png");

            heartbeat(job, "worker-1", token, 70, "rendering page 3 of 4");
            await().until(driver -> progress().equals("70"));
            screenshot("04-job-progress-70.png");

            var completed = post(
                    "/api/jobs/" + job + "/complete",
                    "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"result\":{\"pages\":4}}");
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
            await().until(driver -> state().equals("succeeded") && progress().equals("100"));
            assertThat(pageWasNotReloaded()).as("the job page was not reloaded").isTrue();
            await().until(driver -> List.of("JobEnqueued", "JobClaimed", "JobSucceeded").stream()
                    .allMatch(gridText("job-timeline")::contains));
            screenshot("05-job-succeeded.png");

            browser.get(base + "/runs?queue=" + queue);
            await().until(driver ->
                    count("succeeded").equals("1") && count("waiting").equals("0"));
            screenshot("06-runs-succeeded.png");
        });
    }

    @Test
    @Order(2)
    void an_operator_cancels_an_active_job_after_confirming_and_the_workers_next_heartbeat_gets_409_cancelled()
            throws Exception {
        recordingFailures("cancel", () -> {
            signIn(OPERATOR);
            var job = enqueue("report-2");
            var claimed = claimNext("worker-2");
            assertThat(claimed).containsEntry("id", job);
            var token = claimed.get("fencingToken");
            heartbeat(job, "worker-2", token, 10, "starting");

            browser.get(base + "/runs/job?id=" + URLEncoder.encode(job, StandardCharsets.UTF_8));
            await().until(driver -> state().equals("active") && present("job-cancel"));
            markPage();
            browser.findElement(By.id("job-cancel")).click();
            await().until(driver -> present("confirm-action"));
            screenshot("07-cancel-confirm.png");
            browser.findElement(By.id("confirm-action")).click();

            await().until(driver -> state().equals("cancelled"));
            assertThat(pageWasNotReloaded()).isTrue();
            assertThat(present("job-cancel"))
                    .as("a cancelled job offers no cancel")
                    .isFalse();
            screenshot("08-job-cancelled.png");

            var refused = post(
                    "/api/jobs/" + job + "/heartbeat",
                    "{\"workerId\":\"worker-2\",\"fencingToken\":" + token + ",\"progress\":20}");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(json(refused.body()))
                    .containsEntry("reason", "cancelled")
                    .containsEntry("state", "cancelled");
            System.out.println("runs: the cancelled worker's heartbeat was answered " + refused.statusCode() + " "
                    + refused.body());
        });
    }

    @Test
    @Order(3)
    void an_analyst_sees_the_runs_but_no_operator_buttons() throws Exception {
        recordingFailures("analyst", () -> {
            var job = enqueue("report-3");
            claimNext("worker-3");
            signIn(ANALYST);

            browser.get(base + "/runs?queue=" + queue);
            await().until(driver -> count("active").equals("1"));
            assertThat(browser.findElements(By.cssSelector("#lanes vaadin-button")))
                    .isEmpty();
            screenshot("09-analyst-runs.png");

            browser.get(base + "/runs/job?id=" + URLEncoder.encode(job, StandardCharsets.UTF_8));
            await().until(driver -> state().equals("active"));
            assertThat(present("job-cancel")).isFalse();
            assertThat(present("job-retry")).isFalse();
            assertThat(browser.findElements(By.cssSelector("#job-actions vaadin-button")))
                    .isEmpty();
            screenshot("10-analyst-job.png");
        });
    }

    // ------------------------------------------------------------------ the browser

    @FunctionalInterface
    private interface Steps {
        void run() throws Exception;
    }

    private static void recordingFailures(String name, Steps steps) throws Exception {
        try {
            steps.run();
        } catch (Throwable failure) {
            screenshot("failure-" + name + ".png");
            Files.writeString(SCREENSHOTS.resolve("failure-" + name + ".html"), browser.getPageSource());
            throw failure;
        }
    }

    private static void signIn(String user) {
        browser.manage().deleteAllCookies();
        browser.get(base + "/login");
        await().until(driver -> !driver.findElements(By.name("username")).isEmpty());
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(PASSWORD);
        List<WebElement> buttons = browser.findElements(By.cssSelector("vaadin-login-form vaadin-button"));
        if (!buttons.isEmpty()) {
            buttons.getFirst().click();
        } else {
            browser.findElement(By.name("password")).submit();
        }
        await().until(driver -> textOf("signed-in-user").equals(user));
    }

    /** Notes the page in the window, so that a reload (which forgets it) can be told. */
    private static void markPage() {
        ((JavascriptExecutor) browser).executeScript("window.turnstileRunsMarker = 'still-here';");
    }

    private static boolean pageWasNotReloaded() {
        return "still-here".equals(((JavascriptExecutor) browser).executeScript("return window.turnstileRunsMarker;"));
    }

    /** The count of jobs in {@code state} on the queue's lane ("" while the lane is not shown). */
    private static String count(String state) {
        var found = browser.findElements(By.id("lane-" + queue + "-" + state));
        return found.isEmpty() ? "" : String.valueOf(found.getFirst().getAttribute("data-count"));
    }

    /** The job page's state badge. */
    private static String state() {
        var found = browser.findElements(By.cssSelector("#job-state [data-state]"));
        return found.isEmpty() ? "" : String.valueOf(found.getFirst().getAttribute("data-state"));
    }

    /** The job page's progress bar, as the page set it. */
    private static String progress() {
        var found = browser.findElements(By.id("job-progress"));
        return found.isEmpty() ? "" : String.valueOf(found.getFirst().getAttribute("data-progress"));
    }

    private static boolean present(String id) {
        return !browser.findElements(By.id(id)).isEmpty();
    }

    private static String textOf(String id) {
        var found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.getFirst().getText().strip();
    }

    private static String gridText(String id) {
        return browser.findElements(By.cssSelector("#" + id + " vaadin-grid-cell-content")).stream()
                .map(WebElement::getText)
                .reduce("", (a, b) -> a + " | " + b);
    }

    /** Waits for the page; an element replaced by a live refresh while it was read is read again. */
    private static WebDriverWait await() {
        var wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static void screenshot(String name) throws IOException {
        var shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    // ------------------------------------------------------------------ the worker, over HTTP

    /** Enqueues a job as a client would; its id ({@code <queue>:<jobId>}). */
    private static String enqueue(String jobId) throws Exception {
        var answer = post(
                "/api/queues/" + queue + "/jobs",
                "{\"jobId\":\"" + jobId + "\",\"name\":\"render-report\",\"payload\":{\"pages\":4}}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        return (String) json(answer.body()).get("id");
    }

    private static Map<String, Object> claimNext(String worker) throws Exception {
        var answer =
                post("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"" + worker + "\",\"waitSeconds\":5}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json(answer.body());
    }

    private static void heartbeat(String job, String worker, Object token, int progress, String message)
            throws Exception {
        var answer = post(
                "/api/jobs/" + job + "/heartbeat",
                "{\"workerId\":\"" + worker + "\",\"fencingToken\":" + token + ",\"progress\":" + progress
                        + ",\"message\":\"" + message + "\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> json(String body) {
        return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
    }
}
