//===- MixedPrecision.cpp - per-layer word lengths under a budget ---------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/Transforms/MixedPrecision.h"

#include "NetworkPatterns.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/MixedPrecision/Solver.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_MIXEDPRECISION
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp;
using mixed::Precision;

/// Elements per sample of a value whose first dimension is the batch.
static int64_t elementsPerSample(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() == 0)
    return 1;
  int64_t count = 1;
  for (int64_t size : type.getShape().drop_front())
    count *= ShapedType::isDynamic(size) ? 1 : size;
  return count;
}

static int64_t staticElements(ObserveOp observer) {
  if (!observer)
    return 0;
  auto type = dyn_cast<RankedTensorType>(observer.getType());
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

SmallVector<MixedPrecisionLayer> fxp::collectLayers(func::FuncOp func) {
  SmallVector<MixedPrecisionLayer> layers;
  func.walk([&](Operation *op) {
    std::optional<patterns::Node> node = patterns::matchNode(op);
    if (!node || !node->weight ||
        (node->kind != patterns::NodeKind::Conv &&
         node->kind != patterns::NodeKind::Matmul))
      return;
    MixedPrecisionLayer layer;
    layer.root = node->root;
    layer.weight = node->weight;
    layer.bias = node->bias;
    layer.output = node->output.output;
    layer.final = node->output.final();
    mixed::LayerShape &shape = layer.shape;
    shape.name = layer.output.getName().str();
    shape.weightElements = staticElements(layer.weight);
    shape.biasElements = staticElements(layer.bias);
    shape.outputElements = elementsPerSample(layer.final.getResult());
    shape.inputElements = elementsPerSample(node->inputs.front());
    // Conv weights are F x C x KH x KW, matmul weights K x N: one output
    // element takes weightElements / outputChannels MACs.
    auto weightType = cast<RankedTensorType>(layer.weight.getType());
    unsigned channelAxis = node->kind == patterns::NodeKind::Conv ? 0 : 1;
    int64_t channels = weightType.getRank() > channelAxis
                           ? weightType.getDimSize(channelAxis)
                           : 1;
    shape.macs = channels > 0
                     ? shape.outputElements * (shape.weightElements / channels)
                     : 0;
    layers.push_back(std::move(layer));
  });
  return layers;
}

SmallVector<ObserveOp> fxp::collectQuantizedObservers(func::FuncOp func) {
  SmallVector<ObserveOp> observers;
  llvm::SmallPtrSet<Operation *, 32> seen;
  auto add = [&](ObserveOp observer) {
    if (observer && seen.insert(observer).second)
      observers.push_back(observer);
  };
  func.walk([&](Operation *op) {
    std::optional<patterns::Node> node = patterns::matchNode(op);
    if (!node)
      return;
    for (ObserveOp input : node->inputObservers)
      add(input);
    add(node->weight);
    add(node->output.final());
  });
  return observers;
}

void fxp::applyPrecision(const MixedPrecisionLayer &layer,
                         const Precision &precision) {
  // Op handles are values; copies allow the setters.
  ObserveOp weight = layer.weight, output = layer.output, final = layer.final;
  Builder b(output.getContext());
  for (ObserveOp observer : {weight, output, final}) {
    observer.removeWordLengthAttr();
    observer.removeKeepFloatAttr();
  }
  if (precision.isFloat) {
    output.setKeepFloatAttr(b.getUnitAttr());
    return;
  }
  weight.setWordLengthAttr(b.getI32IntegerAttr(precision.weightBits));
  final.setWordLengthAttr(b.getI32IntegerAttr(precision.activationBits));
}

void fxp::propagateJoinWidths(func::FuncOp func, unsigned defaultWidth) {
  Builder b(func.getContext());
  func.walk([&](Operation *op) {
    std::optional<patterns::Node> node = patterns::matchNode(op);
    if (!node || (node->kind != patterns::NodeKind::Add &&
                  node->kind != patterns::NodeKind::GlobalAvgPool))
      return;
    unsigned width = 0;
    bool explicitInput = false;
    for (ObserveOp input : node->inputObservers) {
      std::optional<uint32_t> inputWidth = input.getWordLength();
      explicitInput |= inputWidth.has_value();
      width = std::max<unsigned>(width, inputWidth.value_or(defaultWidth));
    }
    ObserveOp final = node->output.final();
    if (explicitInput && !final.getKeepFloat())
      final.setWordLengthAttr(b.getI32IntegerAttr(width));
  });
}

namespace {

struct MixedPrecisionPass : fxp::impl::MixedPrecisionBase<MixedPrecisionPass> {
  using MixedPrecisionBase::MixedPrecisionBase;
  void runOnOperation() override;

private:
  LogicalResult applyPlan(ArrayRef<MixedPrecisionLayer> layers);
  LogicalResult solveBudget(ArrayRef<MixedPrecisionLayer> layers);
  void record(const MixedPrecisionLayer &layer, const Precision &precision,
              std::optional<double> sensitivity);

  mixed::LatencyModel latency;
};

void MixedPrecisionPass::record(const MixedPrecisionLayer &layer,
                                const Precision &precision,
                                std::optional<double> sensitivity) {
  applyPrecision(layer, precision);
  ++numLayers;
  if (precision.isFloat)
    ++numFloat;
  if (!remarks)
    return;
  InFlightDiagnostic remark =
      mlir::emitRemark(layer.output->getLoc())
      << "layer '" << layer.shape.name << "': " << precision.str() << ", "
      << mixed::parameterBytes(layer.shape, precision) << " parameter bytes, "
      << llvm::formatv("{0:F3}", latency.microseconds(layer.shape, precision))
             .str()
      << " us modelled";
  if (sensitivity)
    remark << ", sensitivity " << llvm::formatv("{0:E3}", *sensitivity).str();
}

LogicalResult
MixedPrecisionPass::applyPlan(ArrayRef<MixedPrecisionLayer> layers) {
  llvm::StringMap<const MixedPrecisionLayer *> byName;
  for (const MixedPrecisionLayer &layer : layers)
    byName[layer.shape.name] = &layer;
  ModuleOp module = getOperation();
  for (const std::string &entry : formats) {
    size_t equals = entry.rfind('=');
    if (equals == std::string::npos)
      return mlir::emitError(module.getLoc())
             << "fxp-mixed-precision: expected LAYER=PRECISION in formats, "
                "got '"
             << entry << "'";
    std::string name = entry.substr(0, equals);
    std::optional<Precision> precision =
        mixed::parsePrecision(entry.substr(equals + 1));
    if (!precision)
      return mlir::emitError(module.getLoc())
             << "fxp-mixed-precision: '" << entry.substr(equals + 1)
             << "' is not a precision (expected wWaA with W, A in [2, 16], "
                "or float)";
    auto it = byName.find(name);
    if (it == byName.end())
      return mlir::emitError(module.getLoc())
             << "fxp-mixed-precision: '" << name
             << "' is not a conv or matmul layer of the module";
    record(*it->second, *precision, std::nullopt);
  }
  return success();
}

LogicalResult
MixedPrecisionPass::solveBudget(ArrayRef<MixedPrecisionLayer> layers) {
  bool byLatency = budgetLatency > 0;
  double floatBytes = 0;
  for (const MixedPrecisionLayer &layer : layers)
    floatBytes +=
        double(mixed::parameterBytes(layer.shape, Precision::floating()));
  double budget = byLatency         ? double(budgetLatency)
                  : budgetBytes > 0 ? double(budgetBytes)
                                    : budgetRatio * floatBytes;

  // Each layer's candidates: the entries of its sensitivity dictionary.
  mixed::Problem problem;
  SmallVector<SmallVector<Precision>> candidates;
  for (const MixedPrecisionLayer &layer : layers) {
    ObserveOp output = layer.output;
    auto table = output->getAttrOfType<DictionaryAttr>(kSensitivityAttr);
    if (!table || table.empty())
      return output.emitError()
             << "fxp-mixed-precision: layer '" << layer.shape.name
             << "' has no '" << kSensitivityAttr
             << "' dictionary (measure them with `quant search`)";
    std::vector<mixed::Option> options;
    SmallVector<Precision> precisions;
    for (NamedAttribute entry : table) {
      std::optional<Precision> precision =
          mixed::parsePrecision(entry.getName().str());
      auto value = dyn_cast<FloatAttr>(entry.getValue());
      if (!precision || !value || !std::isfinite(value.getValueAsDouble()))
        return output.emitError()
               << "fxp-mixed-precision: layer '" << layer.shape.name
               << "': sensitivity entry '" << entry.getName().str()
               << "' must be a precision (wWaA or float) with a finite "
                  "float value";
      double cost =
          byLatency ? latency.microseconds(layer.shape, *precision)
                    : double(mixed::parameterBytes(layer.shape, *precision));
      options.push_back({cost, value.getValueAsDouble()});
      precisions.push_back(*precision);
    }
    problem.push_back(std::move(options));
    candidates.push_back(std::move(precisions));
  }

  std::optional<mixed::Assignment> best =
      solver == "greedy" ? mixed::solveGreedy(problem, budget)
                         : mixed::solveExact(problem, budget);
  if (!best) {
    double cheapest = 0;
    for (const std::vector<mixed::Option> &options : problem) {
      double least = options.front().cost;
      for (const mixed::Option &option : options)
        least = std::min(least, option.cost);
      cheapest += least;
    }
    return mlir::emitError(getOperation().getLoc())
           << "fxp-mixed-precision: no assignment fits the budget of "
           << llvm::formatv("{0:F1}", budget).str()
           << (byLatency ? " us" : " bytes") << "; the cheapest needs "
           << llvm::formatv("{0:F1}", cheapest).str();
  }
  for (auto [index, layer] : llvm::enumerate(layers)) {
    unsigned choice = best->choices[index];
    record(layer, candidates[index][choice], problem[index][choice].objective);
  }
  if (remarks)
    mlir::emitRemark(getOperation().getLoc())
        << "fxp-mixed-precision (" << solver << "): " << layers.size()
        << " layers, " << (byLatency ? "latency " : "parameter bytes ")
        << llvm::formatv("{0:F1}", best->cost).str() << " of budget "
        << llvm::formatv("{0:F1}", budget).str() << ", objective "
        << llvm::formatv("{0:E3}", best->objective).str();
  return success();
}

void MixedPrecisionPass::runOnOperation() {
  ModuleOp module = getOperation();
  int budgets = (budgetRatio > 0) + (budgetBytes > 0) + (budgetLatency > 0);
  if (budgets > 1 || (budgets == 1 && !formats.empty())) {
    mlir::emitError(module.getLoc())
        << "fxp-mixed-precision: give one of formats, budget-ratio, "
           "budget-bytes or budget-latency-us";
    return signalPassFailure();
  }
  if (budgetRatio < 0 || budgetBytes < 0 || budgetLatency < 0 ||
      !std::isfinite(budgetRatio) || !std::isfinite(budgetLatency)) {
    mlir::emitError(module.getLoc())
        << "fxp-mixed-precision: budgets must be positive";
    return signalPassFailure();
  }
  if (solver != "exact" && solver != "greedy") {
    mlir::emitError(module.getLoc())
        << "fxp-mixed-precision: solver must be exact or greedy, got '"
        << solver << "'";
    return signalPassFailure();
  }
  if (!latencyModel.empty()) {
    if (latencyModel.size() != 6) {
      mlir::emitError(module.getLoc())
          << "fxp-mixed-precision: latency-model takes 6 numbers "
             "(launch_us,bandwidth_GBs,int8_TOPS,int16_TOPS,fp32_TFLOPS,"
             "batch), got "
          << latencyModel.size();
      return signalPassFailure();
    }
    latency.launchMicroseconds = latencyModel[0];
    latency.bandwidthGBs = latencyModel[1];
    latency.int8Tops = latencyModel[2];
    latency.int16Tops = latencyModel[3];
    latency.fp32Tflops = latencyModel[4];
    latency.batch = int64_t(latencyModel[5]);
    if (double(latency.batch) != latencyModel[5])
      latency.batch = 0;
  }
  if (std::string error = latency.validate(); !error.empty()) {
    mlir::emitError(module.getLoc()) << "fxp-mixed-precision: " << error;
    return signalPassFailure();
  }
  if (defaultWidth < 2 || defaultWidth > 16) {
    mlir::emitError(module.getLoc())
        << "fxp-mixed-precision: default-width must be in [2, 16], got "
        << unsigned(defaultWidth);
    return signalPassFailure();
  }
  SmallVector<MixedPrecisionLayer> layers;
  module.walk(
      [&](func::FuncOp function) { layers.append(collectLayers(function)); });
  llvm::StringSet<> names;
  for (const MixedPrecisionLayer &layer : layers)
    if (!names.insert(layer.shape.name).second) {
      ObserveOp output = layer.output;
      output.emitError() << "fxp-mixed-precision: two layers are named '"
                         << layer.shape.name << "'";
      return signalPassFailure();
    }
  LogicalResult result = budgets ? solveBudget(layers) : applyPlan(layers);
  if (failed(result))
    return signalPassFailure();
  module.walk([&](func::FuncOp function) {
    propagateJoinWidths(function, defaultWidth);
  });
}

} // namespace
