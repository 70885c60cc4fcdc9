package dev.glimpse.webui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver. Missing binaries fail the tests: a
 * browser test that skips itself proves nothing.
 */
final class Browser implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** Records script errors and Content-Security-Policy violations from the first line on. */
  private static final String RECORD_PROBLEMS =
      """
      window.__problems = [];
      addEventListener('error', e => __problems.push('error: ' + e.message));
      addEventListener('unhandledrejection', e => __problems.push('rejection: ' + e.reason));
      document.addEventListener('securitypolicyviolation',
          e => __problems.push('CSP: ' + e.violatedDirective + ' ' + e.blockedURI));
      """;

  final ChromeDriver driver;
  private final Path profile;
  private final Path screenshots;

  private Browser(ChromeDriver driver, Path profile, Path screenshots) {
    this.driver = driver;
    this.profile = profile;
    this.screenshots = screenshots;
  }

  static Browser start() throws IOException {
    Path chromium = executable("CHROMIUM", "/usr/bin/chromium");
    Path chromedriver = executable("CHROMEDRIVER", "/usr/bin/chromedriver");
    Path profile = Files.createTempDirectory("glimpse-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1280, 860));
    driver.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_PROBLEMS));
    Path screenshots =
        Files.createDirectories(
            Path.of(System.getProperty("glimpse.screenshots", "target/screenshots")));
    return new Browser(driver, profile, screenshots);
  }

  private static Path executable(String env, String fallback) {
    Path p = Path.of(System.getenv().getOrDefault(env, fallback));
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(
          p
              + " not found: the browser tests need Debian's chromium and chromedriver"
              + " (apt-get install chromium chromium-driver), or set "
              + env);
    }
    return p;
  }

  /** Emulates {@code prefers-color-scheme}, as the system theme would set it. */
  void colorScheme(String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  Path screenshot(String name) throws IOException {
    // Let thumbnails fade in and the layout settle before the picture.
    until(
        "images loaded",
        () ->
            (Boolean)
                driver.executeScript(
                    "return [...document.images].every(i => !i.src || (i.complete && i.naturalWidth > 0))"));
    sleep(400);
    Path file = screenshots.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Script errors and CSP violations on the current page. */
  List<?> problems() {
    if (driver.executeScript("return window.__problems") instanceof List<?> list) {
      return list;
    }
    throw new IllegalStateException(
        "the problem recorder is not installed on " + driver.getCurrentUrl());
  }

  /** The page's state: empty, loading, results, no-results or error. */
  String state() {
    return find("body").getDomAttribute("data-state");
  }

  void awaitState(String expected) {
    until("page state " + expected + " (is " + state() + ")", () -> expected.equals(state()));
  }

  void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // Elements come and go while the page renders; try again.
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out waiting for " + what + " at " + driver.getCurrentUrl() + "; " + problems());
      }
      sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
