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

/// Registers `fxp-lower-to-cpu` (and later pipelines) with the pass registry.
void registerPipelines();

} // namespace mlir::fxp

#endif // FXP_PIPELINES_PIPELINES_H
