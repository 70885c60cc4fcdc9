package dev.glimpse.core.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds an ONNX model (one graph, default domain) in memory, ready for ONNX Runtime.
 *
 * <p>Each op method adds one node and returns the name of its (first) output, so graphs read like
 * the arithmetic they compute. Weights become initializers whose {@code float[]} is referenced, not
 * copied, until {@link #toModelBytes()} serialises the model.
 *
 * <p>Not thread-safe; build a graph on one thread, then throw the builder away.
 */
public final class OnnxGraph {
  /** ONNX IR version written: 8, read by every ONNX Runtime since 1.10. */
  private static final long IR_VERSION = 8;

  // TensorProto.DataType
  private static final int FLOAT = 1;
  private static final int UINT8 = 2;
  private static final int INT64 = 7;

  // AttributeProto.AttributeType
  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;

  private final String name;
  private final int opset;
  private final List<ProtoMessage> nodes = new ArrayList<>();
  private final List<ProtoMessage> initializers = new ArrayList<>();
  private final List<ProtoMessage> inputs = new ArrayList<>();
  private final List<ProtoMessage> outputs = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private int counter;
  private boolean usesMsDomain;

  /** ONNX Runtime's contrib operator domain. */
  public static final String MS_DOMAIN = "com.microsoft";

  /**
   * @param name the graph's name
   * @param opset the default-domain opset the nodes are written for (17 or later for
   *     LayerNormalization)
   */
  public OnnxGraph(String name, int opset) {
    this.name = name;
    this.opset = opset;
  }

  /** An attribute of a node. */
  public sealed interface Attr permits IntAttr, IntsAttr, FloatAttr {
    String name();
  }

  /** An integer attribute. */
  public record IntAttr(String name, long value) implements Attr {}

  /** An integer-list attribute. */
  public record IntsAttr(String name, long... values) implements Attr {}

  /** A float attribute. */
  public record FloatAttr(String name, float value) implements Attr {}

  /** A float32 graph input; a dimension is a {@code Long} size or a {@code String} symbol. */
  public void floatInput(String input, Object... dims) {
    inputs.add(valueInfo(declare(input), FLOAT, dims));
  }

  /** An int64 graph input. */
  public void longInput(String input, Object... dims) {
    inputs.add(valueInfo(declare(input), INT64, dims));
  }

  /** Makes {@code value} a float32 graph output named {@code output}. */
  public void floatOutput(String value, String output, Object... dims) {
    named("Identity", List.of(), output, value);
    outputs.add(valueInfo(output, FLOAT, dims));
  }

  /** A float32 initializer; the array is serialised later and must not change until then. */
  public String weight(String weight, float[] data, long... dims) {
    checkCount(data.length, dims);
    ProtoMessage t = tensorHeader(declare(weight), FLOAT, dims);
    t.rawFloats(9, data);
    initializers.add(t);
    return weight;
  }

  /** A uint8 initializer (quantized weights). */
  public String bytes(String weight, byte[] data, long... dims) {
    checkCount(data.length, dims);
    ProtoMessage t = tensorHeader(declare(weight), UINT8, dims);
    t.bytes(9, data);
    initializers.add(t);
    return weight;
  }

  /** A float32 scalar constant. */
  public String scalar(float value) {
    return weight(fresh("const"), new float[] {value});
  }

  /** An int64 initializer, for shapes and indices. */
  public String longs(long[] data, long... dims) {
    checkCount(data.length, dims);
    String constant = declare(fresh("const"));
    ProtoMessage t = tensorHeader(constant, INT64, dims);
    for (long v : data) {
      t.varint(7, v);
    }
    initializers.add(t);
    return constant;
  }

  /** An int64 scalar constant. */
  public String longScalar(long value) {
    return longs(new long[] {value}, new long[0]);
  }

  /** A 1-D int64 constant. */
  public String longs(long... data) {
    return longs(data, data.length);
  }

  /** A node with one output, named freshly. */
  public String op(String type, List<Attr> attrs, String... in) {
    return named(type, attrs, fresh(type.toLowerCase(java.util.Locale.ROOT)), in);
  }

  /** A node without attributes. */
  public String op(String type, String... in) {
    return op(type, List.of(), in);
  }

  /** A node of ONNX Runtime's contrib domain {@value #MS_DOMAIN}, with one output. */
  public String msOp(String type, List<Attr> attrs, String... in) {
    usesMsDomain = true;
    String output = declare(fresh(type.toLowerCase(java.util.Locale.ROOT)));
    ProtoMessage n = node(type, attrs, in, new String[] {output});
    n.string(7, MS_DOMAIN);
    nodes.add(n);
    return output;
  }

  /** A node with several outputs; returns their names. */
  public String[] multiOp(String type, List<Attr> attrs, int outputCount, String... in) {
    String[] out = new String[outputCount];
    for (int i = 0; i < outputCount; i++) {
      out[i] = declare(fresh(type.toLowerCase(java.util.Locale.ROOT)));
    }
    nodes.add(node(type, attrs, in, out));
    return out;
  }

  private String named(String type, List<Attr> attrs, String output, String... in) {
    nodes.add(node(type, attrs, in, new String[] {declare(output)}));
    return output;
  }

  /** The serialised {@code ModelProto}. */
  public byte[] toModelBytes() {
    ProtoMessage graph = new ProtoMessage();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, name);
    initializers.forEach(t -> graph.message(5, t));
    inputs.forEach(i -> graph.message(11, i));
    outputs.forEach(o -> graph.message(12, o));
    ProtoMessage opsetId = new ProtoMessage().string(1, "").varint(2, opset);
    ProtoMessage model =
        new ProtoMessage()
            .varint(1, IR_VERSION)
            .string(2, "glimpse")
            .message(7, graph)
            .message(8, opsetId);
    if (usesMsDomain) {
      model.message(8, new ProtoMessage().string(1, MS_DOMAIN).varint(2, 1));
    }
    return model.toByteArray();
  }

  private String declare(String value) {
    if (!names.add(value)) {
      throw new IllegalArgumentException("value '" + value + "' is defined twice");
    }
    return value;
  }

  private String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  private static ProtoMessage node(String type, List<Attr> attrs, String[] in, String[] out) {
    ProtoMessage n = new ProtoMessage();
    for (String i : in) {
      n.string(1, i);
    }
    for (String o : out) {
      n.string(2, o);
    }
    n.string(3, out[0]);
    n.string(4, type);
    for (Attr a : attrs) {
      ProtoMessage m = new ProtoMessage().string(1, a.name());
      switch (a) {
        case IntAttr i -> m.varint(3, i.value()).varint(20, ATTR_INT);
        case FloatAttr f -> m.float32(2, f.value()).varint(20, ATTR_FLOAT);
        case IntsAttr is -> {
          for (long v : is.values()) {
            m.varint(8, v);
          }
          m.varint(20, ATTR_INTS);
        }
      }
      n.message(5, m);
    }
    return n;
  }

  private static ProtoMessage tensorHeader(String tensor, int type, long[] dims) {
    ProtoMessage t = new ProtoMessage();
    for (long d : dims) {
      t.varint(1, d);
    }
    t.varint(2, type);
    t.string(8, tensor);
    return t;
  }

  private static ProtoMessage valueInfo(String value, int type, Object[] dims) {
    ProtoMessage shape = new ProtoMessage();
    for (Object d : dims) {
      ProtoMessage dim = new ProtoMessage();
      switch (d) {
        case Long size -> dim.varint(1, size);
        case Integer size -> dim.varint(1, size);
        case String symbol -> dim.string(2, symbol);
        default -> throw new IllegalArgumentException("dimension " + d + " is not a size or name");
      }
      shape.message(1, dim);
    }
    ProtoMessage tensorType = new ProtoMessage().varint(1, type).message(2, shape);
    ProtoMessage typeProto = new ProtoMessage().message(1, tensorType);
    return new ProtoMessage().string(1, value).message(2, typeProto);
  }

  private static void checkCount(long count, long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (n != count) {
      throw new IllegalArgumentException(count + " values for a tensor of " + n + " elements");
    }
  }
}
