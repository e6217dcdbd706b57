//===- QuantizeCommand.cpp - `quant quantize` -----------------------------===//
//
// Part of the fxp project.
//
// The end-to-end job (MATLAB's dlquantizer flow, seeds 002/003): calibrate a
// float model on calibration data, choose formats (fxp-select-formats),
// quantize (fxp-quantize), validate float and fixed point on validation data
// with the CPU JIT, and write OUTDIR/{stats.json, quantized.mlir,
// heatmap.svg, heatmap.txt, report.json}. Prints the validation table
// (implementation, top-1, learnable parameter memory).
//
//===----------------------------------------------------------------------===//

#include "fxp/Driver/Commands.h"

#include "Calibration.h"
#include "DatasetRunner.h"
#include "fxp/Analysis/RangeAnalysis.h"
#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/Driver/ModuleLoader.h"
#include "fxp/Execution/JitModel.h"
#include "fxp/InitAllPasses.h"
#include "fxp/Report/HeatMap.h"
#include "fxp/Runtime/StatisticsFile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::driver;
namespace cl = llvm::cl;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "quant quantize: error: " << message << "\n";
  return 1;
}

static int fail(llvm::Error error) {
  return fail(llvm::toString(std::move(error)));
}

namespace {

/// What the report says about one calibration point.
struct TensorReport {
  std::string name;
  std::string kind; // input, activation, weight, bias
  double min = 0, max = 0;
  FixedType format;
  double overflow = 0, underflow = 0;
  int64_t elements = 0; // learnables only
};

std::string kindOf(ObserveOp observer, bool isLearnable) {
  if (!isLearnable)
    return isa<BlockArgument>(observer.getInput()) ? "input" : "activation";
  llvm::StringRef name = observer.getName();
  return name.ends_with("/bias") ? "bias" : "weight";
}

llvm::json::Value formatJson(FixedType type) {
  llvm::json::Array fractions;
  for (int32_t f : type.getFractionLengths())
    fractions.push_back(f);
  llvm::json::Value axis = nullptr;
  if (type.isPerAxis())
    axis = int64_t(*type.getAxis());
  return llvm::json::Object{{"signed", type.getIsSigned()},
                            {"width", int64_t(type.getWidth())},
                            {"fraction_lengths", std::move(fractions)},
                            {"axis", std::move(axis)}};
}

std::string formatText(FixedType type) {
  std::vector<FixedFormat> formats;
  for (unsigned i = 0; i < type.getNumSlices(); ++i)
    formats.push_back(type.getFormat(i));
  return describeFormats(formats);
}

/// Bytes of the learnable parameters after quantization: the fixed-point
/// constants (fixedConstantBytes), learnables left in float at 4 bytes.
int64_t quantizedParamBytes(ModuleOp module,
                            const std::vector<TensorReport> &tensors,
                            llvm::StringSet<> &quantizedNames) {
  int64_t bytes = fixedConstantBytes(module, &quantizedNames);
  for (const TensorReport &tensor : tensors)
    if ((tensor.kind == "weight" || tensor.kind == "bias") &&
        !quantizedNames.contains(tensor.name))
      bytes += tensor.elements * 4;
  return bytes;
}

} // namespace

