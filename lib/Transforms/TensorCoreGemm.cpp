//===- TensorCoreGemm.cpp - int8 mma.sync GEMM kernels --------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// The tensor-core kernel of fxp-linalg-to-gpu: C = A * B^T on int8 with
// nvgpu.ldmatrix / nvgpu.mma.sync m16n8k32 (s8 x s8 -> s32), staged through
// shared memory, and the GEMM views of linalg.matmul and of
// linalg.conv_2d_nchw_fchw (implicit GEMM: the A tile loader gathers the
// convolution window, no im2col buffer exists).
//
//===----------------------------------------------------------------------===//

#include "GpuKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::fxp::gpu_kernels;

namespace {

constexpr int64_t kWarp = 32;
constexpr int64_t kWarpsM = 2, kWarpsN = 2;
constexpr int64_t kThreads = kWarp * kWarpsM * kWarpsN;
constexpr int64_t kMmaM = 16, kMmaN = 8, kMmaK = 32;
// Shared-memory rows are tileK + 16 bytes apart: the eight 16-byte rows an
// ldmatrix phase reads then fall into distinct banks (row stride 48 or 80
// bytes, ...) instead of sharing them (32 or 64 bytes).
constexpr int64_t kSmemPad = 16;

Value cst(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}
Value add(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::AddIOp::create(b, x, y);
}
Value mul(ImplicitLocOpBuilder &b, Value x, int64_t y) {
  return y == 1 ? x : arith::MulIOp::create(b, x, cst(b, y)).getResult();
}
Value mulv(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::MulIOp::create(b, x, y);
}
Value divu(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::DivUIOp::create(b, x, y);
}
Value remu(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::RemUIOp::create(b, x, y);
}
Value ult(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x, y);
}
Value both(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::AndIOp::create(b, x, y);
}

/// How the threads of a block split a rows x tileK slab of A (or B): chunks
/// of `width` bytes (16 with a vector-loadable `rowMajor` buffer, else 1),
/// chunk e = tid + i * kThreads for i < perThread, so consecutive threads
/// take consecutive k.
struct Slab {
  int64_t rows, tileK, width, perRow, chunks, perThread;
  Value rowMajor;
  Slab(int64_t rows, int64_t tileK, Value rowMajor)
      : rows(rows), tileK(tileK), rowMajor(rowMajor) {
    constexpr int64_t kVector = 16;
    width = rowMajor && tileK % kVector == 0 ? kVector : 1;
    if (width == 1)
      this->rowMajor = nullptr;
    perRow = tileK / width;
    chunks = rows * perRow;
    perThread = (chunks + kThreads - 1) / kThreads;
  }
  Type chunkType(Builder &b) const {
    if (width == 1)
      return b.getI8Type();
    return VectorType::get({width}, b.getI8Type());
  }
  /// (row in slab, column in slab, chunk exists) of chunk i of thread tid.
  std::tuple<Value, Value, Value> place(ImplicitLocOpBuilder &b, Value tid,
                                        int64_t i) const {
    Value e = add(b, tid, cst(b, i * kThreads));
    Value exists = chunks % kThreads == 0
                       ? arith::ConstantIntOp::create(b, b.getI1Type(), 1)
                             .getResult()
                       : ult(b, e, cst(b, chunks));
    return {divu(b, e, cst(b, perRow)), mul(b, remu(b, e, cst(b, perRow)), width),
            exists};
  }
};

