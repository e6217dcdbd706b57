//===- TensorBuilders.cpp - IR building blocks of the importer ------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "TensorBuilders.h"
#include "GraphImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::importer;

//===----------------------------------------------------------------------===//
// Tensors and constants
//===----------------------------------------------------------------------===//

RankedTensorType
mlir::fxp::importer::getF32TensorType(llvm::ArrayRef<int64_t> shape,
                                      MLIRContext *context) {
  return RankedTensorType::get(shape, Float32Type::get(context));
}

OpFoldResult mlir::fxp::importer::getDimSize(OpBuilder &b, Location loc,
                                             Value tensor, int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, tensor, dim).getResult();
}

llvm::SmallVector<OpFoldResult>
mlir::fxp::importer::getDimSizes(OpBuilder &b, Location loc, Value tensor) {
  llvm::SmallVector<OpFoldResult> sizes;
  int64_t rank = cast<RankedTensorType>(tensor.getType()).getRank();
  for (int64_t dim = 0; dim < rank; ++dim)
    sizes.push_back(getDimSize(b, loc, tensor, dim));
  return sizes;
}

Value mlir::fxp::importer::createEmptyTensor(
    OpBuilder &b, Location loc, llvm::ArrayRef<OpFoldResult> sizes) {
  return tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
}

Value mlir::fxp::importer::createFilledTensor(
    OpBuilder &b, Location loc, llvm::ArrayRef<OpFoldResult> sizes,
    float value) {
  Value empty = createEmptyTensor(b, loc, sizes);
  Value scalar = createF32Constant(b, loc, value);
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

Value mlir::fxp::importer::createF32Constant(OpBuilder &b, Location loc,
                                             float value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

Value mlir::fxp::importer::createTensorConstant(OpBuilder &b, Location loc,
                                                DenseElementsAttr value) {
  return arith::ConstantOp::create(b, loc, value);
}

DenseElementsAttr
mlir::fxp::importer::getF32Attr(MLIRContext *context,
                                llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<float> values) {
  return DenseElementsAttr::get(getF32TensorType(shape, context), values);
}

llvm::SmallVector<float>
mlir::fxp::importer::getF32Values(DenseElementsAttr attr) {
  auto range = attr.getValues<float>();
  return llvm::SmallVector<float>(range.begin(), range.end());
}

//===----------------------------------------------------------------------===//
// Elementwise and reductions
//===----------------------------------------------------------------------===//

Value mlir::fxp::importer::createParallelGeneric(
    OpBuilder &b, Location loc, ValueRange inputs,
    llvm::ArrayRef<AffineMap> inputMaps, llvm::ArrayRef<OpFoldResult> outSizes,
    ScalarBodyFn body) {
  Value init = createEmptyTensor(b, loc, outSizes);
  unsigned rank = outSizes.size();
  llvm::SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  llvm::SmallVector<utils::IteratorType> iterators(
      rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

FailureOr<llvm::SmallVector<int64_t>>
mlir::fxp::importer::getBroadcastShape(llvm::ArrayRef<int64_t> lhs,
                                       llvm::ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  llvm::SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l == 1)
      result[i] = r;
    else if (r == 1)
      result[i] = l;
    else if (ShapedType::isDynamic(l))
      result[i] = r;
    else if (ShapedType::isDynamic(r) || l == r)
      result[i] = l;
    else
      return failure();
  }
  return result;
}

FailureOr<Value> mlir::fxp::importer::createBroadcastElementwise(
    NodeImporter &node, ValueRange inputs, ScalarBodyFn body) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  llvm::SmallVector<int64_t> shape;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    FailureOr<llvm::SmallVector<int64_t>> broadcast =
        getBroadcastShape(shape, type.getShape());
    if (failed(broadcast)) {
      InFlightDiagnostic diag = node.emitError()
                                << "operand shapes do not broadcast:";
      for (Value operand : inputs) {
        diag << " ";
        llvm::interleave(
            cast<RankedTensorType>(operand.getType()).getShape(),
            [&](int64_t size) {
              if (ShapedType::isDynamic(size))
                diag << "?";
              else
                diag << size;
            },
            [&] { diag << "x"; });
      }
      return diag;
    }
    shape = std::move(*broadcast);
  }
  int64_t rank = shape.size();

  // A dimension of an operand is read at 0 where the operand broadcasts.
  llvm::SmallVector<AffineMap> maps;
  llvm::SmallVector<OpFoldResult> sizes(rank);
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    int64_t offset = rank - type.getRank();
    llvm::SmallVector<AffineExpr> exprs;
    for (int64_t dim = 0; dim < type.getRank(); ++dim) {
      int64_t size = type.getDimSize(dim);
      if (size == 1 && shape[dim + offset] != 1) {
        exprs.push_back(b.getAffineConstantExpr(0));
        continue;
      }
      exprs.push_back(b.getAffineDimExpr(dim + offset));
      if (!sizes[dim + offset] && ShapedType::isDynamic(size) &&
          ShapedType::isDynamic(shape[dim + offset]))
        sizes[dim + offset] = getDimSize(b, loc, input, dim);
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!sizes[dim])
      sizes[dim] = b.getIndexAttr(shape[dim]);
  return createParallelGeneric(b, loc, inputs, maps, sizes, body);
}

