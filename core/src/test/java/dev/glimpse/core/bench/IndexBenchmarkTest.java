package dev.glimpse.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexBenchmarkTest {
  @TempDir Path dir;

  @Test
  void jpeg_pixels_come_from_the_header_and_other_files_count_as_zero() throws IOException {
    Path jpeg = write("a.jpg", "jpeg", 64, 48);
    Path png = write("b.png", "png", 64, 48);
    Path text = Files.writeString(dir.resolve("c.jpg"), "not an image");

    assertEquals(64 * 48, IndexBenchmark.jpegPixels(jpeg));
    assertEquals(0, IndexBenchmark.jpegPixels(png));
    assertEquals(0, IndexBenchmark.jpegPixels(text));
  }

  @Test
  void list_files_walks_sub_folders_in_path_order_and_skips_hidden_ones() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    Files.createDirectories(dir.resolve(".hidden"));
    Path b = Files.writeString(dir.resolve("sub/b.jpg"), "x");
    Path a = Files.writeString(dir.resolve("a.jpg"), "x");
    Files.writeString(dir.resolve(".hidden/c.jpg"), "x");
    Files.writeString(dir.resolve(".d.jpg"), "x");

    assertEquals(List.of(a, b), IndexBenchmark.listFiles(dir));
  }

  private Path write(String name, String format, int width, int height) throws IOException {
    Path file = dir.resolve(name);
    ImageIO.write(
        new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR), format, file.toFile());
    return file;
  }
}
