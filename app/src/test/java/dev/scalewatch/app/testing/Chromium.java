package dev.scalewatch.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver, both named by path
 * so that Selenium Manager downloads nothing; a fresh profile per browser, deleted on close.
 * Screenshots go to {@code target/screenshots/}. Not thread-safe.
 */
public final class Chromium implements AutoCloseable {

  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final Path profile;
  private final ChromeDriver driver;

  private Chromium(Path profile, ChromeDriver driver) {
    this.profile = profile;
    this.driver = driver;
  }

  /**
   * Starts a browser with a window of {@code width} x {@code height} CSS pixels.
   *
   * @throws IllegalStateException if Chromium or chromedriver is not installed (apt-get install
   *     chromium chromium-driver)
   */
  public static Chromium start(int width, int height) throws IOException {
    for (Path file : new Path[] {BROWSER, DRIVER}) {
      if (!Files.isExecutable(file)) {
        throw new IllegalStateException(
            file + " is missing: install it with apt-get install -y chromium chromium-driver");
      }
    }
    Path profile = Files.createTempDirectory("scalewatch-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    return new Chromium(profile, driver);
  }

  public WebDriver driver() {
    return driver;
  }

  /** Runs {@code script} (its {@code return} value comes back as Selenium converts it). */
  public Object eval(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  /**
   * Waits until {@code condition} returns something other than null or false; on timeout the error
   * names what the dashboard page reported ({@code window.scalewatch.errors}).
   */
  public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, timeout, Duration.ofMillis(20)).until(condition);
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "waited "
              + timeout
              + " on "
              + driver.getCurrentUrl()
              + "; page errors: "
              + eval(
                  "return window.scalewatch ? JSON.stringify(window.scalewatch.errors) : 'none'"),
          e);
    }
  }

  /** Writes a PNG of the window to {@code target/screenshots/name.png} and returns its path. */
  public Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
