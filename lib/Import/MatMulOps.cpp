//===- MatMulOps.cpp - Gemm and MatMul ------------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// Gemm: Y = alpha * A' B' + beta * C. Transposes of constant operands and
// alpha / beta are applied to the constants at import time; otherwise they
// are a `linalg.transpose` and a scaling in the epilogue. The product is a
// `linalg.matmul` into a zero-filled init, followed by one elementwise
// `linalg.generic` adding C with (unidirectional) numpy broadcasting.
//
// MatMul (numpy semantics): 2-D x 2-D is `linalg.matmul`; with batch
// dimensions it is `linalg.batch_matmul` over the batch dims collapsed to
// one (a no-op for 3-D), an operand without batch (2-D, or all batch dims 1)
// being broadcast over it with `linalg.broadcast`. 1-D operands are promoted
// to a matrix and the added dimension is dropped from the result. Batches
// that broadcast only partially ([2,1,..] x [1,3,..]) are an error.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

namespace {

/// A constant scaled by `factor`.
DenseElementsAttr scaleConstant(DenseElementsAttr value, float factor) {
  llvm::SmallVector<float> values = getF32Values(value);
  for (float &v : values)
    v *= factor;
  return getF32Attr(value.getContext(),
                    cast<ShapedType>(value.getType()).getShape(), values);
}

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

/// Operand `index` of a Gemm, transposed when `transpose`, scaled by
/// `scale` when given (constants only).
struct GemmOperand {
  DenseElementsAttr constant;
  Value value;
};

FailureOr<GemmOperand> getGemmOperand(NodeImporter &node, unsigned index,
                                      bool transpose) {
  GemmOperand operand;
  FailureOr<RankedTensorType> type = node.getInputType(index);
  if (failed(type))
    return failure();
  if (type->getRank() != 2)
    return node.emitError() << "input #" << index << " must be 2-D, got rank "
                            << type->getRank();
  if (DenseElementsAttr constant = node.getConstantInput(index)) {
    operand.constant =
        transpose ? transposeConstant(constant, {1, 0}) : constant;
    return operand;
  }
  FailureOr<Value> value = node.getInput(index);
  if (failed(value))
    return failure();
  operand.value = transpose ? createTranspose(node.getBuilder(), node.getLoc(),
                                              *value, {1, 0})
                            : *value;
  return operand;
}

LogicalResult importGemm(NodeImporter &node) {
  unsigned minInputs = node.getOpset() < 11 ? 3 : 2;
  if (failed(node.checkNumInputs(minInputs, 3)) ||
      failed(node.checkKnownAttrs({"alpha", "beta", "transA", "transB"})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<float> alpha = node.getFloatAttr("alpha", 1.0f);
  FailureOr<float> beta = failed(alpha) ? FailureOr<float>(failure())
                                        : node.getFloatAttr("beta", 1.0f);
  FailureOr<int64_t> transA = failed(beta) ? FailureOr<int64_t>(failure())
                                           : node.getIntAttr("transA", 0);
  FailureOr<int64_t> transB = failed(transA) ? FailureOr<int64_t>(failure())
                                             : node.getIntAttr("transB", 0);
  if (failed(transB))
    return failure();
  FailureOr<GemmOperand> a = getGemmOperand(node, 0, *transA != 0);
  FailureOr<GemmOperand> b = failed(a) ? FailureOr<GemmOperand>(failure())
                                       : getGemmOperand(node, 1, *transB != 0);
  if (failed(b))
    return failure();

  // Fold alpha into a constant operand.
  bool scaleResult = false;
  if (*alpha != 1.0f) {
    if (b->constant)
      b->constant = scaleConstant(b->constant, *alpha);
    else if (a->constant)
      a->constant = scaleConstant(a->constant, *alpha);
    else
      scaleResult = true;
  }
  OpBuilder &builder = node.getBuilder();
  Location loc = node.getLoc();
  auto materialize = [&](GemmOperand &operand, unsigned index) -> Value {
    if (operand.value)
      return operand.value;
    // An untouched initializer keeps its own (shared) constant.
    if (operand.constant == node.getConstantInput(index))
      if (FailureOr<Value> value = node.getInput(index); succeeded(value))
        return *value;
    return createTensorConstant(builder, loc, operand.constant);
  };
  Value lhs = materialize(*a, 0);
  Value rhs = materialize(*b, 1);
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t k = lhsType.getDimSize(1);
  if (k != rhsType.getDimSize(0) || ShapedType::isDynamic(k) ||
      rhsType.isDynamicDim(1))
    return node.emitError()
           << "inner dimensions do not match: A' is " << lhsType.getDimSize(0)
           << "x" << k << ", B' is " << rhsType.getDimSize(0) << "x"
           << rhsType.getDimSize(1);
  int64_t n = rhsType.getDimSize(1);
  llvm::SmallVector<OpFoldResult> sizes{getDimSize(builder, loc, lhs, 0),
                                        builder.getIndexAttr(n)};
  Value init = createFilledTensor(builder, loc, sizes, 0.0f);
  auto outType =
      getF32TensorType({lhsType.getDimSize(0), n}, builder.getContext());
  Value product =
      linalg::MatmulOp::create(builder, loc, TypeRange{outType},
                               ValueRange{lhs, rhs}, ValueRange{init})
          .getResult(0);

  // Epilogue: alpha (when not folded) and beta * C.
  llvm::SmallVector<Value> operands{product};
  bool scaleBias = false;
  float alphaValue = *alpha, betaValue = *beta;
  if (node.hasInput(2) && betaValue != 0.0f) {
    FailureOr<RankedTensorType> cType = node.getInputType(2);
    if (failed(cType))
      return failure();
    FailureOr<llvm::SmallVector<int64_t>> shape =
        getBroadcastShape(outType.getShape(), cType->getShape());
    if (failed(shape) || llvm::ArrayRef<int64_t>(*shape) != outType.getShape())
      return node.emitError() << "C does not broadcast to the result";
    DenseElementsAttr cConst = node.getConstantInput(2);
    Value c;
    if (cConst && betaValue != 1.0f) {
      c = createTensorConstant(builder, loc, scaleConstant(cConst, betaValue));
    } else {
      FailureOr<Value> cValue = node.getInput(2);
      if (failed(cValue))
        return failure();
      c = *cValue;
      scaleBias = betaValue != 1.0f;
    }
    operands.push_back(c);
  }
  if (operands.size() == 1 && !scaleResult)
    return node.setOutput(0, product);
  FailureOr<Value> result = createBroadcastElementwise(
      node, operands, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value acc = args[0];
        if (scaleResult)
          acc = arith::MulFOp::create(nb, nl, acc,
                                      createF32Constant(nb, nl, alphaValue));
        if (args.size() > 1) {
          Value bias = args[1];
          if (scaleBias)
            bias = arith::MulFOp::create(nb, nl, bias,
                                         createF32Constant(nb, nl, betaValue));
          acc = arith::AddFOp::create(nb, nl, acc, bias);
        }
        return acc;
      });
  if (failed(result))
    return failure();
  return node.setOutput(0, *result);
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

/// Broadcasts a 2-D matrix over the batch of a 3-D tensor `like`.
Value broadcastOverBatch(OpBuilder &b, Location loc, Value matrix, Value like) {
  auto type = cast<RankedTensorType>(matrix.getType());
  llvm::SmallVector<OpFoldResult> sizes{getDimSize(b, loc, like, 0),
                                        b.getIndexAttr(type.getDimSize(0)),
                                        b.getIndexAttr(type.getDimSize(1))};
  Value init = createEmptyTensor(b, loc, sizes);
  return linalg::BroadcastOp::create(b, loc, matrix, init,
                                     llvm::ArrayRef<int64_t>{0})
      .getResult()[0];
}

LogicalResult importMatMul(NodeImporter &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkKnownAttrs({})) ||
      failed(node.checkOnlyOutputsUsed(1)))
    return failure();
  FailureOr<Value> lhsInput = node.getInput(0);
  FailureOr<Value> rhsInput =
      failed(lhsInput) ? FailureOr<Value>(failure()) : node.getInput(1);
  if (failed(rhsInput))
    return failure();
  Value lhs = *lhsInput, rhs = *rhsInput;
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  auto shapeOf = [](Value value) {
    return llvm::SmallVector<int64_t>(
        cast<RankedTensorType>(value.getType()).getShape());
  };
  if (shapeOf(lhs).empty() || shapeOf(rhs).empty())
    return node.emitError() << "operands must have rank 1 or more";

  // numpy promotion of 1-D operands: [K] x .. -> [1, K], .. x [K] -> [K, 1].
  bool dropRow = shapeOf(lhs).size() == 1, dropCol = shapeOf(rhs).size() == 1;
  if (dropRow) {
    FailureOr<Value> promoted = createReshape(node, lhs, {1, shapeOf(lhs)[0]});
    if (failed(promoted))
      return failure();
    lhs = *promoted;
  }
  if (dropCol) {
    FailureOr<Value> promoted = createReshape(node, rhs, {shapeOf(rhs)[0], 1});
    if (failed(promoted))
      return failure();
    rhs = *promoted;
  }
  llvm::SmallVector<int64_t> lhsShape = shapeOf(lhs), rhsShape = shapeOf(rhs);
  int64_t k = lhsShape[lhsShape.size() - 1];
  int64_t rhsK = rhsShape[rhsShape.size() - 2];
  if (ShapedType::isDynamic(k) || k != rhsK)
    return node.emitError()
           << "inner dimensions do not match (" << k << " vs " << rhsK << ")";
  int64_t m = lhsShape[lhsShape.size() - 2];
  int64_t n = rhsShape[rhsShape.size() - 1];

  Value result;
  if (lhsShape.size() == 2 && rhsShape.size() == 2) {
    llvm::SmallVector<OpFoldResult> sizes{getDimSize(b, loc, lhs, 0),
                                          getDimSize(b, loc, rhs, 1)};
    Value init = createFilledTensor(b, loc, sizes, 0.0f);
    result = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                      ValueRange{lhs, rhs}, ValueRange{init})
                 .getResult(0);
  } else {
    // Batched: an operand either has the full broadcast batch, collapsed to
    // one dimension, or no batch (all ones), and is broadcast over it.
    llvm::ArrayRef<int64_t> lhsBatch = llvm::ArrayRef(lhsShape).drop_back(2);
    llvm::ArrayRef<int64_t> rhsBatch = llvm::ArrayRef(rhsShape).drop_back(2);
    FailureOr<llvm::SmallVector<int64_t>> batch =
        getBroadcastShape(lhsBatch, rhsBatch);
    if (failed(batch))
      return node.emitError() << "batch dimensions do not broadcast";
    bool dynamicBatch = llvm::any_of(*batch, ShapedType::isDynamic);
    int64_t flatBatch = ShapedType::kDynamic;
    if (!dynamicBatch) {
      flatBatch = 1;
      for (int64_t size : *batch)
        flatBatch *= size;
    }
    auto toOperand = [&](Value operand, llvm::ArrayRef<int64_t> operandBatch,
                         int64_t rows, int64_t cols) -> FailureOr<Value> {
      if (llvm::all_of(operandBatch, [](int64_t s) { return s == 1; }))
        return createReshape(node, operand, {rows, cols});
      if (operandBatch.size() != batch->size() ||
          llvm::ArrayRef<int64_t>(*batch) != operandBatch)
        return node.emitError()
               << "partially broadcast batch dimensions are not supported";
      return createReshape(node, operand, {flatBatch, rows, cols});
    };
    FailureOr<Value> lhs3 = toOperand(lhs, lhsBatch, m, k);
    FailureOr<Value> rhs3 = failed(lhs3) ? FailureOr<Value>(failure())
                                         : toOperand(rhs, rhsBatch, k, n);
    if (failed(rhs3))
      return failure();
    lhs = *lhs3;
    rhs = *rhs3;
    if (shapeOf(lhs).size() == 2 && shapeOf(rhs).size() == 2) {
      // Both batches are all ones: a matrix product with a unit batch.
      FailureOr<Value> unit = createReshape(node, lhs, {1, m, k});
      if (failed(unit))
        return failure();
      lhs = *unit;
    }
    if (shapeOf(lhs).size() == 2)
      lhs = broadcastOverBatch(b, loc, lhs, rhs);
    if (shapeOf(rhs).size() == 2)
      rhs = broadcastOverBatch(b, loc, rhs, lhs);
    Value batchSource = shapeOf(lhs)[0] == ShapedType::kDynamic ? lhs : rhs;
    llvm::SmallVector<OpFoldResult> sizes{getDimSize(b, loc, batchSource, 0),
                                          getDimSize(b, loc, lhs, 1),
                                          getDimSize(b, loc, rhs, 2)};
    Value init = createFilledTensor(b, loc, sizes, 0.0f);
    result =
        linalg::BatchMatmulOp::create(b, loc, TypeRange{init.getType()},
                                      ValueRange{lhs, rhs}, ValueRange{init})
            .getResult(0);
    llvm::SmallVector<int64_t> outShape(*batch);
    outShape.push_back(m);
    outShape.push_back(n);
    FailureOr<Value> expanded = createReshape(node, result, outShape);
    if (failed(expanded))
      return failure();
    result = *expanded;
  }

  // Drop the dimensions added for 1-D operands.
  if (dropRow || dropCol) {
    llvm::SmallVector<int64_t> shape = shapeOf(result);
    int64_t rank = shape.size();
    if (dropCol)
      shape.erase(shape.begin() + rank - 1);
    if (dropRow)
      shape.erase(shape.begin() + rank - 2);
    FailureOr<Value> reshaped = createReshape(node, result, shape);
    if (failed(reshaped))
      return failure();
    result = *reshaped;
  }
  return node.setOutput(0, result);
}

} // namespace

void mlir::fxp::importer::registerMatMulOps(OpImportTable &table) {
  table["Gemm"] = importGemm;
  table["MatMul"] = importMatMul;
}
