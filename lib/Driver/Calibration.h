//===- Calibration.h - shared calibration run -------------------*- C++ -*-===//
//
// Part of the fxp project.
//
// The calibration step `quant calibrate` and `quant quantize` share:
// instrument a float module with observers, compute the statistics of its
// constant observers (weights, biases) once, lower the others to runtime
// calls and run the calibration data through the JIT.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_DRIVER_CALIBRATION_H
#define FXP_LIB_DRIVER_CALIBRATION_H

#include "DatasetRunner.h"

#include "fxp/Runtime/Statistics.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace mlir::fxp::driver {

/// Runs a textual pass pipeline on `module` (module-anchored, without the
/// `builtin.module(...)` wrapper); diagnostics go to stderr.
LogicalResult runPipeline(ModuleOp module, llvm::StringRef pipeline,
                          llvm::StringRef toolName);

/// Removes every observer (its uses take its input): the float model of an
/// instrumented module, e.g. `quant search`'s annotated.mlir.
void stripObservers(ModuleOp module);

/// Bytes of the fixed-point learnables of a quantized module: its
/// `fxp.constant`s located by observer name, as lowered (formats of at most
/// 4 bits packed two per byte, others in whole bytes per element). Their
/// names go into `names` when given.
int64_t fixedConstantBytes(ModuleOp module, llvm::StringSet<> *names = nullptr);

/// Inserts observers unless `module` already has some.
LogicalResult instrument(ModuleOp module, llvm::StringRef toolName);

struct CalibrationResult {
  /// Every observed tensor: runtime observers in id order, then the
  /// constants.
  std::vector<TensorStatistics> statistics;
  /// Names of the constant (learnable) observers.
  llvm::StringSet<> learnables;
  size_t numActivations = 0;
  int64_t samples = 0;
  double seconds = 0;
};

/// Calibrates an instrumented `module` (it is modified: the observers are
/// lowered) over the data of `options`.
llvm::Expected<CalibrationResult> calibrate(ModuleOp module,
                                            const DatasetOptions &options);

} // namespace mlir::fxp::driver

#endif // FXP_LIB_DRIVER_CALIBRATION_H
