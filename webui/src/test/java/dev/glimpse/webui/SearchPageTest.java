package dev.glimpse.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.api.ApiConfig;
import dev.glimpse.api.SearchApp;
import dev.glimpse.api.SearchService;
import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The search page in real headless Chromium, against the real API over a real index: the tiny
 * fixture model and sample photos indexed into two folders. Screenshots go to target/screenshots.
 */
class SearchPageTest {
  private static final List<String> ANIMALS =
      List.of(
          "animal-cat-chelsea.png",
          "animal-cat-eating.jpg",
          "animal-honey-bee-on-aster.jpg",
          "animal-two-cats.jpg",
          "animal-seagull-over-beach.jpg");
  private static final List<String> CITY =
      List.of(
          "city-bridge-at-night.jpg",
          "city-pagoda-china.jpg",
          "city-street-traffic.jpg",
          "food-pizza.jpg",
          "vehicle-motorcycle.jpg",
          "plant-flower.jpg");

  @TempDir static Path tmp;
  private static ClipModel model;
  private static LuceneVectorStore store;
  private static Javalin app;
  private static Browser browser;
  private static String base;
  private static Path city;

  @BeforeAll
  static void start() throws Exception {
    model = ClipModel.load(ClipCheckpoint.open(path("glimpse.fixtures", "tiny-clip-hf")));
    Path animals = copy(tmp.resolve("photos/animals"), ANIMALS);
    city = copy(tmp.resolve("photos/city"), CITY);
    Path index = tmp.resolve("index");
    ModelManifest manifest =
        new ModelManifest("tiny-clip-hf", Optional.empty(), model.dimension(), "clip", "fp32");
    try (LuceneVectorStore writer = LuceneVectorStore.open(index, IndexConfig.forModel(manifest))) {
      new ImageIndexer(
              ImageEncoder.of(model),
              writer,
              IndexingOptions.defaults(List.of(animals, city)),
              new ImageDecoder(),
              Set.of(index),
              IndexingListener.NONE)
          .run();
    }
    store = LuceneVectorStore.openReadOnly(index);
    ApiConfig config = ApiConfig.forHost("127.0.0.1", Optional.empty());
    app = SearchApp.create(new SearchService(store, model, config), config).start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + app.port() + "/";
    browser = Browser.start();
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
    // The server sends a strict CSP (no inline code, same-origin only): the page must live with it.
    assertEquals(List.of(), browser.problems());
  }

  private static Path path(String property, String name) {
    return Path.of(System.getProperty(property), name).toAbsolutePath().normalize();
  }

  private static Path copy(Path folder, List<String> names) throws Exception {
    Files.createDirectories(folder);
    for (String n : names) {
      Files.copy(path("glimpse.samples", n), folder.resolve(n));
    }
    return folder;
  }

  /**
   * Opens the page fresh and types a query into the search box. The fixture model's vectors are
   * random, so nothing stands out from the 11 photos: these tests ask for every photo (cutoff=none,
   * which the page keeps while one types); the cut-off itself is tested in {@link CutoffPageTest}.
   */
  private static void search(String query) {
    browser.driver.get(base + "?cutoff=none");
    browser.awaitState("empty");
    browser.find("#q").sendKeys(query);
    browser.awaitState("results");
  }

  private static List<WebElement> tiles() {
    return browser.findAll("#results .tile");
  }

  /** The indexed paths of the result tiles, in order. */
  private static List<String> resultPaths() {
    return tiles().stream().map(t -> t.getDomAttribute("title")).toList();
  }

  private static void bothThemes(String name) throws Exception {
    browser.screenshot(name + "-light");
    try {
      browser.colorScheme("dark");
      browser.screenshot(name + "-dark");
    } finally {
      browser.colorScheme("light");
    }
  }

  @Test
  void empty_page_shows_how_many_photos_are_indexed() throws Exception {
    browser.driver.get(base);
    browser.awaitState("empty");
    browser.until(
        "stats", () -> browser.find("#empty-text").getText().contains("11 photos indexed"));
    assertEquals(browser.find("#q"), browser.driver.switchTo().activeElement());
    bothThemes("empty");
  }

  @Test
  void an_exclusion_in_the_box_shows_a_chip_removes_its_photos_and_the_chip_undoes_it()
      throws Exception {
    search("cat -eating");
    browser.until(
        "one exclusion chip", () -> browser.findAll("#exclusions .exclusion-chip").size() == 1);
    WebElement chip = browser.find("#exclusions .exclusion-chip");
    assertEquals("without eating", chip.findElement(By.cssSelector("span")).getText());
    browser.until(
        "excluded in the status", () -> browser.find("#status").getText().contains("excluded"));
    assertTrue(
        resultPaths().stream().noneMatch(p -> p.endsWith("animal-cat-eating.jpg")),
        resultPaths().toString());
    browser.driver.manage().window().setSize(new Dimension(390, 860));
    try {
      browser.screenshot("exclusion-chip-narrow-light");
    } finally {
      browser.driver.manage().window().setSize(new Dimension(1280, 860));
    }
    chip.findElement(By.cssSelector("button")).click();
    browser.until(
        "the excluded photo is back",
        () -> resultPaths().stream().anyMatch(p -> p.endsWith("animal-cat-eating.jpg")));
    assertEquals("cat", browser.find("#q").getDomProperty("value"));
    assertTrue(browser.findAll("#exclusions .exclusion-chip").isEmpty());
  }

