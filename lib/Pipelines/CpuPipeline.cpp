//===- CpuPipeline.cpp - fxp-lower-to-cpu ---------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Pipelines/Pipelines.h"

#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void fxp::buildLowerToCpuPipeline(OpPassManager &pm,
                                  const LowerToCpuOptions &options) {
  // Fixed-point programs become integer linalg first (no-op on float ones).
  pm.addPass(fxp::createConvertFxpToArith());
  pm.addPass(createCanonicalizerPass());
  if (options.fuseElementwise)
    pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  if (options.interchangeReductions)
    pm.addNestedPass<func::FuncOp>(fxp::createInterchangeReductions());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.emitCInterface)
    pm.addNestedPass<func::FuncOp>(LLVM::createLLVMRequestCWrappersPass());
  // lower-affine after expand-strided-metadata: the latter emits
  // affine.apply for strided layouts.
  // Fully unrolled transfers: no memref.alloca per loop iteration.
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  addHostToLLVMPasses(pm, /*libm=*/true);
}

void fxp::addHostToLLVMPasses(OpPassManager &pm, bool libm) {
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  if (libm)
    pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void fxp::registerPipelines() {
  PassPipelineRegistration<LowerToCpuOptions>(
      "fxp-lower-to-cpu",
      "Lower float, fixed-point or integer programs on tensors (fxp, "
      "linalg, tensor, arith, math) to the LLVM dialect for CPU execution: "
      "convert-fxp-to-arith, element-wise fusion, "
      "one-shot bufferization across function boundaries, ownership-based "
      "deallocation, linalg to loops, conversions to LLVM",
      buildLowerToCpuPipeline);

  PassPipelineRegistration<LowerToNvvmOptions>(
      "fxp-lower-to-nvvm",
      "Lower float, fixed-point or integer programs on tensors to host LLVM "
      "code plus an embedded NVIDIA GPU binary: int8 matmuls and "
      "convolutions on mma.sync tensor cores (m16n8k32 s8) with fused "
      "requantization epilogues, point-wise kernels for the rest, device "
      "buffers, NVVM, PTX/cubin",
      buildLowerToNvvmPipeline);
}
