//===- CalibrateCommand.cpp - `quant calibrate` ---------------------------===//
//
// Part of the fxp project.
//
// Instruments a float model with calibration points (fxp-insert-observers),
// runs the calibration data through it on the CPU JIT with the observers
// lowered to statistics calls (fxp-lower-observers), and writes a versioned
// statistics file. Weights and biases are constants: their statistics are
// computed here, once, instead of at every batch. Prints the calibration
// table (name, learnables/activations, min, max).
//
//===----------------------------------------------------------------------===//

#include "fxp/Driver/Commands.h"

#include "Calibration.h"
#include "DatasetRunner.h"

#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Driver/ModuleLoader.h"
#include "fxp/Execution/JitModel.h"
#include "fxp/Execution/ObserverRuntime.h"
#include "fxp/InitAllPasses.h"
#include "fxp/Runtime/Statistics.h"
#include "fxp/Runtime/StatisticsFile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::driver;
namespace cl = llvm::cl;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "quant calibrate: error: " << message << "\n";
  return 1;
}

static int fail(llvm::Error error) {
  std::string message = llvm::toString(std::move(error));
  return fail(message);
}

int mlir::fxp::driver::calibrateMain(int argc, char **argv) {
  static cl::OptionCategory category("quant calibrate options");
  static cl::opt<std::string> modelPath(
      cl::Positional, cl::desc("<model.mlir | model.mlirbc | model.onnx>"),
      cl::Required, cl::cat(category));
  static cl::list<std::string> inputPaths(
      "input",
      cl::desc("Calibration data for the next function argument "
               "(NPY or IDX, optionally .gz)"),
      cl::OneOrMore, cl::cat(category));
  static cl::opt<std::string> outputPath(
      "o", cl::desc("Statistics file to write (JSON)"),
      cl::value_desc("stats.json"), cl::Required, cl::cat(category));
  static cl::opt<std::string> normalize(
      "normalize", cl::desc("MEAN,STD as for `quant run`"), cl::cat(category));
  static cl::opt<int64_t> batchSize("batch", cl::desc("Samples per batch"),
                                    cl::init(64), cl::cat(category));
  static cl::opt<int64_t> limit(
      "limit", cl::desc("Use only the first N samples (0: all)"), cl::init(0),
      cl::cat(category));
  static cl::opt<unsigned> threads("num-threads",
                                   cl::desc("Worker threads (0: one per core)"),
                                   cl::init(0), cl::cat(category));
  static cl::opt<std::string> entry("entry", cl::desc("Entry function"),
                                    cl::init("main"), cl::cat(category));
  static cl::opt<bool> json(
      "json", cl::desc("Print the table as JSON on stdout"), cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "fxp: collect calibration statistics\n");
  fxp::registerAllPasses();

  auto norm = parseNormalization(normalize);
  if (!norm)
    return fail(norm.takeError());

  MLIRContext context;
  OwningOpRef<ModuleOp> module = loadModule(context, modelPath);
  if (!module)
    return 1;

  if (failed(instrument(*module, "quant calibrate")))
    return fail("inserting observers failed");
  DatasetOptions options;
  options.inputPaths = inputPaths;
  options.norm = *norm;
  options.batchSize = batchSize;
  options.limit = limit;
  options.threads = threads;
  options.entry = entry;
  options.toolName = "quant calibrate";
  auto calibration = calibrate(*module, options);
  if (!calibration)
    return fail(calibration.takeError());
  const std::vector<TensorStatistics> &statistics = calibration->statistics;
  std::string error;
  if (!writeStatisticsFile(outputPath, statistics, &error))
    return fail(error);

  // The calibration table (seed 003: name, learnables/activations, min, max).
  auto isLearnable = [&](const TensorStatistics &entry) {
    return calibration->learnables.contains(entry.getName());
  };
  if (json) {
    llvm::json::Array rows;
    for (const TensorStatistics &entry : statistics)
      rows.push_back(llvm::json::Object{
          {"name", entry.getName()},
          {"kind", isLearnable(entry) ? "learnables" : "activations"},
          {"min", static_cast<double>(entry.min())},
          {"max", static_cast<double>(entry.max())},
          {"count", static_cast<int64_t>(entry.count())}});
    llvm::outs() << llvm::formatv("{0:2}",
                                  llvm::json::Value(llvm::json::Object{
                                      {"samples", calibration->samples},
                                      {"statistics", outputPath.getValue()},
                                      {"tensors", std::move(rows)}}))
                 << "\n";
    return 0;
  }
  size_t width = 4;
  for (const TensorStatistics &entry : statistics)
    width = std::max(width, entry.getName().size());
  llvm::outs() << llvm::left_justify("name", width)
               << llvm::formatv(" {0,-12} {1,14} {2,14}\n", "kind", "min",
                                "max");
  for (const TensorStatistics &entry : statistics)
    llvm::outs() << llvm::left_justify(entry.getName(), width)
                 << llvm::formatv(" {0,-12} ", isLearnable(entry)
                                                   ? "learnables"
                                                   : "activations")
                 << llvm::format("%14.6g %14.6g\n",
                                 static_cast<double>(entry.min()),
                                 static_cast<double>(entry.max()));
  llvm::outs() << llvm::formatv(
      "calibrated {0} tensors ({1} activations, {2} learnables) on {3} "
      "samples in {4:F2} s; statistics written to {5}\n",
      statistics.size(), calibration->numActivations,
      calibration->learnables.size(), calibration->samples,
      calibration->seconds, outputPath.getValue());
  return 0;
}
