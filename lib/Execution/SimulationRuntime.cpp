//===- SimulationRuntime.cpp - simulated quantization at observers --------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Execution/SimulationRuntime.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <atomic>
#include <cmath>

using namespace mlir::fxp;

namespace {

/// Quantize-dequantize constants of one format.
struct Step {
  float scale;   // 2^F
  float inverse; // 2^-F
  float lo, hi;  // stored range
};

Step stepOf(const FixedFormat &format) {
  return {float(std::ldexp(1.0, format.fractionLength)),
          float(std::ldexp(1.0, -format.fractionLength)),
          float(format.minStored()), float(format.maxStored())};
}

inline float simulate(float value, const Step &step) {
  if (std::isnan(value))
    return 0.0f;
  float stored = std::round(value * step.scale);
  stored = std::fmin(std::fmax(stored, step.lo), step.hi);
  return stored * step.inverse;
}

} // namespace

void QuantizationSimulator::setFormat(size_t id,
                                      std::optional<SimulatedFormat> format) {
  if (id >= formats.size())
    formats.resize(id + 1);
  formats[id] = std::move(format);
}

void QuantizationSimulator::clear() {
  for (std::optional<SimulatedFormat> &format : formats)
    format.reset();
}

void QuantizationSimulator::apply(size_t id, const float *input, int64_t rank,
                                  const int64_t *sizes, const int64_t *strides,
                                  float *output) const {
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d)
    count *= sizes[d];
  if (count <= 0)
    return;
  const SimulatedFormat *format =
      id < formats.size() && formats[id] ? &*formats[id] : nullptr;
  std::vector<Step> steps;
  int64_t axis = -1;
  if (format && !format->slices.empty()) {
    for (const FixedFormat &slice : format->slices)
      steps.push_back(stepOf(slice));
    if (format->axis) {
      axis = int64_t(*format->axis);
      if (axis >= rank || sizes[axis] != int64_t(steps.size()))
        steps.clear();
    } else if (steps.size() != 1) {
      steps.clear();
    }
  }
  // Odometer over the strided input; the output is row-major.
  std::vector<int64_t> index(size_t(std::max<int64_t>(rank, 0)), 0);
  const float *element = input;
  for (int64_t i = 0; i < count; ++i) {
    float value = *element;
    if (!steps.empty())
      value = simulate(value, steps[axis < 0 ? 0 : size_t(index[axis])]);
    output[i] = value;
    for (int64_t d = rank - 1; d >= 0; --d) {
      element += strides[d];
      if (++index[d] < sizes[d])
        break;
      element -= strides[d] * sizes[d];
      index[d] = 0;
    }
  }
}

static std::atomic<const QuantizationSimulator *> activeSimulator{nullptr};

void mlir::fxp::setActiveSimulator(const QuantizationSimulator *simulator) {
  activeSimulator.store(simulator);
}

/// `_mlir_ciface_fxp_simulate_f32`: an unranked memref descriptor is
/// {rank, pointer to {allocated, aligned, offset, sizes[rank],
/// strides[rank]}}.
static void simulateUnrankedF32(int64_t id, UnrankedMemRefType<float> *input,
                                UnrankedMemRefType<float> *output) {
  if (!input || !output || input->rank != output->rank)
    return;
  auto *in = static_cast<int64_t *>(input->descriptor);
  auto *out = static_cast<int64_t *>(output->descriptor);
  int64_t rank = input->rank;
  const float *source = reinterpret_cast<const float *>(in[1]) + in[2];
  float *target = reinterpret_cast<float *>(out[1]) + out[2];
  static const QuantizationSimulator passThrough;
  const QuantizationSimulator *simulator = activeSimulator.load();
  (simulator ? simulator : &passThrough)
      ->apply(id < 0 ? size_t(-1) : size_t(id), source, rank, in + 3,
              in + 3 + rank, target);
}

std::vector<RuntimeSymbol> mlir::fxp::getSimulatorRuntimeSymbols() {
  return {{"_mlir_ciface_fxp_simulate_f32",
           reinterpret_cast<void *>(&simulateUnrankedF32)}};
}
