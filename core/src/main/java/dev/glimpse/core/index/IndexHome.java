package dev.glimpse.core.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NativeFSLockFactory;
import org.apache.lucene.util.IOUtils;

/**
 * The folder a user names with {@code --index}: it holds one or more <em>generations</em>, each a
 * complete Lucene index built with one model, and a pointer to the current one.
 *
 * <pre>
 * index/
 *   CURRENT        "g3": the generation that searches use (written atomically, fsynced)
 *   g3/            the current generation's Lucene index
 *   g4/            a generation being built by a --reindex (not yet searched)
 *   NEXT           what g4 is: model, start time, progress (only while a switch is in progress)
 *   switch.lock    held by the process that builds or publishes a generation
 * </pre>
 *
 * <p>A model switch builds a new generation beside the current one and makes it current with one
 * atomic rename of the pointer file ({@link #publish}); a crash at any instant leaves either the
 * old or the complete new generation current, never neither. Readers resolve the pointer when they
 * open an index ({@link #current()}) and follow it later by comparing {@link Generation#name()}.
 *
 * <p>An index written before generations existed keeps its Lucene files in the folder itself; it is
 * the current generation, named {@value #LEGACY}, until a {@code --reindex} replaces it.
 */
public final class IndexHome {
  /** The pointer file: the name of the current generation. */
  public static final String POINTER = "CURRENT";

  /** The description of the generation being built, while a switch is in progress. */
  public static final String PENDING = "NEXT";

  /** The name of a legacy generation: Lucene's files in the home folder itself. */
  public static final String LEGACY = ".";

  private static final String SWITCH_LOCK = "switch.lock";
  private static final Pattern GENERATION = Pattern.compile("g([1-9][0-9]{0,8})");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home;
  private final CrashPoints crashPoints;

  private IndexHome(Path home, CrashPoints crashPoints) {
    this.home = home.toAbsolutePath().normalize();
    this.crashPoints = crashPoints;
  }

  /**
   * The index home at a folder; nothing is created until something is written.
   *
   * @param home the {@code --index} folder
   * @return the home
   */
  public static IndexHome at(Path home) {
    return new IndexHome(home, CrashPoints.fromSystemProperty());
  }

