//===- Sensitivity.cpp - per-layer sensitivity measurement ----------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "Sensitivity.h"

#include "Calibration.h"
#include "fxp/Dialect/Fxp/Transforms/MixedPrecision.h"
#include "fxp/Execution/JitModel.h"
#include "fxp/Execution/SimulationRuntime.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::driver;
using mixed::Precision;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

OutputError driver::compareOutputs(const std::vector<float> &reference,
                                   const std::vector<float> &quantized,
                                   int64_t classes) {
  OutputError error;
  if (classes <= 0 || reference.size() != quantized.size() || reference.empty())
    return error;
  int64_t samples = int64_t(reference.size()) / classes;
  if (samples == 0)
    return error;
  double noise = 0, signal = 0, kl = 0;
  int64_t agree = 0;
  for (int64_t s = 0; s < samples; ++s) {
    const float *f = reference.data() + s * classes;
    const float *q = quantized.data() + s * classes;
    int64_t bestF = 0, bestQ = 0;
    double maxF = f[0], maxQ = q[0];
    for (int64_t k = 0; k < classes; ++k) {
      double d = double(q[k]) - double(f[k]);
      noise += d * d;
      signal += double(f[k]) * double(f[k]);
      if (f[k] > f[bestF])
        bestF = k;
      if (q[k] > q[bestQ])
        bestQ = k;
      maxF = std::max(maxF, double(f[k]));
      maxQ = std::max(maxQ, double(q[k]));
    }
    agree += bestF == bestQ;
    // log-softmax, shifted by the maxima.
    double sumF = 0, sumQ = 0;
    for (int64_t k = 0; k < classes; ++k) {
      sumF += std::exp(double(f[k]) - maxF);
      sumQ += std::exp(double(q[k]) - maxQ);
    }
    double logSumF = std::log(sumF) + maxF, logSumQ = std::log(sumQ) + maxQ;
    double divergence = 0;
    for (int64_t k = 0; k < classes; ++k) {
      double logP = double(f[k]) - logSumF, logQ = double(q[k]) - logSumQ;
      divergence += std::exp(logP) * (logP - logQ);
    }
    kl += std::max(0.0, divergence);
  }
  error.nsr = signal > 0 ? noise / signal : noise;
  error.kl = kl / double(samples);
  error.agreement = double(agree) / double(samples);
  return error;
}

double driver::objectiveOf(const OutputError &error, const OutputError &base,
                           llvm::StringRef objective) {
  if (objective == "kl")
    return error.kl - base.kl;
  if (objective == "top1")
    return base.agreement - error.agreement;
  return error.nsr - base.nsr;
}

namespace {

SimulatedFormat toSimulated(FixedType type) {
  SimulatedFormat format;
  for (unsigned i = 0; i < type.getNumSlices(); ++i)
    format.slices.push_back(type.getFormat(i));
  if (type.isPerAxis())
    format.axis = unsigned(*type.getAxis());
  return format;
}

/// The format of every observer when fxp-select-formats runs at `width`.
FailureOr<llvm::StringMap<FixedType>>
formatsAtWidth(ModuleOp module, std::shared_ptr<const HistogramTable> table,
               SelectFormatsOptions options, unsigned width) {
  OwningOpRef<ModuleOp> copy = module.clone();
  options.wordLength = width;
  PassManager pm(module.getContext());
  pm.addNestedPass<func::FuncOp>(createSelectFormatsPass(options, table));
  if (failed(pm.run(*copy)))
    return failure();
  llvm::StringMap<FixedType> formats;
  copy->walk([&](ObserveOp observer) {
    if (auto fixed =
            dyn_cast_or_null<FixedType>(observer.getFormat().value_or(Type())))
      formats[observer.getName()] = fixed;
  });
  return formats;
}

} // namespace

std::vector<float> driver::logitsOf(const DatasetRun &run) {
  const HostTensor &out = run.results.front();
  std::vector<float> logits(out.getNumElements());
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = float(out.getAsDouble(int64_t(i)));
  return logits;
}

