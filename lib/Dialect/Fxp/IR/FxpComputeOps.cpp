//===- FxpComputeOps.cpp - fxp integer compute op verifiers ---------------===//
//
// Part of the fxp project.
//
// Verifiers of the compute ops (conv2d, matmul, add, global_avg_pool2d):
// shapes and the format rules of the integer kernels (docs/Numerics.md).
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::fxp;

namespace {

/// Largest word length of kernel operands and results: products of two
/// 16-bit operands still accumulate in 32 bits for short reductions, and the
/// requantization arithmetic (docs/Numerics.md) is exact up to this width.
constexpr unsigned kMaxKernelWidth = 16;
/// Width of the accumulator and of biases.
constexpr unsigned kAccumulatorWidth = 32;

FixedType elementOf(Value value) {
  return cast<FixedType>(
      cast<RankedTensorType>(value.getType()).getElementType());
}

LogicalResult verifyRank(Operation *op, Value value, int64_t rank,
                         StringRef what) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() != rank)
    return op->emitOpError()
           << what << " must have rank " << rank << ", got " << type;
  return verifyFixedPointShape(op, type, what);
}

/// A per-tensor format of at most kMaxKernelWidth bits.
LogicalResult verifyActivation(Operation *op, Value value, StringRef what) {
  FixedType type = elementOf(value);
  if (type.isPerAxis())
    return op->emitOpError()
           << what << " must have a per-tensor format, got " << type;
  if (type.getWidth() > kMaxKernelWidth)
    return op->emitOpError()
           << what << " word length " << type.getWidth()
           << " exceeds the kernel limit of " << kMaxKernelWidth << " bits";
  return success();
}

/// Weight formats: per-tensor, or per-axis on `channelAxis`; signed; at most
/// kMaxKernelWidth bits.
LogicalResult verifyWeight(Operation *op, Value weight, int32_t channelAxis) {
  FixedType type = elementOf(weight);
  if (!type.getIsSigned())
    return op->emitOpError() << "weight format must be signed, got " << type;
  if (type.getWidth() > kMaxKernelWidth)
    return op->emitOpError()
           << "weight word length " << type.getWidth()
           << " exceeds the kernel limit of " << kMaxKernelWidth << " bits";
  if (type.isPerAxis() && *type.getAxis() != channelAxis)
    return op->emitOpError()
           << "per-axis weight format must be on axis " << channelAxis
           << " (output channels), got " << type;
  return success();
}

/// The bias is signed 32-bit with F = F_x + F_w per output channel.
LogicalResult verifyBias(Operation *op, Value bias, Value input, Value weight,
                         int64_t channels) {
  if (failed(verifyRank(op, bias, 1, "bias")))
    return failure();
  auto biasType = cast<RankedTensorType>(bias.getType());
  if (!ShapedType::isDynamic(channels) && !biasType.isDynamicDim(0) &&
      biasType.getDimSize(0) != channels)
    return op->emitOpError() << "bias must have " << channels
                             << " elements (output channels), got " << biasType;
  FixedType format = elementOf(bias);
  if (!format.getIsSigned() || format.getWidth() != kAccumulatorWidth)
    return op->emitOpError() << "bias format must be s" << kAccumulatorWidth
                             << " (the accumulator), got " << format;
  if (format.isPerAxis() && *format.getAxis() != 0)
    return op->emitOpError()
           << "per-axis bias format must be on axis 0, got " << format;
  FixedType inputFormat = elementOf(input);
  FixedType weightFormat = elementOf(weight);
  unsigned slices =
      std::max(format.getNumSlices(), weightFormat.getNumSlices());
  for (unsigned c = 0; c < slices; ++c) {
    int64_t expected = int64_t(inputFormat.getFractionLength()) +
                       weightFormat.getFormat(c).fractionLength;
    int64_t actual = format.getFormat(c).fractionLength;
    if (actual != expected)
      return op->emitOpError()
             << "bias fraction length of channel " << c << " is " << actual
             << " but the accumulator has F_x + F_w = " << expected;
  }
  return success();
}

/// Result: per-tensor, at most kMaxKernelWidth bits; signed, or unsigned
/// only when the result cannot be negative (`relu`, or non-negative
/// operands).
LogicalResult verifyResult(Operation *op, Value result, bool nonNegative) {
  if (failed(verifyActivation(op, result, "result")))
    return failure();
  FixedType type = elementOf(result);
  if (!type.getIsSigned() && !nonNegative)
    return op->emitOpError() << "unsigned result format " << type
                             << " needs `relu` or unsigned operands";
  return success();
}

LogicalResult verifyDim(Operation *op, int64_t actual, int64_t expected,
                        StringRef what) {
  if (ShapedType::isDynamic(actual) || ShapedType::isDynamic(expected) ||
      actual == expected)
    return success();
  return op->emitOpError() << what << " is " << actual << ", expected "
                           << expected;
}

} // namespace

