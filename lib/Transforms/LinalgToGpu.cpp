//===- LinalgToGpu.cpp - fxp-linalg-to-gpu --------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "GpuKernels.h"
#include "fxp/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_LINALGTOGPU
#include "fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp::gpu_kernels;

//===----------------------------------------------------------------------===//
// Point-wise kernels
//===----------------------------------------------------------------------===//

/// Indices of operand `opOperand` of `op` at iteration point `ivs`.
static SmallVector<Value> indicesAt(ImplicitLocOpBuilder &b,
                                    linalg::LinalgOp op, OpOperand &opOperand,
                                    ValueRange ivs) {
  AffineMap map = op.getMatchingIndexingMap(&opOperand);
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      indices.push_back(ivs[dim.getPosition()]);
      continue;
    }
    if (auto c = dyn_cast<AffineConstantExpr>(expr)) {
      indices.push_back(arith::ConstantIndexOp::create(b, c.getValue()));
      continue;
    }
    // Dimensions the expression does not use may have no value here
    // (reduction dimensions outside their loops).
    SmallVector<Value> operands;
    for (unsigned d = 0; d < map.getNumDims(); ++d)
      operands.push_back(expr.isFunctionOfDim(d) && ivs[d]
                             ? ivs[d]
                             : arith::ConstantIndexOp::create(b, 0).getResult());
    indices.push_back(affine::AffineApplyOp::create(
        b, AffineMap::get(map.getNumDims(), 0, expr), operands));
  }
  return indices;
}

/// Value of the payload block argument of `opOperand` at `ivs`: the scalar
/// itself, or a load.
static Value operandAt(ImplicitLocOpBuilder &b, linalg::LinalgOp op,
                       OpOperand &opOperand, ValueRange ivs) {
  Value v = opOperand.get();
  if (!isa<MemRefType>(v.getType()))
    return v;
  return memref::LoadOp::create(b, v, indicesAt(b, op, opOperand, ivs));
}

/// Clones the payload of `op` at `ivs` with block arguments `args`;
/// returns the yielded values.
static SmallVector<Value> payloadAt(ImplicitLocOpBuilder &b,
                                    linalg::LinalgOp op, ValueRange args,
                                    ValueRange ivs) {
  Block *body = op.getBlock();
  IRMapping mapping;
  mapping.map(body->getArguments(), args);
  for (Operation &inner : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(index.getResult(), ivs[index.getDim()]);
      continue;
    }
    b.clone(inner, mapping);
  }
  SmallVector<Value> yielded;
  for (Value v : body->getTerminator()->getOperands())
    yielded.push_back(mapping.lookupOrDefault(v));
  return yielded;
}

void mlir::fxp::gpu_kernels::emitEpilogueAt(ImplicitLocOpBuilder &b,
                                            linalg::LinalgOp epilogue,
                                            ValueRange point,
                                            unsigned replacedOperand,
                                            Value replaced) {
  SmallVector<Value> args;
  for (OpOperand &opOperand : epilogue->getOpOperands()) {
    if (opOperand.getOperandNumber() == replacedOperand) {
      args.push_back(replaced);
      continue;
    }
    // Outputs are only read when the payload uses their value.
    BlockArgument arg = epilogue.getMatchingBlockArgument(&opOperand);
    if (epilogue.isDpsInit(&opOperand) && arg.use_empty()) {
      args.push_back(arith::ConstantOp::create(
                         b, b.getZeroAttr(arg.getType()))
                         .getResult());
      continue;
    }
    args.push_back(operandAt(b, epilogue, opOperand, point));
  }
  SmallVector<Value> results = payloadAt(b, epilogue, args, point);
  for (auto [init, v] : llvm::zip(epilogue.getDpsInitsMutable(), results))
    memref::StoreOp::create(b, v, init.get(),
                            indicesAt(b, epilogue, init, point));
}