llvm::Expected<SensitivityTable> driver::measureSensitivities(
    ModuleOp module, std::shared_ptr<const HistogramTable> histograms,
    const SensitivityOptions &options,
    const std::function<void(const llvm::Twine &)> &progress) {
  auto start = std::chrono::steady_clock::now();
  SensitivityTable table;
  table.context = options.defaultContext ? "default" : "float";

  // The layers and the observers the integer network quantizes.
  std::vector<MixedPrecisionLayer> layers;
  std::vector<std::string> quantizedNames;
  module.walk([&](func::FuncOp func) {
    for (MixedPrecisionLayer &layer : collectLayers(func))
      layers.push_back(layer);
    for (ObserveOp observer : collectQuantizedObservers(func))
      quantizedNames.push_back(observer.getName().str());
  });
  if (layers.empty())
    return makeError("the model has no conv or matmul layer to search over");

  // Formats at every word length a run needs.
  std::set<unsigned> widths;
  if (options.defaultContext)
    widths.insert(options.defaultWidth);
  for (const Precision &candidate : options.candidates)
    if (!candidate.isFloat) {
      widths.insert(candidate.weightBits);
      widths.insert(candidate.activationBits);
    }
  std::map<unsigned, llvm::StringMap<FixedType>> formats;
  for (unsigned width : widths) {
    auto atWidth = formatsAtWidth(module, histograms, options.select, width);
    if (failed(atWidth))
      return makeError(
          llvm::formatv("format selection at {0} bits failed", width));
    formats[width] = std::move(*atWidth);
  }

  // One program with simulated quantization at every observer.
  OwningOpRef<ModuleOp> simulated = module.clone();
  if (failed(runPipeline(*simulated, "fxp-lower-observers{mode=simulate}",
                         options.data.toolName)))
    return makeError("lowering the observers for simulation failed");
  llvm::StringMap<size_t> ids;
  if (auto names = (*simulated)->getAttrOfType<ArrayAttr>("fxp.observers"))
    for (auto [id, name] : llvm::enumerate(names))
      ids[cast<StringAttr>(name).getValue()] = id;
  auto model = JitModel::compile(*simulated, options.data.entry,
                                 getSimulatorRuntimeSymbols());
  if (!model)
    return model.takeError();
  auto dataset = loadDataset(**model, options.data);
  if (!dataset)
    return dataset.takeError();
  if ((*model)->getOutputs().empty() ||
      (*model)->getOutputs().front().getSampleSize() < 1)
    return makeError("the model has no batch of output scores");
  int64_t classes = (*model)->getOutputs().front().getSampleSize();

  QuantizationSimulator simulator(ids.size());
  auto setFormat = [&](llvm::StringRef name, std::optional<unsigned> width) {
    auto id = ids.find(name);
    if (id == ids.end())
      return;
    if (!width) {
      simulator.setFormat(id->second, std::nullopt);
      return;
    }
    auto format = formats[*width].find(name);
    if (format != formats[*width].end())
      simulator.setFormat(id->second, toSimulated(format->second));
  };
  auto setContext = [&]() {
    simulator.clear();
    if (options.defaultContext)
      for (const std::string &name : quantizedNames)
        setFormat(name, options.defaultWidth);
  };
  // Enough batches to keep every worker thread busy on few samples.
  DatasetOptions runOptions = options.data;
  runOptions.quiet = true;
  unsigned workers = runOptions.threads ? runOptions.threads
                                        : std::thread::hardware_concurrency();
  int64_t perWorker =
      (dataset->samples + std::max(1u, workers) - 1) / std::max(1u, workers);
  runOptions.batchSize =
      std::max<int64_t>(1, std::min(runOptions.batchSize, perWorker));
  setActiveSimulator(&simulator);
  auto evaluate = [&]() -> llvm::Expected<std::vector<float>> {
    auto run = runDataset(**model, *dataset, runOptions);
    if (!run)
      return run.takeError();
    ++table.runs;
    return logitsOf(*run);
  };

  simulator.clear();
  auto reference = evaluate();
  if (!reference) {
    setActiveSimulator(nullptr);
    return reference.takeError();
  }
  table.samples = dataset->samples;
  double squares = 0;
  for (int64_t sample = 0; sample < table.samples; ++sample) {
    const float *f = reference->data() + sample * classes;
    double best = -INFINITY, second = -INFINITY;
    for (int64_t k = 0; k < classes; ++k) {
      squares += double(f[k]) * double(f[k]);
      if (f[k] > best) {
        second = best;
        best = f[k];
      } else if (f[k] > second) {
        second = f[k];
      }
    }
    table.margins.push_back(classes > 1 ? best - second : INFINITY);
  }
  table.signalPower =
      table.samples ? squares / double(table.samples * classes) : 0.0;
  if (options.defaultContext) {
    setContext();
    auto base = evaluate();
    if (!base) {
      setActiveSimulator(nullptr);
      return base.takeError();
    }
    table.base = compareOutputs(*reference, *base, classes);
  }

  for (auto [index, layer] : llvm::enumerate(layers)) {
    LayerSensitivity sensitivity;
    sensitivity.shape = layer.shape;
    std::string summary;
    for (const Precision &candidate : options.candidates) {
      OutputError error;
      if (candidate.isFloat && !options.defaultContext) {
        error = OutputError(); // the float model itself
      } else {
        setContext();
        if (candidate.isFloat) {
          setFormat(layer.weight.getName(), std::nullopt);
        } else {
          setFormat(layer.weight.getName(), candidate.weightBits);
          setFormat(layer.final.getName(), candidate.activationBits);
        }
        auto logits = evaluate();
        if (!logits) {
          setActiveSimulator(nullptr);
          return logits.takeError();
        }
        error = compareOutputs(*reference, *logits, classes);
      }
      sensitivity.errors.push_back({candidate, error});
      summary += llvm::formatv(" {0} {1:e1}", candidate.str(), error.nsr);
    }
    progress(llvm::formatv("sensitivity {0}/{1} {2}: nsr{3}", index + 1,
                           layers.size(), layer.shape.name, summary));
    table.layers.push_back(std::move(sensitivity));
  }
  setActiveSimulator(nullptr);
  table.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return table;
}

