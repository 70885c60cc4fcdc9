/**
 * A small in-memory ONNX model writer ({@link dev.glimpse.core.onnx.OnnxGraph}): the CLIP towers
 * are built as ONNX graphs straight from a checkpoint's safetensors weights, so ONNX Runtime can
 * run them without any exported model file.
 */
package dev.glimpse.core.onnx;
