//===- FxpOps.cpp - fxp operations: verifiers and assembly ----------------===//
//
// Part of the fxp project.
//
// Folders live in FxpFolders.cpp.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::fxp;

//===----------------------------------------------------------------------===//
// custom<ConversionModes>: `rounding M`, `overflow M`, `seed N`, any order,
// each printed only when it differs from the default.
//===----------------------------------------------------------------------===//

static ParseResult parseConversionModes(OpAsmParser &parser,
                                        RoundingModeAttr &rounding,
                                        OverflowModeAttr &overflow,
                                        IntegerAttr &seed) {
  MLIRContext *context = parser.getContext();
  while (true) {
    SMLoc loc = parser.getCurrentLocation();
    if (succeeded(parser.parseOptionalKeyword("rounding"))) {
      if (rounding)
        return parser.emitError(loc, "'rounding' is given more than once");
      SMLoc nameLoc = parser.getCurrentLocation();
      std::string name;
      if (parser.parseKeywordOrString(&name))
        return failure();
      std::optional<RoundingMode> mode = parseRoundingMode(name);
      if (!mode)
        return parser.emitError(nameLoc)
               << "unknown rounding mode '" << name
               << "'; expected one of nearest_away, nearest_even, floor, "
                  "zero, stochastic";
      rounding = RoundingModeAttr::get(context, *mode);
      continue;
    }
    if (succeeded(parser.parseOptionalKeyword("overflow"))) {
      if (overflow)
        return parser.emitError(loc, "'overflow' is given more than once");
      SMLoc nameLoc = parser.getCurrentLocation();
      std::string name;
      if (parser.parseKeywordOrString(&name))
        return failure();
      std::optional<OverflowMode> mode = parseOverflowMode(name);
      if (!mode)
        return parser.emitError(nameLoc) << "unknown overflow mode '" << name
                                         << "'; expected one of saturate, wrap";
      overflow = OverflowModeAttr::get(context, *mode);
      continue;
    }
    if (succeeded(parser.parseOptionalKeyword("seed"))) {
      if (seed)
        return parser.emitError(loc, "'seed' is given more than once");
      int64_t value = 0;
      if (parser.parseInteger(value))
        return failure();
      seed = IntegerAttr::get(IntegerType::get(context, 64), value);
      continue;
    }
    return success();
  }
}

static void printConversionModes(OpAsmPrinter &printer, Operation *,
                                 RoundingModeAttr rounding,
                                 OverflowModeAttr overflow, IntegerAttr seed) {
  if (rounding && rounding.getValue() != RoundingMode::NearestAway)
    printer << " rounding " << stringifyRoundingMode(rounding.getValue());
  if (overflow && overflow.getValue() != OverflowMode::Saturate)
    printer << " overflow " << stringifyOverflowMode(overflow.getValue());
  if (seed)
    printer << " seed " << seed.getInt();
}

//===----------------------------------------------------------------------===//
// Shared verification
//===----------------------------------------------------------------------===//

/// Operand and result of an element-wise conversion: same container kind
/// (scalar, vector, tensor) and compatible shapes; per-axis formats fit.
static LogicalResult verifyElementwiseConversion(Operation *op, Type input,
                                                 Type result) {
  bool inputShaped = isa<ShapedType>(input);
  bool resultShaped = isa<ShapedType>(result);
  if (inputShaped != resultShaped ||
      isa<VectorType>(input) != isa<VectorType>(result))
    return op->emitOpError()
           << "operand type " << input << " and result type " << result
           << " must both be scalars, vectors or tensors";
  if (inputShaped && failed(verifyCompatibleShape(input, result)))
    return op->emitOpError() << "operand type " << input << " and result type "
                             << result << " must have the same shape";
  if (failed(verifyFixedPointShape(op, input, "operand")) ||
      failed(verifyFixedPointShape(op, result, "result")))
    return failure();
  return success();
}

/// A seed only makes sense with stochastic rounding.
static LogicalResult verifySeed(Operation *op, RoundingMode rounding,
                                std::optional<uint64_t> seed) {
  if (seed && rounding != RoundingMode::Stochastic)
    return op->emitOpError() << "has a seed but rounding mode '"
                             << stringifyRoundingMode(rounding)
                             << "'; a seed needs stochastic rounding";
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp / CastOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  if (failed(
          verifyElementwiseConversion(*this, getInput().getType(), getType())))
    return failure();
  return verifySeed(*this, getRounding(), getSeed());
}

LogicalResult DequantizeOp::verify() {
  return verifyElementwiseConversion(*this, getInput().getType(), getType());
}