int mlir::fxp::driver::quantizeMain(int argc, char **argv) {
  static cl::OptionCategory category("quant quantize options");
  static cl::opt<std::string> modelPath(
      cl::Positional, cl::desc("<model.onnx | model.mlir | model.mlirbc>"),
      cl::Required, cl::cat(category));
  static cl::opt<std::string> calibrationPath(
      "calibration",
      cl::desc("Calibration images (NPY or IDX, .gz); not needed with "
               "--statistics"),
      cl::cat(category));
  static cl::opt<int64_t> calibrationLimit(
      "calibration-limit",
      cl::desc("Calibrate on the first N samples (0: all)"), cl::init(200),
      cl::cat(category));
  static cl::opt<std::string> statisticsPath(
      "statistics", cl::desc("Use this statistics file instead of calibrating"),
      cl::cat(category));
  static cl::opt<bool> dataFree(
      "data-free",
      cl::desc("No calibration: activation formats from the range analysis "
               "(--input-range, policy range) or from propagated moments "
               "(--input-moments, policy moments)"),
      cl::cat(category));
  static cl::opt<std::string> inputRange(
      "input-range",
      cl::desc("--data-free: LO,HI interval of the (normalized) model input"),
      cl::cat(category));
  static cl::opt<std::string> inputMoments(
      "input-moments",
      cl::desc("MEAN,STD of the (normalized) input elements: prior of "
               "--data-free moments and of --bias-correction (0,1 for "
               "normalized data)"),
      cl::cat(category));
  static cl::opt<double> momentSigmas(
      "moment-sigmas",
      cl::desc("--data-free moments: formats cover |mean| + K sigma"),
      cl::init(6.0), cl::cat(category));
  static cl::opt<bool> biasCorrection(
      "bias-correction",
      cl::desc("Subtract the expected error of the quantized weights from "
               "the biases (fxp-correct-bias; needs --input-moments)"),
      cl::cat(category));
  static cl::opt<bool> equalize(
      "equalize",
      cl::desc("Cross-layer weight equalization of conv-ReLU-conv chains "
               "before calibration (fxp-equalize-weights)"),
      cl::cat(category));
  static cl::opt<std::string> mixedPrecision(
      "mixed-precision",
      cl::desc("Per-layer word lengths: fxp-mixed-precision options, e.g. "
               "'formats=LAYER=w4a8,...' (a `quant search` point's "
               "pass_options) or 'budget-ratio=0.15' on the annotated.mlir "
               "`quant search` writes"),
      cl::cat(category));
  static cl::opt<std::string> validationPath(
      "validation", cl::desc("Validation images (NPY or IDX, .gz)"),
      cl::Required, cl::cat(category));
  static cl::opt<std::string> labelsPath(
      "labels", cl::desc("Validation labels"), cl::Required, cl::cat(category));
  static cl::opt<int64_t> limit(
      "limit", cl::desc("Validate on the first N samples (0: all)"),
      cl::init(0), cl::cat(category));
  static cl::opt<std::string> normalize(
      "normalize", cl::desc("MEAN,STD as for `quant run`"), cl::cat(category));
  static cl::opt<std::string> policy(
      "policy",
      cl::desc("Format selection: msb, msb-mse, minmax, percentile, entropy, "
               "mse"),
      cl::init("msb"), cl::cat(category));
  static cl::opt<double> msbOutlierFraction(
      "msb-outlier-fraction",
      cl::desc("msb policy: fraction of activation values allowed to "
               "saturate"),
      cl::init(0.001), cl::cat(category));
  static cl::opt<bool> unsignedActivations(
      "unsigned-activations",
      cl::desc("Unsigned formats for never-negative activations (after "
               "ReLU)"),
      cl::init(false), cl::cat(category));
  static cl::opt<unsigned> wordLength("word-length",
                                      cl::desc("Word length (bits)"),
                                      cl::init(8), cl::cat(category));
  static cl::opt<std::string> weights(
      "weights", cl::desc("per-channel or per-tensor weight formats"),
      cl::init("per-channel"), cl::cat(category));
  static cl::list<std::string> exclude(
      "exclude", cl::desc("Node names to keep in float (comma separated)"),
      cl::CommaSeparated, cl::cat(category));
  static cl::list<std::string> excludeKinds(
      "exclude-kinds",
      cl::desc("Node kinds to keep in float: conv, matmul, "
               "add, pool (comma separated)"),
      cl::CommaSeparated, cl::cat(category));
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
  static cl::opt<bool> json("json", cl::desc("Print report.json on stdout"),
                            cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "fxp: calibrate, quantize and validate\n");
  fxp::registerAllPasses();
  ProgressLog progress("quant quantize");

  SmallVector<double, 2> inputInterval, inputPrior;
  if (!inputMoments.empty()) {
    auto pair = parseNumberPair(inputMoments);
    if (!pair || !(pair->second >= 0))
      return fail("--input-moments: expected MEAN,STD with STD >= 0, got '" +
                  inputMoments + "'");
    inputPrior = {pair->first, pair->second};
  }
  if (biasCorrection && inputPrior.empty())
    return fail("--bias-correction needs --input-moments MEAN,STD");
  if (dataFree) {
    if (!calibrationPath.empty() || !statisticsPath.empty())
      return fail("--data-free takes no --calibration or --statistics");
    if (inputRange.empty() == inputMoments.empty())
      return fail("--data-free needs either --input-range LO,HI or "
                  "--input-moments MEAN,STD");
    if (!inputRange.empty()) {
      auto pair = parseNumberPair(inputRange);
      if (!pair || !(pair->first <= pair->second))
        return fail("--input-range: expected LO,HI with LO <= HI, got '" +
                    inputRange + "'");
      inputInterval = {pair->first, pair->second};
      policy = "range";
    } else {
      policy = "moments";
    }
  } else if (calibrationPath.empty() == statisticsPath.empty()) {
    return fail("give either --calibration DATA or --statistics FILE "
                "(or --data-free)");
  }
  if (!dataFree && !parseSelectionPolicy(policy))
    return fail("unknown policy '" + policy +
                "' (expected msb, msb-mse, minmax, percentile, entropy or "
                "mse)");
  auto norm = parseNormalization(normalize);
  if (!norm)
    return fail(norm.takeError());
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  auto outPath = [&](llvm::StringRef file) {
    llvm::SmallString<256> path(outputDir.getValue());
    llvm::sys::path::append(path, file);
    return std::string(path);
  };

  MLIRContext context;
  OwningOpRef<ModuleOp> floatModule = loadModule(context, modelPath);
  if (!floatModule)
    return 1;
  OwningOpRef<ModuleOp> module = floatModule->clone();
  stripObservers(*floatModule); // an instrumented input validates as float
  if (equalize) {
    progress("equalizing conv-ReLU-conv weights");
    if (failed(runPipeline(*module, "func.func(fxp-equalize-weights)",
                           "quant quantize")))
      return fail("weight equalization failed");
  }
  if (failed(instrument(*module, "quant quantize")))
    return fail("inserting observers failed");
  if (!mixedPrecision.empty()) {
    progress("mixed precision: fxp-mixed-precision{" + mixedPrecision + "}");
    if (failed(runPipeline(*module,
                           "fxp-mixed-precision{" + mixedPrecision + "}",
                           "quant quantize")))
      return fail("mixed-precision assignment failed");
  }

  // Observers and what kind of tensor each watches.
  std::vector<StatisticsSignature> signatures;
  llvm::StringSet<> learnableNames;
  module->walk([&](ObserveOp observer) {
    signatures.push_back({observer.getName().str(), std::nullopt});
    if (auto constant = observer.getInput().getDefiningOp<arith::ConstantOp>())
      learnableNames.insert(observer.getName());
  });

  // 1. Statistics: calibrate, or read and validate a file.
  std::vector<TensorStatistics> statistics;
  DatasetOptions base;
  base.norm = *norm;
  base.batchSize = batchSize;
  base.threads = threads;
  base.entry = entry;
  base.toolName = "quant quantize";
  std::string error;
  if (dataFree) {
    progress("data-free (" + policy + "): no calibration");
  } else if (!statisticsPath.empty()) {
    progress("reading statistics " + statisticsPath);
    if (!readStatisticsFile(statisticsPath, statistics, &error, &signatures))
      return fail(error);
  } else {
    progress("calibrating on " + calibrationPath);
    OwningOpRef<ModuleOp> instrumented = module->clone();
    DatasetOptions options = base;
    options.inputPaths = {calibrationPath};
    options.limit = calibrationLimit;
    auto calibration = calibrate(*instrumented, options);
    if (!calibration)
      return fail(calibration.takeError());
    statistics = std::move(calibration->statistics);
    progress(llvm::formatv("calibrated {0} tensors on {1} samples",
                           statistics.size(), calibration->samples));
  }
  if (!writeStatisticsFile(outPath("stats.json"), statistics, &error))
    return fail(error);

  // 2. Formats.
  auto table = std::make_shared<HistogramTable>();
  std::map<std::string, const TensorStatistics *> byName;
  for (const TensorStatistics &entry : statistics) {
    (*table)[entry.getName()] = entry.getHistogram();
    byName[entry.getName()] = &entry;
  }
  {
    PassManager pm(&context);
    SelectFormatsOptions options;
    options.policy = policy;
    options.wordLength = wordLength;
    options.weights = weights;
    options.msbOutlierFraction = msbOutlierFraction;
    options.unsignedActivations = unsignedActivations;
    options.inputRange.assign(inputInterval.begin(), inputInterval.end());
    options.inputMoments.assign(inputPrior.begin(), inputPrior.end());
    options.momentSigmas = momentSigmas;
    pm.addNestedPass<func::FuncOp>(createSelectFormatsPass(options, table));
    if (biasCorrection) {
      CorrectBiasOptions correct;
      correct.inputMoments.assign(inputPrior.begin(), inputPrior.end());
      pm.addNestedPass<func::FuncOp>(createCorrectBias(correct));
    }
    if (failed(pm.run(*module)))
      return fail("format selection failed");
  }
  std::vector<TensorReport> tensors;
  std::vector<HeatMapRow> heatRows;
  module->walk([&](ObserveOp observer) {
    TensorReport report;
    report.name = observer.getName().str();
    bool learnable = learnableNames.contains(report.name);
    report.kind = kindOf(observer, learnable);
    auto it = byName.find(report.name);
    const TensorStatistics *stats = it == byName.end() ? nullptr : it->second;
    if (stats) {
      report.min = stats->min();
      report.max = stats->max();
    }
    report.format =
        dyn_cast_or_null<FixedType>(observer.getFormat().value_or(Type()));
    report.overflow = observer.getOverflowAttr()
                          ? observer.getOverflowAttr().getValueAsDouble()
                          : 0.0;
    report.underflow = observer.getUnderflowAttr()
                           ? observer.getUnderflowAttr().getValueAsDouble()
                           : 0.0;
    if (auto shaped = dyn_cast<ShapedType>(observer.getType()))
      report.elements = shaped.hasStaticShape() ? shaped.getNumElements() : 0;
    tensors.push_back(report);
    if (!stats || !report.format)
      return;
    HeatMapRow row;
    row.name = report.name;
    row.kind = report.kind;
    row.msbCounts = stats->getHistogram().msbHistogram();
    row.zeroCount = stats->zeroCount();
    row.highestBit = INT_MIN;
    row.lowestBit = INT_MAX;
    for (unsigned i = 0; i < report.format.getNumSlices(); ++i) {
      FixedFormat format = report.format.getFormat(i);
      row.highestBit = std::max(row.highestBit, format.highestBit());
      row.lowestBit = std::min(row.lowestBit, format.lowestBit());
    }
    row.perChannel = report.format.isPerAxis();
    row.formatText = formatText(report.format);
    row.overflowFraction = report.overflow;
    row.underflowFraction = report.underflow;
    heatRows.push_back(std::move(row));
  });
  {
    std::ofstream svg(outPath("heatmap.svg"));
    writeHeatMapSvg(heatRows, svg,
                    "MSB histograms and chosen formats (" + policy + ", " +
                        std::to_string(wordLength) + " bits)");
    std::ofstream text(outPath("heatmap.txt"));
    writeHeatMapText(heatRows, text);
    if (!svg || !text)
      return fail("cannot write the heat map into '" + outputDir + "'");
  }

  // 3. Quantize.
  {
    PassManager pm(&context);
    QuantizeOptions options;
    options.exclude.assign(exclude.begin(), exclude.end());
    options.excludeKinds.assign(excludeKinds.begin(), excludeKinds.end());
    pm.addPass(createQuantize(options));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    if (failed(pm.run(*module)))
      return fail("quantization failed");
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(outPath("quantized.mlir"), ec);
    if (ec)
      return fail("cannot write quantized.mlir: " + ec.message());
    module->print(out);
  }
  // 3b. Prove the integer program overflow-free (docs/RangeAnalysis.md).
  llvm::json::Object overflowProof;
  {
    OwningOpRef<ModuleOp> lowered = module->clone();
    PassManager pm(&context);
    pm.addPass(createConvertFxpToArith());
    if (failed(pm.run(*lowered)))
      return fail("lowering to integer code failed");
    DataFlowSolver solver;
    if (failed(runRangeAnalysis(solver, *lowered, {})))
      return fail("the range analysis failed");
    OverflowCheck check = checkOverflows(solver, *lowered);
    unsigned minBits = 0, maxBits = 0;
    for (const ProvenAccumulator &proven : check.proven) {
      unsigned bits = signedBitsNeeded(proven.hull);
      minBits = minBits ? std::min(minBits, bits) : bits;
      maxBits = std::max(maxBits, bits);
    }
    overflowProof = llvm::json::Object{
        {"proven_accumulators", int64_t(check.proven.size())},
        {"accumulator_bits_min", int64_t(minBits)},
        {"accumulator_bits_max", int64_t(maxBits)},
        {"overflows", int64_t(check.overflows.size())}};
    if (check.overflows.empty()) {
      progress(llvm::formatv("integer network proven overflow-free: {0} "
                             "accumulators need {1}-{2} bits",
                             check.proven.size(), minBits, maxBits));
    } else {
      for (const OverflowReport &report : check.overflows)
        report.worst.op->emitWarning()
            << "may overflow: needs " << report.bits << " bits, "
            << report.worst.type << " holds "
            << report.worst.type.getIntOrFloatBitWidth()
            << " (fxp-verify-no-overflow gives the details)";
      progress(llvm::formatv("warning: {0} integer operations may overflow",
                             check.overflows.size()));
    }
  }

  llvm::StringSet<> quantizedNames;
  int64_t floatBytes = 0;
  for (const TensorReport &tensor : tensors)
    if (tensor.kind == "weight" || tensor.kind == "bias")
      floatBytes += tensor.elements * 4;
  int64_t quantizedBytes =
      quantizedParamBytes(*module, tensors, quantizedNames);

  // 4. Validate both.
  DatasetOptions validation = base;
  validation.inputPaths = {validationPath};
  validation.labelsPath = labelsPath;
  validation.limit = limit;
  auto validate = [&](ModuleOp m,
                      llvm::StringRef what) -> llvm::Expected<DatasetRun> {
    progress("validating " + what + " on " + validationPath);
    auto model = JitModel::compile(m, entry, {});
    if (!model)
      return model.takeError();
    return runDataset(**model, validation);
  };
  auto floatRun = validate(*floatModule, "float");
  if (!floatRun)
    return fail(floatRun.takeError());
  auto fixedRun = validate(*module, "fixed point");
  if (!fixedRun)
    return fail(fixedRun.takeError());
  if (!floatRun->top1 || !fixedRun->top1)
    return fail("the model output is not a batch of class scores");

  // 5. Report.
  auto correct = [](const DatasetRun &run) {
    return int64_t(std::llround(*run.top1 * double(run.samples)));
  };
  llvm::json::Array tensorRows;
  for (const TensorReport &tensor : tensors) {
    llvm::json::Object row{
        {"name", tensor.name},         {"kind", tensor.kind},
        {"min", tensor.min},           {"max", tensor.max},
        {"overflow", tensor.overflow}, {"underflow", tensor.underflow}};
    if (tensor.format) {
      row["format"] = formatJson(tensor.format);
      row["format_text"] = formatText(tensor.format);
    }
    if (tensor.kind == "weight" || tensor.kind == "bias")
      row["quantized"] = quantizedNames.contains(tensor.name);
    tensorRows.push_back(std::move(row));
  }
  llvm::json::Object report{
      {"version", 1},
      {"model", modelPath.getValue()},
      {"policy", policy.getValue()},
      {"word_length", int64_t(wordLength)},
      {"mixed_precision", mixedPrecision.getValue()},
      {"weights", weights.getValue()},
      {"unsigned_activations", unsignedActivations.getValue()},
      {"msb_outlier_fraction", msbOutlierFraction.getValue()},
      {"calibration",
       llvm::json::Object{{"data", statisticsPath.empty()
                                       ? calibrationPath.getValue()
                                       : statisticsPath.getValue()},
                          {"limit", calibrationLimit.getValue()}}},
      {"validation", llvm::json::Object{{"data", validationPath.getValue()},
                                        {"samples", floatRun->samples}}},
      {"float", llvm::json::Object{{"top1", *floatRun->top1},
                                   {"correct", correct(*floatRun)},
                                   {"param_bytes", floatBytes}}},
      {"quantized", llvm::json::Object{{"top1", *fixedRun->top1},
                                       {"correct", correct(*fixedRun)},
                                       {"param_bytes", quantizedBytes}}},
      {"overflow_proof", std::move(overflowProof)},
      {"tensors", std::move(tensorRows)}};
  std::string reportText =
      llvm::formatv("{0:2}", llvm::json::Value(std::move(report)));
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(outPath("report.json"), ec);
    if (ec)
      return fail("cannot write report.json: " + ec.message());
    out << reportText << "\n";
  }
  progress("done");
  if (json) {
    llvm::outs() << reportText << "\n";
    return 0;
  }

  // The seed's validation table.
  std::string quantizedLabel =
      mixedPrecision.empty()
          ? llvm::formatv("fxp fixed point ({0}, {1}-bit)", policy.getValue(),
                          wordLength.getValue())
                .str()
          : llvm::formatv("fxp fixed point ({0}, mixed)", policy.getValue())
                .str();
  llvm::outs() << llvm::formatv("{0,-34}{1,-22}{2,18}\n", "implementation",
                                "metric (top-1)", "learnable bytes");
  llvm::outs() << llvm::formatv(
      "{0,-34}{1,-22}{2,18}\n", "float (fxp CPU JIT)",
      llvm::formatv("{0:F2}% ({1}/{2})", *floatRun->top1 * 100,
                    correct(*floatRun), floatRun->samples)
          .str(),
      floatBytes);
  llvm::outs() << llvm::formatv(
      "{0,-34}{1,-22}{2,18}\n", quantizedLabel,
      llvm::formatv("{0:F2}% ({1}/{2})", *fixedRun->top1 * 100,
                    correct(*fixedRun), fixedRun->samples)
          .str(),
      quantizedBytes);
  llvm::outs() << llvm::formatv(
      "top-1 change {0:F2} pp; learnable memory -{1:F1}%\n",
      (*fixedRun->top1 - *floatRun->top1) * 100,
      floatBytes
          ? 100.0 * double(floatBytes - quantizedBytes) / double(floatBytes)
          : 0.0);
  llvm::outs() << "wrote " << outPath("report.json") << ", "
               << outPath("quantized.mlir") << ", " << outPath("stats.json")
               << ", " << outPath("heatmap.svg") << ", "
               << outPath("heatmap.txt") << "\n";
  return 0;
}
