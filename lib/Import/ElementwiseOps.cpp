//===- ElementwiseOps.cpp - Arithmetic, activations, Softmax --------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Elementwise ONNX ops become one `linalg.generic` each (numpy broadcasting
// through the indexing maps) over arith/math scalar ops. Binary arithmetic on
// int64 tensors known at import time (shape computations) is evaluated here
// instead. Softmax and LogSoftmax are the numerically stable max / sub / exp
// / sum / div sequence, with the opset's axis semantics: before opset 13 the
// input is coerced to 2-D at `axis` (every dimension from `axis` on is
// reduced), from opset 13 only `axis` is.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

namespace {

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

enum class BinaryKind { Add, Sub, Mul, Div, Max, Min };

Value createBinary(OpBuilder &b, Location loc, BinaryKind kind, Value lhs,
                   Value rhs) {
  switch (kind) {
  case BinaryKind::Add:
    return arith::AddFOp::create(b, loc, lhs, rhs);
  case BinaryKind::Sub:
    return arith::SubFOp::create(b, loc, lhs, rhs);
  case BinaryKind::Mul:
    return arith::MulFOp::create(b, loc, lhs, rhs);
  case BinaryKind::Div:
    return arith::DivFOp::create(b, loc, lhs, rhs);
  case BinaryKind::Max:
    return arith::MaximumFOp::create(b, loc, lhs, rhs);
  case BinaryKind::Min:
    return arith::MinimumFOp::create(b, loc, lhs, rhs);
  }
  llvm_unreachable("unknown binary kind");
}

/// Evaluates int64 arithmetic at import time (shape computations). Supports
/// equal shapes and one-element operands; unknown elements stay unknown.
FailureOr<IntTensor> foldIntBinary(NodeImporter &node, BinaryKind kind,
                                   const IntTensor &lhs, const IntTensor &rhs) {
  size_t count = std::max(lhs.values.size(), rhs.values.size());
  const IntTensor &shaped = lhs.values.size() >= rhs.values.size() ? lhs : rhs;
  if ((lhs.values.size() != count && lhs.values.size() != 1) ||
      (rhs.values.size() != count && rhs.values.size() != 1))
    return node.emitError() << "int64 operands of different sizes are not "
                               "supported";
  IntTensor result;
  result.shape = lhs.shape.size() >= rhs.shape.size() ? lhs.shape : rhs.shape;
  if (lhs.values.size() != rhs.values.size())
    result.shape = shaped.shape;
  for (size_t i = 0; i < count; ++i) {
    int64_t l = lhs.values[lhs.values.size() == 1 ? 0 : i];
    int64_t r = rhs.values[rhs.values.size() == 1 ? 0 : i];
    if (l == kUnknownInt || r == kUnknownInt) {
      result.values.push_back(kUnknownInt);
      continue;
    }
    int64_t value = 0;
    bool overflow = false;
    switch (kind) {
    case BinaryKind::Add:
      overflow = __builtin_add_overflow(l, r, &value);
      break;
    case BinaryKind::Sub:
      overflow = __builtin_sub_overflow(l, r, &value);
      break;
    case BinaryKind::Mul:
      overflow = __builtin_mul_overflow(l, r, &value);
      break;
    case BinaryKind::Div:
      if (r == 0)
        return node.emitError() << "int64 division by zero";
      overflow = l == INT64_MIN && r == -1;
      value = overflow ? 0 : l / r;
      break;
    case BinaryKind::Max:
      value = std::max(l, r);
      break;
    case BinaryKind::Min:
      value = std::min(l, r);
      break;
    }
    if (overflow || value == kUnknownInt)
      return node.emitError() << "int64 overflow";
    result.values.push_back(value);
  }
  return result;
}

template <BinaryKind Kind> LogicalResult importBinary(NodeImporter &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkKnownAttrs({})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  if (node.isIntInput(0) && node.isIntInput(1)) {
    FailureOr<IntTensor> lhs = node.getIntInput(0, "operand");
    FailureOr<IntTensor> rhs = node.getIntInput(1, "operand");
    if (failed(lhs) || failed(rhs))
      return failure();
    FailureOr<IntTensor> result = foldIntBinary(node, Kind, *lhs, *rhs);
    if (failed(result))
      return failure();
    return node.setOutputInts(0, std::move(*result));
  }
  FailureOr<Value> lhs = node.getInput(0);
  FailureOr<Value> rhs =
      failed(lhs) ? FailureOr<Value>(failure()) : node.getInput(1);
  if (failed(rhs))
    return failure();
  FailureOr<Value> result = createBroadcastElementwise(
      node, {*lhs, *rhs}, [](OpBuilder &b, Location loc, ValueRange args) {
        return createBinary(b, loc, Kind, args[0], args[1]);
      });
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

/// Variadic Max / Min / Sum: a left fold in one generic.
template <BinaryKind Kind> LogicalResult importVariadic(NodeImporter &node) {
  if (node.getNumInputs() < 1)
    return node.emitError() << "expects at least one input";
  if (failed(node.checkKnownAttrs({})) || failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<llvm::SmallVector<Value>> maybeInputs = node.getInputs();
  if (failed(maybeInputs))
    return failure();
  llvm::SmallVector<Value> &inputs = *maybeInputs;
  FailureOr<Value> result = createBroadcastElementwise(
      node, inputs, [](OpBuilder &b, Location loc, ValueRange args) {
        Value acc = args[0];
        for (Value arg : args.drop_front())
          acc = createBinary(b, loc, Kind, acc, arg);
        return acc;
      });
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

//===----------------------------------------------------------------------===//
// Unary ops and activations
//===----------------------------------------------------------------------===//

LogicalResult
importUnary(NodeImporter &node, llvm::ArrayRef<llvm::StringRef> knownAttrs,
            llvm::function_ref<Value(OpBuilder &, Location, Value)> body) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs(knownAttrs)) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  FailureOr<Value> result = createBroadcastElementwise(
      node, {*input}, [&](OpBuilder &b, Location loc, ValueRange args) {
        return body(b, loc, args[0]);
      });
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

Value constantLike(OpBuilder &b, Location loc, float value) {
  return createF32Constant(b, loc, value);
}

LogicalResult importRelu(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return arith::MaximumFOp::create(b, loc, x, constantLike(b, loc, 0.0f));
  });
}

LogicalResult importLeakyRelu(NodeImporter &node) {
  FailureOr<float> alpha = node.getFloatAttr("alpha", 0.01f);
  if (failed(alpha))
    return failure();
  return importUnary(node, {"alpha"}, [&](OpBuilder &b, Location loc, Value x) {
    Value zero = constantLike(b, loc, 0.0f);
    Value negative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
    Value scaled =
        arith::MulFOp::create(b, loc, x, constantLike(b, loc, *alpha));
    return arith::SelectOp::create(b, loc, negative, scaled, x);
  });
}

Value createSigmoid(OpBuilder &b, Location loc, Value x) {
  Value one = constantLike(b, loc, 1.0f);
  Value negX = arith::NegFOp::create(b, loc, x);
  Value exp = math::ExpOp::create(b, loc, negX);
  Value denom = arith::AddFOp::create(b, loc, one, exp);
  return arith::DivFOp::create(b, loc, one, denom);
}

LogicalResult importSigmoid(NodeImporter &node) {
  return importUnary(node, {}, createSigmoid);
}

LogicalResult importHardSigmoid(NodeImporter &node) {
  FailureOr<float> alpha = node.getFloatAttr("alpha", 0.2f);
  FailureOr<float> beta = node.getFloatAttr("beta", 0.5f);
  if (failed(alpha) || failed(beta))
    return failure();
  return importUnary(
      node, {"alpha", "beta"}, [&](OpBuilder &b, Location loc, Value x) {
        Value affine = arith::AddFOp::create(
            b, loc,
            arith::MulFOp::create(b, loc, x, constantLike(b, loc, *alpha)),
            constantLike(b, loc, *beta));
        Value upper = arith::MinimumFOp::create(b, loc, affine,
                                                constantLike(b, loc, 1.0f));
        return arith::MaximumFOp::create(b, loc, upper,
                                         constantLike(b, loc, 0.0f));
      });
}

LogicalResult importHardSwish(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    // x * max(0, min(1, x / 6 + 0.5)), ONNX's alpha = 1/6, beta = 0.5.
    Value affine = arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, x, constantLike(b, loc, 1.0f / 6.0f)),
        constantLike(b, loc, 0.5f));
    Value upper =
        arith::MinimumFOp::create(b, loc, affine, constantLike(b, loc, 1.0f));
    Value gate =
        arith::MaximumFOp::create(b, loc, upper, constantLike(b, loc, 0.0f));
    return arith::MulFOp::create(b, loc, x, gate);
  });
}

