//===- SearchCommand.cpp - `quant search` ---------------------------------===//
//
// Part of the fxp project.
//
// Mixed-precision search (docs/MixedPrecision.md): measure per-layer
// sensitivities on calibration data (cached by model hash), solve the
// per-layer word lengths exactly under a budget (multiple-choice knapsack
// over Pareto-optimal partial sums) beside a greedy baseline, compile and
// validate chosen points with the real integer kernels, and write
// OUTDIR/{search.json, frontier.svg, annotated.mlir, quantized.mlir}.
//
//===----------------------------------------------------------------------===//

#include "fxp/Driver/Commands.h"

#include "Calibration.h"
#include "DatasetRunner.h"
#include "Sensitivity.h"
#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Dialect/Fxp/Transforms/MixedPrecision.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/Driver/ModuleLoader.h"
#include "fxp/Execution/JitModel.h"
#include "fxp/InitAllPasses.h"
#include "fxp/MixedPrecision/Solver.h"
#include "fxp/Report/FrontierPlot.h"
#include "fxp/Runtime/StatisticsFile.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::driver;
using mixed::Precision;
namespace cl = llvm::cl;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "quant search: error: " << message << "\n";
  return 1;
}

static int fail(llvm::Error error) {
  return fail(llvm::toString(std::move(error)));
}

namespace {

/// Candidate order everywhere: by weight bits, then activation bits, float
/// last.
bool precedes(const Precision &a, const Precision &b) {
  if (a.isFloat != b.isFloat)
    return b.isFloat;
  if (a.weightBits != b.weightBits)
    return a.weightBits < b.weightBits;
  return a.activationBits < b.activationBits;
}

/// xxh3 of a file's bytes, as hex; empty when unreadable.
std::string hashFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  return llvm::utohexstr(llvm::xxh3_64bits((*buffer)->getBuffer()));
}

/// The directory sensitivity tables are cached in.
std::string defaultCacheDir(llvm::StringRef outputDir) {
  llvm::SmallString<256> path;
  if (auto xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty()) {
    path = *xdg;
  } else if (auto home = llvm::sys::Process::GetEnv("HOME");
             home && !home->empty()) {
    path = *home;
    llvm::sys::path::append(path, ".cache");
  } else {
    path = outputDir;
    return std::string(path);
  }
  llvm::sys::path::append(path, "fxp");
  return std::string(path);
}

/// A point of the search: one precision per layer.
struct Point {
  std::string label;
  std::vector<unsigned> choices; // index into each layer's candidates
  int64_t paramBytes = 0;
  int64_t activationBytes = 0;
  double latency = 0;
  double objective = 0;
  double predictedNsr = 0;
  double predictedAgreement = 1;
  // Validation (measured with the integer kernels).
  bool measured = false;
  double top1 = 0;
  double agreement = 0;
  int64_t actualParamBytes = 0;
};

} // namespace

