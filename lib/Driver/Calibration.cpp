//===- Calibration.cpp - shared calibration run ---------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "Calibration.h"

#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Execution/JitModel.h"
#include "fxp/Execution/ObserverRuntime.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::driver;

LogicalResult driver::runPipeline(ModuleOp module, llvm::StringRef pipeline,
                                  llvm::StringRef toolName) {
  PassManager pm(module->getContext());
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  if (failed(parsePassPipeline(pipeline, pm, errorStream))) {
    llvm::errs() << toolName << ": error: " << error << "\n";
    return failure();
  }
  return pm.run(module);
}

void driver::stripObservers(ModuleOp module) {
  SmallVector<ObserveOp> observers;
  module.walk([&](ObserveOp observer) { observers.push_back(observer); });
  for (ObserveOp observer : observers) {
    observer.getResult().replaceAllUsesWith(observer.getInput());
    observer->erase();
  }
}

int64_t driver::fixedConstantBytes(ModuleOp module, llvm::StringSet<> *names) {
  int64_t bytes = 0;
  module.walk([&](ConstantOp constant) {
    auto name = dyn_cast<NameLoc>(constant.getLoc());
    auto type = dyn_cast<ShapedType>(constant.getType());
    if (!name || !type)
      return;
    if (names)
      names->insert(name.getName().getValue());
    bytes += getFixedElementType(type).getPackedBytes(type.getNumElements());
  });
  return bytes;
}

LogicalResult driver::instrument(ModuleOp module, llvm::StringRef toolName) {
  bool instrumented = false;
  module->walk([&](ObserveOp) { instrumented = true; });
  if (instrumented)
    return success();
  return runPipeline(module, "func.func(fxp-insert-observers)", toolName);
}

/// Statistics of observers on float constants (weights, biases), computed
/// from the constant's values; those observers are removed so they do not
/// count once per batch.
static std::vector<TensorStatistics> takeConstantObservers(ModuleOp module) {
  std::vector<TensorStatistics> statistics;
  SmallVector<ObserveOp> constantObservers;
  module.walk([&](ObserveOp observe) {
    auto constant = observe.getInput().getDefiningOp<arith::ConstantOp>();
    if (constant && isa<DenseFPElementsAttr>(constant.getValue()))
      constantObservers.push_back(observe);
  });
  for (ObserveOp observe : constantObservers) {
    auto constant = observe.getInput().getDefiningOp<arith::ConstantOp>();
    auto values = cast<DenseFPElementsAttr>(constant.getValue());
    std::vector<float> data;
    data.reserve(values.getNumElements());
    for (const APFloat &value : values.getValues<APFloat>()) {
      bool losesInfo = false;
      APFloat copy = value;
      copy.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                   &losesInfo);
      data.push_back(copy.convertToFloat());
    }
    auto shape = values.getType().getShape();
    TensorStatistics entry(observe.getName().str(),
                           std::vector<int64_t>(shape.begin(), shape.end()));
    entry.observe(data.data(), static_cast<int64_t>(data.size()));
    statistics.push_back(std::move(entry));
    observe.getResult().replaceAllUsesWith(observe.getInput());
    observe->erase();
  }
  return statistics;
}

llvm::Expected<CalibrationResult>
driver::calibrate(ModuleOp module, const DatasetOptions &options) {
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  CalibrationResult result;
  std::vector<TensorStatistics> learnables = takeConstantObservers(module);
  for (const TensorStatistics &entry : learnables)
    result.learnables.insert(entry.getName());
  if (failed(runPipeline(module, "fxp-lower-observers", options.toolName)))
    return error("lowering observers failed");

  // Runtime observers: id i is the i'th name of `fxp.observers`.
  StatisticsRegistry registry;
  auto names = module->getAttrOfType<ArrayAttr>("fxp.observers");
  for (Attribute name : names ? names.getValue() : ArrayRef<Attribute>()) {
    std::string text = cast<StringAttr>(name).str();
    std::string message;
    if (registry.registerTensor(text, std::nullopt, &message) !=
        static_cast<int64_t>(result.numActivations))
      return error("cannot register observer '" + text + "': " + message);
    ++result.numActivations;
  }

  auto model =
      JitModel::compile(module, options.entry, getObserverRuntimeSymbols());
  if (!model)
    return model.takeError();
  setActiveObserverRegistry(&registry);
  auto run = runDataset(**model, options);
  setActiveObserverRegistry(nullptr);
  if (!run)
    return run.takeError();
  result.samples = run->samples;
  result.seconds = run->runSeconds;

  std::string message;
  if (!registry.merge(learnables, &message))
    return error(message);
  result.statistics = registry.snapshot();
  return result;
}
