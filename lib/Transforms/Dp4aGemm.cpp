//===- Dp4aGemm.cpp - int8 GEMM kernels on dp4a ---------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// The fallback for GPUs without int8 mma.sync (before sm_80) or on request:
// one thread per output element, four products per instruction with
// nvvm.dot.accumulate.4way (dp4a.s32.s32, sm_61 and newer).
//
//===----------------------------------------------------------------------===//

#include "GpuKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::fxp::gpu_kernels;

namespace {

constexpr int64_t kTile = 16; // 16 x 16 threads per block

Value cst(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

/// Four consecutive k of a row as vector<4xi8>, zero beyond K: one 4-byte
/// load from a buffer of aligned rows, else four guarded loads.
Value fetch4(ImplicitLocOpBuilder &b, Value rows, const GemmLoad &load,
             Value row, Value k, Value kLimit) {
  auto type = VectorType::get({4}, b.getI8Type());
  if (rows)
    return vector::LoadOp::create(b, type, rows, ValueRange{row, k},
                                  /*nontemporal=*/false, llvm::MaybeAlign(4));
  SmallVector<Value> bytes;
  for (int64_t j = 0; j < 4; ++j) {
    Value kj = arith::AddIOp::create(b, k, cst(b, j));
    Value inBounds =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, kj, kLimit);
    auto guarded = scf::IfOp::create(b, TypeRange{b.getI8Type()}, inBounds,
                                     /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(guarded.thenBlock());
    scf::YieldOp::create(b, load(b, row, kj));
    b.setInsertionPointToStart(guarded.elseBlock());
    scf::YieldOp::create(
        b, arith::ConstantIntOp::create(b, b.getI8Type(), 0).getResult());
    b.setInsertionPointAfter(guarded);
    bytes.push_back(guarded.getResult(0));
  }
  return vector::FromElementsOp::create(b, type, bytes);
}

} // namespace

void mlir::fxp::gpu_kernels::buildDp4aGemm(ImplicitLocOpBuilder &b,
                                           const GemmKernel &gemm) {
  Value one = cst(b, 1), tile = cst(b, kTile);
  // M on grid x (limit 2^31 - 1), N on grid y (65535 x 16 columns).
  Value gridX = arith::CeilDivUIOp::create(b, gemm.m, tile);
  Value gridY = arith::CeilDivUIOp::create(b, gemm.n, tile);
  auto launch = gpu::LaunchOp::create(b, gridX, gridY, one, tile, tile, one);
  launch->setAttr("fxp.kernel", b.getStringAttr("dp4a_s8"));

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  // Consecutive threads take consecutive columns n (coalesced stores).
  Value n = arith::AddIOp::create(
      b, arith::MulIOp::create(b, launch.getBlockIds().y, tile),
      launch.getThreadIds().x);
  Value m = arith::AddIOp::create(
      b, arith::MulIOp::create(b, launch.getBlockIds().x, tile),
      launch.getThreadIds().y);
  Value inBounds = arith::AndIOp::create(
      b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, m, gemm.m),
      arith::CmpIOp::create(b, arith::CmpIPredicate::ult, n, gemm.n));
  auto guarded = scf::IfOp::create(b, inBounds, /*withElseRegion=*/false);
  gpu::TerminatorOp::create(b);
  b.setInsertionPointToStart(guarded.thenBlock());

  Value zero = arith::ConstantIntOp::create(b, b.getI32Type(), 0);
  auto loop = scf::ForOp::create(b, cst(b, 0), gemm.k, cst(b, 4),
                                 ValueRange{zero});
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value k = loop.getInductionVar();
    // Row-contiguous operands take 4-byte loads only when K % 4 == 0, which
    // GemmKernel's rowsA/rowsB guarantee (K % 16 == 0).
    Value a = fetch4(b, gemm.rowsA, gemm.loadA, m, k, gemm.k);
    Value w = fetch4(b, gemm.rowsB, gemm.loadB, n, k, gemm.k);
    auto sign = NVVM::DotAccumulateTypeAttr::get(
        b.getContext(), NVVM::DotAccumulateType::SIGNED);
    Value acc = NVVM::DotAccumulate4WayOp::create(
        b, b.getI32Type(), a, sign, w, sign, loop.getRegionIterArgs()[0]);
    scf::YieldOp::create(b, acc);
  }
  gemm.store(b, m, n, loop.getResult(0));
}
