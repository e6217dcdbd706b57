//===- Pipelines.h - named fxp pass pipelines -------------------*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_PIPELINES_PIPELINES_H
#define FXP_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::fxp {

/// Options of `fxp-lower-to-cpu`.
struct LowerToCpuOptions : public PassPipelineOptions<LowerToCpuOptions> {
  PassOptions::Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer element-wise linalg ops before "
                     "bufferization"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> interchangeReductions{
      *this, "interchange-reductions",
      llvm::cl::desc("Run fxp-interchange-reductions so that the inner "
                     "loops of convolutions and matmuls vectorize"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Give every public function a C interface wrapper "
                     "(_mlir_ciface_<name>) taking memref descriptors, as "
                     "`quant run` and embedders call it"),
      llvm::cl::init(true)};
};

/// Tensors (linalg/tensor/arith/math on tensors) -> LLVM dialect:
/// element-wise fusion, one-shot bufferization across function boundaries
/// (results owned by the caller), ownership-based deallocation, linalg to
/// loops, and the conversions to the LLVM dialect (vector ops included, so
/// vectorized kernels lower too).
void buildLowerToCpuPipeline(OpPassManager &pm,
                             const LowerToCpuOptions &options);


/// Options of `fxp-lower-to-nvvm`.
struct LowerToNvvmOptions : public PassPipelineOptions<LowerToNvvmOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("Target GPU: sm_80 (Ampere), sm_90 or sm_90a (Hopper); "
                     "int8 mma.sync needs sm_80 or newer"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX ISA version as an LLVM feature (+ptx80 = PTX 8.0)"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<int> optLevel{
      *this, "opt-level", llvm::cl::desc("NVVM optimization level (0-3)"),
      llvm::cl::init(3)};
  enum class BinaryFormat { Isa, Bin, Fatbin };
  PassOptions::Option<BinaryFormat> format{
      *this, "format",
      llvm::cl::desc("What gpu-module-to-binary embeds"),
      llvm::cl::init(BinaryFormat::Fatbin),
      llvm::cl::values(
          clEnumValN(BinaryFormat::Isa, "isa",
                     "PTX text (no ptxas needed; JIT-compiled by the driver "
                     "when loaded)"),
          clEnumValN(BinaryFormat::Bin, "bin", "cubin (needs ptxas)"),
          clEnumValN(BinaryFormat::Fatbin, "fatbin",
                     "cubin + PTX (needs ptxas and fatbinary)"))};
  /// The name gpu-module-to-binary takes for `format`.
  std::string getFormatName() const {
    switch (format) {
    case BinaryFormat::Isa:
      return "isa";
    case BinaryFormat::Bin:
      return "bin";
    case BinaryFormat::Fatbin:
      return "fatbin";
    }
    return "fatbin";
  }
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit holding ptxas/fatbinary (else CUDA_HOME "
                     "or PATH)"),
      llvm::cl::init("/usr/local/cuda")};
  PassOptions::Option<std::string> contraction{
      *this, "contraction",
      llvm::cl::desc("Kernel of int8 matmuls/convolutions: auto (mma from "
                     "sm_80 on, else dp4a), mma (tensor cores), dp4a "
                     "(sm_61+) or scalar"),
      llvm::cl::init("auto")};
  PassOptions::Option<int64_t> tileM{*this, "tile-m",
                                     llvm::cl::desc("GEMM block tile rows"),
                                     llvm::cl::init(64)};
  PassOptions::Option<int64_t> tileN{*this, "tile-n",
                                     llvm::cl::desc("GEMM block tile columns"),
                                     llvm::cl::init(64)};
  PassOptions::Option<int64_t> tileK{
      *this, "tile-k", llvm::cl::desc("GEMM reduction depth per stage"),
      llvm::cl::init(32)};
  PassOptions::Option<int64_t> blockSize{
      *this, "block-size",
      llvm::cl::desc("Threads per block of point-wise kernels"),
      llvm::cl::init(256)};
  PassOptions::Option<bool> emitCInterface{
      *this, "emit-c-interface",
      llvm::cl::desc("Give every public function a C interface wrapper"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> deviceArguments{
      *this, "device-arguments",
      llvm::cl::desc("Memref arguments are device buffers (no copies in); "
                     "see fxp-gpu-device-buffers"),
      llvm::cl::init(false)};
};

/// Tensors -> host LLVM dialect + embedded GPU binary: convert-fxp-to-arith,
/// fusion, one-shot bufferization, fxp-linalg-to-gpu (tensor-core GEMMs with
/// fused epilogues, point-wise kernels), fxp-gpu-device-buffers, outlining,
/// async on one stream, NVVM, gpu-to-llvm and gpu-module-to-binary. The
/// host code calls the mgpu* runtime (fxp's CUDA runtime library).
void buildLowerToNvvmPipeline(OpPassManager &pm,
                              const LowerToNvvmOptions &options);

/// The conversions of host code to the LLVM dialect both pipelines end
/// with (vector, memref, math, arith, index, cf, func, ub), then
/// reconcile-unrealized-casts. `libm` adds math-to-libm for the CPU.
void addHostToLLVMPasses(OpPassManager &pm, bool libm);

/// Registers `fxp-lower-to-cpu` (and later pipelines) with the pass registry.
void registerPipelines();

} // namespace mlir::fxp

#endif // FXP_PIPELINES_PIPELINES_H
