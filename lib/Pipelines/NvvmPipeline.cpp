//===- NvvmPipeline.cpp - fxp-lower-to-nvvm -------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Pipelines/Pipelines.h"

#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void fxp::buildLowerToNvvmPipeline(OpPassManager &pm,
                                   const LowerToNvvmOptions &options) {
  // Integer linalg on tensors. No linalg-fuse-elementwise-ops: its reshape
  // propagation folds collapse_shape into matmuls (which then are no longer
  // tensor-core GEMMs) and fuses epilogues into reductions;
  // fxp-linalg-to-gpu fuses the epilogues it needs itself.
  pm.addPass(fxp::createConvertFxpToArith());
  pm.addPass(createCanonicalizerPass());

  // Buffers; fxp-gpu-device-buffers frees them, so no deallocation
  // pipeline.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Kernels and device memory.
  LinalgToGpuOptions kernels;
  kernels.contraction = options.contraction;
  if (options.contraction == "auto") {
    // int8 mma.sync m16n8k32 exists from sm_80 (Ampere) on.
    unsigned sm = 0;
    llvm::StringRef chip(options.chip);
    bool known = chip.consume_front("sm_") &&
                 !chip.take_while(llvm::isDigit).getAsInteger(10, sm);
    kernels.contraction = !known || sm >= 80 ? "mma" : "dp4a";
  }
  kernels.tileM = options.tileM;
  kernels.tileN = options.tileN;
  kernels.tileK = options.tileK;
  kernels.blockSize = options.blockSize;
  pm.addNestedPass<func::FuncOp>(fxp::createLinalgToGpu(kernels));
  GpuDeviceBuffersOptions buffers;
  buffers.deviceArguments = options.deviceArguments;
  pm.addNestedPass<func::FuncOp>(fxp::createGpuDeviceBuffers(buffers));
  if (options.emitCInterface)
    pm.addNestedPass<func::FuncOp>(LLVM::createLLVMRequestCWrappersPass());
  // No canonicalization before outlining: it would hoist the kernels'
  // constants out of gpu.launch (not isolated from above) into kernel
  // arguments.
  pm.addPass(createLowerAffinePass());
  // Constants and index computations move into the kernels (static sizes
  // stay immediates instead of kernel parameters).
  pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(fxp::createGpuMergeModules());
  // Constants the kernels took into the GPU module leave the host.
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.nest<gpu::GPUModuleOp>().addNestedPass<gpu::GPUFuncOp>(
      fxp::createGpuAlignSharedMemory());
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());

  // Device code to NVVM.
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Rounding and the like as PTX instructions, not libdevice calls: PTX
  // (format=isa) then compiles without the CUDA toolkit.
  pm.addNestedPass<gpu::GPUModuleOp>(fxp::createGpuLegalizeMath());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps(nvvm));
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());

  // Host code to LLVM.
  pm.addPass(createGpuToLLVMConversionPass());
  addHostToLLVMPasses(pm, /*libm=*/false);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.getFormatName();
  // PTX needs the toolkit only for libdevice, which fxp-gpu-legalize-math
  // keeps quantized kernels from calling: without a toolkit there, PTX is
  // produced silently (upstream reports a missing toolkit directory as an
  // error even when it needs nothing from it).
  bool ptxOnly = options.format == LowerToNvvmOptions::BinaryFormat::Isa;
  binary.toolkitPath = ptxOnly && !llvm::sys::fs::is_directory(options.toolkit)
                           ? std::string()
                           : options.toolkit.getValue();
  pm.addPass(createGpuModuleToBinaryPass(binary));
}
