//===- DatasetRunner.h - run a JIT model over a data set --------*- C++ -*-===//
//
// Part of the fxp project.
//
// Shared by `quant run` and `quant calibrate`: reads the data files, converts
// and normalizes samples, runs batches on worker threads with a progress
// line, gathers the results and computes top-1 when labels are given.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_DRIVER_DATASETRUNNER_H
#define FXP_LIB_DRIVER_DATASETRUNNER_H

#include "fxp/Data/TensorFile.h"
#include "fxp/Execution/JitModel.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mlir::fxp::driver {

/// Normalisation applied to inputs: uint8 values are first scaled to
/// [0, 1], then (x - mean) / std applies to float inputs.
struct Normalization {
  double mean = 0.0;
  double std = 1.0;
  bool enabled = false;
};

/// Progress lines "TOOL: [12.3 s] STEP" on stderr, timed from construction.
class ProgressLog {
public:
  explicit ProgressLog(std::string tool)
      : tool(std::move(tool)), start(std::chrono::steady_clock::now()) {}
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  }
  void operator()(const llvm::Twine &step) const;

private:
  std::string tool;
  std::chrono::steady_clock::time_point start;
};

/// Parses "A,B" (two numbers, spaces allowed); nullopt otherwise.
std::optional<std::pair<double, double>> parseNumberPair(llvm::StringRef text);

/// Parses "MEAN,STD" (empty: disabled).
llvm::Expected<Normalization> parseNormalization(llvm::StringRef text);

/// Converts samples [begin, begin + count) of `data` (`sampleSize` elements
/// each) into `kind`, normalizing float outputs, into `out`.
void convertSamples(const HostTensor &data, int64_t sampleSize, int64_t begin,
                    int64_t count, ElementKind kind, const Normalization &norm,
                    uint8_t *out);

struct DatasetOptions {
  std::vector<std::string> inputPaths;
  std::string labelsPath;
  Normalization norm;
  int64_t batchSize = 64;
  int64_t limit = 0;
  unsigned threads = 0;
  std::string entry = "main";
  std::string toolName = "quant";
  /// No progress lines (many short runs, e.g. sensitivity measurement).
  bool quiet = false;
};

/// The data of `options`, read and checked against `model`'s inputs once:
/// one tensor per input, the labels, and the sample count (after `limit`).
struct Dataset {
  std::vector<HostTensor> inputs;
  std::optional<HostTensor> labels;
  int64_t samples = 0;
};
llvm::Expected<Dataset> loadDataset(const JitModel &model,
                                    const DatasetOptions &options);

struct DatasetRun {
  int64_t samples = 0;
  int64_t batch = 0;
  unsigned threads = 0;
  double runSeconds = 0;
  std::vector<HostTensor> results;
  std::optional<double> top1;
};

/// Runs every sample of the data set through `model`.
llvm::Expected<DatasetRun> runDataset(const JitModel &model,
                                      const DatasetOptions &options);
/// Runs every sample of a loaded data set through `model`.
llvm::Expected<DatasetRun> runDataset(const JitModel &model,
                                      const Dataset &dataset,
                                      const DatasetOptions &options);

} // namespace mlir::fxp::driver

#endif // FXP_LIB_DRIVER_DATASETRUNNER_H
