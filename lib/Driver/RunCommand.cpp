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

#include "DatasetRunner.h"

#include "fxp/Data/TensorFile.h"
#include "fxp/Driver/ModuleLoader.h"
#include "fxp/Execution/JitModel.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::driver;
namespace cl = llvm::cl;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "quant run: error: " << message << "\n";
  return 1;
}

static int fail(llvm::Error error) {
  std::string message = llvm::toString(std::move(error));
  return fail(message);
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
      cl::desc("<model.mlir | model.mlirbc | model.onnx | model.so from "
               "quant compile>"),
      cl::Required);
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
  static cl::opt<std::string> target(
      cl::cat(category), "target",
      cl::desc("cpu (fxp-lower-to-cpu, default) or cuda (fxp-lower-to-nvvm; "
               "kernels run on GPU 0 through libcuda)"),
      cl::init("cpu"));
  static cl::opt<std::string> gpuOptions(
      cl::cat(category), "gpu-options",
      cl::desc("Options of fxp-lower-to-nvvm for --target=cuda "
               "(default: \"format=isa\": PTX JIT-compiled by the driver)"),
      cl::init("format=isa"));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "fxp: JIT-run a model on data\n");
  if (target != "cpu" && target != "cuda")
    return fail("--target must be cpu or cuda, got '" + target + "'");

  auto parsedNorm = parseNormalization(normalize);
  if (!parsedNorm)
    return fail(parsedNorm.takeError());
  Normalization norm = *parsedNorm;

  // A library from `quant compile` runs as it is (its target is built in);
  // anything else is compiled here.
  MLIRContext context;
  std::unique_ptr<JitModel> model;
  JitTarget jitTarget;
  if (llvm::StringRef(modelPath).ends_with(".so")) {
    auto loaded = JitModel::loadLibrary(modelPath);
    if (!loaded)
      return fail(loaded.takeError());
    model = std::move(*loaded);
    if (target.getNumOccurrences() && (target == "cuda") != model->isCuda())
      return fail(modelPath + " was compiled for --target=" +
                  (model->isCuda() ? "cuda" : "cpu") + ", not " + target);
    jitTarget.cuda = model->isCuda();
  } else {
    OwningOpRef<ModuleOp> module = loadModule(context, modelPath);
    if (!module)
      return 1;
    jitTarget.cuda = target == "cuda";
    jitTarget.nvvmOptions = gpuOptions;
    auto compiled = JitModel::compile(*module, entry, {}, jitTarget);
    if (!compiled)
      return fail(compiled.takeError());
    model = std::move(*compiled);
  }
  llvm::ArrayRef<TensorSignature> inputs = model->getInputs();
  llvm::ArrayRef<TensorSignature> outputs = model->getOutputs();

  if (inputPaths.size() != inputs.size())
    return fail("@" + entry + " takes " + llvm::Twine(inputs.size()) +
                " inputs but " + llvm::Twine(inputPaths.size()) +
                " --input files were given");
  if (outputPaths.size() > outputs.size())
    return fail(llvm::formatv("{0} --output files for {1} results",
                              outputPaths.size(), outputs.size()));
  if (whole)
    return runWhole(*model, inputPaths, outputPaths, entry, norm, json);

  DatasetOptions options;
  options.inputPaths = inputPaths;
  options.labelsPath = labelsPath;
  options.norm = norm;
  options.batchSize = batchSize;
  options.limit = limit;
  // One stream, one host thread on the GPU.
  options.threads = jitTarget.cuda ? 1 : threads;
  options.entry = entry;
  options.toolName = "quant run";
  auto run = runDataset(*model, options);
  if (!run)
    return fail(run.takeError());
  int64_t samples = run->samples;
  int64_t batch = run->batch;
  unsigned numThreads = run->threads;
  double runSeconds = run->runSeconds;
  std::vector<HostTensor> &results = run->results;
  std::optional<double> top1 = run->top1;

  for (auto [path, result] : llvm::zip_first(outputPaths, results))
    if (llvm::Error error = writeNpy(path, result))
      return fail(std::move(error));

  double throughput = runSeconds > 0 ? samples / runSeconds : 0.0;
  if (json) {
    llvm::json::Object summary{
        {"count", samples},
        {"batch", batch},
        {"threads", static_cast<int64_t>(numThreads)},
        {"compile_seconds", model->getCompileSeconds()},
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
        model->getCompileSeconds());
    if (top1)
      llvm::outs() << llvm::formatv("top-1: {0:F2}%\n", *top1 * 100.0);
  }
  return 0;
}