void mlir::fxp::gpu_kernels::buildPointwiseKernel(ImplicitLocOpBuilder &b,
                                                  linalg::LinalgOp op,
                                                  int64_t blockSize) {
  SmallVector<Range> ranges = op.createLoopRanges(b, b.getLoc());
  SmallVector<Value> sizes;
  for (Range r : ranges)
    sizes.push_back(getValueOrCreateConstantIndexOp(b, b.getLoc(), r.size));
  SmallVector<unsigned> parallel, reduction;
  op.getParallelDims(parallel);
  op.getReductionDims(reduction);

  Value total = arith::ConstantIndexOp::create(b, 1);
  for (unsigned d : parallel)
    total = arith::MulIOp::create(b, total, sizes[d]);
  Value bs = arith::ConstantIndexOp::create(b, blockSize);
  Value one = arith::ConstantIndexOp::create(b, 1);
  Value grid = arith::CeilDivUIOp::create(b, total, bs);
  auto launch = gpu::LaunchOp::create(b, grid, one, one, bs, one, one);
  launch->setAttr("fxp.kernel", b.getStringAttr("pointwise"));

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value lin = arith::AddIOp::create(
      b, arith::MulIOp::create(b, launch.getBlockIds().x, bs),
      launch.getThreadIds().x);
  auto inRange = scf::IfOp::create(
      b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, lin, total),
      /*withElseRegion=*/false);
  gpu::TerminatorOp::create(b);
  b.setInsertionPointToStart(inRange.thenBlock());

  // Delinearize, last parallel dimension fastest.
  SmallVector<Value> ivs(sizes.size());
  Value rest = lin;
  for (unsigned d : llvm::reverse(parallel)) {
    ivs[d] = arith::RemUIOp::create(b, rest, sizes[d]);
    rest = arith::DivUIOp::create(b, rest, sizes[d]);
  }

  auto inputsAt = [&](ImplicitLocOpBuilder &b, ValueRange point) {
    SmallVector<Value> args;
    for (OpOperand *in : op.getDpsInputOperands())
      args.push_back(operandAt(b, op, *in, point));
    return args;
  };
  SmallVector<Value> outInits;
  for (OpOperand &init : op.getDpsInitsMutable()) {
    BlockArgument arg = op.getMatchingBlockArgument(&init);
    if (reduction.empty() && arg.use_empty())
      outInits.push_back(
          arith::ConstantOp::create(b, b.getZeroAttr(arg.getType())));
    else
      outInits.push_back(operandAt(b, op, init, ivs));
  }

  // Reduction dimensions loop in the thread, outputs carried.
  std::function<SmallVector<Value>(ImplicitLocOpBuilder &, size_t,
                                   ValueRange)>
      reduce = [&](ImplicitLocOpBuilder &b, size_t level,
                   ValueRange carried) -> SmallVector<Value> {
    if (level == reduction.size()) {
      SmallVector<Value> args = inputsAt(b, ivs);
      args.append(carried.begin(), carried.end());
      return payloadAt(b, op, args, ivs);
    }
    unsigned d = reduction[level];
    auto loop = scf::ForOp::create(
        b, getValueOrCreateConstantIndexOp(b, b.getLoc(), ranges[d].offset),
        sizes[d], getValueOrCreateConstantIndexOp(b, b.getLoc(), ranges[d].stride),
        carried);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    ivs[d] = loop.getInductionVar();
    scf::YieldOp::create(b, reduce(b, level + 1, loop.getRegionIterArgs()));
    return SmallVector<Value>(loop.getResults());
  };
  SmallVector<Value> results = reduce(b, 0, outInits);
  for (auto [init, v] : llvm::zip(op.getDpsInitsMutable(), results))
    memref::StoreOp::create(b, v, init.get(), indicesAt(b, op, init, ivs));
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {

/// The fill and element-wise consumer around a contraction's accumulator.
struct Epilogue {
  linalg::FillOp zeroFill;
  linalg::GenericOp consumer;
  unsigned consumerOperand = 0;
};

bool isZeroFill(linalg::FillOp fill) {
  return matchPattern(fill.getInputs()[0], m_Zero());
}

/// Nothing between `from` and `to` (same block) touches memory, except
/// allocations.
bool quietBetween(Operation *from, Operation *to) {
  for (Operation *o = from->getNextNode(); o && o != to; o = o->getNextNode())
    if (!isMemoryEffectFree(o) && !isa<memref::AllocOp>(o))
      return false;
  return true;
}

/// The buffer a memref value views (through view-like ops).
Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// Every output of `consumer` is its own allocation, none of the buffers
/// `gemm` reads.
bool writesFreshBuffers(linalg::GenericOp consumer, linalg::LinalgOp gemm) {
  for (Value init : consumer.getDpsInits()) {
    Value root = rootBuffer(init);
    if (!root.getDefiningOp<memref::AllocOp>())
      return false;
    for (Value in : gemm.getDpsInputs())
      if (rootBuffer(in) == root)
        return false;
  }
  return true;
}

/// Finds the zero fill of the accumulator `acc` right before `op` (the
/// kernel then starts from zero and the fill is dead), and, for a buffer
/// allocated here that nothing else touches, the fusable element-wise
/// consumer after `op`.
Epilogue findEpilogue(linalg::LinalgOp op, Value acc, bool fuse) {
  Epilogue found;
  for (OpOperand &use : acc.getUses()) {
    auto fill = dyn_cast<linalg::FillOp>(use.getOwner());
    if (fill && isZeroFill(fill) && fill->getBlock() == op->getBlock() &&
        fill->isBeforeInBlock(op) && quietBetween(fill, op))
      found.zeroFill = fill;
  }
  if (!found.zeroFill || !fuse || !acc.getDefiningOp<memref::AllocOp>())
    return found;
  for (OpOperand &use : acc.getUses()) {
    Operation *user = use.getOwner();
    if (user == op.getOperation() || user == found.zeroFill.getOperation() ||
        isa<memref::DeallocOp>(user))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (generic && !found.consumer && generic.isDpsInput(&use) &&
        generic.getNumReductionLoops() == 0 &&
        generic->getBlock() == op->getBlock() &&
        op->isBeforeInBlock(generic) &&
        generic.getMatchingIndexingMap(&use).isIdentity() &&
        generic.getNumLoops() == cast<MemRefType>(acc.getType()).getRank() &&
        // The kernel replaces the consumer: nothing in between may touch
        // memory, and the consumer writes fresh buffers only (blocks store
        // results while others still read the GEMM's operands).
        quietBetween(op, generic) && writesFreshBuffers(generic, op)) {
      found.consumer = generic;
      found.consumerOperand = use.getOperandNumber();
      continue;
    }
    // Another reader or writer: the accumulator must be materialized.
    found.consumer = nullptr;
    return found;
  }
  return found;
}

/// The buffer `input` of a convolution as a padded copy of another one:
/// allocated here, filled with a constant by linalg.fill or a linalg.map
/// yielding it, a spatial subview of it receiving a linalg.copy of the
/// source (what bufferizing tensor.pad gives), read by `conv` only,
/// and the source untouched until the convolution. The ops that build the
/// copy are returned in `dead`.
std::optional<PaddedInput>
findPaddedInput(linalg::Conv2DNchwFchwOp conv, Value input,
                SmallVectorImpl<Operation *> &dead) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != conv->getBlock())
    return std::nullopt;
  Operation *fill = nullptr, *copy = nullptr;
  memref::SubViewOp subview;
  Value padValue, source;
  for (Operation *user : alloc->getUsers()) {
    if (user == conv.getOperation() || isa<memref::DeallocOp>(user))
      continue;
    if (auto f = dyn_cast<linalg::FillOp>(user); f && !fill) {
      fill = f;
      padValue = f.getInputs()[0];
      continue;
    }
    if (auto map = dyn_cast<linalg::MapOp>(user); map && !fill &&
        map.getInputs().empty()) {
      auto yield = cast<linalg::YieldOp>(map.getBody()->getTerminator());
      Value v = yield.getOperand(0);
      // A value defined outside the body (a constant, typically).
      if (v.getParentRegion() == &map.getMapper())
        return std::nullopt;
      fill = map;
      padValue = v;
      continue;
    }
    if (auto sv = dyn_cast<memref::SubViewOp>(user); sv && !subview) {
      subview = sv;
      continue;
    }
    return std::nullopt;
  }
  if (!fill || !subview || !subview->hasOneUse() || !padValue ||
      fill->getBlock() != conv->getBlock() ||
      padValue.getType() !=
          cast<MemRefType>(input.getType()).getElementType())
    return std::nullopt;
  // memref.copy ops are linalg.copy by now (runOnOperation rewrites them
  // first).
  copy = *subview->getUsers().begin();
  if (auto c = dyn_cast<linalg::CopyOp>(copy))
    source = c.getInputs()[0];
  if (!source || copy->getBlock() != conv->getBlock() ||
      !copy->isBeforeInBlock(conv) || !fill->isBeforeInBlock(copy))
    return std::nullopt;
  auto sourceType = dyn_cast<MemRefType>(source.getType());
  if (!sourceType || sourceType.getRank() != 4 ||
      !sourceType.getLayout().isIdentity() ||
      !llvm::all_of(subview.getStaticStrides(),
                    [](int64_t s) { return s == 1; }))
    return std::nullopt;
  ArrayRef<int64_t> offsets = subview.getStaticOffsets();
  if (offsets[0] != 0 || offsets[1] != 0 ||
      ShapedType::isDynamic(offsets[2]) || ShapedType::isDynamic(offsets[3]))
    return std::nullopt;
  // Between the copy and the convolution nothing may write the source:
  // only allocations, pure ops, and linalg ops writing fresh allocations.
  for (Operation *o = copy->getNextNode(); o != conv.getOperation();
       o = o->getNextNode()) {
    if (isMemoryEffectFree(o) || isa<memref::AllocOp>(o))
      continue;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(o);
    if (!linalgOp || !llvm::all_of(linalgOp.getDpsInits(), [&](Value v) {
          return v != source && v.getDefiningOp<memref::AllocOp>();
        }))
      return std::nullopt;
  }
  dead.append({copy, subview.getOperation(), fill});
  PaddedInput padded;
  padded.source = source;
  padded.padTop = offsets[2];
  padded.padLeft = offsets[3];
  padded.padValue = padValue;
  return padded;
}

