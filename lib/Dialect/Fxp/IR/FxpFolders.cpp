//===- FxpFolders.cpp - fxp constant folding ------------------------------===//
//
// Part of the fxp project.
//
// Folders evaluate conversions with the numerics core (FixedPoint.h), so the
// values `--canonicalize` shows are exactly those of the numerics contract.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APFloat.h"

using namespace mlir;
using namespace mlir::fxp;

/// Reads a stored value of `format` from its storage bits.
static int64_t readStored(const APInt &bits, const FixedFormat &format) {
  return format.isSigned ? bits.getSExtValue()
                         : static_cast<int64_t>(bits.getZExtValue());
}

/// Storage bits of a stored value of `format`.
static APInt writeStored(int64_t stored, const FixedFormat &format) {
  return APInt(format.wordLength, static_cast<uint64_t>(stored),
               /*isSigned=*/format.isSigned, /*implicitTrunc=*/true);
}

/// The attribute type for storage values shaped like `type`.
static ShapedType getStorageShapedType(ShapedType type, FixedType fixed) {
  return type.clone(fixed.getStorageType());
}

/// Applies `convert(element, linearIndex, slice)` to every element of a
/// constant and builds the result attribute with `makeScalar`/`makeDense`.
/// Returns null for payloads that are not dense (e.g. resources).
template <typename ElementT, typename ResultT, typename Convert,
          typename MakeScalar, typename MakeDense>
static Attribute mapConstant(Attribute input, Type resultType,
                             FixedType fixedForSlices, Convert convert,
                             MakeScalar makeScalar, MakeDense makeDense) {
  if (!input)
    return {};
  if (!isa<ShapedType>(resultType)) {
    if (auto scalar = dyn_cast<typename ElementT::ScalarAttr>(input))
      return makeScalar(convert(scalar.getValue(), 0, 0));
    return {};
  }
  auto dense = dyn_cast<DenseElementsAttr>(input);
  if (!dense)
    return {};
  SliceIndexer sliceOf(dense.getType(), fixedForSlices);
  SmallVector<ResultT> values;
  values.reserve(dense.getNumElements());
  uint64_t index = 0;
  for (auto element : dense.getValues<typename ElementT::Value>()) {
    values.push_back(convert(element, index, sliceOf(index)));
    ++index;
  }
  return makeDense(values);
}

struct FloatElements {
  using ScalarAttr = FloatAttr;
  using Value = APFloat;
};
struct IntElements {
  using ScalarAttr = IntegerAttr;
  using Value = APInt;
};

static double toDouble(const APFloat &value) {
  APFloat copy = value;
  bool losesInfo = false;
  copy.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
  return copy.convertToDouble();
}

/// True when every value of `fixed` is exactly representable in `floatType`,
/// so that dequantize followed by quantize is the identity.
static bool holdsExactly(FloatType floatType, FixedType fixed) {
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  int precision = static_cast<int>(APFloat::semanticsPrecision(semantics));
  int minExponent = APFloat::semanticsMinExponent(semantics);
  int maxExponent = APFloat::semanticsMaxExponent(semantics);
  if (static_cast<int>(fixed.getWidth()) > precision)
    return false;
  for (unsigned slice = 0, e = fixed.getNumSlices(); slice < e; ++slice) {
    FixedFormat format = fixed.getFormat(slice);
    int highest = static_cast<int>(format.wordLength) - 1 -
                  format.fractionLength; // 2^highest bounds |min|
    if (highest > maxExponent ||
        format.lowestBit() < minExponent - (precision - 1))
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  FixedType fixed = getFixedElementType(getType());
  // quantize(dequantize(x)) to x's own type is exact when the float type
  // holds every value of the format.
  if (auto dequantize = getInput().getDefiningOp<DequantizeOp>()) {
    auto floatType =
        cast<FloatType>(getElementTypeOrSelf(getInput().getType()));
    if (dequantize.getInput().getType() == getType() &&
        holdsExactly(floatType, fixed))
      return dequantize.getInput();
  }

  RoundingMode rounding = getRounding();
  OverflowMode overflow = getOverflow();
  uint64_t seed = getSeed().value_or(0);
  auto convert = [&](const APFloat &value, uint64_t index, unsigned slice) {
    FixedFormat format = fixed.getFormat(slice);
    int64_t stored = quantize(toDouble(value), format, rounding, overflow,
                              stochasticDraw(seed, index));
    return writeStored(stored, format);
  };
  return mapConstant<FloatElements, APInt>(
      adaptor.getInput(), getType(), fixed, convert,
      [&](const APInt &bits) -> Attribute {
        return IntegerAttr::get(fixed.getStorageType(), bits);
      },
      [&](ArrayRef<APInt> values) -> Attribute {
        auto shaped = cast<ShapedType>(getType());
        if (!shaped.hasStaticShape())
          return {};
        return DenseElementsAttr::get(getStorageShapedType(shaped, fixed),
                                      values);
      });
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  FixedType fixed = getFixedElementType(getInput().getType());
  auto floatType = cast<FloatType>(getElementTypeOrSelf(getType()));
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  auto convert = [&](const APInt &bits, uint64_t, unsigned slice) {
    FixedFormat format = fixed.getFormat(slice);
    APFloat real(toReal(readStored(bits, format), format));
    bool losesInfo = false;
    real.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
    return real;
  };
  return mapConstant<IntElements, APFloat>(
      adaptor.getInput(), getType(), fixed, convert,
      [&](const APFloat &value) -> Attribute {
        return FloatAttr::get(floatType, value);
      },
      [&](ArrayRef<APFloat> values) -> Attribute {
        auto shaped = cast<ShapedType>(getType());
        if (!shaped.hasStaticShape())
          return {};
        return DenseElementsAttr::get(shaped, values);
      });
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  FixedType from = getFixedElementType(getInput().getType());
  FixedType to = getFixedElementType(getType());
  // Per-axis slices come from whichever side is per-axis (both agree on the
  // axis when both are).
  FixedType slices = from.isPerAxis() ? from : to;
  RoundingMode rounding = getRounding();
  OverflowMode overflow = getOverflow();
  uint64_t seed = getSeed().value_or(0);
  auto convert = [&](const APInt &bits, uint64_t index, unsigned slice) {
    FixedFormat fromFormat = from.getFormat(slice);
    FixedFormat toFormat = to.getFormat(slice);
    int64_t stored =
        castStored(readStored(bits, fromFormat), fromFormat, toFormat, rounding,
                   overflow, stochasticDraw(seed, index));
    return writeStored(stored, toFormat);
  };
  return mapConstant<IntElements, APInt>(
      adaptor.getInput(), getType(), slices, convert,
      [&](const APInt &bits) -> Attribute {
        return IntegerAttr::get(to.getStorageType(), bits);
      },
      [&](ArrayRef<APInt> values) -> Attribute {
        auto shaped = cast<ShapedType>(getType());
        if (!shaped.hasStaticShape())
          return {};
        return DenseElementsAttr::get(getStorageShapedType(shaped, to), values);
      });
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }
