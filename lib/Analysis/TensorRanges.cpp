//===- TensorRanges.cpp - range transfer for tensor and shape ops --------===//
//
// Part of the fxp project.
//
// Shape ops move values without changing them: the whole interval carries
// over, and the per-channel intervals too when dimension 1 stays dimension
// 1 (collapsing or expanding only unit dimensions around it).
//
//===----------------------------------------------------------------------===//

#include "RangeTransfer.h"

#include "mlir/IR/TypeUtilities.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::transfer;

namespace {

/// Does a reassociation between `small` (collapsed) and `large` (expanded)
/// types keep the channel dimension: group 0 is [0], group 1 holds large
/// dim 1 and otherwise only unit dims?
bool keepsChannel(ArrayRef<ReassociationIndices> groups, RankedTensorType small,
                  RankedTensorType large) {
  if (groups.size() < 2 || small.getRank() < 2 || large.getRank() < 2)
    return false;
  if (groups[0].size() != 1 || groups[1].empty())
    return false;
  bool sawChannel = false;
  for (int64_t d : groups[1]) {
    if (d == 1) {
      sawChannel = true;
      continue;
    }
    if (large.getDimSize(d) != 1)
      return false;
  }
  return sawChannel && small.getDimSize(1) == large.getDimSize(1);
}

TensorRange withoutChannels(const TensorRange &range) {
  return TensorRange(range.getWhole());
}

} // namespace

FailureOr<SmallVector<TensorRange>>
transfer::transferTensor(Operation *op, const OperandRanges &operands) {
  ArrayRef<TensorRange> in = operands.ranges;
  using Result = FailureOr<SmallVector<TensorRange>>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case<tensor::EmptyOp>([&](tensor::EmptyOp empty) -> Result {
        return SmallVector<TensorRange>{TensorRange::ofType(empty.getType())};
      })
      .Case<tensor::CollapseShapeOp>([&](tensor::CollapseShapeOp c) -> Result {
        if (keepsChannel(c.getReassociationIndices(), c.getResultType(),
                         c.getSrcType()))
          return SmallVector<TensorRange>{in[0]};
        return SmallVector<TensorRange>{withoutChannels(in[0])};
      })
      .Case<tensor::ExpandShapeOp>([&](tensor::ExpandShapeOp e) -> Result {
        if (keepsChannel(e.getReassociationIndices(), e.getSrcType(),
                         e.getResultType()))
          return SmallVector<TensorRange>{in[0]};
        return SmallVector<TensorRange>{withoutChannels(in[0])};
      })
      .Case<tensor::CastOp>(
          [&](auto) -> Result { return SmallVector<TensorRange>{in[0]}; })
      .Case<tensor::ReshapeOp, tensor::ExtractSliceOp, tensor::ExtractOp>(
          [&](auto) -> Result {
            return SmallVector<TensorRange>{withoutChannels(in[0])};
          })
      .Case<tensor::InsertSliceOp>([&](auto) -> Result {
        return SmallVector<TensorRange>{
            TensorRange(in[0].getWhole().hull(in[1].getWhole()))};
      })
      .Case<tensor::PadOp>([&](tensor::PadOp pad) -> Result {
        Interval padding = TensorRange::ofType(pad.getType()).getWhole();
        if (Value value = pad.getConstantPaddingValue()) {
          if (auto c = value.getDefiningOp<arith::ConstantOp>()) {
            if (std::optional<Interval> point = scalarConstant(c.getValue()))
              padding = *point;
          } else if (operands.outerRange) {
            padding = operands.outerRange(value);
          }
        }
        if (!in[0].hasChannels())
          return SmallVector<TensorRange>{
              TensorRange(in[0].getWhole().hull(padding))};
        bool channelPadded =
            pad.getStaticLow().size() > 1 &&
            (pad.getStaticLow()[1] != 0 || pad.getStaticHigh()[1] != 0);
        if (channelPadded)
          return SmallVector<TensorRange>{
              TensorRange(in[0].getWhole().hull(padding))};
        SmallVector<Interval> channels;
        for (const Interval &c : in[0].getChannels())
          channels.push_back(c.hull(padding));
        return SmallVector<TensorRange>{TensorRange::perChannel(channels)};
      })
      .Case<tensor::FromElementsOp, tensor::ConcatOp>([&](auto) -> Result {
        Interval hull = in[0].getWhole();
        for (const TensorRange &r : in)
          hull = hull.hull(r.getWhole());
        return SmallVector<TensorRange>{TensorRange(hull)};
      })
      .Case<tensor::SplatOp>([&](auto) -> Result {
        return SmallVector<TensorRange>{TensorRange(in[0].getWhole())};
      })
      .Default([](Operation *) -> Result { return failure(); });
}
