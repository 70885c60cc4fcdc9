/**
 * A thin layer over oneDNN's C API (through bytedeco's presets): a CPU engine with its instruction
 * set, memory descriptors, native buffers and recorded primitive calls, with every status code
 * checked and every handle released by a {@link dev.glimpse.core.dnnl.DnnlScope}. The CLIP towers'
 * bf16 fast path ({@code dev.glimpse.core.clip.DnnlTowers}) is built on it.
 */
package dev.glimpse.core.dnnl;
