//===- TensorBuilders.h - IR building blocks of the importer ----*- C++ -*-===//
//
// Part of the fxp project.
//
// Internal to lib/Import. Small builders shared by the op families: empty and
// filled tensors, constants, linalg.generic with numpy broadcasting,
// reductions, and reshapes through tensor.collapse_shape/expand_shape. Only
// the batch dimension (0) of a tensor may be dynamic; the builders take the
// size of a dynamic dimension from a `tensor.dim` of the operand it comes
// from.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_IMPORT_TENSORBUILDERS_H
#define FXP_LIB_IMPORT_TENSORBUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir::fxp::importer {

class NodeImporter;

/// Scalar body of an elementwise op: combines the block arguments of the
/// inputs (the output argument is not passed) into the result.
using ScalarBodyFn =
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// `tensor<shape x f32>`.
RankedTensorType getF32TensorType(llvm::ArrayRef<int64_t> shape,
                                  MLIRContext *context);

/// The size of dimension `dim` of a ranked tensor: a constant index when
/// static, a `tensor.dim` otherwise.
OpFoldResult getDimSize(OpBuilder &b, Location loc, Value tensor, int64_t dim);
llvm::SmallVector<OpFoldResult> getDimSizes(OpBuilder &b, Location loc,
                                            Value tensor);

/// `tensor.empty` of f32 elements.
Value createEmptyTensor(OpBuilder &b, Location loc,
                        llvm::ArrayRef<OpFoldResult> sizes);
/// `linalg.fill` of `value` into a `tensor.empty`.
Value createFilledTensor(OpBuilder &b, Location loc,
                         llvm::ArrayRef<OpFoldResult> sizes, float value);

/// `arith.constant` scalar f32 / tensor.
Value createF32Constant(OpBuilder &b, Location loc, float value);
Value createTensorConstant(OpBuilder &b, Location loc, DenseElementsAttr value);

/// A float32 DenseElementsAttr of `shape` holding `values`.
DenseElementsAttr getF32Attr(MLIRContext *context,
                             llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<float> values);
/// The payload of a float32 constant, in row-major order.
llvm::SmallVector<float> getF32Values(DenseElementsAttr attr);

/// All-parallel `linalg.generic` with one result of `outSizes`: input `k` is
/// read through `inputMaps[k]` (over the output's dimensions), the output is
/// written through the identity.
Value createParallelGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                            llvm::ArrayRef<AffineMap> inputMaps,
                            llvm::ArrayRef<OpFoldResult> outSizes,
                            ScalarBodyFn body);

/// numpy-broadcasting elementwise op over float tensors. Errors (through the
/// node) when the shapes do not broadcast.
FailureOr<Value> createBroadcastElementwise(NodeImporter &node,
                                            ValueRange inputs,
                                            ScalarBodyFn body);

/// The numpy broadcast of two shapes (kDynamic allowed), or failure.
FailureOr<llvm::SmallVector<int64_t>>
getBroadcastShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// Reduction of `input` over `reducedDims` with `combine(element, acc)`,
/// starting from `initValue`. With `keepDims` the reduced dimensions stay
/// with size 1, otherwise they are dropped.
Value createReduction(
    OpBuilder &b, Location loc, Value input,
    llvm::ArrayRef<int64_t> reducedDims, bool keepDims, float initValue,
    llvm::function_ref<Value(OpBuilder &, Location, Value, Value)> combine);

/// Reshapes `input` (row-major, as ONNX Reshape) to `targetShape`, which may
/// hold one dynamic dimension when the input has one. Emits
/// tensor.collapse_shape and/or tensor.expand_shape.
FailureOr<Value> createReshape(NodeImporter &node, Value input,
                               llvm::ArrayRef<int64_t> targetShape);

/// `tensor.pad` of `input` with the constant `value` (non-negative low /
/// high padding per dimension); `input` itself when there is none.
Value createConstantPad(OpBuilder &b, Location loc, Value input,
                        llvm::ArrayRef<int64_t> low,
                        llvm::ArrayRef<int64_t> high, float value);
/// Same with the padding value an f32 SSA value.
Value createConstantPad(OpBuilder &b, Location loc, Value input,
                        llvm::ArrayRef<int64_t> low,
                        llvm::ArrayRef<int64_t> high, Value value);

/// `linalg.transpose` of `input` by `permutation`.
Value createTranspose(OpBuilder &b, Location loc, Value input,
                      llvm::ArrayRef<int64_t> permutation);

/// Transposes a constant at import time.
DenseElementsAttr transposeConstant(DenseElementsAttr value,
                                    llvm::ArrayRef<int64_t> permutation);

/// Normalizes an axis in [-rank, rank - 1] (or [-rank, rank] when
/// `allowRank`, as Flatten's) to a non-negative one; failure when out of
/// range.
FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                 bool allowRank = false);

} // namespace mlir::fxp::importer

#endif // FXP_LIB_IMPORT_TENSORBUILDERS_H
