//===- GpuKernels.h - kernel builders of fxp-linalg-to-gpu ------*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Internal to lib/Transforms: the kernels that `fxp-linalg-to-gpu` builds
// for linalg ops on buffers.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_TRANSFORMS_GPUKERNELS_H
#define FXP_LIB_TRANSFORMS_GPUKERNELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <functional>

namespace mlir::fxp::gpu_kernels {

/// Tile sizes of the tensor-core GEMM kernel. A block of four warps (2x2)
/// computes a tileM x tileN output tile; tileK is the reduction step staged
/// through shared memory.
struct GemmTiles {
  int64_t tileM = 64;
  int64_t tileN = 64;
  int64_t tileK = 32;
};

/// Checks the tile constraints of the mma.sync m16n8k32 kernel; returns a
/// message naming the broken one, or an empty string.
std::string checkGemmTiles(const GemmTiles &tiles);

/// Writes one result element (row m, column n of the GEMM, accumulator
/// `acc` : i32) from inside the kernel.
using GemmStore =
    std::function<void(ImplicitLocOpBuilder &, Value m, Value n, Value acc)>;
/// Reads operand element (row, k) of A or (column, k) of B as i8, for
/// in-bounds indices only.
using GemmLoad =
    std::function<Value(ImplicitLocOpBuilder &, Value row, Value k)>;

/// The operands of C[m, n] = sum_k A(m, k) * B(n, k): sizes (index) and
/// element loads. Loads outside M x N x K are never issued.
struct GemmOperands {
  Value m, n, k;
  GemmLoad loadA, loadB;
  /// When set: A (rows x K) or B (columns x K) as a 2-D buffer whose rows
  /// are contiguous, 16-byte aligned (K a multiple of 16, zero offset):
  /// tiles are staged with 16-byte vector loads instead of loadA/loadB.
  Value rowsA, rowsB;
};

/// A GEMM kernel to build: its operands and what happens to each result.
struct GemmKernel : GemmOperands {
  GemmStore store;
};

/// C = A * B^T on int8 tensor cores. Builds a gpu.launch at the builder's
/// position. Loads outside M x N x K read zero, so every shape tiles.
void buildTensorCoreGemm(ImplicitLocOpBuilder &b, const GemmKernel &gemm,
                         const GemmTiles &tiles);

/// The same GEMM with dp4a (nvvm.dot.accumulate.4way, sm_61+): one thread
/// per output element in 16x16 blocks, no shared memory.
void buildDp4aGemm(ImplicitLocOpBuilder &b, const GemmKernel &gemm);

/// How a linalg.matmul or linalg.conv_2d_nchw_fchw on i8 buffers maps to a
/// GEMM: sizes, operand loads, and the output iteration point (indices of
/// the op's output buffer) of GEMM element (m, n).
struct GemmView : GemmOperands {
  std::function<SmallVector<Value>(ImplicitLocOpBuilder &, Value m, Value n)>
      outputPoint;
};

/// Returns the GEMM view of `op` (i8 x i8 -> i32 matmul, with B as K x N or
/// transposed as N x K, or NCHW/FCHW conv
/// as an implicit GEMM: M = batch*OH*OW, N = F, K = C*KH*KW) or failure when
/// the op is not of that form. Emits host-side size computations at `b`.
/// A convolution input that is a padded copy of `source` (zero-filled
/// buffer, `source` copied in at spatial offsets padTop/padLeft): the
/// implicit GEMM reads `source` directly and `padValue` outside it.
struct PaddedInput {
  Value source;
  int64_t padTop = 0, padLeft = 0;
  Value padValue;
};
FailureOr<GemmView> gemmViewOf(ImplicitLocOpBuilder &b, linalg::LinalgOp op,
                               const PaddedInput *padded = nullptr);

/// Builds a kernel computing `op` (any linalg op on buffers with
/// projected-permutation or affine indexing maps) with one thread per point
/// of its parallel dimensions; reduction dimensions loop inside the thread.
void buildPointwiseKernel(ImplicitLocOpBuilder &b, linalg::LinalgOp op,
                          int64_t blockSize);

/// Clones the body of the all-parallel `epilogue` at one iteration point,
/// with `replaced` (operand number -> value) substituted for some inputs;
/// other inputs are loaded at their indexing maps. Stores the yielded values
/// into the outputs.
void emitEpilogueAt(ImplicitLocOpBuilder &b, linalg::LinalgOp epilogue,
                    ValueRange point, unsigned replacedOperand, Value replaced);

} // namespace mlir::fxp::gpu_kernels

#endif // FXP_LIB_TRANSFORMS_GPUKERNELS_H
