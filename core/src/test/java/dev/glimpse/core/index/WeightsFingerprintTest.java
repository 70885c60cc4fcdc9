package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.index.WeightsFingerprint.WeightsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local model folder's weights fingerprint and its stat-cache check. */
class WeightsFingerprintTest {
  // long ago: well outside the racy window, so the stat fast path applies
  private static final FileTime OLD = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

  @TempDir Path model;

  @BeforeEach
  void shardedFolder() throws IOException {
    write("model-00001-of-00002.safetensors", "first shard");
    write("model-00002-of-00002.safetensors", "second shard");
    write("model.safetensors.index.json", "{\"weight_map\":{}}");
    write("config.json", "{}");
    write("tokenizer.json", "{}");
  }

  @Test
  void digest_is_sha256_over_names_and_content_hashes_of_the_weights_files_only() throws Exception {
    WeightsFingerprint fp = WeightsFingerprint.of(model);
    String lines =
        "model-00001-of-00002.safetensors\0"
            + sha256("first shard")
            + "\n"
            + "model-00002-of-00002.safetensors\0"
            + sha256("second shard")
            + "\n"
            + "model.safetensors.index.json\0"
            + sha256("{\"weight_map\":{}}")
            + "\n";
    assertEquals("sha256:" + sha256(lines), fp.digest());
    assertEquals(
        List.of(
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "model.safetensors.index.json"),
        fp.files().stream().map(WeightsFile::name).toList());
    assertEquals("first shard".length(), fp.files().get(0).size());
    assertEquals(OLD.toMillis(), fp.files().get(0).mtime());

    write("config.json", "{\"changed\":true}");
    assertEquals(fp.digest(), WeightsFingerprint.of(model).digest(), "config is not weights");
  }

  @Test
  void unchanged_files_are_trusted_by_size_and_time_without_reading_them() throws Exception {
    WeightsFingerprint fp = WeightsFingerprint.of(model);
    assertSame(fp, fp.verify(model));
    // same size and time, other bytes: the documented trade-off of a stat cache (as in git)
    write("model-00002-of-00002.safetensors", "SECOND SHARD");
    assertSame(fp, fp.verify(model));
  }

  @Test
  void touched_but_identical_file_is_accepted_with_its_new_time() throws Exception {
    WeightsFingerprint fp = WeightsFingerprint.of(model);
    FileTime touched = FileTime.from(OLD.toInstant().plusSeconds(60));
    Files.setLastModifiedTime(model.resolve("model-00001-of-00002.safetensors"), touched);
    WeightsFingerprint now = fp.verify(model);
    assertEquals(fp.digest(), now.digest());
    assertEquals(touched.toMillis(), now.files().get(0).mtime());
  }

  @Test
  void changed_shard_is_refused_naming_the_folder() throws Exception {
    WeightsFingerprint fp = WeightsFingerprint.of(model);
    Files.writeString(model.resolve("model-00002-of-00002.safetensors"), "SECOND SHARD");
    WeightsChangedException e = assertThrows(WeightsChangedException.class, () -> fp.verify(model));
    assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("changed since the index was built"), e.getMessage());
  }

  @Test
  void added_or_removed_weights_file_is_refused() throws Exception {
    WeightsFingerprint fp = WeightsFingerprint.of(model);
    write("extra.safetensors", "more");
    assertThrows(WeightsChangedException.class, () -> fp.verify(model));
    Files.delete(model.resolve("extra.safetensors"));
    Files.delete(model.resolve("model.safetensors.index.json"));
    assertThrows(WeightsChangedException.class, () -> fp.verify(model));
  }

  @Test
  void missing_folder_is_refused() throws Exception {
    WeightsFingerprint fp = WeightsFingerprint.of(model);
    Path gone = model.resolve("no-such-folder");
    WeightsChangedException e = assertThrows(WeightsChangedException.class, () -> fp.verify(gone));
    assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
  }

  @Test
  void file_modified_just_before_fingerprinting_is_always_rehashed() throws Exception {
    Path shard = model.resolve("model-00001-of-00002.safetensors");
    FileTime recent = FileTime.from(OLD.toInstant().plusSeconds(10));
    Files.setLastModifiedTime(shard, recent);
    // fingerprinted one second after the shard's last change, long after the other files'
    WeightsFingerprint fp = WeightsFingerprint.of(model, recent.toInstant().plusSeconds(1));
    assertEquals(WeightsFingerprint.UNKNOWN_MTIME, fp.files().get(0).mtime());
    assertEquals(OLD.toMillis(), fp.files().get(1).mtime());
    // a same-size change that keeps the time is caught, because that file's time is not trusted
    Files.writeString(shard, "FIRST SHARD");
    Files.setLastModifiedTime(shard, recent);
    assertThrows(WeightsChangedException.class, () -> fp.verify(model));
  }

  @Test
  void manifest_round_trips_the_fingerprint_through_the_commit_data() throws Exception {
    WeightsFingerprint fp =
        new WeightsFingerprint(
            "sha256:" + sha256("x"),
            List.of(new WeightsFile("a:b.safetensors", 12, 34), new WeightsFile("c", 5, -1)));
    ModelManifest manifest =
        new ModelManifest(
            "/models/m", Optional.of(fp.digest()), 8, "clip(224)", "fp32", fp.files());
    ModelManifest back =
        CommitData.model(
                CommitData.encode(
                    CommitData.SCHEMA_VERSION,
                    Optional.of(manifest),
                    Optional.empty(),
                    Roots.NONE,
                    Optional.empty()))
            .get();
    assertEquals(manifest, back);
    assertEquals(Optional.of(fp), back.fingerprint());
    assertEquals(Optional.empty(), back.commit());

    String commit = "0123456789abcdef0123456789abcdef01234567";
    ModelManifest hub = new ModelManifest("org/name", Optional.of(commit), 8, "", "");
    assertEquals(Optional.of(commit), hub.commit());
    assertEquals(Optional.empty(), hub.fingerprint());
  }

  private void write(String name, String content) throws IOException {
    Path file = model.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(file, OLD);
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
