//===- Passes.td - fxp target-independent transforms -------*- tablegen -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_TRANSFORMS_PASSES_TD
#define FXP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InterchangeReductions
    : Pass<"fxp-interchange-reductions", "::mlir::func::FuncOp"> {
  let summary = "Move reduction loops of linalg ops outside the innermost "
                "output loops";
  let description = [{
    Convolutions, poolings and matmuls iterate their reduction dimensions
    innermost by default (`(n, f, oh, ow, c, kh, kw)`), so the loops that
    `convert-linalg-to-loops` produces carry a scalar dependence through the
    innermost loop and do not vectorize. This pass reorders the iteration
    space of each linalg op with reductions (one output, projected-permutation
    output map) to

        leading parallel dims, reduction dims, trailing output dims

    where the trailing output dims are the last two output dimensions (the
    last one for rank-2 outputs), so the innermost loop walks contiguous
    output elements and LLVM's loop vectorizer turns it into SIMD code. An op
    is only reordered when every input that uses the innermost dimension uses
    it in its last (contiguous) index; otherwise it is left alone. Named ops
    are generalized to `linalg.generic` first.

    Before (loops of `linalg.conv_2d_nchw_fchw`):

    ```
    (n, f, oh, ow, c, kh, kw): O[n, f, oh, ow] += I[n, c, oh + kh, ow + kw] * W[f, c, kh, kw]
    ```

    After:

    ```mlir
    linalg.generic {iterator_types = ["parallel", "parallel", "reduction",
                    "reduction", "reduction", "parallel", "parallel"], ...}
    ```

    The computation is unchanged up to the order of floating-point additions
    per output element, which stays the original reduction order.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let statistics = [
    Statistic<"numInterchanged", "num-interchanged",
              "Number of linalg ops whose loops were reordered">,
  ];
}

def LinalgToGpu : Pass<"fxp-linalg-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "Turn every linalg op on buffers into a gpu.launch kernel; "
                "int8 matmuls and convolutions onto tensor cores";
  let description = [{
    Runs after bufferization, on functions whose linalg ops work on memrefs.
    Every linalg op outside a `gpu.launch` becomes a kernel:

    * **int8 contractions** — `linalg.matmul` and `linalg.conv_2d_nchw_fchw`
      with `i8` operands and an `i32` result — become a tensor-core GEMM
      (option `contraction=mma`, the default): a block of four warps (2x2)
      owns a
      `tile-m` x `tile-n` output tile, stages `tile-k`-deep slabs of A and B
      through shared memory, loads fragments with `nvgpu.ldmatrix` and
      multiplies them with `nvgpu.mma.sync` of shape m16n8k32 (s8 x s8 ->
      s32). Convolutions are implicit GEMMs (M = batch*OH*OW, N = filters,
      K = C*KH*KW): the A loader gathers the window, strides and dilations
      included; no im2col buffer is written. Loads outside the problem read
      zero, so every shape is handled (the first layer's K = 9, say).
      A convolution whose input is a padded copy (a buffer filled with a
      constant with the source copied into a spatial subview: bufferized
      `tensor.pad`) reads the source directly and the pad value outside
      it; the copy, the fill and the buffer disappear.
      The next k-slab is fetched into registers while the tensor cores work
      on the current one; shared-memory rows are padded by 16 bytes so that
      ldmatrix reads are free of bank conflicts; operands with contiguous,
      16-byte aligned rows are fetched with 16-byte vector loads.
      `contraction=dp4a` builds the same GEMM for GPUs before sm_80: one
      thread per output element, four products per
      `nvvm.dot.accumulate.4way` (dp4a); `contraction=scalar` uses the
      point-wise kernel.
    * **Fused epilogue** (option `fuse-epilogue`): when the accumulator
      buffer is zero-filled by a `linalg.fill`, written by the contraction
      and read only by one all-parallel `linalg.generic` with an identity
      map on it (the requantization epilogue of `convert-fxp-to-arith`:
      bias, rounding shift, saturation, ReLU), that generic's body runs in
      the GEMM kernel on each accumulator and the i32 buffer is never
      written. Without a zero fill the kernel adds the buffer's contents.
    * **Everything else** (element-wise ops, pooling, residual adds, fills,
      copies, contractions of other types — the scalar fallback) becomes a
      kernel with one thread per point of the op's parallel dimensions
      (`block-size` threads per block) and the reduction dimensions looped
      inside the thread. `memref.copy` becomes `linalg.copy` first.

    The kernels read and write the function's buffers directly; run
    `fxp-gpu-device-buffers` next to place those buffers in device memory.
  }];
  let options = [
    Option<"contraction", "contraction", "std::string", /*default=*/"\"mma\"",
           "Kernel of int8 matmuls and convolutions: mma (mma.sync "
           "m16n8k32 tensor cores, sm_80+), dp4a (sm_61+) or scalar (the "
           "point-wise kernel)">,
    Option<"fuseEpilogue", "fuse-epilogue", "bool", /*default=*/"true",
           "Fuse the element-wise consumer of a contraction's accumulator "
           "into the tensor-core kernel">,
    Option<"tileM", "tile-m", "int64_t", /*default=*/"64",
           "Rows of the output tile of one block (multiple of 32)">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"64",
           "Columns of the output tile of one block (multiple of 16)">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"32",
           "Reduction depth staged in shared memory (multiple of 32)">,
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block of the point-wise kernels">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect", "::mlir::affine::AffineDialect"
  ];
  let statistics = [
    Statistic<"numTensorCore", "num-tensor-core",
              "Contractions lowered to mma.sync kernels">,
    Statistic<"numDp4a", "num-dp4a", "Contractions lowered to dp4a kernels">,
    Statistic<"numPadsFolded", "num-pads-folded",
              "Padded copies of convolution inputs read in place">,
    Statistic<"numFused", "num-fused-epilogues",
              "Element-wise epilogues fused into tensor-core kernels">,
    Statistic<"numPointwise", "num-pointwise",
              "Linalg ops lowered to point-wise kernels">,
  ];
}

def GpuDeviceBuffers : Pass<"fxp-gpu-device-buffers", "::mlir::func::FuncOp"> {
  let summary = "Place the buffers of a function with kernels in device "
                "memory; copy inputs in and results out";
  let description = [{
    Runs after `fxp-linalg-to-gpu` on functions that contain `gpu.launch`
    ops, so that the function keeps its host interface (host memrefs in,
    host memrefs out) while every kernel touches device memory only:

    * each `memref.alloc` becomes a `gpu.alloc`, each `memref.dealloc` is
      dropped, and every device buffer is freed with `gpu.dealloc` before
      each `return`;
    * constant globals (weights, biases, shifts) that only kernels read are
      read inside those kernels (option `embed-constants`): outlining copies
      the `memref.global` into the GPU module, so the data ships in the GPU
      binary and is never copied at run time;
    * each memref argument and each other `memref.get_global` is copied to a
      fresh device buffer at the function's entry (`gpu.memcpy`);
    * each returned memref is copied to a new host buffer (`memref.alloc`,
      owned by the caller as after one-shot bufferization) before the
      device buffers are freed.

    Views (`memref.collapse_shape`, `expand_shape`, `subview`, `cast`,
    `reinterpret_cast`) of device buffers stay views. The GPU ops are
    synchronous; `gpu-async-region` makes them asynchronous on one stream.
    Returned memrefs must have an identity layout, and the function must
    not read or write buffer contents outside kernels: both are diagnosed.

    With `device-arguments`, memref arguments are taken to be device
    buffers already (16-byte aligned, as from `cuMemAlloc`): they are used
    in place, not copied. Benchmarks and embedders that keep data on the GPU
    call such functions with device pointers.
  }];
  let options = [
    Option<"deviceArguments", "device-arguments", "bool", /*default=*/"false",
           "Memref arguments are device buffers: no copies in">,
    Option<"embedConstants", "embed-constants", "bool", /*default=*/"true",
           "Constant globals only kernels read become part of the GPU "
           "binary instead of being copied in on every call">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect"];
}

def GpuAlignSharedMemory
    : Pass<"fxp-gpu-align-shared-memory", "::mlir::gpu::GPUFuncOp"> {
  let summary = "Give workgroup attributions of kernels an alignment";
  let description = [{
    `gpu.launch` has no attributes on its workgroup attributions and the NVVM
    lowering places them with `.align 1`; `ldmatrix` needs 16-byte aligned
    rows. After `gpu-kernel-outlining` this pass sets `llvm.align` on every
    workgroup attribution of every `gpu.func` that has none.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Alignment in bytes (a power of two)">,
  ];
}

def GpuMergeModules : Pass<"fxp-gpu-merge-modules", "::mlir::ModuleOp"> {
  let summary = "Merge the gpu.modules of outlined kernels into one";
  let description = [{
    `gpu-kernel-outlining` puts every kernel in a `gpu.module` of its own,
    which becomes one GPU binary, one module load and one PTX file each.
    This pass moves all kernels of the top-level `gpu.module`s that have no
    target yet into the first one (named by option `name`), renaming a
    kernel after its old module where names clash, and retargets every
    `gpu.launch_func`. A model then ships one cubin or one PTX file.
  }];
  let options = [
    Option<"name", "name", "std::string", /*default=*/"\"fxp_kernels\"",
           "Name of the merged gpu.module">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def GpuLegalizeMath : Pass<"fxp-gpu-legalize-math", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Rewrite the rounding of quantization into arithmetic, so "
                "kernels need no libdevice";
  let description = [{
    `convert-gpu-to-nvvm` turns `math.round` and `math.copysign` into calls
    of libdevice (`__nv_roundf`, `__nv_copysignf`), which ships only with
    the CUDA toolkit: every quantizing kernel would need the toolkit to
    become PTX. This pass expands `math.round` (round half away from zero)
    with MLIR's own expansion (`trunc` of `x + copysign(0.5 - ulp, x)`
    through integer conversion, exact for every float) and writes
    `math.copysign` as bit operations (`|a|` with `b`'s sign bit), so the
    kernels of a quantized network compile to PTX with LLVM alone. Other
    math ops are left to libdevice.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // FXP_TRANSFORMS_PASSES_TD