  /**
   * The home of an index directory: the folder that holds it when it is a generation ({@code gN}
   * beside a {@value #POINTER} or {@value #PENDING} file), else the directory itself. Roots stored
   * relative to the home stay valid whichever generation is current.
   *
   * @param dir a Lucene index directory
   * @return its home, absolute and normalised
   */
  public static Path homeOf(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent != null
        && abs.getFileName() != null
        && GENERATION.matcher(abs.getFileName().toString()).matches()
        && (Files.exists(parent.resolve(POINTER)) || Files.exists(parent.resolve(PENDING)))) {
      return parent;
    }
    return abs;
  }

  /** The home folder. */
  public Path path() {
    return home;
  }

  /**
   * A generation: a complete Lucene index in one folder.
   *
   * @param name {@code g1}, {@code g2}, ... or {@value #LEGACY}
   * @param dir the folder holding its Lucene files
   */
  public record Generation(String name, Path dir) {}

  /**
   * A generation being built to replace the current one.
   *
   * @param generation the new generation
   * @param modelId the model its vectors come from
   * @param started when the switch started, ISO-8601
   * @param progress how far the build is
   */
  public record PendingSwitch(
      Generation generation, String modelId, String started, Progress progress) {}

  /**
   * How far a generation build is, as last reported.
   *
   * @param discovered files found so far
   * @param walkDone whether all files have been found ({@code discovered} is then the total)
   * @param processed files dealt with so far
   */
  public record Progress(long discovered, boolean walkDone, long processed) {
    /** Nothing done yet. */
    public static final Progress NONE = new Progress(0, false, 0);
  }

  /**
   * The current generation, if the home holds an index.
   *
   * @return the generation the pointer names (or the legacy index in the home folder)
   * @throws IndexException if the pointer names a generation that does not exist
   * @throws IOException if the home cannot be read
   */
  public Optional<Generation> current() throws IOException {
    Optional<String> name = readPointer();
    if (name.isPresent()) {
      Generation g = generation(name.get());
      if (!Files.isDirectory(g.dir())) {
        throw new IndexException(
            "the index at "
                + home
                + " is damaged: "
                + POINTER
                + " names generation "
                + name.get()
                + ", which does not exist");
      }
      return Optional.of(g);
    }
    if (hasLuceneIndex(home)) {
      return Optional.of(new Generation(LEGACY, home));
    }
    return Optional.empty();
  }

  /** The switch in progress, if a {@code --reindex} is building (or was killed building) one. */
  public Optional<PendingSwitch> pending() throws IOException {
    Path file = home.resolve(PENDING);
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      PendingRecord r = JSON.readValue(json, PendingRecord.class);
      if (r.generation() == null
          || !GENERATION.matcher(r.generation()).matches()
          || r.modelId() == null) {
        throw new IndexException(file + " names no valid generation and model: " + json);
      }
      if (readPointer().map(r.generation()::equals).orElse(false)) {
        return Optional.empty(); // published; a crash came before the record was removed
      }
      return Optional.of(
          new PendingSwitch(
              generation(r.generation()),
              r.modelId(),
              r.started() == null ? "" : r.started(),
              new Progress(r.discovered(), r.walkDone(), r.processed())));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IndexException("cannot read " + file + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The generation a first run writes to, when the home holds no index yet: created and made
   * current at once, since there is nothing to protect (a killed first run resumes like any run).
   *
   * @return the current generation (the existing one if there is one)
   * @throws IOException if the folder cannot be created or the pointer written
   */
  public Generation createIfMissing() throws IOException {
    Optional<Generation> existing = current();
    if (existing.isPresent()) {
      return existing.get();
    }
    Files.createDirectories(home);
    Generation g = generation(nextName());
    Files.createDirectories(g.dir());
    writePointer(g.name());
    return g;
  }

  /**
   * Holds the home's switch lock, so that one process at a time builds or publishes a generation.
   *
   * @return the held lock; close it to release
   * @throws IndexException if another process holds it
   * @throws IOException if the lock file cannot be created
   */
  public SwitchLock lockForSwitch() throws IOException {
    Files.createDirectories(home);
    Directory dir = FSDirectory.open(home, NativeFSLockFactory.INSTANCE);
    try {
      Lock lock = dir.obtainLock(SWITCH_LOCK);
      return new SwitchLock(dir, lock);
    } catch (LockObtainFailedException e) {
      IOUtils.closeWhileHandlingException(dir);
      throw new IndexException(
          "another glimpse index --reindex is switching the index at "
              + home
              + " (its "
              + SWITCH_LOCK
              + " is held); wait for it to finish or stop it",
          e);
    } catch (IOException | RuntimeException e) {
      IOUtils.closeWhileHandlingException(dir);
      throw e;
    }
  }

  /** The home's switch lock, held until closed. */
  public static final class SwitchLock implements AutoCloseable {
    private final Directory dir;
    private final Lock lock;

    private SwitchLock(Directory dir, Lock lock) {
      this.dir = dir;
      this.lock = lock;
    }

    /** Checks that the lock is still valid. */
    void ensureValid() throws IOException {
      lock.ensureValid();
    }

    @Override
    public void close() throws IOException {
      IOUtils.close(lock, dir);
    }
  }

  /**
   * Starts a switch to a new generation for a model, or resumes the one in progress for the same
   * model. A pending generation for another model is discarded first. Leftover folders of earlier
   * crashes (neither current nor pending) are removed.
   *
   * @param lock the held switch lock
   * @param modelId the model the new generation's vectors come from
   * @return the pending switch; its folder exists
   * @throws IOException if the home cannot be written
   */
  public PendingSwitch beginSwitch(SwitchLock lock, String modelId) throws IOException {
    lock.ensureValid();
    Optional<PendingSwitch> pending = pending();
    if (pending.isPresent() && pending.get().modelId().equals(modelId)) {
      Files.createDirectories(pending.get().generation().dir());
      removeLeftovers(Optional.of(pending.get().generation()));
      return pending.get();
    }
    Files.deleteIfExists(home.resolve(PENDING));
    removeLeftovers(Optional.empty());
    Generation g = generation(nextName());
    PendingSwitch started =
        new PendingSwitch(g, modelId, java.time.Instant.now().toString(), Progress.NONE);
    writePending(started);
    crashPoints.reached("switch-pending-written");
    Files.createDirectories(g.dir());
    return started;
  }

  /**
   * Records how far a pending generation is, for {@code glimpse status}. Best effort: failures to
   * write are ignored, the build goes on.
   */
  public void reportProgress(PendingSwitch pending, Progress progress) {
    try {
      writePending(
          new PendingSwitch(pending.generation(), pending.modelId(), pending.started(), progress));
    } catch (IOException e) {
      // progress is informational only
    }
  }

  /**
   * Makes a complete pending generation current, then removes the old generation and the pending
   * record. The pointer is replaced by an atomic rename of a fsynced file, and the folder is
   * fsynced, so after a crash at any instant either the old or the new generation is current.
   *
   * @param lock the held switch lock
   * @param pending the switch; its index must be committed and closed
   * @return whether the generation that was current before is gone; false when another process
   *     still writes to it or it could not be deleted (the next switch removes it)
   * @throws IOException if the pointer cannot be written; the old generation is then still current
   */
  public boolean publish(SwitchLock lock, PendingSwitch pending) throws IOException {
    lock.ensureValid();
    Generation next = pending.generation();
    if (!hasLuceneIndex(next.dir())) {
      throw new IndexException("generation " + next.name() + " at " + home + " holds no index");
    }
    IOUtils.fsync(next.dir(), true);
    Optional<Generation> old = current();
    crashPoints.reached("switch-before-pointer");
    writePointer(next.name());
    crashPoints.reached("switch-after-pointer");
    Files.deleteIfExists(home.resolve(PENDING));
    IOUtils.fsync(home, true);
    if (old.isEmpty() || old.get().name().equals(next.name())) {
      return true;
    }
    try {
      return removeGeneration(old.get());
    } catch (IOException e) {
      // The switch is done; what is left of the old generation goes with the next switch.
      return false;
    }
  }

  /**
   * Removes generation folders that are neither current nor the pending one: what a crash between
   * creating a folder and recording it, or in the middle of removing an old generation, leaves.
   */
  private void removeLeftovers(Optional<Generation> keep) throws IOException {
    Optional<String> currentName = readPointer();
    for (Generation g : generations()) {
      boolean isKept = keep.isPresent() && keep.get().name().equals(g.name());
      if (!isKept && !currentName.map(g.name()::equals).orElse(false)) {
        removeGeneration(g);
      }
    }
  }

  /**
   * Deletes a generation that is no longer current, unless another process still writes to it (then
   * it is left for the next switch to remove). Readers that still have it open keep reading their
   * open files.
   *
   * @return whether it was removed
   */
  private boolean removeGeneration(Generation g) throws IOException {
    crashPoints.reached("switch-before-remove-old");
    try (Directory dir = FSDirectory.open(g.dir(), NativeFSLockFactory.INSTANCE)) {
      Lock writeLock;
      try {
        writeLock = dir.obtainLock("write.lock");
      } catch (LockObtainFailedException e) {
        return false; // a glimpse index run still writes to it
      }
      try (writeLock) {
        for (Path f : luceneFiles(g.dir())) {
          if (!f.getFileName().toString().equals("write.lock")) {
            Files.deleteIfExists(f);
            crashPoints.reached("switch-removing-old");
          }
        }
      }
    }
    Files.deleteIfExists(g.dir().resolve("write.lock"));
    if (!g.name().equals(LEGACY)) {
      deleteTree(g.dir());
    }
    return true;
  }

  private Generation generation(String name) {
    return new Generation(name, name.equals(LEGACY) ? home : home.resolve(name));
  }

  private List<Generation> generations() throws IOException {
    List<Generation> out = new ArrayList<>();
    if (!Files.isDirectory(home)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(home)) {
      for (Path p : entries) {
        if (Files.isDirectory(p) && GENERATION.matcher(p.getFileName().toString()).matches()) {
          out.add(generation(p.getFileName().toString()));
        }
      }
    }
    out.sort(Comparator.comparingLong(g -> number(g.name())));
    return out;
  }

  private String nextName() throws IOException {
    long max = 0;
    for (Generation g : generations()) {
      max = Math.max(max, number(g.name()));
    }
    Optional<String> pointer = readPointer();
    if (pointer.isPresent() && !pointer.get().equals(LEGACY)) {
      max = Math.max(max, number(pointer.get()));
    }
    return "g" + (max + 1);
  }

  private static long number(String name) {
    Matcher m = GENERATION.matcher(name);
    return m.matches() ? Long.parseLong(m.group(1)) : 0;
  }

  private Optional<String> readPointer() throws IOException {
    String text;
    try {
      text = Files.readString(home.resolve(POINTER), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!GENERATION.matcher(text).matches() && !text.equals(LEGACY)) {
      throw new IndexException(
          "the index at " + home + " is damaged: " + POINTER + " holds '" + text + "'");
    }
    return Optional.of(text);
  }

  private void writePointer(String name) throws IOException {
    writeAtomically(home.resolve(POINTER), name + "\n");
  }

  private void writePending(PendingSwitch p) throws IOException {
    PendingRecord r =
        new PendingRecord(
            p.generation().name(),
            p.modelId(),
            p.started(),
            p.progress().discovered(),
            p.progress().walkDone(),
            p.progress().processed());
    writeAtomically(home.resolve(PENDING), JSON.writeValueAsString(r) + "\n");
  }

  /** Writes a temporary file, fsyncs it and renames it over the target. */
  private void writeAtomically(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    crashPoints.reached("atomic-write-tmp-" + target.getFileName());
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IndexException(
          "the file system of " + home + " cannot rename files atomically; keep indexes elsewhere",
          e);
    }
    IOUtils.fsync(target.getParent(), true);
  }

  /** Whether a folder holds a committed Lucene index. */
  static boolean hasLuceneIndex(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Directory d = FSDirectory.open(dir)) {
      return DirectoryReader.indexExists(d);
    }
  }

  /** Lucene's own files in a folder (never anything else a user may keep there). */
  private static List<Path> luceneFiles(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        boolean lucene =
            n.startsWith("segments")
                || n.startsWith("pending_segments")
                || n.startsWith("_")
                || n.equals("write.lock");
        if (lucene && Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The JSON form of {@link #PENDING}. */
  record PendingRecord(
      String generation,
      String modelId,
      String started,
      long discovered,
      boolean walkDone,
      long processed) {}
}
