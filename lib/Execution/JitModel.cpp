//===- JitModel.cpp - JIT-compiled model on the CPU -----------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Execution/JitModel.h"

#include "fxp/Pipelines/Pipelines.h"
#include "fxp/Runtime/CudaRuntime.h"

#include "mlir/Parser/Parser.h"

#include <dlfcn.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::fxp;

#ifndef FXP_MLIR_C_RUNNER_UTILS
#define FXP_MLIR_C_RUNNER_UTILS ""
#endif

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

int64_t TensorSignature::getSampleSize() const {
  int64_t size = 1;
  for (size_t i = 1; i < shape.size(); ++i)
    size *= shape[i];
  return size;
}

std::string TensorSignature::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "tensor<";
  for (int64_t dim : shape) {
    if (dim == kDynamic)
      os << "?";
    else
      os << dim;
    os << "x";
  }
  os << getElementKindName(kind) << ">";
  return text;
}

/// Maps an MLIR element type to a host element kind.
static std::optional<ElementKind> getElementKind(Type type) {
  if (type.isF32())
    return ElementKind::F32;
  if (type.isF64())
    return ElementKind::F64;
  if (type.isInteger(8))
    return ElementKind::I8;
  if (type.isInteger(16))
    return ElementKind::I16;
  if (type.isInteger(32))
    return ElementKind::I32;
  if (type.isInteger(64))
    return ElementKind::I64;
  return std::nullopt;
}

static llvm::Expected<TensorSignature>
getSignature(Type type, llvm::StringRef what, llvm::StringRef entry) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::optional<ElementKind> kind =
      tensor ? getElementKind(tensor.getElementType()) : std::nullopt;
  std::string typeText;
  llvm::raw_string_ostream(typeText) << type;
  if (!tensor || !kind)
    return makeError("@" + entry + ": " + what + " has type " + typeText +
                     "; expected a ranked tensor of f32, f64 or i8..i64");
  TensorSignature signature;
  signature.kind = *kind;
  for (auto [index, dim] : llvm::enumerate(tensor.getShape())) {
    if (ShapedType::isDynamic(dim) && index != 0)
      return makeError("@" + entry + ": " + what + " has type " + typeText +
                       "; only the first (batch) dimension may be dynamic");
    signature.shape.push_back(
        ShapedType::isDynamic(dim) ? TensorSignature::kDynamic : dim);
  }
  return signature;
}

JitModel::~JitModel() {
  engine.reset();
  if (library)
    dlclose(library);
}

