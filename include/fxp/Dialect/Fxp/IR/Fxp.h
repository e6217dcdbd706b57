//===- Fxp.h - fxp dialect, types, attributes and ops -----------*- C++ -*-===//
//
// Part of the fxp project.
//
// The one header users include for the fxp dialect.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_IR_FXP_H
#define FXP_DIALECT_FXP_IR_FXP_H

#include "fxp/Numerics/FixedPoint.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "fxp/Dialect/Fxp/IR/FxpDialect.h.inc"

namespace mlir::fxp {

/// Side-effect resource for the calibration statistics `fxp.observe` writes.
struct StatisticsResource
    : public SideEffects::Resource::Base<StatisticsResource> {
  StringRef getName() final { return "fxp::Statistics"; }
};

} // namespace mlir::fxp

#define GET_TYPEDEF_CLASSES
#include "fxp/Dialect/Fxp/IR/FxpTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "fxp/Dialect/Fxp/IR/FxpAttrs.h.inc"

#define GET_OP_CLASSES
#include "fxp/Dialect/Fxp/IR/FxpOps.h.inc"

namespace mlir::fxp {

/// Returns the fixed-point element type of `type` (a scalar, vector or
/// tensor), or null.
FixedType getFixedElementType(Type type);

/// Checks that a per-axis fixed-point element type inside `type` fits it: the
/// type is ranked, the axis is within its rank and the number of fraction
/// lengths equals the (static) size of that dimension. `what` names the value
/// in the diagnostic ("result", "operand", ...).
LogicalResult verifyFixedPointShape(Operation *op, Type type, StringRef what);

/// Slice index along a per-axis format's axis for each linear (row-major)
/// element index of a statically shaped value; always 0 for per-tensor
/// formats and scalars.
class SliceIndexer {
public:
  SliceIndexer(Type type, FixedType fixedType);
  unsigned operator()(uint64_t linearIndex) const {
    if (axisSize == 0)
      return 0;
    return static_cast<unsigned>((linearIndex / innerSize) % axisSize);
  }

private:
  uint64_t innerSize = 1;
  uint64_t axisSize = 0;
};

} // namespace mlir::fxp

#endif // FXP_DIALECT_FXP_IR_FXP_H
