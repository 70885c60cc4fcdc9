package dev.glimpse.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.api.ApiConfig;
import dev.glimpse.api.SearchApp;
import dev.glimpse.api.SearchService;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * The relevance cut-off on the page, in real headless Chromium over the real API: an index with a
 * known relevant set for "a red kayak" (the fixture model's random vectors give none): 400 random
 * background vectors, 12 planted close to the model's embedding of the query (strong) and 6 nearer
 * the bulk (weak). Every record is a hard link to one sample photo, so thumbnails are real. Photo i
 * was taken on day i of 2020, except every fourth, which has no EXIF date and falls back to its
 * file time (2019, hour i).
 */
class CutoffPageTest {
  private static final int BACKGROUND = 400;
  private static final int STRONG = 12;
  private static final int WEAK = 6;
  private static final Pattern PHOTO = Pattern.compile("photo-(\\d+)\\.jpg$");

  @TempDir static Path tmp;
  private static ClipModel model;
  private static LuceneVectorStore store;
  private static Javalin app;
  private static Browser browser;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    model =
        ClipModel.load(
            ClipCheckpoint.open(
                Path.of(System.getProperty("glimpse.fixtures"), "tiny-clip-hf").toAbsolutePath()));
    Path index = tmp.resolve("index");
    plant(index);
    store = LuceneVectorStore.openReadOnly(index);
    ApiConfig config = ApiConfig.forHost("127.0.0.1", Optional.empty());
    app = SearchApp.create(new SearchService(store, model, config), config).start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + app.port() + "/";
    browser = Browser.start();
  }

  private static void plant(Path index) throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Path original =
        Files.copy(
            Path.of(System.getProperty("glimpse.samples"), "plant-flower.jpg"),
            photos.resolve("original.jpg"));
    float[] q = model.encodeTexts(List.of("a red kayak"))[0];
    Random r = new Random(17);
    ModelManifest manifest =
        new ModelManifest("tiny-clip-hf", Optional.empty(), model.dimension(), "clip", "fp32");
    try (LuceneVectorStore writer = LuceneVectorStore.open(index, IndexConfig.forModel(manifest))) {
      for (int i = 0; i < BACKGROUND + STRONG + WEAK; i++) {
        double noise = i < STRONG ? 0.03 : i < STRONG + WEAK ? 0.2 : -1;
        float[] v = new float[q.length];
        double norm = 0;
        for (int d = 0; d < v.length; d++) {
          v[d] = (float) (noise < 0 ? r.nextGaussian() : q[d] + noise * r.nextGaussian());
          norm += (double) v[d] * v[d];
        }
        for (int d = 0; d < v.length; d++) {
          v[d] = (float) (v[d] / Math.sqrt(norm));
        }
        Path file = photos.resolve("photo-" + i + ".jpg");
        Files.createLink(file, original);
        ImageMetadata md =
            new ImageMetadata(
                640,
                480,
                "jpeg",
                i % 4 == 3 ? Optional.empty() : Optional.of(taken(i)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        writer.upsert(
            ImageRecord.of(
                file,
                Files.size(file),
                fileTime(i).toEpochMilli(),
                String.format(Locale.ROOT, "%064x", i),
                md),
            v);
      }
      writer.commit();
    }
  }

  private static Instant taken(int i) {
    return Instant.parse("2020-01-01T00:00:00Z").plusSeconds(86_400L * i);
  }

  private static Instant fileTime(int i) {
    return Instant.parse("2019-01-01T00:00:00Z").plusSeconds(3_600L * i);
  }

  /** The date the test planted for a result tile (EXIF, else file time). */
  private static Instant plantedDate(String path) {
    Matcher m = PHOTO.matcher(path);
    assertTrue(m.find(), path);
    int i = Integer.parseInt(m.group(1));
    return i % 4 == 3 ? fileTime(i) : taken(i);
  }

  private static int number(String path) {
    Matcher m = PHOTO.matcher(path);
    assertTrue(m.find(), path);
    return Integer.parseInt(m.group(1));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.stop();
    }
    if (store != null) {
      store.close();
    }
    if (model != null) {
      model.close();
    }
  }

  @AfterEach
  void page_ran_without_script_errors_or_csp_violations() {
    assertEquals(List.of(), browser.problems());
    browser.driver.manage().window().setSize(new Dimension(1280, 860));
  }

  private static List<String> visiblePaths() {
    List<String> out = new ArrayList<>();
    for (WebElement t : browser.findAll("#results li:not([hidden]) .tile")) {
      out.add(t.getDomAttribute("title"));
    }
    return out;
  }

  /**
   * A screenshot once every shown thumbnail has loaded: lazy ones below the fold are made eager
   * first (the screenshot waits for every image), hidden ones have no source yet.
   */
  private static void shot(String name) throws Exception {
    browser.driver.executeScript(
        "document.querySelectorAll('#results li:not([hidden]) img')"
            + ".forEach(i => { i.loading = 'eager'; })");
    try {
      browser.screenshot(name);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + " "
              + browser.driver.executeScript(
                  "return [...document.images].filter(i => i.src && !(i.complete &&"
                      + " i.naturalWidth > 0)).map(i => i.src + ' ' + i.complete + ' '"
                      + " + i.closest('li')?.hidden).join('; ')"));
    }
  }

  private static void open(String params) {
    // The planted strong vectors lie within noise 0.03 of one point, near-duplicates of each other
    // by construction: the link asks for every copy.
    browser.driver.get(base + "?q=a+red+kayak&collapse=false" + params);
    browser.awaitState("results");
  }

  @Test
  void the_summary_counts_strong_matches_and_reveals_the_weaker_ones_on_request() throws Exception {
    open("");
    browser.until("12 strong tiles", () -> visiblePaths().size() == STRONG);
    for (String p : visiblePaths()) {
      assertTrue(number(p) < STRONG, "only planted strong photos show first: " + p);
    }
    String status = browser.find("#status").getText();
    assertTrue(status.startsWith("12 strong matches for “a red kayak”"), status);
    WebElement weaker = browser.find("#toggle-weak");
    assertTrue(weaker.isDisplayed());
    Matcher m = Pattern.compile("show (\\d+) weaker").matcher(weaker.getText());
    assertTrue(m.matches(), weaker.getText());
    int weak = Integer.parseInt(m.group(1));
    assertTrue(weak >= WEAK, "the 6 planted near the bulk are weak: " + weak);
    shot("cutoff-summary-light");

    weaker.click();
    browser.until("weaker shown", () -> visiblePaths().size() == STRONG + weak);
    assertEquals("hide weaker", browser.find("#toggle-weak").getText());
    assertTrue(browser.driver.getCurrentUrl().contains("weak=1"));
    assertTrue(
        browser.findAll("#results li[data-relevance=weak] .badge").stream()
            .allMatch(b -> b.getText().equals("weak")));
    for (int i = STRONG; i < STRONG + WEAK; i++) {
      String name = "photo-" + i + ".jpg";
      assertTrue(visiblePaths().stream().anyMatch(p -> p.endsWith("/" + name)), name);
    }
    shot("cutoff-weaker-light");
    browser.find("#toggle-weak").click();
    browser.until("weaker hidden again", () -> visiblePaths().size() == STRONG);
  }

  @Test
  void a_query_nothing_matches_shows_no_good_match_and_offers_the_rest() throws Exception {
    browser.driver.get(base + "?q=zzzz+qqqq+xxxx");
    browser.awaitState("no-match");
    assertTrue(browser.find("#no-match").isDisplayed());
    assertEquals("No good match", browser.find("#no-match h1").getText());
    assertTrue(browser.find("#results").getDomAttribute("hidden") != null);
    shot("no-good-match-light");
    WebElement show = browser.find("#no-match-show");
    assertTrue(
        show.getText().matches("Show (\\d+ weaker match(es)?|the closest photos)"), show.getText());
    show.click();
    browser.awaitState("results");
    assertTrue(!visiblePaths().isEmpty());
  }

  @Test
  void the_date_toggle_orders_the_matches_newest_first() throws Exception {
    open("&weak=1");
    browser.until("strong and weak", () -> visiblePaths().size() > STRONG);
    List<String> byRelevance = visiblePaths();
    browser.find("#sort-date").click();
    browser.until(
        "sorted by date",
        () ->
            browser.driver.getCurrentUrl().contains("sort=date")
                && "results".equals(browser.state())
                && visiblePaths().size() == byRelevance.size()
                && !visiblePaths().equals(byRelevance));
    assertEquals("true", browser.find("#sort-date").getDomAttribute("aria-pressed"));
    List<String> byDate = visiblePaths();
    assertEquals(java.util.Set.copyOf(byRelevance), java.util.Set.copyOf(byDate));
    for (int i = 1; i < byDate.size(); i++) {
      assertTrue(
          !plantedDate(byDate.get(i)).isAfter(plantedDate(byDate.get(i - 1))),
          "newest first at " + i + ": " + byDate);
    }
    browser.find("#sort-relevance").click();
    browser.until("best first again", () -> visiblePaths().equals(byRelevance));
  }

  @Test
  void on_a_390_px_phone_the_summary_and_toggle_fit_without_sideways_scrolling() throws Exception {
    browser.driver.manage().window().setSize(new Dimension(390, 844));
    open("");
    browser.until("12 strong tiles", () -> visiblePaths().size() == STRONG);
    long viewport = (Long) browser.driver.executeScript("return window.innerWidth");
    long page = (Long) browser.driver.executeScript("return document.documentElement.scrollWidth");
    assertTrue(page <= viewport, "no horizontal scroll: " + page + " > " + viewport);
    for (String id : List.of("#status", "#toggle-weak", "#sort-toggle")) {
      WebElement e = browser.find(id);
      assertTrue(e.isDisplayed(), id);
      long right =
          (Long)
              browser.driver.executeScript(
                  "return Math.ceil(arguments[0].getBoundingClientRect().right)", e);
      assertTrue(right <= viewport, id + " ends at " + right + " past " + viewport);
    }
    shot("cutoff-phone-light");
    browser.find("#toggle-weak").click();
    browser.until("weaker shown", () -> visiblePaths().size() > STRONG);
  }
}
