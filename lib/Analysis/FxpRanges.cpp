//===- FxpRanges.cpp - range transfer for fxp dialect ops ----------------===//
//
// Part of the fxp project.
//
// Fixed-point values are bounded by the reals they represent. Results are
// rounded to their format's grid and saturated exactly as the numerics core
// does (rounding and saturation are monotone, so the bounds map to bounds).
//
//===----------------------------------------------------------------------===//

#include "RangeTransfer.h"

#include "mlir/IR/TypeUtilities.h"

#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Numerics/FixedPoint.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::transfer;

namespace {

/// The real values `exact` can become in `format` (slice `slice`).
Interval toFormat(const Interval &exact, const FixedFormat &format,
                  RoundingMode rounding, OverflowMode overflow) {
  Interval all{format.minReal(), format.maxReal()};
  if (overflow == OverflowMode::Wrap && !all.contains(exact))
    return all;
  auto clampReal = [&](double v) {
    return std::min(all.hi, std::max(all.lo, v));
  };
  if (rounding == RoundingMode::Stochastic) {
    double lo = roundTrip(clampReal(exact.lo), format, RoundingMode::Floor);
    double hi = roundTrip(clampReal(exact.hi), format, RoundingMode::Floor);
    if (hi != clampReal(exact.hi))
      hi = std::min(all.hi, hi + format.lsb());
    return {lo, hi};
  }
  return {roundTrip(clampReal(exact.lo), format, rounding),
          roundTrip(clampReal(exact.hi), format, rounding)};
}

Interval reluOf(const Interval &a, bool relu) {
  if (!relu)
    return a;
  return {std::max(0.0, a.lo), std::max(0.0, a.hi)};
}

FixedType fixedOf(Value value) {
  return cast<FixedType>(getElementTypeOrSelf(value.getType()));
}

/// Per-output-channel bounds of conv2d / matmul: for each output channel f,
/// bias[f] + sum over the weights w of w * x[input channel of w]; zero
/// padding adds 0 to the input's values.
FailureOr<SmallVector<TensorRange>>
kernelRanges(Operation *op, Value weightValue, Value biasValue,
             const OperandRanges &operands, bool padded, bool relu,
             bool isConv) {
  const SmallVector<double> *weights =
      operands.constantOf ? operands.constantOf(weightValue) : nullptr;
  auto weightType = cast<RankedTensorType>(weightValue.getType());
  const TensorRange &input = operands.ranges[0];
  auto inputAt = [&](int64_t c) {
    Interval x = input.hasChannels() && c < int64_t(input.getChannels().size())
                     ? input.channel(c)
                     : input.getWhole();
    return padded ? x.hull(Interval::point(0)) : x;
  };
  // conv: weight F x C x KH x KW (axis 0 = output channel); matmul: K x N
  // (axis 1 = output column).
  int64_t outChannels =
      isConv ? weightType.getDimSize(0) : weightType.getDimSize(1);
  int64_t inChannels =
      isConv ? weightType.getDimSize(1) : weightType.getDimSize(0);
  int64_t window =
      isConv ? weightType.getDimSize(2) * weightType.getDimSize(3) : 1;
  const SmallVector<double> *bias = biasValue && operands.constantOf
                                        ? operands.constantOf(biasValue)
                                        : nullptr;
  FixedType result = fixedOf(op->getResult(0));
  SmallVector<Interval> channels;
  for (int64_t f = 0; f < outChannels; ++f) {
    Interval acc = Interval::point(0);
    if (biasValue) {
      if (bias && int64_t(bias->size()) == outChannels)
        acc = Interval::point((*bias)[f]);
      else
        acc = operands.ranges[2].channel(0).hull(operands.ranges[2].getWhole());
    }
    for (int64_t c = 0; c < inChannels; ++c) {
      Interval x = inputAt(c);
      for (int64_t k = 0; k < window; ++k) {
        Interval w;
        if (weights) {
          int64_t index =
              isConv ? (f * inChannels + c) * window + k : c * outChannels + f;
          w = Interval::point((*weights)[index]);
        } else {
          w = operands.ranges[1].getWhole();
        }
        acc = acc + w * x;
      }
    }
    channels.push_back(
        reluOf(toFormat(acc, result.getFormat(), RoundingMode::NearestAway,
                        OverflowMode::Saturate),
               relu));
  }
  return SmallVector<TensorRange>{TensorRange::perChannel(channels)};
}

} // namespace

