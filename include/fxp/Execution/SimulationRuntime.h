//===- SimulationRuntime.h - simulated quantization at observers -*- C++
//-*-===//
//
// Part of the fxp project.
//
// `fxp-lower-observers{mode=simulate}` turns each `fxp.observe` into a call
// `fxp_simulate_f32(id, input, output)` (C interface). This is its host
// side: the output receives the input quantized to and dequantized from the
// format the active QuantizationSimulator holds for observer `id` (round to
// nearest, ties away from zero; saturate; NaN becomes 0 — the semantics of
// `fxp.quantize`), or a copy when it holds none. One compiled program so
// evaluates any assignment of formats to observers, which is how
// `quant search` measures per-layer sensitivities.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_EXECUTION_SIMULATIONRUNTIME_H
#define FXP_EXECUTION_SIMULATIONRUNTIME_H

#include "fxp/Execution/JitModel.h"
#include "fxp/Numerics/FixedPoint.h"

#include <optional>
#include <vector>

namespace mlir::fxp {

/// A per-tensor format (one slice, no axis) or one format per slice along
/// `axis`.
struct SimulatedFormat {
  std::vector<FixedFormat> slices;
  std::optional<unsigned> axis;
};

/// The formats of a module's observers, by id (the index into the module's
/// `fxp.observers` names). Reads are thread-safe; change formats only while
/// no batch runs.
class QuantizationSimulator {
public:
  explicit QuantizationSimulator(size_t numObservers = 0)
      : formats(numObservers) {}

  size_t size() const { return formats.size(); }
  /// Sets (or with nullopt clears) observer `id`'s format.
  void setFormat(size_t id, std::optional<SimulatedFormat> format);
  /// Every observer passes its values unchanged.
  void clear();

  /// output = dequantize(quantize(input)) in observer `id`'s format: the
  /// input strided (`rank` sizes and strides, in elements), the output
  /// contiguous row-major. A per-axis format whose slice count does not
  /// match the size along its axis, or an axis beyond the rank, copies.
  void apply(size_t id, const float *input, int64_t rank, const int64_t *sizes,
             const int64_t *strides, float *output) const;

private:
  std::vector<std::optional<SimulatedFormat>> formats;
};

/// Sets the simulator `fxp_simulate_f32` calls use (null: they copy).
/// Process-wide; set it before running a model and clear it after.
void setActiveSimulator(const QuantizationSimulator *simulator);

/// The symbols to pass to JitModel::compile for simulating modules.
std::vector<RuntimeSymbol> getSimulatorRuntimeSymbols();

} // namespace mlir::fxp

#endif // FXP_EXECUTION_SIMULATIONRUNTIME_H