LogicalResult importTanh(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return math::TanhOp::create(b, loc, x);
  });
}

LogicalResult importExp(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return math::ExpOp::create(b, loc, x);
  });
}

LogicalResult importLog(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return math::LogOp::create(b, loc, x);
  });
}

LogicalResult importSqrt(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return math::SqrtOp::create(b, loc, x);
  });
}

LogicalResult importNeg(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return arith::NegFOp::create(b, loc, x);
  });
}

LogicalResult importAbs(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return math::AbsFOp::create(b, loc, x);
  });
}

LogicalResult importReciprocal(NodeImporter &node) {
  return importUnary(node, {}, [](OpBuilder &b, Location loc, Value x) {
    return arith::DivFOp::create(b, loc, constantLike(b, loc, 1.0f), x);
  });
}

/// Clip: bounds from attributes before opset 11, from optional inputs after.
/// Constant bounds fold into the body; others are broadcast operands.
LogicalResult importClip(NodeImporter &node) {
  if (failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  std::optional<float> minBound, maxBound;
  llvm::SmallVector<Value> operands;
  int minOperand = -1, maxOperand = -1;
  if (node.getOpset() < 11) {
    if (failed(node.checkNumInputs(1, 1)) ||
        failed(node.checkKnownAttrs({"min", "max"})))
      return failure();
    FailureOr<float> minAttr = node.getFloatAttr("min", -FLT_MAX);
    FailureOr<float> maxAttr = node.getFloatAttr("max", FLT_MAX);
    if (failed(minAttr) || failed(maxAttr))
      return failure();
    minBound = *minAttr;
    maxBound = *maxAttr;
  } else {
    if (failed(node.checkNumInputs(1, 3)) || failed(node.checkKnownAttrs({})))
      return failure();
    for (unsigned i = 1; i < 3; ++i) {
      if (!node.hasInput(i))
        continue;
      FailureOr<RankedTensorType> type = node.getInputType(i);
      if (failed(type))
        return failure();
      if (type->getNumElements() != 1)
        return node.emitError() << "input #" << i << " must be a scalar";
      std::optional<float> &bound = i == 1 ? minBound : maxBound;
      if (DenseElementsAttr value = node.getConstantInput(i)) {
        bound = *value.getValues<float>().begin();
        continue;
      }
      FailureOr<Value> operand = node.getInput(i);
      if (failed(operand))
        return failure();
      // A one-element bound broadcasts as a scalar.
      FailureOr<Value> scalar =
          createReshape(node, *operand, llvm::ArrayRef<int64_t>{});
      if (failed(scalar))
        return failure();
      (i == 1 ? minOperand : maxOperand) = operands.size() + 1;
      operands.push_back(*scalar);
    }
  }
  FailureOr<Value> input = node.getInput(0);
  if (failed(input))
    return failure();
  operands.insert(operands.begin(), *input);
  FailureOr<Value> result = createBroadcastElementwise(
      node, operands, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value x = args[0];
        if (minBound)
          x = arith::MaximumFOp::create(b, loc, x,
                                        constantLike(b, loc, *minBound));
        else if (minOperand > 0)
          x = arith::MaximumFOp::create(b, loc, x, args[minOperand]);
        if (maxBound)
          x = arith::MinimumFOp::create(b, loc, x,
                                        constantLike(b, loc, *maxBound));
        else if (maxOperand > 0)
          x = arith::MinimumFOp::create(b, loc, x, args[maxOperand]);
        return x;
      });
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

template <bool IsLog> LogicalResult importSoftmax(NodeImporter &node) {
  if (failed(node.checkNumInputs(1, 1)) ||
      failed(node.checkKnownAttrs({"axis"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  bool coerce2D = node.getOpset() < 13;
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", coerce2D ? 1 : -1);
  FailureOr<Value> input =
      failed(axisAttr) ? FailureOr<Value>(failure()) : node.getInput(0);
  if (failed(input))
    return failure();
  int64_t rank = cast<RankedTensorType>(input->getType()).getRank();
  FailureOr<int64_t> axis = normalizeAxis(*axisAttr, rank);
  if (rank == 0 || failed(axis))
    return node.emitAttrError("axis")
           << "value " << *axisAttr << " is out of range for rank " << rank;
  llvm::SmallVector<int64_t> reduced;
  for (int64_t dim = *axis; dim < (coerce2D ? rank : *axis + 1); ++dim)
    reduced.push_back(dim);

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value max = createReduction(
      b, loc, *input, reduced, /*keepDims=*/true, -INFINITY,
      [](OpBuilder &nb, Location nl, Value x, Value acc) -> Value {
        return arith::MaximumFOp::create(nb, nl, x, acc);
      });
  FailureOr<Value> shifted = createBroadcastElementwise(
      node, {*input, max}, [](OpBuilder &nb, Location nl, ValueRange args) {
        return arith::SubFOp::create(nb, nl, args[0], args[1]).getResult();
      });
  if (failed(shifted))
    return failure();
  FailureOr<Value> exp = createBroadcastElementwise(
      node, {*shifted}, [](OpBuilder &nb, Location nl, ValueRange args) {
        return math::ExpOp::create(nb, nl, args[0]).getResult();
      });
  if (failed(exp))
    return failure();
  Value sum = createReduction(
      b, loc, *exp, reduced, /*keepDims=*/true, 0.0f,
      [](OpBuilder &nb, Location nl, Value x, Value acc) -> Value {
        return arith::AddFOp::create(nb, nl, x, acc);
      });
  FailureOr<Value> result =
      IsLog ? createBroadcastElementwise(
                  node, {*shifted, sum},
                  [](OpBuilder &nb, Location nl, ValueRange args) {
                    Value logSum = math::LogOp::create(nb, nl, args[1]);
                    return arith::SubFOp::create(nb, nl, args[0], logSum)
                        .getResult();
                  })
            : createBroadcastElementwise(
                  node, {*exp, sum},
                  [](OpBuilder &nb, Location nl, ValueRange args) {
                    return arith::DivFOp::create(nb, nl, args[0], args[1])
                        .getResult();
                  });
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

} // namespace

void mlir::fxp::importer::registerElementwiseOps(OpImportTable &table) {
  table["Add"] = importBinary<BinaryKind::Add>;
  table["Sub"] = importBinary<BinaryKind::Sub>;
  table["Mul"] = importBinary<BinaryKind::Mul>;
  table["Div"] = importBinary<BinaryKind::Div>;
  table["Max"] = importVariadic<BinaryKind::Max>;
  table["Min"] = importVariadic<BinaryKind::Min>;
  table["Sum"] = importVariadic<BinaryKind::Add>;
  table["Relu"] = importRelu;
  table["LeakyRelu"] = importLeakyRelu;
  table["Clip"] = importClip;
  table["Sigmoid"] = importSigmoid;
  table["HardSigmoid"] = importHardSigmoid;
  table["HardSwish"] = importHardSwish;
  table["Tanh"] = importTanh;
  table["Exp"] = importExp;
  table["Log"] = importLog;
  table["Sqrt"] = importSqrt;
  table["Neg"] = importNeg;
  table["Abs"] = importAbs;
  table["Reciprocal"] = importReciprocal;
  table["Softmax"] = importSoftmax</*IsLog=*/false>;
  table["LogSoftmax"] = importSoftmax</*IsLog=*/true>;
}