FailureOr<SmallVector<TensorRange>>
transfer::transferFxp(Operation *op, const OperandRanges &operands) {
  ArrayRef<TensorRange> in = operands.ranges;
  auto perChannelMap = [&](const TensorRange &range, auto f) {
    if (!range.hasChannels())
      return TensorRange(f(range.getWhole()));
    SmallVector<Interval> channels;
    for (const Interval &c : range.getChannels())
      channels.push_back(f(c));
    return TensorRange::perChannel(channels);
  };
  return llvm::TypeSwitch<Operation *, FailureOr<SmallVector<TensorRange>>>(op)
      .Case<QuantizeOp>(
          [&](QuantizeOp q) -> FailureOr<SmallVector<TensorRange>> {
            FixedType type = fixedOf(q.getResult());
            if (type.isPerAxis())
              return SmallVector<TensorRange>{
                  TensorRange(Interval{type.getFormat(0).minReal(), INFINITY})};
            return SmallVector<TensorRange>{
                perChannelMap(in[0], [&](Interval x) {
                  return toFormat(x, type.getFormat(), q.getRounding(),
                                  q.getOverflow());
                })};
          })
      .Case<DequantizeOp>([&](auto) { return SmallVector<TensorRange>{in[0]}; })
      .Case<CastOp>([&](CastOp c) -> FailureOr<SmallVector<TensorRange>> {
        FixedType type = fixedOf(c.getResult());
        if (type.isPerAxis())
          return failure();
        return SmallVector<TensorRange>{perChannelMap(in[0], [&](Interval x) {
          return toFormat(x, type.getFormat(), c.getRounding(),
                          c.getOverflow());
        })};
      })
      .Case<ObserveOp>([&](auto) { return SmallVector<TensorRange>{in[0]}; })
      .Case<Conv2DOp>([&](Conv2DOp conv) {
        bool padded =
            llvm::any_of(conv.getPadding(), [](int64_t p) { return p > 0; });
        return kernelRanges(op, conv.getWeight(), conv.getBias(), operands,
                            padded, conv.getRelu(), /*isConv=*/true);
      })
      .Case<MatmulOp>([&](MatmulOp matmul) {
        return kernelRanges(op, matmul.getWeight(), matmul.getBias(), operands,
                            /*padded=*/false, matmul.getRelu(),
                            /*isConv=*/false);
      })
      .Case<AddOp>([&](AddOp add) -> FailureOr<SmallVector<TensorRange>> {
        FixedType type = fixedOf(add.getResult());
        auto sumAt = [&](int64_t c) {
          return reluOf(toFormat(in[0].channel(c) + in[1].channel(c),
                                 type.getFormat(), RoundingMode::NearestAway,
                                 OverflowMode::Saturate),
                        add.getRelu());
        };
        size_t n =
            std::max(in[0].getChannels().size(), in[1].getChannels().size());
        if (n == 0 || (in[0].hasChannels() && in[1].hasChannels() &&
                       in[0].getChannels().size() != n))
          return SmallVector<TensorRange>{TensorRange(reluOf(
              toFormat(in[0].getWhole() + in[1].getWhole(), type.getFormat(),
                       RoundingMode::NearestAway, OverflowMode::Saturate),
              add.getRelu()))};
        SmallVector<Interval> channels;
        for (size_t c = 0; c < n; ++c)
          channels.push_back(sumAt(int64_t(c)));
        return SmallVector<TensorRange>{TensorRange::perChannel(channels)};
      })
      .Case<GlobalAvgPool2DOp>([&](GlobalAvgPool2DOp pool) {
        // The mean of values in [lo, hi] lies in [lo, hi].
        FixedType type = fixedOf(pool.getResult());
        return SmallVector<TensorRange>{perChannelMap(in[0], [&](Interval x) {
          return toFormat(x, type.getFormat(), RoundingMode::NearestAway,
                          OverflowMode::Saturate);
        })};
      })
      .Default([](Operation *) { return failure(); });
}