LogicalResult CastOp::verify() {
  if (failed(
          verifyElementwiseConversion(*this, getInput().getType(), getType())))
    return failure();
  FixedType from = getFixedElementType(getInput().getType());
  FixedType to = getFixedElementType(getType());
  if (from.isPerAxis() && to.isPerAxis() &&
      (from.getAxis() != to.getAxis() ||
       from.getNumSlices() != to.getNumSlices()))
    return emitOpError() << "cannot cast between per-axis formats on "
                            "different axes or slice counts: "
                         << from << " to " << to;
  return verifySeed(*this, getRounding(), getSeed());
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

/// The fixed-point type of a constant whose payload has type `valueType`.
static Type getConstantResultType(Type valueType, FixedType elementType) {
  if (auto shaped = dyn_cast<ShapedType>(valueType))
    return shaped.clone(elementType);
  return elementType;
}

void ConstantOp::build(OpBuilder &builder, OperationState &state,
                       TypedAttr value, FixedType elementType) {
  build(builder, state, getConstantResultType(value.getType(), elementType),
        value);
}

ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  if (parser.parseOptionalAttrDict(result.attributes))
    return failure();
  SMLoc valueLoc = parser.getCurrentLocation();
  Attribute value;
  if (parser.parseAttribute(value))
    return failure();
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || !isa<IntegerType, ShapedType>(typed.getType()))
    return parser.emitError(valueLoc, "expected a typed integer or elements "
                                      "attribute as the constant's payload");
  SMLoc typeLoc;
  Type elementType;
  if (parser.parseKeyword("as") || parser.getCurrentLocation(&typeLoc) ||
      parser.parseType(elementType))
    return failure();
  auto fixed = dyn_cast<FixedType>(elementType);
  if (!fixed)
    return parser.emitError(typeLoc)
           << "expected a fixed-point element type after 'as', got "
           << elementType;
  result.addAttribute(getValueAttrName(result.name), typed);
  result.addTypes(getConstantResultType(typed.getType(), fixed));
  return success();
}

void ConstantOp::print(OpAsmPrinter &printer) {
  printer.printOptionalAttrDict((*this)->getAttrs(), {"value"});
  printer << ' ';
  printer.printAttribute(getValue());
  printer << " as " << getFixedElementType(getType());
}

LogicalResult ConstantOp::verify() {
  Type valueType = getValue().getType();
  Type resultType = getType();
  FixedType fixed = getFixedElementType(resultType);
  auto storage = dyn_cast<IntegerType>(getElementTypeOrSelf(valueType));
  if (!storage || !isa<IntegerAttr, ElementsAttr>(getValue()))
    return emitOpError() << "payload must be an integer or elements "
                            "attribute of integers, got type "
                         << valueType;
  if (storage != fixed.getStorageType())
    return emitOpError() << "payload element type " << storage
                         << " does not match the storage type "
                         << fixed.getStorageType() << " of " << fixed;
  if (getConstantResultType(valueType, fixed) != resultType)
    return emitOpError() << "result type " << resultType
                         << " does not match the payload type " << valueType;
  return verifyFixedPointShape(*this, resultType, "result");
}

void ConstantOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), "cst");
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getName().empty())
    return emitOpError("needs a non-empty name: statistics are keyed by it");
  if (failed(verifyFixedPointShape(*this, getType(), "result")))
    return failure();
  if (std::optional<Type> format = getFormat()) {
    auto fixed = dyn_cast<FixedType>(*format);
    if (!fixed)
      return emitOpError() << "format must be a fixed-point type, got "
                           << *format;
    auto shaped = dyn_cast<ShapedType>(getType());
    if (!shaped && fixed.isPerAxis())
      return emitOpError() << "per-axis format " << fixed
                           << " needs a tensor or vector operand";
    if (shaped &&
        failed(verifyFixedPointShape(*this, shaped.clone(fixed), "format")))
      return failure();
  }
  if (std::optional<uint32_t> width = getWordLength()) {
    if (*width < 2 || *width > 16)
      return emitOpError() << "word_length must be in [2, 16], got " << *width;
    auto fixed = dyn_cast_or_null<FixedType>(getFormat().value_or(Type()));
    if (fixed && fixed.getWidth() != *width)
      return emitOpError() << "format " << fixed << " contradicts word_length "
                           << *width;
  }
  for (FloatAttr fraction : {getOverflowAttr(), getUnderflowAttr()})
    if (fraction && !(fraction.getValueAsDouble() >= 0.0 &&
                      fraction.getValueAsDouble() <= 1.0))
      return emitOpError() << "overflow and underflow fractions must be in "
                              "[0, 1], got "
                           << fraction.getValueAsDouble();
  return success();
}

#define GET_OP_CLASSES
#include "fxp/Dialect/Fxp/IR/FxpOps.cpp.inc"