int mlir::fxp::driver::searchMain(int argc, char **argv) {
  static cl::OptionCategory category("quant search options");
  static cl::opt<std::string> modelPath(
      cl::Positional, cl::desc("<model.onnx | model.mlir | model.mlirbc>"),
      cl::Required, cl::cat(category));
  static cl::opt<std::string> calibrationPath(
      "calibration", cl::desc("Calibration images (NPY or IDX, .gz)"),
      cl::Required, cl::cat(category));
  static cl::opt<int64_t> calibrationLimit(
      "calibration-limit", cl::desc("Calibrate formats on the first N samples"),
      cl::init(200), cl::cat(category));
  static cl::opt<int64_t> sensitivitySamples(
      "samples",
      cl::desc("Measure sensitivities on the first N calibration samples"),
      cl::init(64), cl::cat(category));
  static cl::opt<std::string> normalize(
      "normalize", cl::desc("MEAN,STD as for `quant run`"), cl::cat(category));
  static cl::list<std::string> candidateNames(
      "candidates",
      cl::desc("Per-layer candidates (comma separated wWaA or float; "
               "default w4a8,w4a16,w8a8,w8a16,w16a8,w16a16,float)"),
      cl::CommaSeparated, cl::cat(category));
  static cl::opt<std::string> context(
      "context",
      cl::desc("Other layers while one is measured: float or default "
               "(w8a8)"),
      cl::init("float"), cl::cat(category));
  static cl::opt<std::string> objective(
      "objective",
      cl::desc("Additive objective: nsr (output noise-to-signal power), kl "
               "(logit KL divergence) or top1 (disagreement with float)"),
      cl::init("nsr"), cl::cat(category));
  static cl::opt<double> budgetRatio(
      "budget-ratio",
      cl::desc("Learnable bytes at most this fraction of float"), cl::init(0.0),
      cl::cat(category));
  static cl::opt<int64_t> budgetBytes("budget-bytes",
                                      cl::desc("Learnable bytes at most this"),
                                      cl::init(0), cl::cat(category));
  static cl::opt<double> budgetLatency(
      "budget-latency-us",
      cl::desc("Modelled GPU microseconds per batch at most this"),
      cl::init(0.0), cl::cat(category));
  static cl::opt<std::string> latencyModelPath(
      "latency-model",
      cl::desc("JSON with launch_us, bandwidth_GBs, int8_TOPS, int16_TOPS, "
               "fp32_TFLOPS, batch (calibrated from benchmarks)"),
      cl::cat(category));
  static cl::opt<std::string> validationPath(
      "validation",
      cl::desc("Validation images: measure chosen points with the integer "
               "kernels"),
      cl::cat(category));
  static cl::opt<std::string> labelsPath(
      "labels", cl::desc("Validation labels"), cl::cat(category));
  static cl::opt<int64_t> limit("limit",
                                cl::desc("Validate on the first N samples"),
                                cl::init(0), cl::cat(category));
  static cl::list<double> validateRatios(
      "validate-ratios",
      cl::desc("Also validate the exact optimum at these fractions of the "
               "float cost (bytes, or latency under --budget-latency-us; "
               "comma separated)"),
      cl::CommaSeparated, cl::cat(category));
  static cl::opt<std::string> policy(
      "policy", cl::desc("Activation format policy (as quant quantize)"),
      cl::init("msb"), cl::cat(category));
  static cl::opt<std::string> weightPolicy("weight-policy",
                                           cl::desc("Weight format policy"),
                                           cl::init("msb"), cl::cat(category));
  static cl::opt<std::string> cacheDir(
      "cache-dir",
      cl::desc("Sensitivity cache (default $XDG_CACHE_HOME/fxp or "
               "~/.cache/fxp)"),
      cl::cat(category));
  static cl::opt<bool> refresh(
      "refresh", cl::desc("Measure again even when the cache has the model"),
      cl::cat(category));
  static cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                                        cl::value_desc("OUTDIR"), cl::Required,
                                        cl::cat(category));
  static cl::opt<int64_t> batchSize("batch", cl::desc("Samples per batch"),
                                    cl::init(64), cl::cat(category));
  static cl::opt<unsigned> threads("num-threads",
                                   cl::desc("Worker threads (0: one per core)"),
                                   cl::init(0), cl::cat(category));
  static cl::opt<std::string> entry("entry", cl::desc("Entry function"),
                                    cl::init("main"), cl::cat(category));
  static cl::opt<bool> json("json", cl::desc("Print search.json on stdout"),
                            cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "fxp: mixed-precision search under a budget\n");
  fxp::registerAllPasses();
  ProgressLog progress("quant search");

  // Options.
  std::vector<Precision> candidates;
  for (const std::string &name : candidateNames) {
    std::optional<Precision> precision = mixed::parsePrecision(name);
    if (!precision)
      return fail("--candidates: '" + name +
                  "' is not a precision (wWaA with W, A in [2, 16], or "
                  "float)");
    if (llvm::find(candidates, *precision) == candidates.end())
      candidates.push_back(*precision);
  }
  if (candidates.empty())
    candidates = mixed::defaultCandidates();
  std::sort(candidates.begin(), candidates.end(), precedes);
  if (context != "float" && context != "default")
    return fail("--context must be float or default, got '" + context + "'");
  if (objective != "nsr" && objective != "kl" && objective != "top1")
    return fail("--objective must be nsr, kl or top1, got '" + objective + "'");
  int budgets = (budgetRatio > 0) + (budgetBytes > 0) + (budgetLatency > 0);
  if (budgets > 1)
    return fail("give at most one of --budget-ratio, --budget-bytes and "
                "--budget-latency-us");
  if (budgetRatio < 0 || budgetBytes < 0 || budgetLatency < 0)
    return fail("budgets must be positive");
  if (validationPath.empty() != labelsPath.empty())
    return fail("--validation and --labels go together");
  if (sensitivitySamples <= 0 || calibrationLimit < 0)
    return fail("--samples must be positive");
  if (!parseSelectionPolicy(policy) || !parseSelectionPolicy(weightPolicy))
    return fail("unknown --policy or --weight-policy");
  for (double ratio : validateRatios)
    if (!(ratio > 0))
      return fail("--validate-ratios must be positive");
  auto norm = parseNormalization(normalize);
  if (!norm) {
    return fail(norm.takeError());
  }
  mixed::LatencyModel latencyModel;
  if (!latencyModelPath.empty()) {
    auto buffer = llvm::MemoryBuffer::getFile(latencyModelPath);
    if (!buffer)
      return fail("cannot read '" + latencyModelPath +
                  "': " + buffer.getError().message());
    auto parsed = llvm::json::parse((*buffer)->getBuffer());
    if (!parsed)
      return fail(latencyModelPath + ": " + llvm::toString(parsed.takeError()));
    const llvm::json::Object *object = parsed->getAsObject();
    auto field = [&](llvm::StringRef name, double &value) {
      if (object)
        if (std::optional<double> number = object->getNumber(name))
          value = *number;
    };
    field("launch_us", latencyModel.launchMicroseconds);
    field("bandwidth_GBs", latencyModel.bandwidthGBs);
    field("int8_TOPS", latencyModel.int8Tops);
    field("int16_TOPS", latencyModel.int16Tops);
    field("fp32_TFLOPS", latencyModel.fp32Tflops);
    double batch = double(latencyModel.batch);
    field("batch", batch);
    latencyModel.batch = int64_t(batch);
    if (!object)
      return fail(latencyModelPath + ": expected a JSON object");
  }
  if (std::string error = latencyModel.validate(); !error.empty())
    return fail(latencyModelPath + ": " + error);
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  auto outPath = [&](llvm::StringRef file) {
    llvm::SmallString<256> path(outputDir.getValue());
    llvm::sys::path::append(path, file);
    return std::string(path);
  };

  MLIRContext mlirContext;
  OwningOpRef<ModuleOp> floatModule = loadModule(mlirContext, modelPath);
  if (!floatModule)
    return 1;
  OwningOpRef<ModuleOp> instrumented = floatModule->clone();
  if (failed(instrument(*instrumented, "quant search")))
    return fail("inserting observers failed");
  std::vector<MixedPrecisionLayer> layers;
  instrumented->walk([&](func::FuncOp func) {
    for (MixedPrecisionLayer &layer : collectLayers(func))
      layers.push_back(layer);
  });
  if (layers.empty())
    return fail("'" + modelPath + "' has no conv or matmul layer");
  int64_t floatBytes = 0;
  for (const MixedPrecisionLayer &layer : layers)
    floatBytes += mixed::parameterBytes(layer.shape, Precision::floating());
  progress(llvm::formatv("{0} layers, {1} learnable bytes in float",
                         layers.size(), floatBytes));

  // 1. Sensitivities: from the cache, or measured.
  SelectFormatsOptions select;
  select.policy = policy;
  select.weightPolicy = weightPolicy;
  std::string candidateText;
  for (const Precision &candidate : candidates)
    candidateText += candidate.str() + ",";
  std::string modelHash = hashFile(modelPath);
  std::string dataHash = hashFile(calibrationPath);
  if (modelHash.empty() || dataHash.empty())
    return fail("cannot read '" +
                (modelHash.empty() ? modelPath.getValue()
                                   : calibrationPath.getValue()) +
                "'");
  std::string keyText = llvm::formatv(
      "model {0} data {1} limit {2} samples {3} normalize {4},{5},{6} "
      "candidates {7} context {8} policy {9} weight-policy {10} entry {11}",
      modelHash, dataHash, calibrationLimit.getValue(),
      sensitivitySamples.getValue(), norm->enabled, norm->mean, norm->std,
      candidateText, context.getValue(), policy.getValue(),
      weightPolicy.getValue(), entry.getValue());
  std::string key = llvm::utohexstr(llvm::xxh3_64bits(keyText));
  std::string cache =
      cacheDir.empty() ? defaultCacheDir(outputDir) : cacheDir.getValue();
  auto cachePath = [&](llvm::StringRef suffix) {
    llvm::SmallString<256> path(cache);
    llvm::sys::path::append(path, key + suffix);
    return std::string(path);
  };
  std::string sensitivityPath = cachePath(".sensitivity.json");
  std::string statsPath = cachePath(".stats.json");

  DatasetOptions base;
  base.norm = *norm;
  base.batchSize = batchSize;
  base.threads = threads;
  base.entry = entry;
  base.toolName = "quant search";
  std::vector<StatisticsSignature> signatures;
  instrumented->walk([&](ObserveOp observer) {
    signatures.push_back({observer.getName().str(), std::nullopt});
  });
  std::vector<TensorStatistics> statistics;
  std::optional<SensitivityTable> table;
  bool cached = false;
  if (!refresh && llvm::sys::fs::exists(sensitivityPath) &&
      llvm::sys::fs::exists(statsPath)) {
    std::string error;
    auto buffer = llvm::MemoryBuffer::getFile(sensitivityPath);
    if (buffer &&
        readStatisticsFile(statsPath, statistics, &error, &signatures)) {
      if (auto parsed = llvm::json::parse((*buffer)->getBuffer())) {
        auto loaded = sensitivityFromJson(*parsed);
        if (loaded && loaded->key == key &&
            loaded->layers.size() == layers.size()) {
          table = std::move(*loaded);
          cached = true;
        } else if (!loaded) {
          llvm::consumeError(loaded.takeError());
        }
      } else {
        llvm::consumeError(parsed.takeError());
      }
    }
    if (!cached)
      progress("ignoring the unreadable cache entry " + sensitivityPath);
  }
  auto histograms = std::make_shared<HistogramTable>();
  if (!cached) {
    progress("calibrating on " + calibrationPath);
    OwningOpRef<ModuleOp> calibrationModule = instrumented->clone();
    DatasetOptions options = base;
    options.inputPaths = {calibrationPath};
    options.limit = calibrationLimit;
    auto calibration = calibrate(*calibrationModule, options);
    if (!calibration) {
      return fail(calibration.takeError());
    }
    statistics = std::move(calibration->statistics);
  }
  for (const TensorStatistics &entry : statistics)
    (*histograms)[entry.getName()] = entry.getHistogram();
  if (!cached) {
    progress(llvm::formatv("measuring {0} layers x {1} candidates on {2} "
                           "samples ({3} context)",
                           layers.size(), candidates.size(),
                           sensitivitySamples.getValue(), context.getValue()));
    SensitivityOptions options;
    options.candidates = candidates;
    options.defaultContext = context == "default";
    options.select = select;
    options.data = base;
    options.data.inputPaths = {calibrationPath};
    options.data.limit = sensitivitySamples;
    auto measured =
        measureSensitivities(*instrumented, histograms, options, progress);
    if (!measured) {
      return fail(measured.takeError());
    }
    table = std::move(*measured);
    table->key = key;
    std::string error;
    std::error_code ec = llvm::sys::fs::create_directories(cache);
    llvm::raw_fd_ostream out(sensitivityPath, ec);
    if (!ec) {
      out << llvm::formatv("{0:2}", toJson(*table)) << "\n";
      out.close();
    }
    if (ec || out.has_error() ||
        !writeStatisticsFile(statsPath, statistics, &error)) {
      progress("warning: cannot write the cache " + sensitivityPath);
      out.clear_error();
    }
    progress(llvm::formatv("measured {0} runs in {1:F1} s; cached as {2}",
                           table->runs, table->seconds, sensitivityPath));
  } else {
    progress(llvm::formatv("sensitivities from the cache {0} (measured in "
                           "{1:F1} s)",
                           sensitivityPath, table->seconds));
  }

  // 2. The problem: per layer, each candidate's cost and objective.
  auto searchStart = std::chrono::steady_clock::now();
  bool byLatency = budgetLatency > 0;
  mixed::Problem problem;
  std::vector<std::vector<Precision>> choicesOf;
  // The errors are sorted in place: makePoint indexes them by choice.
  for (size_t index = 0; index < table->layers.size(); ++index) {
    LayerSensitivity &layer = table->layers[index];
    if (layer.shape.name != layers[index].shape.name)
      return fail("the sensitivity table does not match the model's layers");
    std::sort(layer.errors.begin(), layer.errors.end(),
              [](const auto &a, const auto &b) {
                return precedes(a.first, b.first);
              });
    std::vector<mixed::Option> options;
    std::vector<Precision> precisions;
    for (const auto &[precision, error] : layer.errors) {
      double cost =
          byLatency
              ? latencyModel.microseconds(layers[index].shape, precision)
              : double(mixed::parameterBytes(layers[index].shape, precision));
      options.push_back({cost, objectiveOf(error, table->base, objective)});
      precisions.push_back(precision);
    }
    problem.push_back(std::move(options));
    choicesOf.push_back(std::move(precisions));
  }
  auto makePoint = [&](const std::string &label,
                       const std::vector<unsigned> &choices) {
    Point point;
    point.label = label;
    point.choices = choices;
    double nsr = table->base.nsr;
    for (size_t l = 0; l < choices.size(); ++l) {
      const Precision &precision = choicesOf[l][choices[l]];
      const mixed::LayerShape &shape = layers[l].shape;
      point.paramBytes += mixed::parameterBytes(shape, precision);
      point.activationBytes += mixed::activationBytes(shape, precision);
      point.latency += latencyModel.microseconds(shape, precision);
      point.objective += problem[l][choices[l]].objective;
      nsr += table->layers[l].errors[choices[l]].second.nsr - table->base.nsr;
    }
    point.predictedNsr = std::max(0.0, nsr);
    point.predictedAgreement = predictAgreement(*table, point.predictedNsr);
    return point;
  };
  std::vector<mixed::Assignment> frontier = mixed::paretoFrontier(problem);
  std::vector<mixed::Assignment> greedy = mixed::greedyPath(problem);
  double budget = byLatency         ? double(budgetLatency)
                  : budgetBytes > 0 ? double(budgetBytes)
                                    : budgetRatio * double(floatBytes);
  std::vector<Point> points; // validated / reported points
  std::optional<size_t> chosenIndex;
  if (budgets) {
    std::optional<mixed::Assignment> exact = mixed::solveExact(problem, budget);
    if (!exact)
      return fail(
          llvm::formatv("no assignment fits the budget of {0:F1} {1}; "
                        "the cheapest needs {2:F1}",
                        budget, byLatency ? "us" : "bytes",
                        frontier.empty() ? 0.0 : frontier.front().cost));
    chosenIndex = points.size();
    points.push_back(makePoint("exact", exact->choices));
    if (std::optional<mixed::Assignment> greedyChoice =
            mixed::solveGreedy(problem, budget))
      points.push_back(makePoint("greedy", greedyChoice->choices));
  }
  size_t firstUniform = points.size();
  for (const char *uniform : {"w8a8", "w4a8"}) {
    Precision precision = *mixed::parsePrecision(uniform);
    std::vector<unsigned> choices;
    for (const std::vector<Precision> &available : choicesOf) {
      auto it = llvm::find(available, precision);
      if (it == available.end())
        break;
      choices.push_back(unsigned(it - available.begin()));
    }
    if (choices.size() == choicesOf.size())
      points.push_back(makePoint(std::string("uniform ") + uniform, choices));
  }
  // The exact optimum at the bytes of each uniform point: the frontier
  // must be at least as accurate there.
  size_t lastUniform = points.size();
  for (size_t i = firstUniform; i < lastUniform; ++i) {
    double cost = byLatency ? points[i].latency : double(points[i].paramBytes);
    if (std::optional<mixed::Assignment> exact =
            mixed::solveExact(problem, cost))
      points.push_back(makePoint(
          "exact @" + points[i].label.substr(8) + " cost", exact->choices));
  }
  // Ratios of the float model's cost: bytes, or modelled latency under a
  // latency budget.
  double floatCost = double(floatBytes);
  if (byLatency) {
    floatCost = 0;
    for (const MixedPrecisionLayer &layer : layers)
      floatCost +=
          latencyModel.microseconds(layer.shape, Precision::floating());
  }
  for (double ratio : validateRatios)
    if (std::optional<mixed::Assignment> exact =
            mixed::solveExact(problem, ratio * floatCost))
      points.push_back(makePoint(
          llvm::formatv("exact @{0:F1}%", 100 * ratio).str(), exact->choices));
  double searchSeconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - searchStart)
                             .count();
  progress(llvm::formatv("searched: {0} frontier points, {1} greedy steps in "
                         "{2:F3} s",
                         frontier.size(), greedy.size(), searchSeconds));

  // 3. Annotated module: sensitivities on the layers' output observers, so
  // that fxp-mixed-precision can solve again inside other pipelines.
  {
    Builder b(&mlirContext);
    for (auto [index, layer] : llvm::enumerate(layers)) {
      SmallVector<NamedAttribute> entries;
      for (auto [choice, precision] : llvm::enumerate(choicesOf[index]))
        entries.push_back(b.getNamedAttr(
            precision.str(),
            b.getF64FloatAttr(problem[index][choice].objective)));
      layer.output->setAttr(kSensitivityAttr, b.getDictionaryAttr(entries));
    }
    std::error_code ec;
    llvm::raw_fd_ostream out(outPath("annotated.mlir"), ec);
    if (ec)
      return fail("cannot write annotated.mlir: " + ec.message());
    instrumented->print(out);
  }

  // 4. Validation with the integer kernels.
  auto passOptions = [&](const std::vector<unsigned> &choices) {
    std::string text = "formats=";
    for (size_t l = 0; l < choices.size(); ++l)
      text += (l ? "," : "") + layers[l].shape.name + "=" +
              choicesOf[l][choices[l]].str();
    return text;
  };
  // A point's integer program: the same passes a user runs with the
  // point's pass_options.
  auto buildQuantized =
      [&](const Point &point) -> FailureOr<OwningOpRef<ModuleOp>> {
    OwningOpRef<ModuleOp> module = instrumented->clone();
    if (failed(runPipeline(
            *module, "fxp-mixed-precision{" + passOptions(point.choices) + "}",
            "quant search")))
      return failure();
    PassManager pm(&mlirContext);
    pm.addNestedPass<func::FuncOp>(createSelectFormatsPass(select, histograms));
    pm.addPass(createQuantize());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    if (failed(pm.run(*module)))
      return failure();
    return module;
  };
  std::optional<DatasetRun> floatRun;
  if (!validationPath.empty()) {
    DatasetOptions validation = base;
    validation.inputPaths = {validationPath};
    validation.labelsPath = labelsPath;
    validation.limit = limit;
    validation.quiet = true;
    progress("validating float on " + validationPath);
    OwningOpRef<ModuleOp> floatCopy = floatModule->clone();
    stripObservers(*floatCopy); // an instrumented input validates as float
    auto floatModel = JitModel::compile(*floatCopy, entry, {});
    if (!floatModel) {
      return fail(floatModel.takeError());
    }
    auto dataset = loadDataset(**floatModel, validation);
    if (!dataset) {
      return fail(dataset.takeError());
    }
    auto run = runDataset(**floatModel, *dataset, validation);
    if (!run || !run->top1) {
      if (!run)
        llvm::consumeError(run.takeError());
      return fail("validating the float model failed");
    }
    floatRun = std::move(*run);
    std::vector<float> floatLogits = logitsOf(*floatRun);
    const HostTensor &floatResult = floatRun->results.front();
    int64_t classes = floatResult.shape.size() > 1 ? floatResult.shape[1] : 1;
    for (Point &point : points) {
      auto module = buildQuantized(point);
      if (failed(module))
        return fail("quantizing the point '" + point.label + "' failed");
      point.actualParamBytes = fixedConstantBytes(**module);
      // Learnables left float (float layers) at 4 bytes.
      for (size_t l = 0; l < layers.size(); ++l)
        if (choicesOf[l][point.choices[l]].isFloat)
          point.actualParamBytes +=
              mixed::parameterBytes(layers[l].shape, Precision::floating());
      if (chosenIndex && &point == &points[*chosenIndex]) {
        std::error_code ec;
        llvm::raw_fd_ostream out(outPath("quantized.mlir"), ec);
        if (ec)
          return fail("cannot write quantized.mlir: " + ec.message());
        (*module)->print(out);
      }
      auto model = JitModel::compile(**module, entry, {});
      if (!model) {
        return fail(model.takeError());
      }
      auto fixedRun = runDataset(**model, *dataset, validation);
      if (!fixedRun || !fixedRun->top1) {
        if (!fixedRun)
          llvm::consumeError(fixedRun.takeError());
        return fail("validating the point '" + point.label + "' failed");
      }
      point.measured = true;
      point.top1 = *fixedRun->top1;
      point.agreement =
          compareOutputs(floatLogits, logitsOf(*fixedRun), classes).agreement;
      progress(llvm::formatv("validated {0}: top-1 {1:F2}%, {2} bytes",
                             point.label, 100 * point.top1,
                             point.actualParamBytes));
    }
  }

  // 5. Report.
  auto choicesJson = [&](const std::vector<unsigned> &choices) {
    llvm::json::Object object;
    for (size_t l = 0; l < choices.size(); ++l)
      object[layers[l].shape.name] = choicesOf[l][choices[l]].str();
    return object;
  };
  auto pointJson = [&](const Point &point) {
    llvm::json::Object object{
        {"label", point.label},
        {"param_bytes", point.paramBytes},
        {"param_ratio", double(point.paramBytes) / double(floatBytes)},
        {"activation_bytes_per_sample", point.activationBytes},
        {"latency_us", point.latency},
        {"objective", point.objective},
        {"predicted_nsr", point.predictedNsr},
        {"predicted_agreement", point.predictedAgreement},
        {"predicted_top1",
         floatRun
             ? llvm::json::Value(*floatRun->top1 * point.predictedAgreement)
             : llvm::json::Value(nullptr)},
        {"choices", choicesJson(point.choices)},
        {"pass_options", passOptions(point.choices)}};
    if (point.measured) {
      object["measured"] =
          llvm::json::Object{{"top1", point.top1},
                             {"agreement", point.agreement},
                             {"param_bytes", point.actualParamBytes}};
    }
    return object;
  };
  llvm::json::Array frontierJson, greedyJson, pointsJson;
  for (const mixed::Assignment &assignment : frontier) {
    Point point = makePoint("", assignment.choices);
    frontierJson.push_back(
        llvm::json::Object{{"param_bytes", point.paramBytes},
                           {"objective", point.objective},
                           {"predicted_agreement", point.predictedAgreement},
                           {"latency_us", point.latency},
                           {"choices", choicesJson(point.choices)}});
  }
  for (const mixed::Assignment &assignment : greedy) {
    Point point = makePoint("", assignment.choices);
    greedyJson.push_back(
        llvm::json::Object{{"param_bytes", point.paramBytes},
                           {"objective", point.objective},
                           {"predicted_agreement", point.predictedAgreement}});
  }
  for (const Point &point : points)
    pointsJson.push_back(pointJson(point));
  llvm::json::Object budgetJson{{"kind", byLatency ? "latency_us"
                                         : budgets ? "param_bytes"
                                                   : "none"},
                                {"value", budgets ? budget : 0.0}};
  llvm::json::Object report{
      {"version", 1},
      {"model", modelPath.getValue()},
      {"key", key},
      {"objective", objective.getValue()},
      {"context", table->context},
      {"budget", std::move(budgetJson)},
      {"float",
       llvm::json::Object{{"param_bytes", floatBytes},
                          {"top1", floatRun ? llvm::json::Value(*floatRun->top1)
                                            : llvm::json::Value(nullptr)}}},
      {"sensitivity", toJson(*table)},
      {"timing", llvm::json::Object{{"cached", cached},
                                    {"sensitivity_seconds", table->seconds},
                                    {"search_seconds", searchSeconds},
                                    {"total_seconds", progress.elapsed()}}},
      {"latency_model",
       llvm::json::Object{{"launch_us", latencyModel.launchMicroseconds},
                          {"bandwidth_GBs", latencyModel.bandwidthGBs},
                          {"int8_TOPS", latencyModel.int8Tops},
                          {"int16_TOPS", latencyModel.int16Tops},
                          {"fp32_TFLOPS", latencyModel.fp32Tflops},
                          {"batch", latencyModel.batch}}},
      {"points", std::move(pointsJson)},
      {"frontier", std::move(frontierJson)},
      {"greedy", std::move(greedyJson)}};
  std::string reportText =
      llvm::formatv("{0:2}", llvm::json::Value(std::move(report)));
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(outPath("search.json"), ec);
    if (ec)
      return fail("cannot write search.json: " + ec.message());
    out << reportText << "\n";
  }
  {
    FrontierPlot plot;
    double scale = floatRun ? 100.0 * *floatRun->top1 : 100.0;
    plot.title = llvm::formatv("fxp mixed precision: {0} layers, objective "
                               "{1}",
                               layers.size(), objective.getValue());
    plot.yLabel = floatRun ? "top-1 (%): predicted = float x agreement"
                           : "predicted top-1 agreement with float (%)";
    for (const mixed::Assignment &assignment : frontier) {
      Point point = makePoint("", assignment.choices);
      plot.exact.push_back(
          {double(point.paramBytes), scale * point.predictedAgreement, ""});
    }
    for (const mixed::Assignment &assignment : greedy) {
      Point point = makePoint("", assignment.choices);
      plot.greedy.push_back(
          {double(point.paramBytes), scale * point.predictedAgreement, ""});
    }
    for (const Point &point : points) {
      if (!point.measured)
        continue;
      PlotPoint plotted{double(point.paramBytes), 100.0 * point.top1,
                        point.label};
      if (llvm::StringRef(point.label).starts_with("uniform"))
        plot.references.push_back(plotted);
      else if (chosenIndex && &point == &points[*chosenIndex])
        plot.chosen = plotted;
      else
        plot.measured.push_back(plotted);
    }
    std::ofstream svg(outPath("frontier.svg"));
    writeFrontierSvg(plot, svg);
    if (!svg)
      return fail("cannot write frontier.svg");
  }
  progress("done");
  if (json) {
    llvm::outs() << reportText << "\n";
    return 0;
  }

  // The table.
  // Predicted: top-1 = float top-1 x predicted agreement when validated,
  // else the predicted agreement itself.
  double predictedScale = floatRun ? *floatRun->top1 : 1.0;
  llvm::outs() << llvm::formatv("{0,-20}{1,12}{2,10}{3,12}{4,12}{5,12}{6,10}\n",
                                "point", "bytes", "of float", "objective",
                                floatRun ? "pred.top-1" : "pred.agree", "top-1",
                                "drop(pp)");
  if (floatRun)
    llvm::outs() << llvm::formatv(
        "{0,-20}{1,12}{2,10}{3,12}{4,12}{5,12}{6,10}\n", "float", floatBytes,
        "100.0%", "0", llvm::formatv("{0:F2}%", 100 * *floatRun->top1).str(),
        llvm::formatv("{0:F2}%", 100 * *floatRun->top1).str(), "0.00");
  for (const Point &point : points) {
    std::string top1 =
        point.measured ? llvm::formatv("{0:F2}%", 100 * point.top1).str() : "-";
    std::string drop =
        point.measured && floatRun
            ? llvm::formatv("{0:F2}", 100 * (*floatRun->top1 - point.top1))
                  .str()
            : "-";
    llvm::outs() << llvm::formatv(
        "{0,-20}{1,12}{2,10}{3,12}{4,12}{5,12}{6,10}\n", point.label,
        point.paramBytes,
        llvm::formatv("{0:F1}%",
                      100.0 * double(point.paramBytes) / double(floatBytes))
            .str(),
        llvm::formatv("{0:e2}", point.objective).str(),
        llvm::formatv("{0:F2}%",
                      100 * predictedScale * point.predictedAgreement)
            .str(),
        top1, drop);
  }
  if (chosenIndex) {
    const Point &chosen = points[*chosenIndex];
    llvm::outs() << "chosen (exact): ";
    for (size_t l = 0; l < layers.size(); ++l)
      llvm::outs() << (l ? ", " : "") << layers[l].shape.name << " "
                   << choicesOf[l][chosen.choices[l]].str();
    llvm::outs() << "\n";
  }
  llvm::outs() << llvm::formatv(
      "exact frontier: {0} points, cost {1} to {2}{5}; search {3:F3} s{4}\n",
      frontier.size(), frontier.empty() ? 0.0 : frontier.front().cost,
      frontier.empty() ? 0.0 : frontier.back().cost, searchSeconds,
      cached ? " (sensitivities cached)" : "", byLatency ? " us" : " bytes");
  llvm::outs() << "wrote " << outPath("search.json") << ", "
               << outPath("frontier.svg") << ", " << outPath("annotated.mlir")
               << (chosenIndex && floatRun ? ", " + outPath("quantized.mlir")
                                           : std::string())
               << "\n";
  return 0;
}
