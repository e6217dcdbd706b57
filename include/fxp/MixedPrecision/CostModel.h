//===- CostModel.h - per-layer precision choices and their costs -*- C++
//-*-===//
//
// Part of the fxp project.
//
// The vocabulary of mixed-precision search: a layer's precision choice
// (weight and output-activation word lengths, or float), what a layer is
// made of (weights, biases, outputs, multiply-accumulates) and what a choice
// costs in learnable-parameter bytes, activation bytes and modelled GPU
// latency. Plain C++: fxp-mixed-precision, `quant search` and the unit tests
// share it. docs/MixedPrecision.md documents the model.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_MIXEDPRECISION_COSTMODEL_H
#define FXP_MIXEDPRECISION_COSTMODEL_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::fxp::mixed {

/// One layer's precision: weights and output activations at the given word
/// lengths (`w4a8`: 4-bit weights, 8-bit activations), or float.
struct Precision {
  bool isFloat = false;
  unsigned weightBits = 8;
  unsigned activationBits = 8;

  static Precision floating() { return {true, 0, 0}; }
  static Precision fixed(unsigned weightBits, unsigned activationBits) {
    return {false, weightBits, activationBits};
  }
  /// "w4a8", "w16a16", "float".
  std::string str() const;
  bool operator==(const Precision &other) const {
    return isFloat == other.isFloat &&
           (isFloat || (weightBits == other.weightBits &&
                        activationBits == other.activationBits));
  }
  bool operator!=(const Precision &other) const { return !(*this == other); }
};

/// Parses "wWaA" (W, A in [2, 16]) or "float"; nullopt otherwise.
std::optional<Precision> parsePrecision(const std::string &text);

/// The candidates `quant search` measures by default: weights 4/8/16 bits x
/// activations 8/16 bits, and float.
std::vector<Precision> defaultCandidates();

/// What a quantizable layer (conv or matmul with its bias and fused ReLU)
/// holds and computes, per sample.
struct LayerShape {
  std::string name;
  int64_t weightElements = 0;
  int64_t biasElements = 0;
  /// Elements of the layer's output activation per sample.
  int64_t outputElements = 0;
  /// Elements of its input activation per sample.
  int64_t inputElements = 0;
  /// Multiply-accumulates per sample.
  int64_t macs = 0;
};

/// Learnable-parameter bytes of a layer at `precision`: weights of at most
/// 4 bits packed two per byte, wider ones in whole bytes; quantized biases
/// are 32-bit (the accumulator format); float parameters take 4 bytes.
int64_t parameterBytes(const LayerShape &layer, const Precision &precision);

/// Bytes of one sample's output activation at `precision` (4 per element in
/// float, ceil(bits / 8) otherwise).
int64_t activationBytes(const LayerShape &layer, const Precision &precision);

/// A roofline GPU latency model per layer (docs/MixedPrecision.md): a
/// launch overhead plus the larger of compute time (MACs at the rate of the
/// layer's arithmetic: int8 tensor cores for weights and activations of at
/// most 8 bits, 16-bit integer otherwise, fp32 for float) and memory time
/// (weights, input and output activations at `bandwidthGBs`). Defaults are
/// round numbers for an H100 SXM; calibrate them from benchmark numbers
/// (`quant search --latency-model FILE`).
struct LatencyModel {
  double launchMicroseconds = 3.0;
  double bandwidthGBs = 2000.0;
  double int8Tops = 400.0;
  double int16Tops = 25.0;
  double fp32Tflops = 50.0;
  int64_t batch = 64;

  /// Checks every field is finite and positive; an error message or "".
  std::string validate() const;
  /// Modelled microseconds of `layer` at `precision` for one batch.
  double microseconds(const LayerShape &layer,
                      const Precision &precision) const;
};

} // namespace mlir::fxp::mixed

#endif // FXP_MIXEDPRECISION_COSTMODEL_H
