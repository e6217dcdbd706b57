//===- RangesCommand.cpp - `quant ranges` ---------------------------------===//
//
// Part of the fxp project.
//
// Prints the range analysis' interval of every observed tensor of a model
// (docs/RangeAnalysis.md). With --statistics (from `quant calibrate`), puts
// the observed [min, max] beside it, checks that every observed value lies
// inside its interval (soundness; exit 1 otherwise) and reports tightness:
// analysed width / observed width per tensor.
//
//===----------------------------------------------------------------------===//

#include "Calibration.h"
#include "DatasetRunner.h"

#include "fxp/Analysis/RangeAnalysis.h"
#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Driver/Commands.h"
#include "fxp/Driver/ModuleLoader.h"
#include "fxp/InitAllPasses.h"
#include "fxp/Runtime/Statistics.h"
#include "fxp/Runtime/StatisticsFile.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::fxp;

namespace cl = llvm::cl;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "quant ranges: error: " << message << "\n";
  return 1;
}

int mlir::fxp::driver::rangesMain(int argc, char **argv) {
  static cl::OptionCategory category("quant ranges options");
  static cl::opt<std::string> modelPath(
      cl::Positional, cl::desc("<model.mlir | model.mlirbc | model.onnx>"),
      cl::Required, cl::cat(category));
  static cl::opt<std::string> inputRange(
      "input-range",
      cl::desc("LO,HI: interval of every model input (after --normalize, "
               "if the data is normalized)"),
      cl::cat(category));
  static cl::opt<std::string> statisticsPath(
      "statistics",
      cl::desc("Statistics of `quant calibrate` on the same model: check "
               "that the observed values lie in the intervals, report "
               "tightness"),
      cl::value_desc("stats.json"), cl::cat(category));
  static cl::opt<bool> json(
      "json", cl::desc("Print the table as JSON on stdout"), cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "fxp: analysed value intervals of a model\n");
  fxp::registerAllPasses();

  RangeAnalysisOptions options;
  if (!inputRange.empty()) {
    auto pair = driver::parseNumberPair(inputRange);
    if (!pair || !(pair->first <= pair->second))
      return fail("--input-range: expected LO,HI with LO <= HI, got '" +
                  inputRange + "'");
    options.inputRange = Interval{pair->first, pair->second};
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module = loadModule(context, modelPath);
  if (!module)
    return 1;
  if (failed(driver::instrument(*module, "quant ranges")))
    return fail("inserting observers failed");

  std::map<std::string, std::pair<double, double>> observed;
  if (!statisticsPath.empty()) {
    std::vector<TensorStatistics> statistics;
    std::string error;
    if (!readStatisticsFile(statisticsPath, statistics, &error))
      return fail(error);
    for (const TensorStatistics &entry : statistics)
      if (entry.count() > 0)
        observed[entry.getName()] = {double(entry.min()), double(entry.max())};
  }

  DataFlowSolver solver;
  if (failed(runRangeAnalysis(solver, *module, options)))
    return fail("the range analysis failed");

  struct Row {
    std::string name;
    Interval analysed;
    std::optional<std::pair<double, double>> seen;
    bool inside = true;
    double ratio = NAN;
  };
  std::vector<Row> rows;
  size_t outside = 0, missing = 0;
  module->walk([&](ObserveOp observe) {
    Row row;
    row.name = observe.getName().str();
    row.analysed = getRange(solver, observe.getResult()).getWhole();
    auto it = observed.find(row.name);
    if (it != observed.end()) {
      row.seen = it->second;
      row.inside = row.analysed.lo <= it->second.first &&
                   it->second.second <= row.analysed.hi;
      double width = it->second.second - it->second.first;
      if (width > 0 && row.analysed.isFinite())
        row.ratio = (row.analysed.hi - row.analysed.lo) / width;
      outside += !row.inside;
    } else if (!observed.empty()) {
      ++missing;
    }
    rows.push_back(std::move(row));
  });

  if (json) {
    llvm::json::Array array;
    for (const Row &row : rows) {
      llvm::json::Object object{
          {"name", row.name}, {"lo", row.analysed.lo}, {"hi", row.analysed.hi}};
      if (row.seen) {
        object["observed_min"] = row.seen->first;
        object["observed_max"] = row.seen->second;
        object["inside"] = row.inside;
        if (!std::isnan(row.ratio))
          object["width_ratio"] = row.ratio;
      }
      array.push_back(std::move(object));
    }
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(array)))
                 << "\n";
  } else {
    size_t width = 4;
    for (const Row &row : rows)
      width = std::max(width, row.name.size());
    llvm::outs() << llvm::left_justify("name", width)
                 << llvm::formatv(" {0,14} {1,14}", "analysed lo",
                                  "analysed hi");
    if (!observed.empty())
      llvm::outs() << llvm::formatv(" {0,14} {1,14} {2,10} {3,6}",
                                    "observed min", "observed max", "width x",
                                    "inside");
    llvm::outs() << "\n";
    for (const Row &row : rows) {
      llvm::outs() << llvm::left_justify(row.name, width)
                   << llvm::format(" %14.6g %14.6g", row.analysed.lo,
                                   row.analysed.hi);
      if (row.seen) {
        llvm::outs() << llvm::format(" %14.6g %14.6g", row.seen->first,
                                     row.seen->second);
        if (std::isnan(row.ratio))
          llvm::outs() << llvm::format(" %10s", "-");
        else
          llvm::outs() << llvm::format(" %10.3g", row.ratio);
        llvm::outs() << (row.inside ? "    yes" : "     NO");
      }
      llvm::outs() << "\n";
    }
  }
  if (!observed.empty()) {
    llvm::errs() << llvm::formatv(
        "quant ranges: {0} tensors; {1} observed ranges inside their "
        "intervals, {2} outside, {3} without statistics\n",
        rows.size(), rows.size() - outside - missing, outside, missing);
    if (outside)
      return fail(llvm::Twine(outside) +
                  " observed ranges lie outside their analysed intervals "
                  "(unsound analysis or statistics of other inputs)");
  }
  return 0;
}
