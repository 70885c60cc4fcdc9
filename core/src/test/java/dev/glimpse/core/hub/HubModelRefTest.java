package dev.glimpse.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubModelRefTest {

  @Test
  void parsesRepoWithDefaultRevision() {
    ModelRef ref = ModelRef.parse("openai/clip-vit-base-patch32");
    assertEquals("openai/clip-vit-base-patch32", ref.repo());
    assertEquals("main", ref.revision());
    assertFalse(ref.isCommit());
  }

  @Test
  void parsesRevision() {
    assertEquals(new ModelRef("org/name", "v1.0"), ModelRef.parse("org/name@v1.0"));
    assertEquals("refs/pr/1", ModelRef.parse("org/name@refs/pr/1").revision());
    String commit = "0123456789abcdef0123456789abcdef01234567";
    assertTrue(ModelRef.parse("org/name@" + commit).isCommit());
    assertEquals("org/name@" + commit, ModelRef.parse("org/name@" + commit).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "a/b/c",
        "a",
        "org/na me",
        "",
        "/a",
        "a/",
        ".org/name",
        "-org/name",
        "org/.name",
        "org/na..me",
        "org/na--me",
        "org/name@",
        "org/name@a..b",
        "org/name@a b",
        "org/name@x\ny",
        "org/name@-x",
        "org/name@/x",
        "org/name@x~1",
        "org\\name"
      })
  void rejectsMalformedIds(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelRef.parse(text));
    assertTrue(e.getMessage().contains("'"), e.getMessage());
  }

  @Test
  void messageNamesTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelRef.parse("org/na me"));
    assertTrue(e.getMessage().contains("'org/na me'"), e.getMessage());
  }

  @Test
  void encodesRevisionAndFileForUrls() {
    assertEquals("refs%2Fpr%2F1", UrlEncoding.encode("refs/pr/1", false));
    assertEquals("sub/dir/f%20%C3%A9.json", UrlEncoding.encode("sub/dir/f é.json", true));
  }

  @Test
  void normalizesEtags() {
    String sha = "fb3efe23388a84a0ac78ff070dd83cca5cdc14a00246559a07d096c3021c9c01";
    assertEquals(sha, FileMetadata.normalizeEtag("\"" + sha + "\""));
    assertEquals(
        sha, FileMetadata.normalizeEtag("W/\"" + sha.toUpperCase(java.util.Locale.ROOT) + "\""));
    assertEquals("abc123", FileMetadata.normalizeEtag("W/\"abc123\""));
  }

  @Test
  void rejectsUnsafeFileNames() {
    for (String bad : new String[] {"../x", "/etc/passwd", "a/../../b", "a//b", "a\\b", ""}) {
      assertThrows(IllegalArgumentException.class, () -> HubClient.validateFilename(bad), bad);
    }
    HubClient.validateFilename("sub/model-00001-of-00002.safetensors");
  }
}
