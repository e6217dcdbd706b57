//===- GpuLegalizeMath.cpp - fxp-gpu-legalize-math ------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_GPULEGALIZEMATH
#include "fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;

namespace {

/// copysign(a, b) as bit operations: |a| with b's sign bit.
struct CopySignToBits : public OpRewritePattern<math::CopySignOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::CopySignOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    auto element = dyn_cast<FloatType>(getElementTypeOrSelf(type));
    if (!element)
      return failure();
    unsigned width = element.getWidth();
    Type intElement = rewriter.getIntegerType(width);
    Type intType = intElement;
    if (auto vector = dyn_cast<VectorType>(type))
      intType = vector.clone(intElement);
    Location loc = op.getLoc();
    auto constant = [&](const APInt &bits) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc, intType,
          intType == intElement
              ? rewriter.getIntegerAttr(intElement, bits)
              : cast<TypedAttr>(DenseElementsAttr::get(
                    cast<ShapedType>(intType),
                    rewriter.getIntegerAttr(intElement, bits))));
    };
    APInt sign = APInt::getSignMask(width);
    Value magnitude = arith::AndIOp::create(
        rewriter, loc,
        arith::BitcastOp::create(rewriter, loc, intType, op.getLhs()),
        constant(~sign));
    Value signBit = arith::AndIOp::create(
        rewriter, loc,
        arith::BitcastOp::create(rewriter, loc, intType, op.getRhs()),
        constant(sign));
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(
        op, type, arith::OrIOp::create(rewriter, loc, magnitude, signBit));
    return success();
  }
};

struct GpuLegalizeMathPass
    : public fxp::impl::GpuLegalizeMathBase<GpuLegalizeMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    math::populateExpansionPatterns(patterns, {"round"});
    patterns.add<CopySignToBits>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
