package dev.glimpse.core.clip;

import ai.djl.ndarray.NDArray;

/**
 * The weights of one pre-LayerNorm residual block, in canonical form: q, k and v stacked as one
 * {@code [3W, W]} linear weight, linear weights as {@code [out, in]}.
 */
record BlockWeights(
    NDArray ln1Weight,
    NDArray ln1Bias,
    NDArray qkvWeight,
    NDArray qkvBias,
    NDArray outWeight,
    NDArray outBias,
    NDArray ln2Weight,
    NDArray ln2Bias,
    NDArray fc1Weight,
    NDArray fc1Bias,
    NDArray fc2Weight,
    NDArray fc2Bias) {}