double driver::predictAgreement(const SensitivityTable &table, double nsr) {
  if (table.margins.empty() || !(nsr > 0) || !(table.signalPower > 0))
    return 1.0;
  double sigma = std::sqrt(nsr * table.signalPower);
  double flips = 0;
  for (double margin : table.margins)
    flips += 0.5 * std::erfc(margin / (2.0 * sigma));
  return 1.0 - flips / double(table.margins.size());
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

static llvm::json::Value errorJson(const OutputError &error) {
  return llvm::json::Object{
      {"nsr", error.nsr}, {"kl", error.kl}, {"agreement", error.agreement}};
}

llvm::json::Value driver::toJson(const SensitivityTable &table) {
  llvm::json::Array layers;
  for (const LayerSensitivity &layer : table.layers) {
    llvm::json::Object errors;
    for (const auto &[precision, error] : layer.errors)
      errors[precision.str()] = errorJson(error);
    const mixed::LayerShape &shape = layer.shape;
    layers.push_back(
        llvm::json::Object{{"name", shape.name},
                           {"weight_elements", shape.weightElements},
                           {"bias_elements", shape.biasElements},
                           {"output_elements", shape.outputElements},
                           {"input_elements", shape.inputElements},
                           {"macs", shape.macs},
                           {"errors", std::move(errors)}});
  }
  llvm::json::Array margins;
  for (double margin : table.margins)
    margins.push_back(margin);
  return llvm::json::Object{{"version", 2},
                            {"key", table.key},
                            {"margins", std::move(margins)},
                            {"signal_power", table.signalPower},
                            {"context", table.context},
                            {"base", errorJson(table.base)},
                            {"samples", table.samples},
                            {"runs", table.runs},
                            {"seconds", table.seconds},
                            {"layers", std::move(layers)}};
}

static bool readError(const llvm::json::Object *object, OutputError &error) {
  if (!object)
    return false;
  std::optional<double> nsr = object->getNumber("nsr");
  std::optional<double> kl = object->getNumber("kl");
  std::optional<double> agreement = object->getNumber("agreement");
  if (!nsr || !kl || !agreement)
    return false;
  error = {*nsr, *kl, *agreement};
  return true;
}

llvm::Expected<SensitivityTable>
driver::sensitivityFromJson(const llvm::json::Value &value) {
  const llvm::json::Object *root = value.getAsObject();
  if (!root || root->getInteger("version") != 2)
    return makeError("not a version-2 sensitivity table");
  SensitivityTable table;
  std::optional<llvm::StringRef> key = root->getString("key");
  std::optional<llvm::StringRef> context = root->getString("context");
  const llvm::json::Array *layers = root->getArray("layers");
  if (!key || !context || !layers ||
      !readError(root->getObject("base"), table.base))
    return makeError("sensitivity table: missing key, context, base or "
                     "layers");
  table.key = key->str();
  table.context = context->str();
  table.samples = root->getInteger("samples").value_or(0);
  table.runs = root->getInteger("runs").value_or(0);
  table.seconds = root->getNumber("seconds").value_or(0);
  table.signalPower = root->getNumber("signal_power").value_or(0);
  if (const llvm::json::Array *margins = root->getArray("margins"))
    for (const llvm::json::Value &margin : *margins)
      if (std::optional<double> value = margin.getAsNumber())
        table.margins.push_back(*value);
  for (const llvm::json::Value &entry : *layers) {
    const llvm::json::Object *layer = entry.getAsObject();
    const llvm::json::Object *errors =
        layer ? layer->getObject("errors") : nullptr;
    std::optional<llvm::StringRef> name =
        layer ? layer->getString("name") : std::nullopt;
    if (!errors || !name)
      return makeError("sensitivity table: a layer lacks name or errors");
    LayerSensitivity sensitivity;
    mixed::LayerShape &shape = sensitivity.shape;
    shape.name = name->str();
    shape.weightElements = layer->getInteger("weight_elements").value_or(0);
    shape.biasElements = layer->getInteger("bias_elements").value_or(0);
    shape.outputElements = layer->getInteger("output_elements").value_or(0);
    shape.inputElements = layer->getInteger("input_elements").value_or(0);
    shape.macs = layer->getInteger("macs").value_or(0);
    for (const auto &[precisionName, errorValue] : *errors) {
      std::optional<Precision> precision =
          mixed::parsePrecision(precisionName.str());
      OutputError error;
      if (!precision || !readError(errorValue.getAsObject(), error))
        return makeError("sensitivity table: layer '" + shape.name +
                         "' has a malformed entry '" + precisionName.str() +
                         "'");
      sensitivity.errors.push_back({*precision, error});
    }
    table.layers.push_back(std::move(sensitivity));
  }
  return table;
}
