//===- FxpDialect.cpp - fxp dialect ---------------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::fxp;

#include "fxp/Dialect/Fxp/IR/FxpDialect.cpp.inc"

void FxpDialect::initialize() {
  registerTypes();
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "fxp/Dialect/Fxp/IR/FxpOps.cpp.inc"
      >();
}

Operation *FxpDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed)
    return nullptr;
  if (FixedType fixed = getFixedElementType(type)) {
    auto op = ConstantOp::create(builder, loc, typed, fixed);
    if (op.getType() != type) {
      op->erase();
      return nullptr;
    }
    return op;
  }
  if (arith::ConstantOp::isBuildableWith(value, type))
    return arith::ConstantOp::create(builder, loc, type, typed);
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Shape helpers shared by the op verifiers and folders
//===----------------------------------------------------------------------===//

FixedType mlir::fxp::getFixedElementType(Type type) {
  return dyn_cast<FixedType>(getElementTypeOrSelf(type));
}

LogicalResult mlir::fxp::verifyFixedPointShape(Operation *op, Type type,
                                               StringRef what) {
  FixedType fixed = getFixedElementType(type);
  if (!fixed || !fixed.isPerAxis())
    return success();
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return op->emitOpError()
           << what << " has the per-axis format " << fixed
           << " but is a scalar; per-axis formats need a vector or tensor";
  if (!shaped.hasRank())
    return success();
  int64_t axis = *fixed.getAxis();
  if (axis >= shaped.getRank())
    return op->emitOpError()
           << what << " type " << type << " has rank " << shaped.getRank()
           << " but its per-axis format uses axis " << axis;
  int64_t size = shaped.getDimSize(axis);
  if (!ShapedType::isDynamic(size) &&
      size != static_cast<int64_t>(fixed.getNumSlices()))
    return op->emitOpError()
           << what << " type " << type << " has size " << size << " along axis "
           << axis << " but its per-axis format lists " << fixed.getNumSlices()
           << " fraction lengths";
  return success();
}

SliceIndexer::SliceIndexer(Type type, FixedType fixedType) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!fixedType.isPerAxis() || !shaped || !shaped.hasStaticShape())
    return;
  int64_t axis = *fixedType.getAxis();
  if (axis >= shaped.getRank())
    return;
  ArrayRef<int64_t> shape = shaped.getShape();
  for (int64_t dim = axis + 1, e = shaped.getRank(); dim < e; ++dim)
    innerSize *= static_cast<uint64_t>(shape[dim]);
  axisSize = static_cast<uint64_t>(shape[axis]);
}
