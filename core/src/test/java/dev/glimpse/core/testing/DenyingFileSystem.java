package dev.glimpse.core.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The default file system, except that reading chosen files and listing chosen folders fails with
 * {@link AccessDeniedException}, as it does for a user without read permission. Permissions do not
 * stop root (and CI runs as root), so tests stage "permission denied" through this instead; code
 * that takes a {@link Path} and uses {@link java.nio.file.Files} works on its paths unchanged.
 *
 * <p>Only what reading needs is checked: opening a file to read it, listing a folder, and {@link
 * java.nio.file.Files#isReadable}. Everything else goes to the default file system.
 */
public final class DenyingFileSystem extends FileSystem {
  private final FileSystem base = FileSystems.getDefault();
  private final Provider provider = new Provider();
  private final Set<Path> denied;

  private DenyingFileSystem(Set<Path> denied) {
    this.denied = Set.copyOf(denied);
  }

  /**
   * A file system in which the given default-file-system paths cannot be read or listed.
   *
   * @param denied absolute, normalised paths of files or folders
   */
  public static DenyingFileSystem denying(Path... denied) {
    Set<Path> set = new java.util.HashSet<>();
    for (Path p : denied) {
      set.add(p.toAbsolutePath().normalize());
    }
    return new DenyingFileSystem(set);
  }

  /** {@code path} of the default file system as a path of this one. */
  public Path wrap(Path path) {
    if (path instanceof Wrapped w) {
      return w;
    }
    return new Wrapped(path);
  }

  private Path unwrap(Path path) {
    if (path instanceof Wrapped w) {
      return w.delegate;
    }
    throw new ProviderMismatchException("not a path of this file system: " + path);
  }

  private void check(Path path) throws AccessDeniedException {
    Path real = unwrap(path).toAbsolutePath().normalize();
    if (denied.contains(real)) {
      throw new AccessDeniedException(path.toString());
    }
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {
    // the default file system cannot be closed
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return base.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    base.getRootDirectories().forEach(r -> roots.add(wrap(r)));
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return base.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return base.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(base.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = base.getPathMatcher(syntaxAndPattern);
    return p -> m.matches(unwrap(p));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return base.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() throws IOException {
    throw new UnsupportedOperationException("no watching through a DenyingFileSystem");
  }

  /** A default-file-system path seen through this file system. */
  private final class Wrapped implements Path {
    private final Path delegate;

    Wrapped(Path delegate) {
      this.delegate = delegate;
    }

    private Path wrapOrNull(Path p) {
      return p == null ? null : wrap(p);
    }

    @Override
    public FileSystem getFileSystem() {
      return DenyingFileSystem.this;
    }

    @Override
    public boolean isAbsolute() {
      return delegate.isAbsolute();
    }

    @Override
    public Path getRoot() {
      return wrapOrNull(delegate.getRoot());
    }

    @Override
    public Path getFileName() {
      return wrapOrNull(delegate.getFileName());
    }

    @Override
    public Path getParent() {
      return wrapOrNull(delegate.getParent());
    }

    @Override
    public int getNameCount() {
      return delegate.getNameCount();
    }

    @Override
    public Path getName(int index) {
      return wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
      return wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
      return other instanceof Wrapped w && delegate.startsWith(w.delegate);
    }

    @Override
    public boolean endsWith(Path other) {
      return other instanceof Wrapped w && delegate.endsWith(w.delegate);
    }

    @Override
    public Path normalize() {
      return wrap(delegate.normalize());
    }

    @Override
    public Path resolve(Path other) {
      return wrap(delegate.resolve(other instanceof Wrapped w ? w.delegate : other));
    }

    @Override
    public Path relativize(Path other) {
      return wrap(delegate.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
      return delegate.toUri();
    }

    @Override
    public Path toAbsolutePath() {
      return wrap(delegate.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
      return wrap(delegate.toRealPath(options));
    }

    @Override
    public java.io.File toFile() {
      return delegate.toFile();
    }

    @Override
    public WatchKey register(
        WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
      throw new UnsupportedOperationException("no watching through a DenyingFileSystem");
    }

    @Override
    public int compareTo(Path other) {
      return delegate.compareTo(unwrap(other));
    }

    @Override
    public Iterator<Path> iterator() {
      List<Path> names = new ArrayList<>();
      delegate.forEach(n -> names.add(wrap(n)));
      return names.iterator();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Wrapped w
          && w.getFileSystem().equals(getFileSystem())
          && delegate.equals(w.delegate);
    }

    @Override
    public int hashCode() {
      return delegate.hashCode();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  /** Checks reads, then hands every call to the default provider with the paths unwrapped. */
  private final class Provider extends FileSystemProvider {
    private final FileSystemProvider base = DenyingFileSystem.this.base.provider();

    @Override
    public String getScheme() {
      return "denying";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
      return DenyingFileSystem.this;
    }

    @Override
    public Path getPath(URI uri) {
      return wrap(base.getPath(uri));
    }

    @Override
    public SeekableByteChannel newByteChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
        throws IOException {
      check(path);
      return base.newByteChannel(unwrap(path), options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(
        Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
      check(dir);
      DirectoryStream<Path> listing =
          base.newDirectoryStream(unwrap(dir), p -> filter.accept(wrap(p)));
      return new DirectoryStream<>() {
        @Override
        public Iterator<Path> iterator() {
          Iterator<Path> it = listing.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Path next() {
              return wrap(it.next());
            }
          };
        }

        @Override
        public void close() throws IOException {
          listing.close();
        }
      };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
      base.createDirectory(unwrap(dir), attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
      base.delete(unwrap(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
      check(source);
      base.copy(unwrap(source), unwrap(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
      base.move(unwrap(source), unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
      return base.isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
      return base.isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
      return base.getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
      for (AccessMode m : modes) {
        if (m == AccessMode.READ) {
          check(path);
        }
      }
      base.checkAccess(unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(
        Path path, Class<V> type, LinkOption... options) {
      return base.getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(
        Path path, Class<A> type, LinkOption... options) throws IOException {
      return base.readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
        throws IOException {
      return base.readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
        throws IOException {
      base.setAttribute(unwrap(path), attribute, value, options);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs)
        throws IOException {
      base.createSymbolicLink(
          unwrap(link), target instanceof Wrapped w ? w.delegate : target, attrs);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
      return wrap(base.readSymbolicLink(unwrap(link)));
    }
  }
}
