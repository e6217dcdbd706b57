//===- Quantize.cpp - float nodes to fixed-point ops ----------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "NetworkPatterns.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_QUANTIZE
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp;
using patterns::Node;
using patterns::NodeKind;

namespace {

FixedType getChosenFormat(ObserveOp observer) {
  if (!observer)
    return nullptr;
  return dyn_cast_or_null<FixedType>(observer.getFormat().value_or(Type()));
}

/// quantize(dequantize(x)) -> fxp.cast(x) when the formats differ (exact:
/// dequantization is exact and both round to nearest, ties away); the
/// same-format case is QuantizeOp's folder.
struct FoldQuantizeOfDequantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize || op.getRounding() != RoundingMode::NearestAway ||
        op.getOverflow() != OverflowMode::Saturate)
      return failure();
    Value source = dequantize.getInput();
    if (source.getType() == op.getType())
      return failure();
    FixedType from = getFixedElementType(source.getType());
    FixedType to = getFixedElementType(op.getType());
    if (from.isPerAxis() || to.isPerAxis() || from.getWidth() > 24)
      return failure();
    rewriter.replaceOpWithNewOp<CastOp>(op, op.getType(), source);
    return success();
  }
};

/// shape_op(dequantize(x)) -> dequantize(shape_op(x)) for collapse/expand.
template <typename ShapeOp>
struct DequantizeBelowShapeOp : OpRewritePattern<ShapeOp> {
  using OpRewritePattern<ShapeOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ShapeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getSrc().template getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return failure();
    Value fixed = dequantize.getInput();
    auto resultType = op.getResultType();
    auto fixedResultType =
        resultType.clone(getElementTypeOrSelf(fixed.getType()));
    auto reshaped = ShapeOp::create(rewriter, op.getLoc(), fixedResultType,
                                    fixed, op.getReassociationIndices());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, resultType,
                                              reshaped.getResult());
    return success();
  }
};

struct QuantizePass : fxp::impl::QuantizeBase<QuantizePass> {
  using QuantizeBase::QuantizeBase;
  void runOnOperation() override;

private:
  /// The current value of `value`: observer results already replaced by a
  /// rewritten node map to the replacement.
  Value resolve(Value value) const {
    if (auto observer = value.getDefiningOp<ObserveOp>()) {
      auto it = replaced.find(observer);
      if (it != replaced.end())
        return it->second;
    }
    return value;
  }
  LogicalResult checkFormats(const Node &node);
  void rewrite(const Node &node);

  DenseMap<Operation *, Value> replaced;
};

LogicalResult QuantizePass::checkFormats(const Node &node) {
  SmallVector<ObserveOp> needed(node.inputObservers.begin(),
                                node.inputObservers.end());
  needed.push_back(node.output.final());
  if (node.weight)
    needed.push_back(node.weight);
  if (node.bias)
    needed.push_back(node.bias);
  for (ObserveOp observer : needed)
    if (!getChosenFormat(observer))
      return observer.emitError()
             << "observer '" << observer.getName()
             << "' has no fixed-point format; run fxp-select-formats first";
  return success();
}