Value mlir::fxp::importer::createReduction(
    OpBuilder &b, Location loc, Value input,
    llvm::ArrayRef<int64_t> reducedDims, bool keepDims, float initValue,
    llvm::function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  llvm::SmallVector<OpFoldResult> sizes;
  llvm::SmallVector<AffineExpr> outExprs;
  llvm::SmallVector<utils::IteratorType> iterators;
  for (int64_t dim = 0; dim < rank; ++dim) {
    bool reduced = llvm::is_contained(reducedDims, dim);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (reduced && !keepDims)
      continue;
    if (reduced) {
      sizes.push_back(b.getIndexAttr(1));
      outExprs.push_back(b.getAffineConstantExpr(0));
    } else {
      sizes.push_back(getDimSize(b, loc, input, dim));
      outExprs.push_back(b.getAffineDimExpr(dim));
    }
  }
  Value init = createFilledTensor(b, loc, sizes, initValue);
  AffineMap inMap = b.getMultiDimIdentityMap(rank);
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, b.getContext());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{input}, ValueRange{init},
      llvm::ArrayRef<AffineMap>{inMap, outMap}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = combine(nested, nestedLoc, args[0], args[1]);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// Reshape and transpose
//===----------------------------------------------------------------------===//

namespace {
/// Whether `reassociation` groups `source` dims into `target` dims exactly.
bool isExactGrouping(llvm::ArrayRef<int64_t> source,
                     llvm::ArrayRef<int64_t> target,
                     llvm::ArrayRef<ReassociationIndices> reassociation) {
  if (reassociation.size() != target.size())
    return false;
  int64_t next = 0;
  for (auto [group, targetSize] : llvm::zip(reassociation, target)) {
    int64_t product = 1;
    bool dynamic = false;
    for (int64_t dim : group) {
      if (dim != next++)
        return false;
      if (ShapedType::isDynamic(source[dim]))
        dynamic = true;
      else
        product *= source[dim];
    }
    if (dynamic != ShapedType::isDynamic(targetSize))
      return false;
    if (!dynamic && product != targetSize)
      return false;
  }
  return next == static_cast<int64_t>(source.size());
}

Value collapse(OpBuilder &b, Location loc, Value input,
               llvm::ArrayRef<int64_t> target,
               llvm::ArrayRef<ReassociationIndices> reassociation) {
  return tensor::CollapseShapeOp::create(
      b, loc, getF32TensorType(target, b.getContext()), input, reassociation);
}

/// expand_shape whose dynamic output sizes are the dynamic input size divided
/// by the static sizes of its group.
Value expand(OpBuilder &b, Location loc, Value input,
             llvm::ArrayRef<int64_t> target,
             llvm::ArrayRef<ReassociationIndices> reassociation) {
  llvm::SmallVector<OpFoldResult> outputShape(target.size());
  for (auto [groupIndex, group] : llvm::enumerate(reassociation)) {
    int64_t staticProduct = 1;
    for (int64_t dim : group)
      if (!ShapedType::isDynamic(target[dim]))
        staticProduct *= target[dim];
    for (int64_t dim : group) {
      if (!ShapedType::isDynamic(target[dim])) {
        outputShape[dim] = b.getIndexAttr(target[dim]);
        continue;
      }
      Value size = tensor::DimOp::create(b, loc, input, groupIndex);
      if (staticProduct != 1) {
        Value divisor = arith::ConstantIndexOp::create(b, loc, staticProduct);
        size = arith::DivUIOp::create(b, loc, size, divisor);
      }
      outputShape[dim] = size;
    }
  }
  return tensor::ExpandShapeOp::create(b, loc,
                                       getF32TensorType(target, b.getContext()),
                                       input, reassociation, outputShape);
}
} // namespace

