//===- RunCommand.cpp - `quant run` ---------------------------------------===//
//
// Part of the fxp project.
//
// JIT-compiles a module (MLIR, or ONNX imported on the fly) for the CPU and
// runs it over a data set in batches on several threads, reporting top-1
// accuracy when labels are given.
//
//===----------------------------------------------------------------------===//

#include "fxp/Driver/Commands.h"

#include "fxp/Data/TensorFile.h"
#include "fxp/Driver/ModuleLoader.h"
#include "fxp/Execution/JitModel.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

using namespace mlir;
using namespace mlir::fxp;
namespace cl = llvm::cl;

namespace {
/// Normalisation applied to image inputs: uint8 values are first scaled to
/// [0, 1], then (x - mean) / std.
struct Normalization {
  double mean = 0.0;
  double std = 1.0;
  bool enabled = false;
};

/// Prints "quant run: 4096/10000 samples (41%)" at most once a second.
class ProgressLine {
public:
  explicit ProgressLine(int64_t total) : total(total) {}
  void advance(int64_t count) {
    int64_t done = finished.fetch_add(count) + count;
    auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex);
    if (now - lastPrint < std::chrono::seconds(1) && done != total)
      return;
    if (done == total && !printed)
      return; // short runs print nothing
    lastPrint = now;
    printed = true;
    llvm::errs() << llvm::formatv("quant run: {0}/{1} samples ({2}%)\n", done,
                                  total,
                                  done * 100 / std::max<int64_t>(1, total));
  }

private:
  int64_t total;
  std::atomic<int64_t> finished{0};
  std::mutex mutex;
  std::chrono::steady_clock::time_point lastPrint =
      std::chrono::steady_clock::now();
  bool printed = false;
};
} // namespace

static int fail(const llvm::Twine &message) {
  llvm::errs() << "quant run: error: " << message << "\n";
  return 1;
}

static int fail(llvm::Error error) {
  std::string message = llvm::toString(std::move(error));
  return fail(message);
}

/// Converts sample range [begin, begin + count) of `data` into the model's
/// element kind, applying the normalisation to float inputs.
static void convertSamples(const HostTensor &data, int64_t sampleSize,
                           int64_t begin, int64_t count, ElementKind kind,
                           const Normalization &norm, uint8_t *out) {
  int64_t first = begin * sampleSize, n = count * sampleSize;
  size_t outSize = getElementSize(kind);
  if (data.kind == kind && !(norm.enabled && (kind == ElementKind::F32 ||
                                              kind == ElementKind::F64))) {
    std::memcpy(out, data.bytes.data() + first * outSize, n * outSize);
    return;
  }
  bool isFloat = kind == ElementKind::F32 || kind == ElementKind::F64;
  double scale = data.kind == ElementKind::U8 && isFloat ? 1.0 / 255.0 : 1.0;
  for (int64_t i = 0; i < n; ++i) {
    double value = data.getAsDouble(first + i) * scale;
    if (isFloat && norm.enabled)
      value = (value - norm.mean) / norm.std;
    switch (kind) {
    case ElementKind::F32:
      reinterpret_cast<float *>(out)[i] = static_cast<float>(value);
      break;
    case ElementKind::F64:
      reinterpret_cast<double *>(out)[i] = value;
      break;
    case ElementKind::U8:
    case ElementKind::I8:
      reinterpret_cast<int8_t *>(out)[i] = static_cast<int8_t>(value);
      break;
    case ElementKind::I16:
      reinterpret_cast<int16_t *>(out)[i] = static_cast<int16_t>(value);
      break;
    case ElementKind::I32:
      reinterpret_cast<int32_t *>(out)[i] = static_cast<int32_t>(value);
      break;
    case ElementKind::I64:
      reinterpret_cast<int64_t *>(out)[i] = static_cast<int64_t>(value);
      break;
    }
  }
}

