//===- NormalizationOps.cpp - BatchNormalization --------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Inference BatchNormalization. With constant parameters it becomes a
// per-channel affine `linalg.generic` (x * scale + shift, both computed at
// import in double precision); the Conv handler folds it into the weights
// instead when it can (matchFoldableBatchNorm). With parameters that are
// graph inputs it is the ONNX formula (x - mean) / sqrt(var + eps) * gamma +
// beta, elementwise.
//
//===----------------------------------------------------------------------===//

#include "Normalization.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

namespace {
constexpr float kDefaultEpsilon = 1e-5f;

/// The affine form of constant BatchNormalization parameters.
ChannelAffine getChannelAffine(llvm::ArrayRef<float> gamma,
                               llvm::ArrayRef<float> beta,
                               llvm::ArrayRef<float> mean,
                               llvm::ArrayRef<float> var, float epsilon) {
  ChannelAffine affine;
  for (size_t c = 0; c < gamma.size(); ++c) {
    double scale =
        static_cast<double>(gamma[c]) /
        std::sqrt(static_cast<double>(var[c]) + static_cast<double>(epsilon));
    affine.scale.push_back(static_cast<float>(scale));
    affine.shift.push_back(static_cast<float>(
        static_cast<double>(beta[c]) - static_cast<double>(mean[c]) * scale));
  }
  return affine;
}

/// Whether the attributes of a BatchNormalization are those of inference.
bool hasInferenceAttrs(const ::onnx::NodeProto &node) {
  for (const ::onnx::AttributeProto &attr : node.attribute()) {
    llvm::StringRef name = attr.name();
    if (name == "epsilon" && attr.type() == ::onnx::AttributeProto::FLOAT)
      continue;
    if (name == "momentum" && attr.type() == ::onnx::AttributeProto::FLOAT)
      continue;
    if ((name == "spatial" && attr.type() == ::onnx::AttributeProto::INT &&
         attr.i() == 1) ||
        (name == "training_mode" &&
         attr.type() == ::onnx::AttributeProto::INT && attr.i() == 0))
      continue;
    return false;
  }
  return true;
}

float getEpsilon(const ::onnx::NodeProto &node) {
  for (const ::onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "epsilon" &&
        attr.type() == ::onnx::AttributeProto::FLOAT)
      return attr.f();
  return kDefaultEpsilon;
}

/// The four parameters as constants of `channels` elements, if they are.
std::optional<llvm::SmallVector<llvm::SmallVector<float>, 4>>
getConstantParams(NodeImporter &node, int64_t channels) {
  llvm::SmallVector<llvm::SmallVector<float>, 4> params;
  for (unsigned i = 1; i <= 4; ++i) {
    DenseElementsAttr value = node.getConstantInput(i);
    if (!value || value.getNumElements() != channels ||
        cast<ShapedType>(value.getType()).getRank() != 1)
      return std::nullopt;
    params.push_back(getF32Values(value));
  }
  return params;
}

LogicalResult importBatchNormalization(NodeImporter &node) {
  if (failed(node.checkNumInputs(5, 5)) ||
      failed(node.checkKnownAttrs(
          {"epsilon", "momentum", "spatial", "training_mode"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<float> epsilon = node.getFloatAttr("epsilon", kDefaultEpsilon);
  FailureOr<float> momentum = failed(epsilon)
                                  ? FailureOr<float>(failure())
                                  : node.getFloatAttr("momentum", 0.9f);
  FailureOr<int64_t> spatial = failed(momentum) ? FailureOr<int64_t>(failure())
                                                : node.getIntAttr("spatial", 1);
  FailureOr<int64_t> training = failed(spatial)
                                    ? FailureOr<int64_t>(failure())
                                    : node.getIntAttr("training_mode", 0);
  if (failed(training))
    return failure();
  if (*spatial != 1)
    return node.emitAttrError("spatial")
           << "value " << *spatial << " is not supported";
  if (*training != 0)
    return node.emitAttrError("training_mode")
           << "value " << *training << " is not supported (inference only)";

  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (type.getRank() < 2 || type.isDynamicDim(1))
    return node.emitError() << "expects an input of rank 2 or more with a "
                               "static channel dimension";
  int64_t channels = type.getDimSize(1);
  int64_t rank = type.getRank();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap channel = AffineMap::get(rank, 0, b.getAffineDimExpr(1));
  llvm::SmallVector<OpFoldResult> sizes = getDimSizes(b, loc, *input);

  if (auto params = getConstantParams(node, channels)) {
    ChannelAffine affine = getChannelAffine(
        (*params)[0], (*params)[1], (*params)[2], (*params)[3], *epsilon);
    Value scale = createTensorConstant(
        b, loc, getF32Attr(b.getContext(), {channels}, affine.scale));
    Value shift = createTensorConstant(
        b, loc, getF32Attr(b.getContext(), {channels}, affine.shift));
    Value result = createParallelGeneric(
        b, loc, {*input, scale, shift}, {identity, channel, channel}, sizes,
        [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value scaled = arith::MulFOp::create(nb, nl, args[0], args[1]);
          return arith::AddFOp::create(nb, nl, scaled, args[2]);
        });
    return node.setOutput(0, result);
  }

  llvm::SmallVector<Value> operands{*input};
  for (unsigned i = 1; i <= 4; ++i) {
    FailureOr<RankedTensorType> paramType = node.getInputType(i);
    if (failed(paramType))
      return failure();
    if (paramType->getShape() != llvm::ArrayRef<int64_t>{channels})
      return node.emitError()
             << "input #" << i << " must have shape [" << channels << "]";
    FailureOr<Value> param = node.getInput(i);
    if (failed(param))
      return failure();
    operands.push_back(*param);
  }
  float eps = *epsilon;
  Value result = createParallelGeneric(
      b, loc, operands, {identity, channel, channel, channel, channel}, sizes,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        // (x - mean) / sqrt(var + eps) * gamma + beta
        Value centered = arith::SubFOp::create(nb, nl, args[0], args[3]);
        Value var = arith::AddFOp::create(nb, nl, args[4],
                                          createF32Constant(nb, nl, eps));
        Value stddev = math::SqrtOp::create(nb, nl, var);
        Value normalized = arith::DivFOp::create(nb, nl, centered, stddev);
        Value scaled = arith::MulFOp::create(nb, nl, normalized, args[1]);
        return arith::AddFOp::create(nb, nl, scaled, args[2]);
      });
  return node.setOutput(0, result);
}
} // namespace

std::optional<std::pair<const ::onnx::NodeProto *, ChannelAffine>>
mlir::fxp::importer::matchFoldableBatchNorm(NodeImporter &producer,
                                            int64_t channels) {
  GraphImporter &graph = producer.getGraph();
  if (producer.getNumOutputs() < 1)
    return std::nullopt;
  const std::string &output = producer.getProto().output(0);
  if (output.empty() || graph.getUseCount(output) != 1)
    return std::nullopt;
  llvm::ArrayRef<const ::onnx::NodeProto *> users = graph.getUsers(output);
  if (users.size() != 1)
    return std::nullopt;
  const ::onnx::NodeProto &bn = *users.front();
  if (bn.op_type() != "BatchNormalization" ||
      (!bn.domain().empty() && bn.domain() != "ai.onnx") ||
      bn.input_size() != 5 || bn.input(0) != output || bn.output_size() < 1 ||
      bn.output(0).empty() || !hasInferenceAttrs(bn))
    return std::nullopt;
  for (int i = 1; i < bn.output_size(); ++i)
    if (!bn.output(i).empty() && graph.getUseCount(bn.output(i)) != 0)
      return std::nullopt;
  NodeImporter bnNode(graph, bn);
  for (unsigned i = 1; i <= 4; ++i)
    if (!bnNode.hasInput(i) || !graph.lookup(bnNode.getInputName(i)))
      return std::nullopt;
  auto params = getConstantParams(bnNode, channels);
  if (!params)
    return std::nullopt;
  return std::make_pair(&bn, getChannelAffine((*params)[0], (*params)[1],
                                              (*params)[2], (*params)[3],
                                              getEpsilon(bn)));
}

void mlir::fxp::importer::registerNormalizationOps(OpImportTable &table) {
  table["BatchNormalization"] = importBatchNormalization;
}