FailureOr<Value>
mlir::fxp::importer::createReshape(NodeImporter &node, Value input,
                                   llvm::ArrayRef<int64_t> targetShape) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  auto type = cast<RankedTensorType>(input.getType());
  llvm::ArrayRef<int64_t> source = type.getShape();
  if (source == targetShape)
    return input;

  int64_t sourceDynamic = llvm::count_if(source, ShapedType::isDynamic);
  int64_t targetDynamic = llvm::count_if(targetShape, ShapedType::isDynamic);
  if (sourceDynamic > 1 || targetDynamic > 1 || sourceDynamic != targetDynamic)
    return node.emitError() << "cannot reshape a tensor with a dynamic batch "
                               "to a shape that does not keep it dynamic";
  if (sourceDynamic == 0 &&
      type.getNumElements() != ShapedType::getNumElements(targetShape))
    return node.emitError()
           << "cannot reshape " << type.getNumElements() << " elements to "
           << ShapedType::getNumElements(targetShape);

  // A single collapse or expand when the dims group exactly.
  if (targetShape.size() < source.size()) {
    std::optional<llvm::SmallVector<ReassociationIndices>> reassociation =
        targetShape.empty()
            ? std::optional<llvm::SmallVector<ReassociationIndices>>(
                  llvm::SmallVector<ReassociationIndices>{})
            : getReassociationIndicesForCollapse(source, targetShape);
    if (reassociation && (targetShape.empty() ||
                          isExactGrouping(source, targetShape, *reassociation)))
      return collapse(b, loc, input, targetShape, *reassociation);
  } else if (targetShape.size() > source.size()) {
    std::optional<llvm::SmallVector<ReassociationIndices>> reassociation =
        source.empty()
            ? std::optional<llvm::SmallVector<ReassociationIndices>>(
                  llvm::SmallVector<ReassociationIndices>{})
            : getReassociationIndicesForCollapse(targetShape, source);
    if (reassociation && (source.empty() ||
                          isExactGrouping(targetShape, source, *reassociation)))
      return expand(b, loc, input, targetShape, *reassociation);
  }

  // Otherwise through 1-D: collapse everything, expand to the target.
  Value flat = input;
  int64_t total = sourceDynamic ? ShapedType::kDynamic : type.getNumElements();
  if (source.size() != 1) {
    ReassociationIndices all;
    for (int64_t dim = 0; dim < static_cast<int64_t>(source.size()); ++dim)
      all.push_back(dim);
    llvm::SmallVector<ReassociationIndices> reassociation;
    if (!source.empty())
      reassociation.push_back(all);
    // A rank-0 source expands to tensor<1xf32> first.
    flat = source.empty() ? expand(b, loc, input, {1}, {})
                          : collapse(b, loc, input, {total}, reassociation);
  }
  if (targetShape.size() == 1)
    return flat;
  ReassociationIndices all;
  for (int64_t dim = 0; dim < static_cast<int64_t>(targetShape.size()); ++dim)
    all.push_back(dim);
  llvm::SmallVector<ReassociationIndices> reassociation;
  if (!targetShape.empty())
    reassociation.push_back(all);
  if (targetShape.empty())
    return collapse(b, loc, flat, targetShape, reassociation);
  return expand(b, loc, flat, targetShape, reassociation);
}

