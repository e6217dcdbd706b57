//===- EqualizeWeights.cpp - cross-layer weight equalization -------------===//
//
// Part of the fxp project.
//
// fxp-equalize-weights: rescales conv -> ReLU -> conv chains so both
// convolutions' per-channel weight ranges are equal (DFQ, Nagel et al.).
//
//===----------------------------------------------------------------------===//

#include "NetworkPatterns.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Format.h"

#include <cmath>

namespace mlir::fxp {
#define GEN_PASS_DEF_EQUALIZEWEIGHTS
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp;

namespace {

/// A float constant operand used only by `user`, with its values.
struct OwnedConstant {
  arith::ConstantOp op;
  RankedTensorType type;
  std::vector<double> values;
};

std::optional<OwnedConstant> ownedConstant(Value value, Operation *user) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant || !constant->hasOneUse() || *value.user_begin() != user)
    return std::nullopt;
  auto dense = dyn_cast<DenseFPElementsAttr>(constant.getValue());
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!dense || !type || !type.hasStaticShape())
    return std::nullopt;
  OwnedConstant result{constant, type, {}};
  for (const APFloat &v : dense.getValues<APFloat>())
    result.values.push_back(v.convertToDouble());
  return result;
}

void replaceValues(OwnedConstant &constant) {
  SmallVector<APFloat> values;
  auto element = cast<FloatType>(constant.type.getElementType());
  for (double v : constant.values) {
    APFloat f(v);
    bool losesInfo = false;
    f.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &losesInfo);
    values.push_back(f);
  }
  constant.op.setValueAttr(DenseFPElementsAttr::get(constant.type, values));
}

/// max |W| per channel along `axis` of an F x C x KH x KW weight.
std::vector<double> channelRanges(const OwnedConstant &w, unsigned axis) {
  ArrayRef<int64_t> shape = w.type.getShape();
  int64_t window = shape[2] * shape[3];
  std::vector<double> ranges(shape[axis], 0.0);
  for (int64_t i = 0; i < int64_t(w.values.size()); ++i) {
    int64_t f = i / (shape[1] * window), c = (i / window) % shape[1];
    double &r = ranges[axis == 0 ? f : c];
    r = std::max(r, std::fabs(w.values[i]));
  }
  return ranges;
}

std::string text(double v) {
  std::string out;
  llvm::raw_string_ostream(out) << llvm::format("%.3g", v);
  return out;
}

double spread(const std::vector<double> &ranges) {
  double lo = INFINITY, hi = 0;
  for (double r : ranges) {
    hi = std::max(hi, r);
    if (r > 0)
      lo = std::min(lo, r);
  }
  return lo == INFINITY ? 1.0 : hi / lo;
}

struct EqualizeWeightsPass
    : public fxp::impl::EqualizeWeightsBase<EqualizeWeightsPass> {
  using EqualizeWeightsBase::EqualizeWeightsBase;

  void runOnOperation() override {
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation().walk(
        [&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    for (linalg::Conv2DNchwFchwOp second : convs)
      equalize(second);
  }

  /// Equalizes the chain ending in `second`, if there is one.
  void equalize(linalg::Conv2DNchwFchwOp second) {
    Value input = second.getInputs()[0];
    if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
      Value padding = pad.getConstantPaddingValue();
      if (!padding || !matchPattern(padding, m_AnyZeroFloat()) ||
          patterns::getDataUsers(pad.getResult()).size() != 1)
        return;
      input = pad.getSource();
    }
    Operation *relu = input.getDefiningOp();
    if (!relu || !patterns::isReluOp(relu) ||
        patterns::getDataUsers(relu->getResult(0)).size() != 1)
      return;
    auto first = relu->getOperand(0).getDefiningOp<linalg::Conv2DNchwFchwOp>();
    if (!first || patterns::getDataUsers(first.getResult(0)).size() != 1)
      return;
    std::optional<OwnedConstant> w1 =
        ownedConstant(first.getInputs()[1], first);
    std::optional<OwnedConstant> w2 =
        ownedConstant(second.getInputs()[1], second);
    if (!w1 || !w2 || w1->type.getDimSize(0) != w2->type.getDimSize(1))
      return;
    // The first conv's bias: a broadcast of a constant (or none: zeros).
    std::optional<OwnedConstant> bias;
    Value init = first.getOutputs()[0];
    if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
      bias = ownedConstant(broadcast.getInput(), broadcast);
      if (!bias || !broadcast->hasOneUse() ||
          bias->type.getNumElements() != w1->type.getDimSize(0))
        return;
    } else if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
      if (!matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
        return;
    } else {
      return;
    }

    std::vector<double> r1 = channelRanges(*w1, 0);
    std::vector<double> r2 = channelRanges(*w2, 1);
    double spread1 = spread(r1), spread2 = spread(r2);
    std::vector<double> scales(r1.size(), 1.0);
    for (size_t i = 0; i < r1.size(); ++i)
      if (r1[i] > 0 && r2[i] > 0)
        scales[i] = std::sqrt(r1[i] / r2[i]);

    ArrayRef<int64_t> s1 = w1->type.getShape(), s2 = w2->type.getShape();
    int64_t per1 = s1[1] * s1[2] * s1[3];
    for (int64_t i = 0; i < int64_t(w1->values.size()); ++i)
      w1->values[i] /= scales[i / per1];
    int64_t window2 = s2[2] * s2[3];
    for (int64_t i = 0; i < int64_t(w2->values.size()); ++i)
      w2->values[i] *= scales[(i / window2) % s2[1]];
    replaceValues(*w1);
    replaceValues(*w2);
    if (bias) {
      for (size_t i = 0; i < bias->values.size(); ++i)
        bias->values[i] /= scales[i];
      replaceValues(*bias);
    }
    ++numEqualized;
    if (remarks)
      second.emitRemark() << "equalized with the conv at " << first.getLoc()
                          << ": channel range spread " << text(spread1)
                          << " -> " << text(spread(channelRanges(*w1, 0)))
                          << " (first), " << text(spread2) << " -> "
                          << text(spread(channelRanges(*w2, 1))) << " (second)";
  }
};

} // namespace