/// Loads this thread's chunks of the slab at reduction offset k0 into
/// registers; zero outside the problem (rows >= rowLimit, k >= kLimit).
SmallVector<Value> fetchSlab(ImplicitLocOpBuilder &b, const Slab &slab,
                             Value tid, Value rowBase, Value rowLimit, Value k0,
                             Value kLimit, const GemmLoad &load) {
  SmallVector<Value> values;
  Type type = slab.chunkType(b);
  for (int64_t i = 0; i < slab.perThread; ++i) {
    auto [r, c, exists] = slab.place(b, tid, i);
    Value row = add(b, rowBase, r);
    Value k = add(b, k0, c);
    // With K and k multiples of 16 on the vector path, k < K means
    // k + 16 <= K.
    Value inBounds = both(b, exists, both(b, ult(b, row, rowLimit), ult(b, k, kLimit)));
    auto guarded = scf::IfOp::create(b, TypeRange{type}, inBounds,
                                     /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(guarded.thenBlock());
    if (slab.rowMajor)
      scf::YieldOp::create(
          b, vector::LoadOp::create(b, cast<VectorType>(type), slab.rowMajor,
                                    ValueRange{row, k}, /*nontemporal=*/false,
                                    llvm::MaybeAlign(slab.width))
                 .getResult());
    else
      scf::YieldOp::create(b, load(b, row, k));
    b.setInsertionPointToStart(guarded.elseBlock());
    scf::YieldOp::create(
        b, arith::ConstantOp::create(b, type, b.getZeroAttr(type)).getResult());
    values.push_back(guarded.getResult(0));
  }
  return values;
}

/// Stores fetched chunks into the shared-memory slab.
void storeSlab(ImplicitLocOpBuilder &b, const Slab &slab, Value smem,
               Value tid, ValueRange values) {
  for (int64_t i = 0; i < slab.perThread; ++i) {
    auto [r, c, exists] = slab.place(b, tid, i);
    OpBuilder::InsertionGuard g(b);
    if (slab.chunks % kThreads != 0) {
      auto guarded = scf::IfOp::create(b, exists, /*withElseRegion=*/false);
      b.setInsertionPointToStart(guarded.thenBlock());
    }
    if (slab.rowMajor)
      vector::StoreOp::create(b, values[i], smem, ValueRange{r, c},
                              /*nontemporal=*/false,
                              llvm::MaybeAlign(slab.width));
    else
      memref::StoreOp::create(b, values[i], smem, ValueRange{r, c});
  }
}

} // namespace

std::string mlir::fxp::gpu_kernels::checkGemmTiles(const GemmTiles &t) {
  if (t.tileM <= 0 || t.tileM % (kWarpsM * kMmaM) != 0)
    return "tile-m must be a positive multiple of 32 (two warps of m16 "
           "tiles)";
  if (t.tileN <= 0 || t.tileN % (kWarpsN * kMmaN) != 0)
    return "tile-n must be a positive multiple of 16 (two warps of n8 tiles)";
  if (t.tileK <= 0 || t.tileK % kMmaK != 0)
    return "tile-k must be a positive multiple of 32 (the k of "
           "mma.sync.m16n8k32)";
  if ((t.tileM + t.tileN) * (t.tileK + kSmemPad) > 48 * 1024)
    return "tiles need more than 48 KiB of shared memory";
  return "";
}