LogicalResult Conv2DOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyRank(op, getInput(), 4, "input")) ||
      failed(verifyRank(op, getWeight(), 4, "weight")) ||
      failed(verifyRank(op, getResult(), 4, "result")) ||
      failed(verifyActivation(op, getInput(), "input")) ||
      failed(verifyWeight(op, getWeight(), 0)) ||
      failed(verifyResult(op, getResult(), getRelu())))
    return failure();
  if (getStrides().size() != 2 || getDilations().size() != 2 ||
      getPadding().size() != 4)
    return emitOpError() << "needs 2 strides, 2 dilations and 4 padding "
                            "values ([top, left, bottom, right])";
  if (llvm::any_of(getStrides(), [](int64_t v) { return v < 1; }) ||
      llvm::any_of(getDilations(), [](int64_t v) { return v < 1; }))
    return emitOpError() << "strides and dilations must be positive";
  if (llvm::any_of(getPadding(), [](int64_t v) { return v < 0; }))
    return emitOpError() << "padding must be non-negative";

  auto input = cast<RankedTensorType>(getInput().getType());
  auto weight = cast<RankedTensorType>(getWeight().getType());
  auto result = cast<RankedTensorType>(getType());
  if (weight.isDynamicDim(2) || weight.isDynamicDim(3))
    return emitOpError() << "kernel size must be static, got " << weight;
  if (failed(verifyDim(op, weight.getDimSize(1), input.getDimSize(1),
                       "weight input channel count (groups are not "
                       "supported)")) ||
      failed(verifyDim(op, result.getDimSize(0), input.getDimSize(0),
                       "result batch size")) ||
      failed(verifyDim(op, result.getDimSize(1), weight.getDimSize(0),
                       "result channel count")))
    return failure();
  for (unsigned d = 0; d < 2; ++d) {
    int64_t size = input.getDimSize(2 + d);
    if (ShapedType::isDynamic(size))
      continue;
    int64_t padded = size + getPadding()[d] + getPadding()[d + 2];
    int64_t extent = getDilations()[d] * (weight.getDimSize(2 + d) - 1) + 1;
    if (padded < extent)
      return emitOpError() << "kernel extent " << extent
                           << " exceeds the padded input size " << padded;
    int64_t expected = (padded - extent) / getStrides()[d] + 1;
    if (failed(verifyDim(op, result.getDimSize(2 + d), expected,
                         d == 0 ? "result height" : "result width")))
      return failure();
  }
  if (getBias())
    return verifyBias(op, getBias(), getInput(), getWeight(),
                      weight.getDimSize(0));
  return success();
}

LogicalResult MatmulOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyRank(op, getInput(), 2, "input")) ||
      failed(verifyRank(op, getWeight(), 2, "weight")) ||
      failed(verifyRank(op, getResult(), 2, "result")) ||
      failed(verifyActivation(op, getInput(), "input")) ||
      failed(verifyWeight(op, getWeight(), 1)) ||
      failed(verifyResult(op, getResult(), getRelu())))
    return failure();
  auto input = cast<RankedTensorType>(getInput().getType());
  auto weight = cast<RankedTensorType>(getWeight().getType());
  auto result = cast<RankedTensorType>(getType());
  if (failed(verifyDim(op, weight.getDimSize(0), input.getDimSize(1),
                       "weight row count")) ||
      failed(verifyDim(op, result.getDimSize(0), input.getDimSize(0),
                       "result row count")) ||
      failed(verifyDim(op, result.getDimSize(1), weight.getDimSize(1),
                       "result column count")))
    return failure();
  if (getBias())
    return verifyBias(op, getBias(), getInput(), getWeight(),
                      weight.getDimSize(1));
  return success();
}

LogicalResult AddOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyFixedPointShape(op, getLhs().getType(), "lhs")) ||
      failed(verifyFixedPointShape(op, getRhs().getType(), "rhs")) ||
      failed(verifyActivation(op, getLhs(), "lhs")) ||
      failed(verifyActivation(op, getRhs(), "rhs")) ||
      failed(verifyResult(op, getResult(),
                          getRelu() || (!elementOf(getLhs()).getIsSigned() &&
                                        !elementOf(getRhs()).getIsSigned()))))
    return failure();
  if (failed(verifyCompatibleShape(getLhs().getType(), getRhs().getType())) ||
      failed(verifyCompatibleShape(getLhs().getType(), getType())))
    return emitOpError() << "operands and result must have the same shape, "
                            "got "
                         << getLhs().getType() << ", " << getRhs().getType()
                         << " and " << getType();
  return success();
}

LogicalResult GlobalAvgPool2DOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyRank(op, getInput(), 4, "input")) ||
      failed(verifyRank(op, getResult(), 4, "result")) ||
      failed(verifyActivation(op, getInput(), "input")) ||
      failed(
          verifyResult(op, getResult(),
                       /*nonNegative=*/!elementOf(getInput()).getIsSigned())))
    return failure();
  auto input = cast<RankedTensorType>(getInput().getType());
  auto result = cast<RankedTensorType>(getType());
  if (input.isDynamicDim(2) || input.isDynamicDim(3))
    return emitOpError() << "spatial dimensions must be static, got " << input;
  if (failed(verifyDim(op, result.getDimSize(0), input.getDimSize(0),
                       "result batch size")) ||
      failed(verifyDim(op, result.getDimSize(1), input.getDimSize(1),
                       "result channel count")) ||
      failed(verifyDim(op, result.getDimSize(2), 1, "result height")) ||
      failed(verifyDim(op, result.getDimSize(3), 1, "result width")))
    return failure();
  return success();
}
