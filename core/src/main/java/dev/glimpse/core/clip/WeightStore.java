package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a checkpoint, from one safetensors file or from the shards named by a {@code
 * model.safetensors.index.json}. Looks tensors up by name and reads them as float32.
 */
public final class WeightStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> byName;
  private final String description;

  private WeightStore(List<SafetensorsFile> files, String description) throws CheckpointException {
    this.files = files;
    this.description = description;
    Map<String, SafetensorsFile> map = new LinkedHashMap<>();
    for (SafetensorsFile f : files) {
      for (String name : f.tensors().keySet()) {
        SafetensorsFile previous = map.put(name, f);
        if (previous != null) {
          throw new CheckpointException(
              "tensor " + name + " appears in both " + previous.path() + " and " + f.path());
        }
      }
    }
    this.byName = Collections.unmodifiableMap(map);
  }

  /** Opens a single safetensors file. */
  public static WeightStore open(Path file) throws CheckpointException {
    return new WeightStore(List.of(SafetensorsFile.open(file)), file.toString());
  }

  /** Opens every shard listed in the {@code weight_map} of a safetensors index file. */
  public static WeightStore openIndex(Path indexFile) throws CheckpointException {
    JsonNode index;
    try {
      index = JSON.readTree(Files.readString(indexFile));
    } catch (IOException e) {
      throw new CheckpointException(
          "cannot read safetensors index " + indexFile + ": " + e.getMessage(), e);
    }
    JsonNode weightMap = index == null ? null : index.get("weight_map");
    if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
      throw new CheckpointException(
          "safetensors index " + indexFile + " has no weight_map; it is not a sharded checkpoint");
    }
    Path dir = indexFile.toAbsolutePath().getParent();
    Map<String, Path> shards = new LinkedHashMap<>();
    for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
      String shard = it.next().asText();
      Path p = dir.resolve(shard).normalize();
      if (!p.startsWith(dir) || shard.contains("/") || shard.contains("\\")) {
        throw new CheckpointException(
            "safetensors index " + indexFile + " names a shard outside its folder: " + shard);
      }
      shards.putIfAbsent(shard, p);
    }
    List<SafetensorsFile> opened = new ArrayList<>();
    try {
      for (Path p : shards.values()) {
        opened.add(SafetensorsFile.open(p));
      }
      WeightStore store = new WeightStore(opened, indexFile.toString());
      for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
        SafetensorsFile holder = store.byName.get(e.getKey());
        if (holder == null
            || !holder.path().getFileName().toString().equals(e.getValue().asText())) {
          throw new CheckpointException(
              "safetensors index "
                  + indexFile
                  + " says tensor "
                  + e.getKey()
                  + " is in "
                  + e.getValue().asText()
                  + " but that shard does not hold it");
        }
      }
      return store;
    } catch (CheckpointException | RuntimeException e) {
      for (SafetensorsFile f : opened) {
        try {
          f.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The shape of tensor {@code name}, or null when the checkpoint has no such tensor. */
  long[] shapeOf(String name) {
    SafetensorsFile f = byName.get(name);
    return f == null ? null : f.tensors().get(name).shape().clone();
  }

  /**
   * Reads a tensor as float32 after checking its shape.
   *
   * @param name the tensor name in the checkpoint
   * @param expected the shape the config implies
   * @param why what the expected shape is derived from, for the error message
   */
  public float[] read(String name, long[] expected, String why) throws CheckpointException {
    SafetensorsFile f = byName.get(name);
    if (f == null) {
      throw new CheckpointException(
          "checkpoint " + description + " has no tensor " + name + " (expected for " + why + ")");
    }
    TensorInfo info = f.tensors().get(name);
    if (!java.util.Arrays.equals(info.shape(), expected)) {
      throw new CheckpointException(
          "tensor "
              + name
              + " has shape "
              + info.shapeString()
              + " but the config expects "
              + java.util.Arrays.toString(expected)
              + " ("
              + why
              + "); the weights do not match the config");
    }
    return f.readFloats(info);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