void mlir::fxp::gpu_kernels::buildTensorCoreGemm(ImplicitLocOpBuilder &b,
                                                 const GemmKernel &gemm,
                                                 const GemmTiles &tiles) {
  MLIRContext *ctx = b.getContext();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto workgroup = gpu::AddressSpaceAttr::get(
      ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
  auto smemA = MemRefType::get({tiles.tileM, tiles.tileK + kSmemPad}, i8,
                               MemRefLayoutAttrInterface(), workgroup);
  auto smemB = MemRefType::get({tiles.tileN, tiles.tileK + kSmemPad}, i8,
                               MemRefLayoutAttrInterface(), workgroup);

  Value one = cst(b, 1);
  // M (batch x pixels for convolutions) can be large: it goes on grid x,
  // whose limit is 2^31 - 1 (y and z stop at 65535).
  Value gridX = arith::CeilDivUIOp::create(b, gemm.m, cst(b, tiles.tileM));
  Value gridY = arith::CeilDivUIOp::create(b, gemm.n, cst(b, tiles.tileN));
  auto launch = gpu::LaunchOp::create(
      b, gridX, gridY, one, cst(b, kThreads), one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, TypeRange{smemA, smemB});
  launch->setAttr("fxp.kernel", b.getStringAttr("mma_sync_m16n8k32_s8"));

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value sA = launch.getWorkgroupAttributions()[0];
  Value sB = launch.getWorkgroupAttributions()[1];
  Value tid = launch.getThreadIds().x;
  Value warp = divu(b, tid, cst(b, kWarp));
  Value lane = remu(b, tid, cst(b, kWarp));
  Value wm = divu(b, warp, cst(b, kWarpsN));
  Value wn = remu(b, warp, cst(b, kWarpsN));
  Value bm0 = mul(b, launch.getBlockIds().x, tiles.tileM);
  Value bn0 = mul(b, launch.getBlockIds().y, tiles.tileN);

  const int64_t warpM = tiles.tileM / kWarpsM, warpN = tiles.tileN / kWarpsN;
  const int64_t fragsM = warpM / kMmaM, fragsN = warpN / kMmaN;
  auto accType = VectorType::get({2, 2}, i32);
  auto aType = VectorType::get({4, 4}, i8);
  auto bType = VectorType::get({2, 4}, i8);
  Value zeroAcc = arith::ConstantOp::create(
      b, accType, DenseElementsAttr::get(accType, b.getI32IntegerAttr(0)));
  SmallVector<Value> inits(fragsM * fragsN, zeroAcc);

  // Lane -> ldmatrix row addresses: x4 for A (rows lane%16, byte column
  // 16*(lane/16)), x2 for B stored N x K (rows lane%8, byte column
  // 16*((lane/8)%2)).
  Value aRow = remu(b, lane, cst(b, 16));
  Value aCol = mul(b, divu(b, lane, cst(b, 16)), 16);
  Value bRow = remu(b, lane, cst(b, 8));
  Value bCol = mul(b, remu(b, divu(b, lane, cst(b, 8)), cst(b, 2)), 16);
  Value aWarpRow = add(b, mul(b, wm, warpM), aRow);
  Value bWarpRow = add(b, mul(b, wn, warpN), bRow);

  // Software pipelining through registers: the slabs of step k0 + tileK
  // are fetched from global memory while the tensor cores work on step k0.
  Slab slabA(tiles.tileM, tiles.tileK, gemm.rowsA);
  Slab slabB(tiles.tileN, tiles.tileK, gemm.rowsB);
  auto fetch = [&](Value k0) {
    SmallVector<Value> regs =
        fetchSlab(b, slabA, tid, bm0, gemm.m, k0, gemm.k, gemm.loadA);
    regs.append(fetchSlab(b, slabB, tid, bn0, gemm.n, k0, gemm.k, gemm.loadB));
    return regs;
  };
  const size_t numAcc = inits.size();
  inits.append(fetch(cst(b, 0)));
  auto kLoop =
      scf::ForOp::create(b, cst(b, 0), gemm.k, cst(b, tiles.tileK), inits);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    ValueRange regs = kLoop.getRegionIterArgs().drop_front(numAcc);
    storeSlab(b, slabA, sA, tid, regs.take_front(slabA.perThread));
    storeSlab(b, slabB, sB, tid, regs.drop_front(slabA.perThread));
    gpu::BarrierOp::create(b);
    SmallVector<Value> next = fetch(add(b, k0, cst(b, tiles.tileK)));
    SmallVector<Value> acc(kLoop.getRegionIterArgs().take_front(numAcc));
    for (int64_t kk = 0; kk < tiles.tileK; kk += kMmaK) {
      SmallVector<Value> aFrags, bFrags;
      for (int64_t i = 0; i < fragsM; ++i)
        aFrags.push_back(nvgpu::LdMatrixOp::create(
            b, aType, sA,
            ValueRange{add(b, aWarpRow, cst(b, i * kMmaM)),
                       add(b, aCol, cst(b, kk))},
            /*transpose=*/false, /*numTiles=*/4u));
      for (int64_t j = 0; j < fragsN; ++j)
        bFrags.push_back(nvgpu::LdMatrixOp::create(
            b, bType, sB,
            ValueRange{add(b, bWarpRow, cst(b, j * kMmaN)),
                       add(b, bCol, cst(b, kk))},
            /*transpose=*/false, /*numTiles=*/2u));
      for (int64_t i = 0; i < fragsM; ++i)
        for (int64_t j = 0; j < fragsN; ++j)
          acc[i * fragsN + j] = nvgpu::MmaSyncOp::create(
              b, aFrags[i], bFrags[j], acc[i * fragsN + j],
              ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK});
    }
    gpu::BarrierOp::create(b);
    acc.append(next);
    scf::YieldOp::create(b, acc);
  }

  // Accumulator fragment layout of m16n8: element [i][j] of lane l is row
  // l/4 + 8i, column 2*(l%4) + j.
  Value lRow = divu(b, lane, cst(b, 4));
  Value lCol = mul(b, remu(b, lane, cst(b, 4)), 2);
  for (int64_t i = 0; i < fragsM; ++i) {
    for (int64_t j = 0; j < fragsN; ++j) {
      Value frag = kLoop.getResult(i * fragsN + j);
      for (int64_t r = 0; r < 2; ++r) {
        for (int64_t c = 0; c < 2; ++c) {
          Value m = add(b, add(b, bm0, mul(b, wm, warpM)),
                        add(b, lRow, cst(b, i * kMmaM + 8 * r)));
          Value n = add(b, add(b, bn0, mul(b, wn, warpN)),
                        add(b, lCol, cst(b, j * kMmaN + c)));
          auto inBounds = scf::IfOp::create(
              b, both(b, ult(b, m, gemm.m), ult(b, n, gemm.n)),
              /*withElseRegion=*/false);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(inBounds.thenBlock());
          Value v = vector::ExtractOp::create(b, frag, ArrayRef<int64_t>{r, c});
          gemm.store(b, m, n, v);
        }
      }
    }
  }
  gpu::TerminatorOp::create(b);
}

