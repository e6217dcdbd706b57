//===- CorrectBias.cpp - data-free bias correction ------------------------===//
//
// Part of the fxp project.
//
// fxp-correct-bias: removes the expected output shift that weight
// quantization causes, b' = b - (Q(W) - W) E[x] (DFQ, Nagel et al.).
//
//===----------------------------------------------------------------------===//

#include "Moments.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/Numerics/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/Format.h"

#include <cmath>

namespace mlir::fxp {
#define GEN_PASS_DEF_CORRECTBIAS
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp;

namespace {

struct CorrectBiasPass : public fxp::impl::CorrectBiasBase<CorrectBiasPass> {
  using CorrectBiasBase::CorrectBiasBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (inputMoments.size() != 2 || !(inputMoments[1] >= 0)) {
      mlir::emitError(func.getLoc())
          << "fxp-correct-bias: input-moments must be mean,std with std >= 0";
      return signalPassFailure();
    }
    moments::MomentTable table = moments::propagate(
        func, {inputMoments[0], inputMoments[1] * inputMoments[1]});
    SmallVector<patterns::Node> nodes;
    func.walk([&](Operation *op) {
      std::optional<patterns::Node> node = patterns::matchNode(op);
      if (node && node->bias &&
          (node->kind == patterns::NodeKind::Conv ||
           node->kind == patterns::NodeKind::Matmul))
        nodes.push_back(*node);
    });
    for (const patterns::Node &node : nodes)
      correct(node, table);
  }

  void correct(patterns::Node node, const moments::MomentTable &table) {
    auto format =
        dyn_cast_or_null<FixedType>(node.weight.getFormat().value_or(Type()));
    auto it = table.find(node.inputObservers[0]);
    auto biasConstant = node.bias.getInput().getDefiningOp<arith::ConstantOp>();
    std::vector<double> w = moments::constantValues(node.weight);
    std::vector<double> b = moments::constantValues(node.bias);
    if (!format || it == table.end() || !biasConstant ||
        !biasConstant->hasOneUse() || w.empty() || b.empty())
      return;
    auto type = cast<RankedTensorType>(node.weight.getInput().getType());
    bool isConv = node.kind == patterns::NodeKind::Conv;
    int64_t outputs = isConv ? type.getDimSize(0) : type.getDimSize(1);
    int64_t inputs = isConv ? type.getDimSize(1) : type.getDimSize(0);
    int64_t window = isConv ? type.getDimSize(2) * type.getDimSize(3) : 1;
    if (int64_t(b.size()) != outputs)
      return;
    // E[x_c] after zero padding (conv) of the input channel c.
    std::vector<double> mean(inputs, 0.0);
    const std::vector<moments::Moment> &in = it->second;
    double keep = 1.0 - moments::paddedFraction(node);
    for (int64_t c = 0; c < inputs; ++c)
      mean[c] = keep * (in.size() == 1 ? in.front().mean : in[c].mean);
    double largest = 0;
    SmallVector<APFloat> corrected;
    for (int64_t f = 0; f < outputs; ++f) {
      double shift = 0;
      for (int64_t c = 0; c < inputs; ++c)
        for (int64_t k = 0; k < window; ++k) {
          int64_t index =
              isConv ? (f * inputs + c) * window + k : c * outputs + f;
          unsigned slice = format.isPerAxis() ? unsigned(f) : 0;
          double error =
              roundTrip(w[index], format.getFormat(slice)) - w[index];
          shift += error * mean[c];
        }
      largest = std::max(largest, std::fabs(shift));
      corrected.push_back(APFloat(float(b[f] - shift)));
    }
    biasConstant.setValueAttr(DenseFPElementsAttr::get(
        cast<ShapedType>(biasConstant.getType()), corrected));
    ++numCorrected;
    if (remarks) {
      std::string text;
      llvm::raw_string_ostream(text) << llvm::format("%.3g", largest);
      node.bias.emitRemark() << "bias corrected by up to " << text;
    }
  }
};

} // namespace
