//===- DatasetRunner.cpp - run a JIT model over a data set ----------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "DatasetRunner.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::driver;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

std::optional<std::pair<double, double>>
mlir::fxp::driver::parseNumberPair(llvm::StringRef text) {
  auto [first, second] = text.split(',');
  double a, b;
  if (first.trim().getAsDouble(a) || second.trim().getAsDouble(b))
    return std::nullopt;
  return std::make_pair(a, b);
}

llvm::Expected<Normalization>
mlir::fxp::driver::parseNormalization(llvm::StringRef text) {
  Normalization norm;
  if (text.empty())
    return norm;
  auto pair = parseNumberPair(text);
  if (pair)
    std::tie(norm.mean, norm.std) = *pair;
  if (!pair || norm.std == 0.0)
    return makeError("--normalize expects MEAN,STD with STD != 0, got '" +
                     text + "'");
  norm.enabled = true;
  return norm;
}

namespace {
/// Prints "<tool>: 4096/10000 samples (41%)" at most once a second.
class ProgressLine {
public:
  ProgressLine(int64_t total, llvm::StringRef tool, bool quiet)
      : total(total), tool(tool), quiet(quiet) {}
  void advance(int64_t count) {
    if (quiet)
      return;
    int64_t done = finished.fetch_add(count) + count;
    auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex);
    if (now - lastPrint < std::chrono::seconds(1) && done != total)
      return;
    if (done == total && !printed)
      return; // short runs print nothing
    lastPrint = now;
    printed = true;
    llvm::errs() << llvm::formatv("{3}: {0}/{1} samples ({2}%)\n", done, total,
                                  done * 100 / std::max<int64_t>(1, total),
                                  tool);
  }

private:
  int64_t total;
  std::string tool;
  bool quiet;
  std::atomic<int64_t> finished{0};
  std::mutex mutex;
  std::chrono::steady_clock::time_point lastPrint =
      std::chrono::steady_clock::now();
  bool printed = false;
};
} // namespace

void mlir::fxp::driver::ProgressLog::operator()(const llvm::Twine &step) const {
  llvm::errs() << llvm::formatv("{0}: [{1:F1} s] ", tool, elapsed()) << step
               << "\n";
}

/// Converts sample range [begin, begin + count) of `data` into the model's
/// element kind, applying the normalisation to float inputs.
void mlir::fxp::driver::convertSamples(const HostTensor &data,
                                       int64_t sampleSize, int64_t begin,
                                       int64_t count, ElementKind kind,
                                       const Normalization &norm,
                                       uint8_t *out) {
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

llvm::Expected<Dataset>
mlir::fxp::driver::loadDataset(const JitModel &model,
                               const DatasetOptions &options) {
  llvm::ArrayRef<TensorSignature> inputs = model.getInputs();
  if (inputs.empty())
    return makeError("@" + options.entry +
                     " takes no arguments; use --whole "
                     "to run it once");
  if (options.inputPaths.size() != inputs.size())
    return makeError("@" + options.entry + " takes " +
                     llvm::Twine(inputs.size()) + " inputs but " +
                     llvm::Twine(options.inputPaths.size()) +
                     " --input files were given");
  if (options.batchSize <= 0)
    return makeError("--batch must be positive");

  // Data files, one per argument, with one common sample count.
  std::vector<HostTensor> data;
  int64_t samples = -1;
  for (auto [index, path] : llvm::enumerate(options.inputPaths)) {
    auto tensor = readTensorFile(path);
    if (!tensor)
      return tensor.takeError();
    const TensorSignature &signature = inputs[index];
    if (signature.shape.empty())
      return makeError(
          llvm::formatv("argument #{0} of @{1} is a scalar tensor; "
                        "use --whole to pass it as is",
                        index, options.entry));
    int64_t count = tensor->shape.empty() ? 1 : tensor->shape[0];
    if (count == 0 ||
        tensor->getNumElements() != count * signature.getSampleSize())
      return makeError(llvm::formatv(
          "{0}: data {1} does not fit argument #{2} of @{3}, {4}: each "
          "sample needs {5} elements",
          path, tensor->describe(), index, options.entry, signature.describe(),
          signature.getSampleSize()));
    if (samples >= 0 && count != samples)
      return makeError(
          llvm::formatv("{0}: {1} samples, but the first input has {2}", path,
                        count, samples));
    samples = count;
    data.push_back(std::move(*tensor));
  }
  if (options.limit > 0)
    samples = std::min<int64_t>(samples, options.limit);

  std::optional<HostTensor> labels;
  if (!options.labelsPath.empty()) {
    auto tensor = readTensorFile(options.labelsPath);
    if (!tensor)
      return tensor.takeError();
    if (tensor->kind == ElementKind::F32 || tensor->kind == ElementKind::F64)
      return makeError(options.labelsPath + ": labels must be integers, got " +
                       tensor->describe());
    if (tensor->getNumElements() < samples)
      return makeError(llvm::formatv("{0}: {1} labels for {2} samples",
                                     options.labelsPath,
                                     tensor->getNumElements(), samples));
    labels = std::move(*tensor);
  }
  Dataset dataset;
  dataset.inputs = std::move(data);
  dataset.labels = std::move(labels);
  dataset.samples = samples;
  return dataset;
}

llvm::Expected<DatasetRun>
mlir::fxp::driver::runDataset(const JitModel &model,
                              const DatasetOptions &options) {
  auto dataset = loadDataset(model, options);
  if (!dataset)
    return dataset.takeError();
  return runDataset(model, *dataset, options);
}

llvm::Expected<DatasetRun>
mlir::fxp::driver::runDataset(const JitModel &model, const Dataset &dataset,
                              const DatasetOptions &options) {
  llvm::ArrayRef<TensorSignature> inputs = model.getInputs();
  llvm::ArrayRef<TensorSignature> outputs = model.getOutputs();
  if (dataset.inputs.size() != inputs.size())
    return makeError(
        "@" + options.entry + " takes " + llvm::Twine(inputs.size()) +
        " inputs but the data set has " + llvm::Twine(dataset.inputs.size()));
  const std::vector<HostTensor> &data = dataset.inputs;
  const std::optional<HostTensor> &labels = dataset.labels;
  int64_t samples = dataset.samples;

  // A static batch dimension fixes the batch size; a partial last batch is
  // padded with zeros and its extra rows dropped.
  int64_t batch = options.batchSize;
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

  unsigned numThreads =
      options.threads ? options.threads : std::thread::hardware_concurrency();
  numThreads = std::max(1u, std::min<unsigned>(numThreads, numBatches));
  std::atomic<int64_t> nextBatch{0};
  std::mutex errorMutex;
  std::string firstError;
  ProgressLine progress(samples, options.toolName, options.quiet);
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
        convertSamples(data[i], sampleSize, begin, count, inputs[i].kind,
                       options.norm, buffers[i].data());
        std::vector<int64_t> shape = inputs[i].shape;
        shape[0] = inputs[i].hasDynamicBatch() ? count : shape[0];
        views.push_back({buffers[i].data(), shape});
      }
      if (llvm::Error error = model.run(views, batchResults)) {
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
    return makeError(firstError);
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

  DatasetRun run;
  run.samples = samples;
  run.batch = batch;
  run.threads = numThreads;
  run.runSeconds = runSeconds;
  run.results = std::move(results);
  run.top1 = top1;
  return run;
}
