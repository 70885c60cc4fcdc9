package dev.glimpse.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * Collapsible metadata filters on a 390 px wide phone viewport and expandable duplicates, in real
 * headless Chromium over the real API and index: sample photos, a half-size copy of one, and a
 * photo with camera EXIF (core's test image).
 */
class FiltersPageTest {
  @TempDir static Path tmp;
  private static ClipModel model;
  private static LuceneVectorStore store;
  private static Javalin app;
  private static Browser browser;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    model = ClipModel.load(ClipCheckpoint.open(path("glimpse.fixtures", "tiny-clip-hf")));
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    for (String n :
        List.of(
            "food-pizza.jpg", "plant-flower.jpg", "animal-two-cats.jpg", "city-pagoda-china.jpg")) {
      Files.copy(path("glimpse.samples", n), photos.resolve(n));
    }
    Files.copy(
        Path.of("..", "core", "src", "test", "resources", "images", "fujifilm-finepixs2pro.jpg"),
        photos.resolve("fujifilm-finepixs2pro.jpg"));
    BufferedImage pizza = ImageIO.read(photos.resolve("food-pizza.jpg").toFile());
    BufferedImage half =
        new BufferedImage(pizza.getWidth() / 2, pizza.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = half.createGraphics();
    g.drawImage(pizza, 0, 0, half.getWidth(), half.getHeight(), null);
    g.dispose();
    ImageIO.write(half, "jpeg", photos.resolve("pizza-half.jpg").toFile());
    Path index = tmp.resolve("index");
    ModelManifest manifest =
        new ModelManifest("tiny-clip-hf", Optional.empty(), model.dimension(), "clip", "fp32");
    try (LuceneVectorStore writer = LuceneVectorStore.open(index, IndexConfig.forModel(manifest))) {
      new ImageIndexer(
              ImageEncoder.of(model),
              writer,
              IndexingOptions.defaults(List.of(photos)),
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
    browser.driver.manage().window().setSize(new Dimension(390, 844));
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
  }

  private static Path path(String property, String name) {
    return Path.of(System.getProperty(property), name).toAbsolutePath().normalize();
  }

  private static List<WebElement> tiles() {
    return browser.findAll("#results .tile");
  }

  private static long headerHeight() {
    return (Long)
        browser.driver.executeScript(
            "return Math.round(document.querySelector('header.top').getBoundingClientRect().height)");
  }

  @Test
  void filters_stay_folded_on_a_phone_and_the_camera_filter_narrows_the_results() throws Exception {
    browser.driver.get(base);
    browser.awaitState("empty");
    assertFalse(browser.find("#camera").isDisplayed(), "filters start folded");
    long folded = headerHeight();
    browser.find("#q").sendKeys("a photo");
    browser.awaitState("results");
    browser.until("5 results (the pizza copy collapsed)", () -> tiles().size() == 5);
    browser.find("#filters-summary").click();
    browser.until("filters open", () -> browser.find("#camera").isDisplayed());
    long open = headerHeight();
    // Folded, the header is the search box and one "Filters" line; open, seven filters wrap.
    assertTrue(
        folded <= 150 && open >= folded + 100,
        "header " + folded + " px folded, " + open + " px open");
    browser.screenshot("filters-open-390");
    browser.find("#camera").sendKeys("fujifilm");
    browser.until("only the fujifilm photo", () -> tiles().size() == 1);
    assertTrue(
        tiles().get(0).getDomAttribute("title").endsWith("fujifilm-finepixs2pro.jpg"),
        tiles().get(0).getDomAttribute("title"));
    assertTrue(browser.driver.getCurrentUrl().contains("camera=fujifilm"));
    assertEquals("· 1", browser.find("#filter-count").getText());
    long width = (Long) browser.driver.executeScript("return document.documentElement.scrollWidth");
    assertTrue(width <= 390, "no sideways scrolling: page is " + width + " px wide");
    browser.find("#clear-filters").click();
    browser.until("all results again", () -> tiles().size() == 5);
  }

  @Test
  void collapsed_duplicates_expand_to_their_thumbnails() throws Exception {
    browser.driver.get(base + "?q=pizza");
    browser.awaitState("results");
    browser.until("5 results", () -> tiles().size() == 5);
    List<WebElement> toggles = browser.findAll("#results .dup-toggle");
    assertEquals(1, toggles.size(), "one result stands for the pizza and its copy");
    WebElement toggle = toggles.get(0);
    assertEquals("+1", toggle.getText());
    String title =
        toggle
            .findElement(org.openqa.selenium.By.xpath(".."))
            .findElement(org.openqa.selenium.By.cssSelector(".tile"))
            .getDomAttribute("title");
    assertTrue(title.contains("pizza"), title);
    toggle.click();
    browser.until(
        "the copy's thumbnail decoded",
        () ->
            (Boolean)
                browser.driver.executeScript(
                    "const i = [...document.querySelectorAll('#results .dup-strip img')];"
                        + " return i.length === 1 && i[0].complete && i[0].naturalWidth > 0"));
    assertEquals("true", toggle.getDomAttribute("aria-expanded"));
    browser.screenshot("duplicates-expanded-390");
    toggle.click();
    browser.until("folded again", () -> browser.findAll("#results .dup-strip").isEmpty());
  }
}
