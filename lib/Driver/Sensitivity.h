//===- Sensitivity.h - per-layer sensitivity measurement --------*- C++ -*-===//
//
// Part of the fxp project.
//
// Step 1 of `quant search`: for each conv / matmul layer and each candidate
// precision, quantize that layer alone (the rest float, or the rest at the
// default word length) and measure how the model's outputs move away from
// the float outputs on calibration samples. One program compiled with
// simulated quantization at its observers (fxp-lower-observers
// mode=simulate) serves every run. The table round-trips through JSON so
// that `quant search` can cache it by model hash.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_DRIVER_SENSITIVITY_H
#define FXP_LIB_DRIVER_SENSITIVITY_H

#include "DatasetRunner.h"

#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/MixedPrecision/CostModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir::fxp::driver {

/// How far a model's outputs (logits) are from the float model's.
struct OutputError {
  /// Noise-to-signal power: sum (q - f)^2 / sum f^2 over all outputs.
  double nsr = 0;
  /// Mean over samples of KL(softmax(f) || softmax(q)), in nats.
  double kl = 0;
  /// Fraction of samples whose top-1 class equals the float model's.
  double agreement = 1;
};

/// OutputError of `quantized` against `reference` logits (samples x
/// classes, row-major).
OutputError compareOutputs(const std::vector<float> &reference,
                           const std::vector<float> &quantized,
                           int64_t classes);

/// The first result of `run` (the logits) as floats, row-major.
std::vector<float> logitsOf(const DatasetRun &run);

/// The additive objective of a measured error relative to the context's
/// own error `base` ("nsr", "kl" or "top1": 1 - agreement).
double objectiveOf(const OutputError &error, const OutputError &base,
                   llvm::StringRef objective);

struct LayerSensitivity {
  mixed::LayerShape shape;
  /// One entry per candidate, in candidate order.
  std::vector<std::pair<mixed::Precision, OutputError>> errors;
};

struct SensitivityTable {
  /// What the measurement depends on (model, data, options), hashed.
  std::string key;
  /// "float" (every other layer float) or "default" (at the default width).
  std::string context = "float";
  /// The context's own error (zero for "float").
  OutputError base;
  /// Float top-1 minus runner-up logit of every measurement sample, and the
  /// mean squared float logit: what predictAgreement needs.
  std::vector<double> margins;
  double signalPower = 0;
  std::vector<LayerSensitivity> layers;
  int64_t samples = 0;
  int64_t runs = 0;
  double seconds = 0;
};

struct SensitivityOptions {
  std::vector<mixed::Precision> candidates;
  /// Every other layer at `defaultWidth` (weights and activations) instead
  /// of float.
  bool defaultContext = false;
  unsigned defaultWidth = 8;
  /// Format selection of the runs (its word length is set per width).
  SelectFormatsOptions select;
  /// The measurement samples.
  DatasetOptions data;
};

/// Measures the sensitivities of the conv / matmul layers of the
/// instrumented float `module` (not modified) with formats chosen from
/// `histograms`. `progress` receives one line per layer.
llvm::Expected<SensitivityTable>
measureSensitivities(ModuleOp module,
                     std::shared_ptr<const HistogramTable> histograms,
                     const SensitivityOptions &options,
                     const std::function<void(const llvm::Twine &)> &progress);

/// Predicted top-1 agreement with float for a total output noise-to-signal
/// power `nsr`: the noise of each logit is modelled as independent
/// Gaussian with variance nsr * signalPower, and a sample keeps its class
/// unless the noise difference of its two best logits exceeds its margin m:
/// agreement = 1 - mean over samples of erfc(m / (2 sigma)) / 2.
double predictAgreement(const SensitivityTable &table, double nsr);

llvm::json::Value toJson(const SensitivityTable &table);
/// Parses toJson's output; errors name the offending field.
llvm::Expected<SensitivityTable> sensitivityFromJson(const llvm::json::Value &);

} // namespace mlir::fxp::driver

#endif // FXP_LIB_DRIVER_SENSITIVITY_H