  @Test
  void typing_a_query_shows_scored_thumbnails() throws Exception {
    search("a cat on a sofa");
    browser.until("all 11 results", () -> tiles().size() == 11);
    for (WebElement tile : tiles()) {
      assertTrue(tile.findElement(By.cssSelector(".score")).getText().matches("-?\\d\\.\\d{3}"));
    }
    browser.until(
        "thumbnails decoded",
        () ->
            (Boolean)
                browser.driver.executeScript(
                    "return [...document.querySelectorAll('#results img')]"
                        + ".every(i => i.complete && i.naturalWidth > 0)"));
    assertTrue(browser.find("#status").getText().contains("11 photos for “a cat on a sofa”"));
    bothThemes("results");
    browser.driver.manage().window().setSize(new Dimension(420, 860));
    try {
      browser.screenshot("results-narrow-light");
    } finally {
      browser.driver.manage().window().setSize(new Dimension(1280, 860));
    }
  }

  @Test
  void keyboard_opens_the_lightbox_and_more_like_this_changes_the_results() throws Exception {
    browser.driver.get(base + "?cutoff=none");
    browser.awaitState("empty");
    browser.find("body").sendKeys("/");
    WebElement q = browser.driver.switchTo().activeElement();
    assertEquals("q", q.getDomAttribute("id"));
    q.sendKeys("a bridge at night");
    browser.awaitState("results");
    List<String> before = resultPaths();

    q.sendKeys(Keys.ARROW_DOWN); // into the grid
    browser.driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
    browser.driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
    WebElement third = browser.driver.switchTo().activeElement();
    assertEquals(before.get(2), third.getDomAttribute("title"));
    third.sendKeys(Keys.ENTER);
    browser.until("lightbox open", () -> browser.find("#lightbox").isDisplayed());
    assertEquals(before.get(2), browser.find("#lb-path").getText());
    assertTrue(browser.find("#lb-size").getText().matches("\\d+ × \\d+ px"));

    browser.find("#lightbox").sendKeys(Keys.ARROW_RIGHT);
    browser.until("next photo", () -> browser.find("#lb-path").getText().equals(before.get(3)));
    browser.find("#lightbox").sendKeys(Keys.ARROW_LEFT);
    browser.until("previous photo", () -> browser.find("#lb-path").getText().equals(before.get(2)));
    bothThemes("lightbox");

    browser.find("#lb-more").click();
    browser.until("lightbox closed", () -> !browser.find("#lightbox").isDisplayed());
    browser.until(
        "similar results", () -> !resultPaths().isEmpty() && !resultPaths().equals(before));
    // More like this never shows the photo it started from.
    assertTrue(!resultPaths().contains(before.get(2)), resultPaths().toString());
    assertTrue(browser.driver.getCurrentUrl().contains("similar="));
    assertTrue(browser.find("#image-query").isDisplayed());
    browser.screenshot("more-like-this-light");
  }

  @Test
  void uploading_an_image_finds_it_first() throws Exception {
    browser.driver.get(base + "?cutoff=none");
    browser.awaitState("empty");
    Path bee = path("glimpse.samples", "animal-honey-bee-on-aster.jpg");
    browser.find("#file").sendKeys(bee.toString());
    browser.awaitState("results");
    assertTrue(resultPaths().get(0).endsWith("/animals/animal-honey-bee-on-aster.jpg"));
    String score = tiles().get(0).findElement(By.cssSelector(".score")).getText();
    // The upload is decoded and preprocessed like the indexed copy; allow resampling differences.
    assertTrue(Float.parseFloat(score) > 0.98f, score);
    assertEquals("animal-honey-bee-on-aster.jpg", browser.find("#image-query-label").getText());
    browser.screenshot("image-search-light");
  }

  @Test
  void folder_filter_shows_only_that_folder_and_the_url_restores_it() throws Exception {
    search("a photo");
    browser.until("all results", () -> tiles().size() == 11);
    browser.find("#filters-summary").click(); // the filters are folded away until asked for
    browser.find("#folder").sendKeys(city.toString());
    browser.until(
        "only city results",
        () ->
            resultPaths().size() == CITY.size()
                && resultPaths().stream().allMatch(p -> p.startsWith(city + "/")));
    String url = browser.driver.getCurrentUrl();
    assertTrue(url.contains("q=a+photo"), url);
    assertTrue(url.contains("folder="), url);

    browser.driver.navigate().refresh();
    browser.awaitState("results");
    assertEquals("a photo", browser.find("#q").getDomProperty("value"));
    assertEquals(city.toString(), browser.find("#folder").getDomProperty("value"));
    browser.until("restored results", () -> resultPaths().size() == CITY.size());
    assertNotEquals(0, resultPaths().size());
  }