//===----------------------------------------------------------------------===//
// GEMM views
//===----------------------------------------------------------------------===//

static bool isIntegerOf(Value v, unsigned width) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getElementType().isSignlessInteger(width);
}

/// A buffer whose rows (all dimensions but the first, flattened) are
/// contiguous and 16-byte aligned: identity layout, static inner size a
/// multiple of 16. Buffers are device allocations (256-byte aligned) or
/// views at offset zero.
static bool hasAlignedRows(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  if (!type || !type.getLayout().isIdentity() || type.getRank() < 2)
    return false;
  int64_t inner = 1;
  for (int64_t d = 1; d < type.getRank(); ++d) {
    if (type.isDynamicDim(d))
      return false;
    inner *= type.getDimSize(d);
  }
  return inner % 16 == 0;
}

static Value dimOf(ImplicitLocOpBuilder &b, Value memref, int64_t d) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.isDynamicDim(d))
    return cst(b, type.getDimSize(d));
  return memref::DimOp::create(b, memref, d);
}

FailureOr<GemmView>
mlir::fxp::gpu_kernels::gemmViewOf(ImplicitLocOpBuilder &b,
                                   linalg::LinalgOp op,
                                   const PaddedInput *padded) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return failure();
  Value lhs = op.getDpsInputOperand(0)->get();
  Value rhs = op.getDpsInputOperand(1)->get();
  Value out = op.getDpsInitOperand(0)->get();
  if (!isIntegerOf(lhs, 8) || !isIntegerOf(rhs, 8) || !isIntegerOf(out, 32))
    return failure();

  GemmView view;
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
    MLIRContext *ctx = b.getContext();
    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto transposedB = SmallVector<AffineMap>{
        AffineMap::get(3, 0, {d0, d2}, ctx), AffineMap::get(3, 0, {d1, d2}, ctx),
        AffineMap::get(3, 0, {d0, d1}, ctx)};
    SmallVector<AffineMap> maps = matmul.getIndexingMapsArray();
    bool plain = maps == linalg::MatmulOp::getDefaultIndexingMaps(ctx);
    bool transposed = maps == transposedB;
    if (matmul.getCast() != linalg::TypeFn::cast_signed ||
        (!plain && !transposed))
      return failure();
    view.m = dimOf(b, lhs, 0);
    view.k = dimOf(b, lhs, 1);
    view.n = dimOf(b, rhs, transposed ? 0 : 1);
    view.loadA = [lhs](ImplicitLocOpBuilder &b, Value m, Value k) -> Value {
      return memref::LoadOp::create(b, lhs, ValueRange{m, k});
    };
    view.loadB = [rhs, transposed](ImplicitLocOpBuilder &b, Value n,
                                   Value k) -> Value {
      return memref::LoadOp::create(
          b, rhs, transposed ? ValueRange{n, k} : ValueRange{k, n});
    };
    view.outputPoint = [](ImplicitLocOpBuilder &, Value m, Value n) {
      return SmallVector<Value>{m, n};
    };
    if (hasAlignedRows(lhs))
      view.rowsA = lhs;
    if (transposed && hasAlignedRows(rhs))
      view.rowsB = rhs;
    return view;
  }

  auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation());
  if (!conv)
    return failure();
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  Value channels = dimOf(b, lhs, 1);
  Value kh = dimOf(b, rhs, 2), kw = dimOf(b, rhs, 3);
  Value oh = dimOf(b, out, 2), ow = dimOf(b, out, 3);
  view.m = mulv(b, mulv(b, dimOf(b, out, 0), oh), ow);
  view.n = dimOf(b, rhs, 0);
  view.k = mulv(b, mulv(b, channels, kh), kw);
  // k -> (c, kh, kw), m -> (batch, oh, ow); the filter is F x (C*KH*KW)
  // contiguous, so B needs no reordering.
  auto splitK = [kh, kw](ImplicitLocOpBuilder &b, Value k) {
    Value x = remu(b, k, kw), rest = divu(b, k, kw);
    return std::array<Value, 3>{divu(b, rest, kh), remu(b, rest, kh), x};
  };
  auto splitM = [oh, ow](ImplicitLocOpBuilder &b, Value m) {
    Value x = remu(b, m, ow), rest = divu(b, m, ow);
    return std::array<Value, 3>{divu(b, rest, oh), remu(b, rest, oh), x};
  };
  // With a padded input, (row, col) of the padded buffer maps to
  // (row - top, col - left) of the source; outside it reads the pad value
  // (an unsigned compare catches both sides).
  Value source, sourceN, sourceC, sourceH, sourceW, top, left, padValue;
  if (padded) {
    source = padded->source;
    sourceN = dimOf(b, source, 0);
    sourceC = dimOf(b, source, 1);
    sourceH = dimOf(b, source, 2);
    sourceW = dimOf(b, source, 3);
    top = cst(b, padded->padTop);
    left = cst(b, padded->padLeft);
    padValue = padded->padValue;
  }
  view.loadA = [=](ImplicitLocOpBuilder &b, Value m, Value k) -> Value {
    auto [batch, y, x] = splitM(b, m);
    auto [c, dy, dx] = splitK(b, k);
    Value row = add(b, mul(b, y, strides[0]), mul(b, dy, dilations[0]));
    Value col = add(b, mul(b, x, strides[1]), mul(b, dx, dilations[1]));
    if (!source)
      return memref::LoadOp::create(b, lhs, ValueRange{batch, c, row, col});
    Value r = arith::SubIOp::create(b, row, top);
    Value q = arith::SubIOp::create(b, col, left);
    // Batch and channels too: a pad may also add channels.
    Value within =
        both(b, both(b, ult(b, batch, sourceN), ult(b, c, sourceC)),
             both(b, ult(b, r, sourceH), ult(b, q, sourceW)));
    auto inside = scf::IfOp::create(b, TypeRange{b.getI8Type()}, within,
                                    /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(inside.thenBlock());
    scf::YieldOp::create(
        b, memref::LoadOp::create(b, source, ValueRange{batch, c, r, q})
               .getResult());
    b.setInsertionPointToStart(inside.elseBlock());
    scf::YieldOp::create(b, padValue);
    b.setInsertionPointAfter(inside);
    return inside.getResult(0);
  };
  view.loadB = [=](ImplicitLocOpBuilder &b, Value n, Value k) -> Value {
    auto [c, dy, dx] = splitK(b, k);
    return memref::LoadOp::create(b, rhs, ValueRange{n, c, dy, dx});
  };
  view.outputPoint = [=](ImplicitLocOpBuilder &b, Value m, Value n) {
    auto [batch, y, x] = splitM(b, m);
    return SmallVector<Value>{batch, n, y, x};
  };
  // The filter is F x (C*KH*KW) with contiguous rows: stage it with vector
  // loads through a 2-D view.
  if (hasAlignedRows(rhs))
    view.rowsB = memref::CollapseShapeOp::create(
        b, rhs, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
  return view;
}