Value mlir::fxp::importer::createConstantPad(OpBuilder &b, Location loc,
                                             Value input,
                                             llvm::ArrayRef<int64_t> low,
                                             llvm::ArrayRef<int64_t> high,
                                             float value) {
  auto isZero = [](int64_t p) { return p == 0; };
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return input;
  return createConstantPad(b, loc, input, low, high,
                           createF32Constant(b, loc, value));
}

Value mlir::fxp::importer::createConstantPad(OpBuilder &b, Location loc,
                                             Value input,
                                             llvm::ArrayRef<int64_t> low,
                                             llvm::ArrayRef<int64_t> high,
                                             Value padValue) {
  auto isZero = [](int64_t p) { return p == 0; };
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  llvm::SmallVector<int64_t> shape(type.getShape());
  llvm::SmallVector<OpFoldResult> lowSizes, highSizes;
  for (size_t dim = 0; dim < shape.size(); ++dim) {
    if (!ShapedType::isDynamic(shape[dim]))
      shape[dim] += low[dim] + high[dim];
    lowSizes.push_back(b.getIndexAttr(low[dim]));
    highSizes.push_back(b.getIndexAttr(high[dim]));
  }
  return tensor::PadOp::create(b, loc, getF32TensorType(shape, b.getContext()),
                               input, lowSizes, highSizes, padValue);
}

Value mlir::fxp::importer::createTranspose(
    OpBuilder &b, Location loc, Value input,
    llvm::ArrayRef<int64_t> permutation) {
  llvm::SmallVector<OpFoldResult> sizes;
  for (int64_t dim : permutation)
    sizes.push_back(getDimSize(b, loc, input, dim));
  Value init = createEmptyTensor(b, loc, sizes);
  return linalg::TransposeOp::create(b, loc, input, init, permutation)
      .getResult()[0];
}

DenseElementsAttr
mlir::fxp::importer::transposeConstant(DenseElementsAttr value,
                                       llvm::ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  llvm::ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  llvm::SmallVector<int64_t> outShape;
  for (int64_t dim : permutation)
    outShape.push_back(shape[dim]);
  llvm::SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t dim = rank - 2; dim >= 0; --dim)
    inStrides[dim] = inStrides[dim + 1] * shape[dim + 1];
  llvm::SmallVector<float> in = getF32Values(value);
  llvm::SmallVector<float> out(in.size());
  llvm::SmallVector<int64_t> index(rank, 0);
  for (size_t linear = 0; linear < out.size(); ++linear) {
    int64_t offset = 0;
    for (int64_t dim = 0; dim < rank; ++dim)
      offset += index[dim] * inStrides[permutation[dim]];
    out[linear] = in[offset];
    for (int64_t dim = rank - 1; dim >= 0; --dim) {
      if (++index[dim] < outShape[dim])
        break;
      index[dim] = 0;
    }
  }
  return getF32Attr(value.getContext(), outShape, out);
}

FailureOr<int64_t>
mlir::fxp::importer::normalizeAxis(int64_t axis, int64_t rank, bool allowRank) {
  int64_t upper = allowRank ? rank : rank - 1;
  if (axis < -rank || axis > upper)
    return failure();
  return axis < 0 ? axis + rank : axis;
}