/// `--whole`: one call on the input files as they are.
static int runWhole(const JitModel &model, llvm::ArrayRef<std::string> inputs,
                    llvm::ArrayRef<std::string> outputs, llvm::StringRef entry,
                    const Normalization &norm, bool json) {
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<TensorView> views;
  for (auto [index, path] : llvm::enumerate(inputs)) {
    auto tensor = readTensorFile(path);
    if (!tensor)
      return fail(tensor.takeError());
    const TensorSignature &signature = model.getInputs()[index];
    bool fits = tensor->shape.size() == signature.shape.size();
    for (size_t d = 0; fits && d < signature.shape.size(); ++d)
      fits = signature.shape[d] == TensorSignature::kDynamic ||
             signature.shape[d] == tensor->shape[d];
    if (!fits)
      return fail(llvm::formatv("{0}: data {1} does not match argument #{2} "
                                "of @{3}, {4}",
                                path, tensor->describe(), index, entry,
                                signature.describe()));
    ElementKind kind = signature.kind;
    buffers.emplace_back(tensor->getNumElements() * getElementSize(kind));
    convertSamples(*tensor, tensor->getNumElements(), 0, 1, kind, norm,
                   buffers.back().data());
    views.push_back({buffers.back().data(), tensor->shape});
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<HostTensor> results;
  if (llvm::Error error = model.run(views, results))
    return fail(std::move(error));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  for (auto [path, result] : llvm::zip_first(outputs, results))
    if (llvm::Error error = writeNpy(path, result))
      return fail(std::move(error));
  if (json) {
    llvm::json::Array shapes;
    for (const HostTensor &result : results)
      shapes.push_back(llvm::json::Array(result.shape));
    llvm::json::Object summary{{"count", 1},
                               {"compile_seconds", model.getCompileSeconds()},
                               {"run_seconds", seconds},
                               {"output_shapes", std::move(shapes)}};
    llvm::outs() << llvm::formatv("{0:2}",
                                  llvm::json::Value(std::move(summary)))
                 << "\n";
  } else {
    for (auto [index, result] : llvm::enumerate(results))
      llvm::outs() << "result #" << index << ": " << result.describe() << "\n";
  }
  return 0;
}

int mlir::fxp::driver::runMain(int argc, char **argv) {
  static cl::OptionCategory category("quant run options");
  static cl::opt<std::string> modelPath(
      cl::cat(category), cl::Positional,
      cl::desc("<model.mlir | model.mlirbc | model.onnx>"), cl::Required);
  static cl::list<std::string> inputPaths(
      cl::cat(category), "input",
      cl::desc("Data for the next function argument: NPY (float32, "
               "float64, uint8, int*) or IDX (optionally .gz); the "
               "first dimension counts samples"),
      cl::ZeroOrMore);
  static cl::opt<std::string> labelsPath(
      cl::cat(category), "labels",
      cl::desc("Integer labels (NPY or IDX), one per sample; "
               "enables top-1 accuracy"));
  static cl::opt<std::string> normalize(
      cl::cat(category), "normalize",
      cl::desc("MEAN,STD: uint8 inputs are scaled to [0,1], then "
               "(x - MEAN) / STD is applied to float inputs"));
  static cl::opt<int64_t> batchSize(
      cl::cat(category), "batch", cl::desc("Samples per batch"), cl::init(64));
  static cl::opt<int64_t> limit(
      cl::cat(category), "limit",
      cl::desc("Run only the first N samples (0: all)"), cl::init(0));
  static cl::opt<unsigned> threads(
      cl::cat(category), "num-threads",
      cl::desc("Worker threads running batches (0: one per "
               "core)"),
      cl::init(0));
  static cl::list<std::string> outputPaths(
      cl::cat(category), "output",
      cl::desc("Write the next result (all samples) to this NPY "
               "file"));
  static cl::opt<std::string> entry(
      cl::cat(category), "entry", cl::desc("Entry function"), cl::init("main"));
  static cl::opt<bool> json(cl::cat(category), "json",
                            cl::desc("Print a JSON summary on stdout"));
  static cl::opt<bool> whole(
      cl::cat(category), "whole",
      cl::desc("Pass each input file whole to a single call (no "
               "batching); its shape must match the argument"));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "fxp: JIT-run a model on data\n");

  Normalization norm;
  if (!normalize.empty()) {
    auto [meanText, stdText] = llvm::StringRef(normalize).split(',');
    if (meanText.trim().getAsDouble(norm.mean) ||
        stdText.trim().getAsDouble(norm.std) || norm.std == 0.0)
      return fail("--normalize expects MEAN,STD with STD != 0, got '" +
                  normalize + "'");
    norm.enabled = true;
  }
  if (batchSize <= 0)
    return fail("--batch must be positive");

  MLIRContext context;
  OwningOpRef<ModuleOp> module = loadModule(context, modelPath);
  if (!module)
    return 1;
  auto model = JitModel::compile(*module, entry);
  if (!model)
    return fail(model.takeError());
  llvm::ArrayRef<TensorSignature> inputs = (*model)->getInputs();
  llvm::ArrayRef<TensorSignature> outputs = (*model)->getOutputs();

  if (inputPaths.size() != inputs.size())
    return fail("@" + entry + " takes " + llvm::Twine(inputs.size()) +
                " inputs but " + llvm::Twine(inputPaths.size()) +
                " --input files were given");
  if (outputPaths.size() > outputs.size())
    return fail(llvm::formatv("{0} --output files for {1} results",
                              outputPaths.size(), outputs.size()));
  if (whole)
    return runWhole(**model, inputPaths, outputPaths, entry, norm, json);

  if (inputs.empty())
    return fail("@" + entry +
                " takes no arguments; use --whole to run it "
                "once");

  // Data files, one per argument, with one common sample count.
  std::vector<HostTensor> data;
  int64_t samples = -1;
  for (auto [index, path] : llvm::enumerate(inputPaths)) {
    auto tensor = readTensorFile(path);
    if (!tensor)
      return fail(tensor.takeError());
    const TensorSignature &signature = inputs[index];
    if (signature.shape.empty())
      return fail(llvm::formatv("argument #{0} of @{1} is a scalar tensor; "
                                "use --whole to pass it as is",
                                index, entry.getValue()));
    int64_t count = tensor->shape.empty() ? 1 : tensor->shape[0];
    if (count == 0 ||
        tensor->getNumElements() != count * signature.getSampleSize())
      return fail(llvm::formatv(
          "{0}: data {1} does not fit argument #{2} of @{3}, {4}: each "
          "sample needs {5} elements",
          path, tensor->describe(), index, entry.getValue(),
          signature.describe(), signature.getSampleSize()));
    if (samples >= 0 && count != samples)
      return fail(llvm::formatv("{0}: {1} samples, but the first input has {2}",
                                path, count, samples));
    samples = count;
    data.push_back(std::move(*tensor));
  }
  if (limit > 0)
    samples = std::min<int64_t>(samples, limit);

  std::optional<HostTensor> labels;
  if (!labelsPath.empty()) {
    auto tensor = readTensorFile(labelsPath);
    if (!tensor)
      return fail(tensor.takeError());
    if (tensor->kind == ElementKind::F32 || tensor->kind == ElementKind::F64)
      return fail(labelsPath + ": labels must be integers, got " +
                  tensor->describe());
    if (tensor->getNumElements() < samples)
      return fail(llvm::formatv("{0}: {1} labels for {2} samples", labelsPath,
                                tensor->getNumElements(), samples));
    labels = std::move(*tensor);
  }

  // A static batch dimension fixes the batch size; a partial last batch is
  // padded with zeros and its extra rows dropped.
  int64_t batch = batchSize;
  for (const TensorSignature &signature : inputs)
    if (!signature.hasDynamicBatch())
      batch = signature.shape[0];
  int64_t numBatches = (samples + batch - 1) / batch;

  std::vector<HostTensor> results;
  for (const TensorSignature &output : outputs) {
    std::vector<int64_t> shape = output.shape;
    shape[0] = samples;
    results.emplace_back(output.kind, shape);
  }

  unsigned numThreads = threads ? threads : std::thread::hardware_concurrency();
  numThreads = std::max(1u, std::min<unsigned>(numThreads, numBatches));
  std::atomic<int64_t> nextBatch{0};
  std::mutex errorMutex;
  std::string firstError;
  ProgressLine progress(samples);
  auto runStart = std::chrono::steady_clock::now();

  auto worker = [&]() {
    std::vector<std::vector<uint8_t>> buffers(inputs.size());
    std::vector<HostTensor> batchResults;
    for (int64_t b = nextBatch++; b < numBatches; b = nextBatch++) {
      int64_t begin = b * batch;
      int64_t count = std::min(batch, samples - begin);
      std::vector<TensorView> views;
      for (size_t i = 0; i < inputs.size(); ++i) {
        int64_t sampleSize = inputs[i].getSampleSize();
        size_t elementSize = getElementSize(inputs[i].kind);
        buffers[i].assign(batch * sampleSize * elementSize, 0);
        convertSamples(data[i], sampleSize, begin, count, inputs[i].kind, norm,
                       buffers[i].data());
        std::vector<int64_t> shape = inputs[i].shape;
        shape[0] = inputs[i].hasDynamicBatch() ? count : shape[0];
        views.push_back({buffers[i].data(), shape});
      }
      if (llvm::Error error = (*model)->run(views, batchResults)) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (firstError.empty())
          firstError = llvm::toString(std::move(error));
        else
          llvm::consumeError(std::move(error));
        return;
      }
      for (size_t o = 0; o < results.size(); ++o) {
        size_t rowBytes = results[o].getElementSize() *
                          static_cast<size_t>(outputs[o].getSampleSize());
        if (batchResults[o].shape.empty() || batchResults[o].shape[0] < count) {
          std::lock_guard<std::mutex> lock(errorMutex);
          firstError = "result #" + std::to_string(o) + " has " +
                       batchResults[o].describe() + " for a batch of " +
                       std::to_string(count);
          return;
        }
        std::memcpy(results[o].bytes.data() + begin * rowBytes,
                    batchResults[o].bytes.data(), count * rowBytes);
      }
      progress.advance(count);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < numThreads; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &thread : pool)
    thread.join();
  if (!firstError.empty())
    return fail(firstError);
  double runSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - runStart)
          .count();

  // Top-1 on the first result.
  std::optional<double> top1;
  if (labels) {
    const HostTensor &logits = results.front();
    int64_t classes = outputs.front().getSampleSize();
    int64_t correct = 0;
    for (int64_t s = 0; s < samples; ++s) {
      int64_t best = 0;
      for (int64_t k = 1; k < classes; ++k)
        if (logits.getAsDouble(s * classes + k) >
            logits.getAsDouble(s * classes + best))
          best = k;
      correct += best == labels->getAsInt(s);
    }
    top1 = static_cast<double>(correct) / static_cast<double>(samples);
  }

  for (auto [path, result] : llvm::zip_first(outputPaths, results))
    if (llvm::Error error = writeNpy(path, result))
      return fail(std::move(error));

  double throughput = runSeconds > 0 ? samples / runSeconds : 0.0;
  if (json) {
    llvm::json::Object summary{
        {"count", samples},
        {"batch", batch},
        {"threads", static_cast<int64_t>(numThreads)},
        {"compile_seconds", (*model)->getCompileSeconds()},
        {"run_seconds", runSeconds},
        {"samples_per_second", throughput},
    };
    if (top1)
      summary["top1"] = *top1;
    llvm::outs() << llvm::formatv("{0:2}",
                                  llvm::json::Value(std::move(summary)))
                 << "\n";
  } else {
    llvm::outs() << llvm::formatv(
        "ran {0} samples in {1:F2} s ({2:F0} samples/s, batch {3}, {4} "
        "threads; compile {5:F2} s)\n",
        samples, runSeconds, throughput, batch, numThreads,
        (*model)->getCompileSeconds());
    if (top1)
      llvm::outs() << llvm::formatv("top-1: {0:F2}%\n", *top1 * 100.0);
  }
  return 0;
}
