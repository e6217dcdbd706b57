//===- CostModel.cpp - per-layer precision choices and their costs --------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/MixedPrecision/CostModel.h"

#include <algorithm>
#include <cctype>
#include <cmath>

using namespace mlir::fxp::mixed;

std::string Precision::str() const {
  if (isFloat)
    return "float";
  return "w" + std::to_string(weightBits) + "a" +
         std::to_string(activationBits);
}

/// Reads a decimal word length in [2, 16] at text[pos...]; advances pos.
static std::optional<unsigned> readBits(const std::string &text, size_t &pos) {
  size_t start = pos;
  unsigned value = 0;
  while (pos < text.size() &&
         std::isdigit(static_cast<unsigned char>(text[pos])) && pos - start < 3)
    value = value * 10 + unsigned(text[pos++] - '0');
  if (pos == start || value < 2 || value > 16)
    return std::nullopt;
  return value;
}

std::optional<Precision>
mlir::fxp::mixed::parsePrecision(const std::string &text) {
  if (text == "float")
    return Precision::floating();
  size_t pos = 0;
  if (text.empty() || text[pos++] != 'w')
    return std::nullopt;
  std::optional<unsigned> weights = readBits(text, pos);
  if (!weights || pos >= text.size() || text[pos++] != 'a')
    return std::nullopt;
  std::optional<unsigned> activations = readBits(text, pos);
  if (!activations || pos != text.size())
    return std::nullopt;
  return Precision::fixed(*weights, *activations);
}

std::vector<Precision> mlir::fxp::mixed::defaultCandidates() {
  std::vector<Precision> candidates;
  for (unsigned weights : {4u, 8u, 16u})
    for (unsigned activations : {8u, 16u})
      candidates.push_back(Precision::fixed(weights, activations));
  candidates.push_back(Precision::floating());
  return candidates;
}

static int64_t bytesPerValue(unsigned bits) { return (int64_t(bits) + 7) / 8; }

int64_t mlir::fxp::mixed::parameterBytes(const LayerShape &layer,
                                         const Precision &precision) {
  if (precision.isFloat)
    return 4 * (layer.weightElements + layer.biasElements);
  int64_t weights =
      precision.weightBits <= 4
          ? (layer.weightElements + 1) / 2
          : layer.weightElements * bytesPerValue(precision.weightBits);
  return weights + 4 * layer.biasElements;
}

int64_t mlir::fxp::mixed::activationBytes(const LayerShape &layer,
                                          const Precision &precision) {
  return layer.outputElements *
         (precision.isFloat ? 4 : bytesPerValue(precision.activationBits));
}

std::string LatencyModel::validate() const {
  for (double value :
       {launchMicroseconds, bandwidthGBs, int8Tops, int16Tops, fp32Tflops})
    if (!std::isfinite(value) || value < 0)
      return "latency model parameters must be finite and non-negative";
  if (bandwidthGBs <= 0 || int8Tops <= 0 || int16Tops <= 0 || fp32Tflops <= 0)
    return "latency model bandwidth and throughputs must be positive";
  if (batch <= 0)
    return "latency model batch must be positive";
  return "";
}

double LatencyModel::microseconds(const LayerShape &layer,
                                  const Precision &precision) const {
  double batchSize = double(batch);
  // 2 operations per MAC; tera-ops per second = 1e6 ops per microsecond.
  double operations = 2.0 * double(layer.macs) * batchSize;
  double rate = precision.isFloat ? fp32Tflops
                : std::max(precision.weightBits, precision.activationBits) <= 8
                    ? int8Tops
                    : int16Tops;
  double compute = operations / (rate * 1e6);
  // Input activations are read at the producer's width: assume the same as
  // this layer's outputs.
  double bytes =
      double(parameterBytes(layer, precision)) +
      batchSize * double(activationBytes(layer, precision)) *
          (1.0 + double(layer.inputElements) /
                     double(std::max<int64_t>(layer.outputElements, 1)));
  double memory = bytes / (bandwidthGBs * 1e3);
  return launchMicroseconds + std::max(compute, memory);
}