llvm::Error JitModel::readSignature(func::FuncOp func) {
  llvm::StringRef entry = func.getName();
  FunctionType type = func.getFunctionType();
  for (auto [index, input] : llvm::enumerate(type.getInputs())) {
    auto signature =
        getSignature(input, "argument #" + std::to_string(index), entry);
    if (!signature)
      return signature.takeError();
    if (auto name = func.getArgAttrOfType<StringAttr>(index, "fxp.name"))
      signature->name = name.str();
    inputs.push_back(std::move(*signature));
  }
  for (auto [index, output] : llvm::enumerate(type.getResults())) {
    auto signature =
        getSignature(output, "result #" + std::to_string(index), entry);
    if (!signature)
      return signature.takeError();
    if (auto name = func.getResultAttrOfType<StringAttr>(index, "fxp.name"))
      signature->name = name.str();
    outputs.push_back(std::move(*signature));
  }
  if (outputs.empty())
    return makeError("@" + entry + " returns nothing");
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::loadLibrary(llvm::StringRef path) {
  std::unique_ptr<JitModel> model(new JitModel());
  model->library = dlopen(path.str().c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->library)
    return makeError("cannot load " + path + ": " + dlerror());
  auto *signature = static_cast<const char *>(
      dlsym(model->library, "fxp_model_signature"));
  auto *target =
      static_cast<const char *>(dlsym(model->library, "fxp_model_target"));
  if (!signature || !target)
    return makeError(path + " is not a model library from `quant compile` "
                            "(no fxp_model_signature)");
  MLIRContext context;
  context.loadDialect<func::FuncDialect>();
  OwningOpRef<ModuleOp> declaration =
      parseSourceString<ModuleOp>(signature, &context);
  func::FuncOp func =
      declaration ? *declaration->getOps<func::FuncOp>().begin() : nullptr;
  if (!func)
    return makeError(path + ": unreadable fxp_model_signature");
  model->entryName = func.getName().str();
  if (llvm::Error error = model->readSignature(func))
    return std::move(error);
  std::string packed = "_mlir__mlir_ciface_" + model->entryName;
  model->packedEntry = reinterpret_cast<void (*)(void **)>(
      dlsym(model->library, packed.c_str()));
  if (!model->packedEntry)
    return makeError(path + " has no entry point " + packed);
  model->cuda = llvm::StringRef(target) == "cuda";
  if (model->cuda) {
    model->takeLibraryError = reinterpret_cast<int (*)(char *, size_t)>(
        dlsym(model->library, "fxpCudaTakeError"));
    auto probe = reinterpret_cast<int (*)(char *, size_t)>(
        dlsym(model->library, "fxpCudaProbe"));
    char why[512] = {0};
    if (!probe || !model->takeLibraryError)
      return makeError(path + ": a CUDA model library without fxp's runtime");
    if (!probe(why, sizeof(why)))
      return makeError(path + " needs a GPU: " + why);
  }
  return model;
}

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::compile(ModuleOp module, llvm::StringRef entry,
                  llvm::ArrayRef<RuntimeSymbol> runtimeSymbols,
                  const JitTarget &target) {
  auto start = std::chrono::steady_clock::now();
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return makeError("no function @" + entry + " in the module");
  if (func.isExternal())
    return makeError("@" + entry + " is a declaration without a body");

  std::unique_ptr<JitModel> model(new JitModel());
  model->entryName = entry.str();
  if (llvm::Error error = model->readSignature(func))
    return std::move(error);

  // Lower to the LLVM dialect; diagnostics go to the context's handler.
  PassManager pm(module->getContext());
  model->cuda = target.cuda;
  std::vector<RuntimeSymbol> symbols(runtimeSymbols.begin(),
                                     runtimeSymbols.end());
  if (target.cuda) {
    // Fail before compiling when no GPU can run the kernels.
    char why[512] = {0};
    if (!fxpCudaProbe(why, sizeof(why)))
      return makeError(llvm::Twine("--target=cuda: ") + why);
    auto options = LowerToNvvmOptions::createFromString(target.nvvmOptions);
    if (!options)
      return makeError("invalid fxp-lower-to-nvvm options '" +
                       target.nvvmOptions + "'");
    buildLowerToNvvmPipeline(pm, *options);
    DialectRegistry registry;
    registerAllToLLVMIRTranslations(registry);
    module->getContext()->appendDialectRegistry(registry);
    for (auto [name, address] :
         std::initializer_list<std::pair<const char *, void *>>{
             {"mgpuModuleLoad", (void *)&mgpuModuleLoad},
             {"mgpuModuleLoadJIT", (void *)&mgpuModuleLoadJIT},
             {"mgpuModuleUnload", (void *)&mgpuModuleUnload},
             {"mgpuModuleGetFunction", (void *)&mgpuModuleGetFunction},
             {"mgpuLaunchKernel", (void *)&mgpuLaunchKernel},
             {"mgpuStreamCreate", (void *)&mgpuStreamCreate},
             {"mgpuStreamDestroy", (void *)&mgpuStreamDestroy},
             {"mgpuStreamSynchronize", (void *)&mgpuStreamSynchronize},
             {"mgpuStreamWaitEvent", (void *)&mgpuStreamWaitEvent},
             {"mgpuEventCreate", (void *)&mgpuEventCreate},
             {"mgpuEventDestroy", (void *)&mgpuEventDestroy},
             {"mgpuEventSynchronize", (void *)&mgpuEventSynchronize},
             {"mgpuEventRecord", (void *)&mgpuEventRecord},
             {"mgpuMemAlloc", (void *)&mgpuMemAlloc},
             {"mgpuMemFree", (void *)&mgpuMemFree},
             {"mgpuMemcpy", (void *)&mgpuMemcpy},
             {"mgpuMemset32", (void *)&mgpuMemset32},
             {"mgpuMemset16", (void *)&mgpuMemset16},
             {"mgpuMemHostRegisterMemRef", (void *)&mgpuMemHostRegisterMemRef},
             {"mgpuMemHostUnregisterMemRef",
              (void *)&mgpuMemHostUnregisterMemRef}})
      symbols.push_back({name, address});
  } else {
    buildLowerToCpuPipeline(pm, LowerToCpuOptions());
  }
  if (failed(pm.run(module)))
    return makeError("lowering @" + entry + " with " +
                     (target.cuda ? "fxp-lower-to-nvvm" : "fxp-lower-to-cpu") +
                     " failed");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module->getContext());
  registerLLVMDialectTranslation(*module->getContext());

  auto targetBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!targetBuilder)
    return targetBuilder.takeError();
  targetBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto targetMachine = targetBuilder->createTargetMachine();
  if (!targetMachine)
    return targetMachine.takeError();
  auto transformer = makeOptimizingTransformer(3, 0, targetMachine->get());

  llvm::SmallVector<llvm::StringRef> sharedLibs;
  llvm::StringRef runnerUtils = FXP_MLIR_C_RUNNER_UTILS;
  if (!runnerUtils.empty() && llvm::sys::fs::exists(runnerUtils))
    sharedLibs.push_back(runnerUtils);
  ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.sharedLibPaths = sharedLibs;
  auto engine =
      ExecutionEngine::create(module, options, std::move(*targetMachine));
  if (!engine)
    return engine.takeError();
  model->engine = std::move(*engine);
  if (!symbols.empty())
    model->engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap table;
      for (const RuntimeSymbol &symbol : symbols)
        table[interner(symbol.name)] = {
            llvm::orc::ExecutorAddr::fromPtr(symbol.address),
            llvm::JITSymbolFlags::Exported};
      return table;
    });
  // The GPU binary is loaded by the module's global constructors, which
  // need the runtime symbols registered above.
  if (target.cuda)
    model->engine->initialize();
  model->compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return model;
}