  @Test
  void infinite_scroll_pages_with_offset_until_there_are_no_more() {
    browser.driver.get(base + "?q=a+photo&k=4&cutoff=none");
    browser.awaitState("results");
    // The page is short, so the sentinel stays in view and each page asks for the next one.
    browser.until("all pages", () -> tiles().size() == 11);
    assertEquals(11, Set.copyOf(resultPaths()).size(), "no result twice");
    assertTrue(browser.find("#more-spinner").getDomAttribute("hidden") != null);
    assertTrue(browser.find("#status").getText().startsWith("11 photos"));
  }

  @Test
  void a_required_api_key_is_asked_for_and_sent_with_every_request() throws Exception {
    String key = "browser-test-key-0123456789";
    ApiConfig keyed = ApiConfig.forHost("127.0.0.1", Optional.empty()).withRequiredKey(key);
    Javalin locked =
        SearchApp.create(new SearchService(store, model, keyed), keyed).start("127.0.0.1", 0);
    try {
      browser.driver.get("http://127.0.0.1:" + locked.port() + "/?q=a+cat&cutoff=none");
      browser.until("key prompt", () -> browser.find("#key-dialog").isDisplayed());
      browser.find("#key-input").sendKeys(key, Keys.ENTER);
      browser.awaitState("results");
      // Image requests need the header too, so thumbnails arrive as blobs fetched with it.
      browser.until(
          "thumbnails fetched with the key",
          () ->
              (Boolean)
                  browser.driver.executeScript(
                      "const imgs = [...document.querySelectorAll('#results img')];"
                          + "return imgs.length === 11 && imgs.every(i => i.src.startsWith('blob:')"
                          + " && i.complete && i.naturalWidth > 0)"));
      assertEquals(
          key, browser.driver.executeScript("return sessionStorage.getItem('glimpse.apiKey')"));
    } finally {
      locked.stop();
    }
  }

  @Test
  void with_an_api_key_open_original_fetches_the_file_with_the_key() throws Exception {
    String key = "browser-test-key-original";
    ApiConfig keyed = ApiConfig.forHost("127.0.0.1", Optional.empty()).withRequiredKey(key);
    Javalin locked =
        SearchApp.create(new SearchService(store, model, keyed), keyed).start("127.0.0.1", 0);
    String page = browser.driver.getWindowHandle();
    try {
      browser.driver.get("http://127.0.0.1:" + locked.port() + "/?q=a+cat&cutoff=none");
      browser.until("key prompt", () -> browser.find("#key-dialog").isDisplayed());
      browser.find("#key-input").sendKeys(key, Keys.ENTER);
      browser.awaitState("results");
      tiles().get(0).click();
      browser.until("lightbox open", () -> browser.find("#lightbox").isDisplayed());
      Path original = Path.of(browser.find("#lb-path").getText());
      String href = browser.find("#lb-open").getDomProperty("href");
      // The link alone cannot carry the key: a plain request for it is refused.
      HttpResponse<Void> plain =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create(href)).build(), BodyHandlers.discarding());
      assertEquals(401, plain.statusCode());

      browser.find("#lb-open").click();
      browser.until("a second tab", () -> browser.driver.getWindowHandles().size() == 2);
      String tab =
          browser.driver.getWindowHandles().stream()
              .filter(h -> !h.equals(page))
              .findFirst()
              .orElseThrow();
      browser.driver.switchTo().window(tab);
      browser.until(
          "the original as a blob", () -> browser.driver.getCurrentUrl().startsWith("blob:"));
      // The tab shows the original itself (not the page's thumbnail): its pixel size, in either
      // orientation, since browsers apply EXIF orientation.
      browser.until(
          "the original decoded",
          () ->
              (Boolean)
                  browser.driver.executeScript(
                      "const i = document.images[0]; return !!i && i.complete && i.naturalWidth > 0"));
      var shown =
          (List<?>)
              browser.driver.executeScript(
                  "const i = document.images[0]; return [i.naturalWidth, i.naturalHeight]");
      java.awt.image.BufferedImage file = javax.imageio.ImageIO.read(original.toFile());
      List<Long> expected =
          java.util.stream.Stream.of((long) file.getWidth(), (long) file.getHeight())
              .sorted()
              .toList();
      List<Long> actual = shown.stream().map(n -> ((Number) n).longValue()).sorted().toList();
      assertEquals(expected, actual);
      browser.driver.close();
    } finally {
      browser.driver.switchTo().window(page);
      locked.stop();
    }
  }

  @Test
  void an_api_error_is_shown_with_its_message() throws Exception {
    browser.driver.get(base + "?q=" + "x".repeat(1001));
    browser.awaitState("error");
    String message = browser.find("#error-text").getText();
    assertTrue(message.contains("1000"), message);
    browser.screenshot("error-light");
  }
}
