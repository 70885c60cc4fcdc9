package dev.glimpse.api;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rendered thumbnails by content hash and size: a byte-bounded in-memory LRU in front of an
 * optional disk folder ({@code HASH[0..2]/HASH-SIZE.jpg}, written atomically). Keys come from the
 * index (the content hash, checked to be hex), never from a request.
 */
final class ThumbnailCache {
  private static final Logger LOG = LoggerFactory.getLogger(ThumbnailCache.class);

  private final Optional<Path> dir;
  private final long maxMemoryBytes;
  private final LinkedHashMap<String, byte[]> memory = new LinkedHashMap<>(64, 0.75f, true);
  private long memoryBytes;

  ThumbnailCache(Optional<Path> dir, long maxMemoryBytes) {
    this.dir = dir.map(d -> d.toAbsolutePath().normalize());
    this.maxMemoryBytes = maxMemoryBytes;
  }

  /** The cached thumbnail, if any. */
  Optional<byte[]> get(String hash, int size) {
    String key = key(hash, size);
    synchronized (memory) {
      byte[] hit = memory.get(key);
      if (hit != null) {
        return Optional.of(hit);
      }
    }
    if (dir.isPresent()) {
      try {
        byte[] bytes = Files.readAllBytes(file(key));
        remember(key, bytes);
        return Optional.of(bytes);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        LOG.warn("cannot read cached thumbnail {}: {}", key, e.toString());
      }
    }
    return Optional.empty();
  }

  /** Stores a thumbnail; a failure to write the disk cache is logged, not thrown. */
  void put(String hash, int size, byte[] jpeg) {
    String key = key(hash, size);
    remember(key, jpeg);
    if (dir.isPresent()) {
      Path target = file(key);
      try {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), key, ".tmp");
        Files.write(tmp, jpeg);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        LOG.warn("cannot write thumbnail cache {}: {}", target, e.toString());
      }
    }
  }

  private void remember(String key, byte[] bytes) {
    if (bytes.length > maxMemoryBytes) {
      return;
    }
    synchronized (memory) {
      byte[] old = memory.put(key, bytes);
      memoryBytes += bytes.length - (old == null ? 0 : old.length);
      Iterator<Map.Entry<String, byte[]>> it = memory.entrySet().iterator();
      while (memoryBytes > maxMemoryBytes && it.hasNext()) {
        memoryBytes -= it.next().getValue().length;
        it.remove();
      }
    }
  }

  private Path file(String key) {
    return dir.orElseThrow().resolve(key.substring(0, 2)).resolve(key + ".jpg");
  }

  private static String key(String hash, int size) {
    if (!hash.matches("[0-9a-f]{16,128}")) {
      throw new IllegalArgumentException("content hash is not lower-case hex: " + hash);
    }
    return hash + "-" + size;
  }
}