void QuantizePass::rewrite(const Node &node) {
  ObserveOp final = node.output.final();
  OpBuilder b(final);
  Location loc = node.root->getLoc();
  auto floatType = cast<RankedTensorType>(final.getType());
  auto fixedResultType = floatType.clone(getChosenFormat(final));

  SmallVector<Value, 2> inputs;
  for (auto [value, observer] : llvm::zip(node.inputs, node.inputObservers)) {
    Value current = resolve(value);
    auto type = cast<RankedTensorType>(current.getType());
    inputs.push_back(QuantizeOp::create(
                         b, loc, type.clone(getChosenFormat(observer)), current)
                         .getResult());
  }
  // Weights and biases: fxp.quantize of the float constant, folded into an
  // fxp.constant (QuantizeOp's folder) located by the observer's name.
  auto constant = [&](ObserveOp observer) -> Value {
    if (!observer)
      return nullptr;
    auto type = cast<RankedTensorType>(observer.getInput().getType());
    return b.createOrFold<QuantizeOp>(NameLoc::get(observer.getNameAttr()),
                                      type.clone(getChosenFormat(observer)),
                                      observer.getInput());
  };
  Value weight = constant(node.weight);
  Value bias = constant(node.bias);
  bool relu = node.output.relu != nullptr;

  Value result;
  switch (node.kind) {
  case NodeKind::Conv:
    result = Conv2DOp::create(b, loc, fixedResultType, inputs[0], weight, bias,
                              b.getDenseI64ArrayAttr(node.strides),
                              b.getDenseI64ArrayAttr(node.dilations),
                              b.getDenseI64ArrayAttr(node.padding),
                              relu ? b.getUnitAttr() : nullptr);
    break;
  case NodeKind::Matmul:
    result = MatmulOp::create(b, loc, fixedResultType, inputs[0], weight, bias,
                              relu ? b.getUnitAttr() : nullptr);
    break;
  case NodeKind::Add:
    result = AddOp::create(b, loc, fixedResultType, inputs[0], inputs[1],
                           relu ? b.getUnitAttr() : nullptr);
    break;
  case NodeKind::GlobalAvgPool:
    result = GlobalAvgPool2DOp::create(b, loc, fixedResultType, inputs[0]);
    break;
  }
  Value dequantized =
      DequantizeOp::create(b, final.getLoc(), floatType, result);
  final.getResult().replaceAllUsesWith(dequantized);
  replaced[final] = dequantized;
  ++numQuantized;
}

void QuantizePass::runOnOperation() {
  ModuleOp module = getOperation();
  llvm::StringSet<> kinds;
  for (const std::string &kind : excludeKinds) {
    if (kind != "conv" && kind != "matmul" && kind != "add" && kind != "pool") {
      mlir::emitError(module.getLoc())
          << "fxp-quantize: unknown node kind '" << kind
          << "' in exclude-kinds (expected conv, matmul, add "
             "or pool)";
      return signalPassFailure();
    }
    kinds.insert(kind);
  }
  llvm::StringSet<> names;
  module.walk([&](ObserveOp observer) { names.insert(observer.getName()); });
  llvm::StringSet<> excluded;
  for (const std::string &name : exclude) {
    if (!names.contains(name)) {
      mlir::emitError(module.getLoc())
          << "fxp-quantize: excluded name '" << name
          << "' is not a calibration point of the module";
      return signalPassFailure();
    }
    excluded.insert(name);
  }

  SmallVector<Node> nodes;
  module.walk([&](Operation *op) {
    std::optional<Node> node = patterns::matchNode(op, fuseRelu);
    if (!node)
      return;
    if (node->output.reluOutput &&
        excluded.contains(node->output.reluOutput.getName()))
      node = patterns::matchNode(op, /*fuseRelu=*/false);
    if (!node || excluded.contains(node->output.output.getName()) ||
        node->output.output.getKeepFloat() ||
        kinds.contains(patterns::stringifyNodeKind(node->kind)))
      return;
    nodes.push_back(*node);
  });
  for (const Node &node : nodes)
    if (failed(checkFormats(node)))
      return signalPassFailure();
  for (const Node &node : nodes)
    rewrite(node);

  SmallVector<ObserveOp> observers;
  module.walk([&](ObserveOp observer) { observers.push_back(observer); });
  for (ObserveOp observer : observers) {
    observer.getResult().replaceAllUsesWith(observer.getInput());
    observer.erase();
  }

  RewritePatternSet patterns(&getContext());
  patterns.add<FoldQuantizeOfDequantize,
               DequantizeBelowShapeOp<tensor::CollapseShapeOp>,
               DequantizeBelowShapeOp<tensor::ExpandShapeOp>>(&getContext());
  if (failed(applyPatternsGreedily(module, std::move(patterns))))
    return signalPassFailure();
}

} // namespace
