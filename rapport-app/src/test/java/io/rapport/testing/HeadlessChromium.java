package io.rapport.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by its own chromedriver: a real browser for console tests. Nothing is
 * downloaded — the driver path is given, so Selenium Manager never runs — and each browser gets a fresh profile.
 * Starting Chromium takes seconds, so a test class shares one and calls {@link #forget()} between tests.
 */
public final class HeadlessChromium implements AutoCloseable {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String MISSING = "Chromium is not installed: the console tests need " + BROWSER + " and " + DRIVER
            + " (Debian: apt-get install -y chromium chromium-driver)";
    /** Generous, because a CI machine may be slow; a wait ends as soon as its condition holds. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final ChromeDriver driver;
    private final Path profile;
    private String base = "http://localhost";

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static HeadlessChromium start() {
        if (!ChromiumAvailable.installed()) {
            throw new IllegalStateException(MISSING);
        }
        System.setProperty("SE_AVOID_STATS", "true");
        Path profile;
        try {
            profile = Files.createTempDirectory("rapport-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        return new HeadlessChromium(driver, profile);
    }

    /** Points relative paths at the server on this port, as a visitor who never came before: no cookies, no logs. */
    public HeadlessChromium forget(int port) {
        base = "http://localhost:" + port;
        driver.manage().deleteAllCookies();
        consoleMessages();
        return this;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a server path such as {@code /customers?q=li}. */
    public HeadlessChromium open(String path) {
        driver.get(base + path);
        return this;
    }

    public String path() {
        URI uri = URI.create(driver.getCurrentUrl());
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public boolean has(String css) {
        return !findAll(css).isEmpty();
    }

    /**
     * Waits until the condition holds (an explicit wait: it polls, it never sleeps for a fixed time). An element that
     * htmx swapped out while the condition was looking at it just means "look again".
     */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, PATIENCE).ignoring(StaleElementReferenceException.class).until(condition);
    }

    public WebElement awaitVisible(String css) {
        return await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    public void awaitText(String css, String text) {
        await(ExpectedConditions.textToBe(By.cssSelector(css), text));
    }

    /** Signs in through the login form. */
    public HeadlessChromium signIn(String user, String password) {
        open("/login");
        find("#username").sendKeys(user);
        find("#password").sendKeys(password);
        find("#sign-in").click();
        await(d -> !path().startsWith("/login"));
        return this;
    }

    public Object script(String javascript, Object... args) {
        return driver.executeScript(javascript, args);
    }

    /** Runs a script that reports its result through the callback passed as its last argument. */
    public Object asyncScript(String javascript, Object... args) {
        return driver.executeAsyncScript(javascript, args);
    }

    /** A GET with this browser's cookies (its session): for downloads, which a headless browser saves silently. */
    public HttpResponse<String> fetch(String path) {
        String cookies = driver.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    /** What the page wrote to the browser console so far (errors, CSP violations), then forgotten. */
    public List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory; the OS cleans it up eventually
            }
        }
    }
}