struct LinalgToGpuPass
    : public fxp::impl::LinalgToGpuBase<LinalgToGpuPass> {
  using Base::Base;

  void runOnOperation() override {
    GemmTiles tiles{tileM, tileN, tileK};
    if (std::string err = checkGemmTiles(tiles); !err.empty()) {
      emitError(getOperation().getLoc()) << "fxp-linalg-to-gpu: " << err;
      return signalPassFailure();
    }
    if (contraction != "mma" && contraction != "dp4a" &&
        contraction != "scalar") {
      emitError(getOperation().getLoc())
          << "fxp-linalg-to-gpu: contraction must be mma, dp4a or scalar, got '"
          << contraction << "'";
      return signalPassFailure();
    }
    if (blockSize <= 0 || blockSize > 1024) {
      emitError(getOperation().getLoc())
          << "fxp-linalg-to-gpu: block-size must be in [1, 1024], got "
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }

    IRRewriter rewriter(&getContext());
    // Copies become linalg.copy so that they get kernels too.
    getOperation().walk([&](memref::CopyOp copy) {
      if (copy->getParentOfType<gpu::LaunchOp>())
        return;
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    });

    SmallVector<linalg::LinalgOp> ops;
    bool bad = false;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->getParentOfType<gpu::LaunchOp>())
        return;
      if (!op.hasPureBufferSemantics()) {
        op->emitOpError("fxp-linalg-to-gpu needs buffers; run one-shot "
                        "bufferization first");
        bad = true;
        return;
      }
      ops.push_back(op);
    });
    if (bad)
      return signalPassFailure();

    // Contractions first: they absorb their fills and epilogues.
    DenseSet<Operation *> erased;
    if (contraction != "scalar") {
      for (linalg::LinalgOp op : ops)
        if (!erased.contains(op))
          lowerContraction(op, erased);
    }
    for (linalg::LinalgOp op : ops) {
      if (erased.contains(op))
        continue;
      linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        rewriter.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
        if (failed(g)) {
          op->emitOpError("fxp-linalg-to-gpu cannot generalize this op");
          return signalPassFailure();
        }
        generic = *g;
      }
      ImplicitLocOpBuilder gb(generic->getLoc(), generic);
      buildPointwiseKernel(gb, generic, blockSize);
      rewriter.eraseOp(generic);
      ++numPointwise;
    }
  }

  /// Replaces an int8 matmul/conv (and its fill and epilogue) by a
  /// tensor-core or dp4a kernel; false when `op` is not such a contraction.
  bool lowerContraction(linalg::LinalgOp op, DenseSet<Operation *> &erased) {
    Value acc = op.getDpsInitOperand(0)->get();
    Epilogue epi = findEpilogue(op, acc, fuseEpilogue);
    // A fused kernel sits where the consumer was: its outputs exist there.
    Operation *at = epi.consumer ? epi.consumer.getOperation() : op.getOperation();
    ImplicitLocOpBuilder b(op.getLoc(), at);
    // A convolution of a padded copy reads the unpadded source.
    SmallVector<Operation *> padOps;
    std::optional<PaddedInput> padded;
    if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation()))
      padded = findPaddedInput(conv, op.getDpsInputOperand(0)->get(), padOps);
    FailureOr<GemmView> view =
        gemmViewOf(b, op, padded ? &*padded : nullptr);
    if (failed(view))
      return false;

    GemmKernel gemm;
    static_cast<GemmOperands &>(gemm) = *view;
    auto outputPoint = view->outputPoint;
    if (epi.consumer) {
      linalg::LinalgOp consumer = epi.consumer;
      unsigned operand = epi.consumerOperand;
      gemm.store = [=](ImplicitLocOpBuilder &b, Value m, Value n, Value v) {
        emitEpilogueAt(b, consumer, outputPoint(b, m, n), operand, v);
      };
    } else {
      bool zeroInit = static_cast<bool>(epi.zeroFill);
      gemm.store = [=](ImplicitLocOpBuilder &b, Value m, Value n, Value v) {
        SmallVector<Value> point = outputPoint(b, m, n);
        if (!zeroInit)
          v = arith::AddIOp::create(b, v, memref::LoadOp::create(b, acc, point));
        memref::StoreOp::create(b, v, acc, point);
      };
    }
    if (contraction == "dp4a") {
      buildDp4aGemm(b, gemm);
      ++numDp4a;
    } else {
      buildTensorCoreGemm(b, gemm, GemmTiles{tileM, tileN, tileK});
      ++numTensorCore;
    }

    auto eraseOp = [&](Operation *o) {
      erased.insert(o);
      o->erase();
    };
    Value paddedBuffer = op.getDpsInputOperand(0)->get();
    eraseOp(op);
    if (padded) {
      for (Operation *o : padOps)
        eraseOp(o);
      auto alloc = paddedBuffer.getDefiningOp<memref::AllocOp>();
      for (Operation *d : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(d))
          d->erase();
      if (alloc->use_empty())
        alloc->erase();
      ++numPadsFolded;
    }
    // The kernel writes every element once, starting from zero: the fill
    // is dead.
    if (epi.zeroFill)
      eraseOp(epi.zeroFill);
    if (epi.consumer) {
      eraseOp(epi.consumer);
      ++numFused;
      auto alloc = acc.getDefiningOp<memref::AllocOp>();
      SmallVector<Operation *> deallocs(alloc->getUsers());
      for (Operation *d : deallocs)
        if (isa<memref::DeallocOp>(d))
          d->erase();
      if (alloc->use_empty())
        alloc->erase();
    }
    return true;
  }
};

} // namespace