namespace {
/// A memref descriptor of rank R laid out as the C interface expects:
/// {allocated, aligned, offset, sizes[R], strides[R]}, all 8-byte words.
struct Descriptor {
  static size_t words(size_t rank) { return 3 + 2 * rank; }
};
} // namespace

/// Copies a strided memref of `shape` at `base` into contiguous `out`.
static void copyStrided(const uint8_t *base, llvm::ArrayRef<int64_t> shape,
                        llvm::ArrayRef<int64_t> strides, size_t elementSize,
                        uint8_t *out) {
  size_t rank = shape.size();
  int64_t count = 1;
  bool contiguous = true;
  for (size_t d = rank; d-- > 0;) {
    contiguous &= shape[d] == 1 || strides[d] == count;
    count *= shape[d];
  }
  if (contiguous) {
    std::memcpy(out, base, count * elementSize);
    return;
  }
  std::vector<int64_t> index(rank, 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t source = 0;
    for (size_t d = 0; d < rank; ++d)
      source += index[d] * strides[d];
    std::memcpy(out + linear * elementSize, base + source * elementSize,
                elementSize);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

llvm::Error JitModel::run(llvm::ArrayRef<TensorView> batch,
                          std::vector<HostTensor> &results) const {
  if (batch.size() != inputs.size())
    return makeError("@" + entryName + " takes " + llvm::Twine(inputs.size()) +
                     " inputs, got " + llvm::Twine(batch.size()));
  // Input descriptors.
  std::vector<std::vector<int64_t>> inputDescriptors;
  for (auto [view, signature] : llvm::zip(batch, inputs)) {
    size_t rank = signature.shape.size();
    if (view.shape.size() != rank)
      return makeError("input rank mismatch for " + signature.describe());
    for (size_t i = 0; i < rank; ++i)
      if (signature.shape[i] != TensorSignature::kDynamic &&
          signature.shape[i] != view.shape[i])
        return makeError("input shape mismatch for " + signature.describe());
    std::vector<int64_t> words(Descriptor::words(rank));
    auto pointer = reinterpret_cast<int64_t>(view.data);
    words[0] = pointer;
    words[1] = pointer;
    words[2] = 0;
    int64_t stride = 1;
    for (size_t i = rank; i-- > 0;) {
      words[3 + i] = view.shape[i];
      words[3 + rank + i] = stride;
      stride *= view.shape[i];
    }
    inputDescriptors.push_back(std::move(words));
  }

  // Result storage: one descriptor per result, back to back (this is also the
  // layout of the struct the C interface returns for several results).
  size_t resultWords = 0;
  for (const TensorSignature &output : outputs)
    resultWords += Descriptor::words(output.shape.size());
  std::vector<int64_t> resultStorage(resultWords, 0);

  void *resultPointer = resultStorage.data();
  std::vector<void *> inputPointers;
  for (auto &words : inputDescriptors)
    inputPointers.push_back(words.data());
  llvm::SmallVector<void *> args;
  args.push_back(&resultPointer);
  for (void *&pointer : inputPointers)
    args.push_back(&pointer);
  if (packedEntry) {
    packedEntry(args.data());
  } else if (llvm::Error error =
                 engine->invokePacked("_mlir_ciface_" + entryName, args)) {
    return error;
  }
  char gpuError[1024] = {0};
  auto takeError = takeLibraryError ? takeLibraryError : &fxpCudaTakeError;
  bool gpuFailed = cuda && takeError(gpuError, sizeof(gpuError));

  results.clear();
  size_t offset = 0;
  for (const TensorSignature &output : outputs) {
    size_t rank = output.shape.size();
    const int64_t *words = resultStorage.data() + offset;
    offset += Descriptor::words(rank);
    std::vector<int64_t> shape(words + 3, words + 3 + rank);
    HostTensor tensor(output.kind, shape);
    size_t elementSize = tensor.getElementSize();
    auto *allocated = reinterpret_cast<uint8_t *>(words[0]);
    auto *aligned = reinterpret_cast<const uint8_t *>(words[1]);
    const uint8_t *base = aligned + words[2] * elementSize;
    copyStrided(base, shape, llvm::ArrayRef<int64_t>(words + 3 + rank, rank),
                elementSize, tensor.bytes.data());
    // Results are owned by the caller (ownership-based deallocation); never
    // free memory that is one of our inputs.
    bool isInput = llvm::any_of(
        batch, [&](const TensorView &view) { return view.data == allocated; });
    if (!isInput)
      std::free(allocated);
    results.push_back(std::move(tensor));
  }
  if (gpuFailed)
    return makeError(llvm::Twine("GPU execution failed: ") + gpuError);
  return llvm::Error::success();
}
