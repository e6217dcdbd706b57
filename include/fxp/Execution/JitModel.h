//===- JitModel.h - JIT-compiled model on the CPU ---------------*- C++ -*-===//
//
// Part of the fxp project.
//
// Compiles a module on tensors with `fxp-lower-to-cpu` and MLIR's
// ExecutionEngine, and runs its entry function on host tensors. The entry
// function takes and returns ranked tensors whose only dynamic dimension may
// be the first (the batch). `run` is thread-safe: several threads may run
// batches at once.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_EXECUTION_JITMODEL_H
#define FXP_EXECUTION_JITMODEL_H

#include "fxp/Data/TensorFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::fxp {

/// Shape (kDynamic for the batch dimension) and element kind of an entry
/// function argument or result.
struct TensorSignature {
  static constexpr int64_t kDynamic = -1;
  std::vector<int64_t> shape;
  ElementKind kind = ElementKind::F32;
  std::string name;

  /// Elements per sample: the product of all dimensions but the first.
  int64_t getSampleSize() const;
  bool hasDynamicBatch() const {
    return !shape.empty() && shape[0] == kDynamic;
  }
  std::string describe() const;
};

/// A view of one input batch: contiguous row-major data of `shape`.
struct TensorView {
  const void *data;
  std::vector<int64_t> shape;
};

/// A C function the compiled code may call (e.g. runtime entry points),
/// resolved by name when the JIT links.
struct RuntimeSymbol {
  std::string name;
  void *address;
};

/// Where a JIT-compiled model runs.
struct JitTarget {
  /// false: fxp-lower-to-cpu; true: fxp-lower-to-nvvm, kernels on the GPU
  /// through fxp's CUDA runtime.
  bool cuda = false;
  /// Options of fxp-lower-to-nvvm, in pass-pipeline syntax
  /// ("chip=sm_90 format=isa").
  std::string nvvmOptions = "format=isa";
};

class JitModel {
public:
  ~JitModel();

  /// Reads the entry function's signature, lowers `module` (in place) to the
  /// LLVM dialect and JIT-compiles it at -O3 for the host CPU. Errors name the
  /// entry function and the offending argument or pass.
  static llvm::Expected<std::unique_ptr<JitModel>>
  compile(ModuleOp module, llvm::StringRef entry = "main",
          llvm::ArrayRef<RuntimeSymbol> runtimeSymbols = {},
          const JitTarget &target = JitTarget());

  /// Loads a shared library written by `quant compile` (CPU or CUDA): its
  /// embedded signature (`fxp_model_signature`), target and packed entry
  /// point. Runs like a compiled model; GPU errors come from the library's
  /// own runtime.
  static llvm::Expected<std::unique_ptr<JitModel>>
  loadLibrary(llvm::StringRef path);

  bool isCuda() const { return cuda; }

  llvm::ArrayRef<TensorSignature> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSignature> getOutputs() const { return outputs; }
  double getCompileSeconds() const { return compileSeconds; }

  /// Runs one batch; `results` receives one tensor per entry result.
  llvm::Error run(llvm::ArrayRef<TensorView> batch,
                  std::vector<HostTensor> &results) const;

private:
  JitModel() = default;

  std::unique_ptr<ExecutionEngine> engine;
  std::string entryName;
  std::vector<TensorSignature> inputs;
  std::vector<TensorSignature> outputs;
  double compileSeconds = 0;
  bool cuda = false;
  /// Set for a loaded library: dlopen handle, packed entry point, and the
  /// library's GPU error channel (when it carries the CUDA runtime).
  void *library = nullptr;
  void (*packedEntry)(void **) = nullptr;
  int (*takeLibraryError)(char *, size_t) = nullptr;

  /// Reads inputs/outputs (with `fxp.name`s) from `func`'s signature.
  llvm::Error readSignature(func::FuncOp func);
};

} // namespace mlir::fxp

#endif // FXP_EXECUTION_JITMODEL_H
