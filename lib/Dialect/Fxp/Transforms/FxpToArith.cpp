//===- FxpToArith.cpp - fixed point to integer linalg/arith ---------------===//
//
// Part of the fxp project.
//
// convert-fxp-to-arith: fixed-point types become their storage integers and
// fxp ops become integer linalg/tensor/arith code with the semantics of
// docs/Numerics.md. All requantization goes through one helper,
// `roundingShift`, so every kernel rounds and saturates the same way.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_CONVERTFXPTOARITH
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp;

namespace {

/// Shifts beyond these bounds are rejected: they keep every intermediate of
/// the requantization arithmetic exact in i64 (docs/Numerics.md).
constexpr int64_t kMaxAlignShift = 40;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

class FixedToIntegerTypeConverter : public TypeConverter {
public:
  FixedToIntegerTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](FixedType type) -> Type { return type.getComputeType(); });
    addConversion([](RankedTensorType type) -> Type {
      if (auto fixed = dyn_cast<FixedType>(type.getElementType()))
        return type.clone(fixed.getComputeType());
      return type;
    });
  }
};

FixedType fixedElement(Value value) {
  return cast<FixedType>(getElementTypeOrSelf(value.getType()));
}

//===----------------------------------------------------------------------===//
// Scalar integer arithmetic in i64 (body builders)
//===----------------------------------------------------------------------===//

Value constI64(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), value);
}

Value extend(OpBuilder &b, Location loc, Value value, bool isSigned) {
  if (value.getType() == b.getI64Type())
    return value;
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, b.getI64Type(), value);
  return arith::ExtUIOp::create(b, loc, b.getI64Type(), value);
}

/// round(a * 2^-shift) with ties away from zero for shift > 0, a * 2^-shift
/// for shift <= 0. Exact for |a| < 2^61 (shift > 0); for shift < 0 the left
/// shift is capped at 30, which saturates every result of at most 16 bits
/// exactly as the unbounded shift would (|a| >= 1 then exceeds 2^30).
Value roundingShift(OpBuilder &b, Location loc, Value a, Value shift) {
  Value zero = constI64(b, loc, 0);
  Value one = constI64(b, loc, 1);
  Value positiveShift = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, shift, one), constI64(b, loc, 62));
  Value half = arith::ShLIOp::create(
      b, loc, one, arith::SubIOp::create(b, loc, positiveShift, one));
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a, zero);
  Value magnitude = arith::SelectOp::create(
      b, loc, negative, arith::SubIOp::create(b, loc, zero, a), a);
  Value rounded = arith::ShRUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, magnitude, half), positiveShift);
  Value right = arith::SelectOp::create(
      b, loc, negative, arith::SubIOp::create(b, loc, zero, rounded), rounded);
  Value leftShift = arith::MinSIOp::create(
      b, loc,
      arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, zero, shift),
                             zero),
      constI64(b, loc, 30));
  Value left = arith::ShLIOp::create(b, loc, a, leftShift);
  Value isRight =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, shift, zero);
  return arith::SelectOp::create(b, loc, isRight, right, left);
}

/// Saturates an i64 to `format` (optionally clamping below at 0) and
/// truncates to the storage type.
Value saturate(OpBuilder &b, Location loc, Value value,
               const FixedFormat &format, bool relu, Type storage) {
  int64_t lo =
      relu ? std::max<int64_t>(0, format.minStored()) : format.minStored();
  Value clamped = arith::MaxSIOp::create(b, loc, value, constI64(b, loc, lo));
  clamped = arith::MinSIOp::create(b, loc, clamped,
                                   constI64(b, loc, format.maxStored()));
  if (storage == b.getI64Type())
    return clamped;
  return arith::TruncIOp::create(b, loc, storage, clamped);
}

//===----------------------------------------------------------------------===//
// Tensor helpers
//===----------------------------------------------------------------------===//

/// tensor.empty of `type`, taking dynamic sizes from `sources`: dimension i
/// of the result comes from dimension sources[i].second of sources[i].first.
FailureOr<Value> emptyLike(OpBuilder &b, Location loc, RankedTensorType type,
                           ArrayRef<std::pair<Value, int64_t>> sources,
                           Operation *op) {
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    if (d >= int64_t(sources.size()) || !sources[d].first) {
      op->emitOpError() << "dynamic result dimension " << d
                        << " is not supported by convert-fxp-to-arith";
      return failure();
    }
    dynamicSizes.push_back(
        tensor::DimOp::create(b, loc, sources[d].first, sources[d].second));
  }
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                 dynamicSizes)
      .getResult();
}

/// An element-wise linalg.generic over `inputs` (all shaped like the
/// first) producing `type`, with body `body`; dynamic sizes come from the
/// first input.
using BodyBuilder = function_ref<void(OpBuilder &, Location, ValueRange)>;

/// tensor.empty of `type` (sizes as for emptyLike) filled with zero.
FailureOr<Value> zeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                            ArrayRef<std::pair<Value, int64_t>> sources,
                            Operation *op) {
  FailureOr<Value> init = emptyLike(b, loc, type, sources, op);
  if (failed(init))
    return failure();
  Value zero = arith::ConstantIntOp::create(b, loc, type.getElementType(), 0);
  return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{*init})
      .getResult(0);
}

SmallVector<utils::IteratorType> parallel(int64_t rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

FailureOr<Value> buildElementwise(OpBuilder &b, Location loc,
                                  RankedTensorType type, ValueRange inputs,
                                  Operation *op, BodyBuilder body) {
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sources.push_back({inputs.front(), d});
  FailureOr<Value> init = emptyLike(b, loc, type, sources, op);
  if (failed(init))
    return failure();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(type.getRank()));
  return linalg::GenericOp::create(b, loc, type, inputs, ValueRange{*init},
                                   maps, parallel(type.getRank()), body)
      .getResult(0);
}

/// A 1-D i64 constant of per-channel values.
Value channelConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, values));
}

/// Per-output-channel requantization shifts F_x + F_w[c] - F_y.
SmallVector<int64_t> requantShifts(FixedType input, FixedType weight,
                                   FixedType result, int64_t channels) {
  SmallVector<int64_t> shifts;
  for (int64_t c = 0; c < channels; ++c)
    shifts.push_back(
        int64_t(input.getFractionLength()) +
        weight.getFormat(weight.isPerAxis() ? c : 0).fractionLength -
        result.getFractionLength());
  return shifts;
}

/// The epilogue of conv2d/matmul: result = saturate(roundingShift(acc +
/// bias[c], shift[c])) with ReLU, `channelDim` being the channel dimension
/// of the accumulator.
Value buildEpilogue(OpBuilder &b, Location loc, Value acc, Value bias,
                    ArrayRef<int64_t> shifts, int64_t channelDim,
                    FixedType result, bool relu, Value init) {
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t rank = accType.getRank();
  MLIRContext *context = b.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
  AffineMap channel =
      AffineMap::get(rank, 0, getAffineDimExpr(channelDim, context));
  SmallVector<Value> inputs = {acc, channelConstant(b, loc, shifts)};
  SmallVector<AffineMap> maps = {identity, channel};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(channel);
  }
  maps.push_back(identity);
  FixedFormat format = result.getFormat();
  Type storage = result.getComputeType();
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, ValueRange{init}, maps,
             parallel(rank),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value sum = extend(nb, nloc, args[0], /*isSigned=*/true);
               if (bias)
                 sum = arith::AddIOp::create(nb, nloc, sum,
                                             extend(nb, nloc, args[2], true));
               Value shifted = roundingShift(nb, nloc, sum, args[1]);
               linalg::YieldOp::create(
                   nb, nloc,
                   saturate(nb, nloc, shifted, format, relu, storage));
             })
      .getResult(0);
}

/// The tail conv2d and matmul share: the result tensor and the epilogue that
/// requantizes the accumulator `acc` (channels on dimension 1).
template <typename KernelOp>
FailureOr<Value>
requantizeAccumulator(OpBuilder &b, Location loc, KernelOp op, Value acc,
                      Value bias, RankedTensorType resultType,
                      ArrayRef<std::pair<Value, int64_t>> sources) {
  auto accType = cast<RankedTensorType>(acc.getType());
  if (accType.isDynamicDim(1)) {
    op.emitOpError() << "needs a static output channel count";
    return failure();
  }
  FailureOr<Value> init = emptyLike(b, loc, resultType, sources, op);
  if (failed(init))
    return failure();
  FixedType result = fixedElement(op.getResult());
  SmallVector<int64_t> shifts =
      requantShifts(fixedElement(op.getInput()), fixedElement(op.getWeight()),
                    result, accType.getDimSize(1));
  return buildEpilogue(b, loc, acc, bias, shifts, /*channelDim=*/1, result,
                       op.getRelu(), *init);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// The stored values of a fixed-point constant payload, sign- or
/// zero-extended.
SmallVector<int64_t> storedValues(DenseIntElementsAttr payload, bool isSigned) {
  SmallVector<int64_t> values;
  values.reserve(payload.getNumElements());
  for (const APInt &value : payload.getValues<APInt>())
    values.push_back(isSigned ? value.getSExtValue()
                              : int64_t(value.getZExtValue()));
  return values;
}

/// A constant of at most 4-bit values as lowered: a packed i8 constant (two
/// values per byte, element 2i in the low nibble), unpacked once per call by
/// a linalg.generic into i8 values of `type`'s shape (sub-byte formats are
/// computed as int8).
Value buildPackedConstant(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<int64_t> values, bool isSigned) {
  int64_t count = int64_t(values.size());
  int64_t bytes = (count + 1) / 2;
  IntegerType i8 = b.getI8Type();
  SmallVector<APInt> packed;
  packed.reserve(bytes);
  for (int64_t i = 0; i < bytes; ++i) {
    uint64_t low = uint64_t(values[2 * i]) & 0xF;
    uint64_t high = 2 * i + 1 < count ? uint64_t(values[2 * i + 1]) & 0xF : 0;
    packed.push_back(APInt(8, low | (high << 4)));
  }
  auto packedType = RankedTensorType::get({bytes}, i8);
  Value source = arith::ConstantOp::create(
      b, loc, DenseIntElementsAttr::get(packedType, packed));
  auto pairsType = RankedTensorType::get({bytes, 2}, i8);
  Value init = tensor::EmptyOp::create(b, loc, pairsType.getShape(), i8);
  MLIRContext *context = b.getContext();
  AffineMap byteMap = AffineMap::get(2, 0, getAffineDimExpr(0, context));
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, context);
  Value pairs =
      linalg::GenericOp::create(
          b, loc, pairsType, ValueRange{source}, ValueRange{init},
          ArrayRef<AffineMap>{byteMap, identity}, parallel(2),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            // No shift here overflows i8, so the overflow proof
            // (fxp-verify-no-overflow) holds for the unpacking too.
            auto constant = [&](int64_t v) {
              return arith::ConstantIntOp::create(nb, l, i8, v);
            };
            Value byte = args[0];
            Value low = arith::AndIOp::create(nb, l, byte, constant(0xF));
            Value high;
            if (isSigned) {
              // low - 16 * bit3 sign-extends the low nibble; >>s 4 the high.
              Value bit3 = arith::AndIOp::create(nb, l, byte, constant(8));
              low = arith::SubIOp::create(
                  nb, l, low, arith::ShLIOp::create(nb, l, bit3, constant(1)));
              high = arith::ShRSIOp::create(nb, l, byte, constant(4));
            } else {
              high = arith::AndIOp::create(
                  nb, l, arith::ShRUIOp::create(nb, l, byte, constant(4)),
                  constant(0xF));
            }
            Value isHigh =
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                      linalg::IndexOp::create(nb, l, 1),
                                      arith::ConstantIndexOp::create(nb, l, 1));
            Value value = arith::SelectOp::create(nb, l, isHigh, high, low);
            linalg::YieldOp::create(nb, l, value);
          })
          .getResult(0);
  Value flat = tensor::CollapseShapeOp::create(
      b, loc, pairs, ArrayRef<ReassociationIndices>{{0, 1}});
  if (2 * bytes != count)
    flat = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({count}, i8), flat,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(count)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  if (type.getRank() == 1)
    return flat;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    auto value = cast<TypedAttr>(op.getValue());
    if (value.getType() == type) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, value);
      return success();
    }
    // Sub-byte formats: the payload is in the storage type, lowered code
    // holds bytes.
    FixedType fixed = getFixedElementType(op.getType());
    auto payload = dyn_cast<DenseIntElementsAttr>(value);
    auto tensorType = dyn_cast<RankedTensorType>(type);
    if (!payload || !tensorType || fixed.getWidth() >= 8)
      return rewriter.notifyMatchFailure(op, "payload type is not the storage");
    SmallVector<int64_t> values = storedValues(payload, fixed.getIsSigned());
    if (fixed.getWidth() <= 4 && tensorType.hasStaticShape() &&
        tensorType.getRank() > 0 && !payload.isSplat()) {
      rewriter.replaceOp(op,
                         buildPackedConstant(rewriter, op.getLoc(), tensorType,
                                             values, fixed.getIsSigned()));
      return success();
    }
    SmallVector<APInt> widened;
    for (int64_t v :
         payload.isSplat() ? ArrayRef(values).take_front(1) : ArrayRef(values))
      widened.push_back(APInt(8, uint64_t(v), /*isSigned=*/true));
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, type, DenseIntElementsAttr::get(tensorType, widened));
    return success();
  }
};

/// Checks shared by the element-wise conversions.
LogicalResult checkElementwise(Operation *op, Type fixedType,
                               RoundingMode rounding, OverflowMode overflow) {
  if (!isa<RankedTensorType>(fixedType))
    return op->emitOpError()
           << "on scalars or vectors is not supported by "
              "convert-fxp-to-arith (fold it with --canonicalize)";
  if (getFixedElementType(fixedType).isPerAxis())
    return op->emitOpError() << "with a per-axis format is not supported by "
                                "convert-fxp-to-arith";
  if (rounding != RoundingMode::NearestAway ||
      overflow != OverflowMode::Saturate)
    return op->emitOpError()
           << "rounding '" << stringifyRoundingMode(rounding)
           << "' / overflow '" << stringifyOverflowMode(overflow)
           << "' is not supported by convert-fxp-to-arith (only "
              "nearest_away and saturate)";
  return success();
}

struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkElementwise(op, op.getType(), op.getRounding(),
                                op.getOverflow())))
      return failure();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto floatType = cast<FloatType>(inputType.getElementType());
    if (!floatType.isF32())
      return op.emitOpError()
             << "from " << floatType << " is not supported (only f32)";
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    FixedFormat format = getFixedElementType(op.getType()).getFormat();
    Location loc = op.getLoc();
    Type storage = type.getElementType();
    FailureOr<Value> result = buildElementwise(
        rewriter, loc, type, ValueRange{adaptor.getInput()}, op,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto cf = [&](double v) {
            return arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
          };
          Value scaled = arith::MulFOp::create(
              b, l, args[0], cf(std::ldexp(1.0, format.fractionLength)));
          Value rounded = math::RoundOp::create(b, l, scaled);
          Value clamped = arith::MaximumFOp::create(
              b, l, rounded, cf(double(format.minStored())));
          clamped = arith::MinimumFOp::create(b, l, clamped,
                                              cf(double(format.maxStored())));
          Value ordered = arith::CmpFOp::create(b, l, arith::CmpFPredicate::ORD,
                                                args[0], args[0]);
          Value safe = arith::SelectOp::create(b, l, ordered, clamped, cf(0.0));
          // Values up to 2^31 are exact in i64; the clamp bounds fit.
          Value stored = arith::FPToSIOp::create(b, l, b.getI64Type(), safe);
          if (storage != b.getI64Type())
            stored = arith::TruncIOp::create(b, l, storage, stored);
          linalg::YieldOp::create(b, l, stored);
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkElementwise(op, op.getInput().getType(),
                                RoundingMode::NearestAway,
                                OverflowMode::Saturate)))
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    auto floatType = dyn_cast<FloatType>(type.getElementType());
    if (!floatType || !floatType.isF32())
      return op.emitOpError() << "to " << type.getElementType()
                              << " is not supported (only f32)";
    FixedFormat format =
        getFixedElementType(op.getInput().getType()).getFormat();
    Location loc = op.getLoc();
    FailureOr<Value> result = buildElementwise(
        rewriter, loc, type, ValueRange{adaptor.getInput()}, op,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value real =
              format.isSigned
                  ? arith::SIToFPOp::create(b, l, b.getF32Type(), args[0])
                        .getResult()
                  : arith::UIToFPOp::create(b, l, b.getF32Type(), args[0])
                        .getResult();
          Value scale = arith::ConstantOp::create(
              b, l, b.getF32FloatAttr(std::ldexp(1.0, -format.fractionLength)));
          linalg::YieldOp::create(
              b, l, arith::MulFOp::create(b, l, real, scale).getResult());
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkElementwise(op, op.getInput().getType(), op.getRounding(),
                                op.getOverflow())) ||
        failed(checkElementwise(op, op.getType(), op.getRounding(),
                                op.getOverflow())))
      return failure();
    FixedFormat from = getFixedElementType(op.getInput().getType()).getFormat();
    FixedType toType = getFixedElementType(op.getType());
    FixedFormat to = toType.getFormat();
    int64_t shift = int64_t(from.fractionLength) - to.fractionLength;
    if (shift < -kMaxAlignShift)
      return op.emitOpError()
             << "shifts left by " << -shift << " bits; at most "
             << kMaxAlignShift << " are supported";
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    FailureOr<Value> result = buildElementwise(
        rewriter, loc, type, ValueRange{adaptor.getInput()}, op,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value value = extend(b, l, args[0], from.isSigned);
          Value shifted = roundingShift(b, l, value, constI64(b, l, shift));
          linalg::YieldOp::create(b, l,
                                  saturate(b, l, shifted, to, /*relu=*/false,
                                           toType.getComputeType()));
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// The named linalg kernels sign-extend their operands: an unsigned input
/// is zero-extended to twice its width first (its values then read the
/// same signed); sub-byte unsigned values already sit zero-extended in
/// bytes.
Value signedKernelInput(OpBuilder &b, Location loc, Value input,
                        FixedType format) {
  if (format.getIsSigned() ||
      format.getComputeType().getWidth() > format.getWidth())
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  auto wideType = type.clone(b.getIntegerType(2 * format.getWidth()));
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
  Value init = tensor::EmptyOp::create(b, loc, wideType.getShape(),
                                       wideType.getElementType(), dynamicSizes);
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  return linalg::GenericOp::create(
             b, loc, wideType, ValueRange{input}, ValueRange{init},
             ArrayRef<AffineMap>{identity, identity}, parallel(type.getRank()),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   arith::ExtUIOp::create(nb, l, wideType.getElementType(),
                                          args[0])
                       .getResult());
             })
      .getResult(0);
}

/// The accumulator element type of a conv2d / matmul: i32 when every
/// partial sum provably fits it, else i64. The bound is the largest input
/// magnitude of the input format times the largest per-output-channel sum
/// of |w| — exact for a constant weight, the format's worst case (|w| <=
/// 2^(width-1) signed, 2^width - 1 unsigned, for every term) otherwise. 8-bit
/// operands always fit i32; 16-bit activations with wide weights may not.
IntegerType accumulatorType(OpBuilder &b, FixedType input, Value weight,
                            unsigned channelAxis) {
  FixedFormat x = input.getFormat();
  double maxInput = x.isSigned ? std::ldexp(1.0, int(x.wordLength) - 1)
                               : std::ldexp(1.0, int(x.wordLength)) - 1;
  auto weightType = cast<RankedTensorType>(weight.getType());
  FixedType weightFixed = getFixedElementType(weightType);
  if (!weightType.hasStaticShape() ||
      int64_t(channelAxis) >= weightType.getRank())
    return b.getI64Type();
  int64_t channels = weightType.getDimSize(channelAxis);
  int64_t inner = 1;
  for (int64_t d = channelAxis + 1; d < weightType.getRank(); ++d)
    inner *= weightType.getDimSize(d);
  double maxSum = 0;
  auto constant = weight.getDefiningOp<ConstantOp>();
  auto payload = constant ? dyn_cast<DenseIntElementsAttr>(constant.getValue())
                          : DenseIntElementsAttr();
  if (payload && channels > 0) {
    SmallVector<double> sums(channels, 0.0);
    int64_t index = 0;
    for (int64_t value : storedValues(payload, weightFixed.getIsSigned())) {
      sums[(index / inner) % channels] += std::fabs(double(value));
      ++index;
    }
    maxSum = *llvm::max_element(sums);
  } else {
    double terms = double(weightType.getNumElements()) /
                   double(std::max<int64_t>(channels, 1));
    int width = int(weightFixed.getWidth());
    maxSum = terms * (weightFixed.getIsSigned() ? std::ldexp(1.0, width - 1)
                                                : std::ldexp(1.0, width) - 1);
  }
  return maxInput * maxSum <= double(INT32_MAX) ? b.getI32Type()
                                                : b.getI64Type();
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = signedKernelInput(rewriter, loc, adaptor.getInput(),
                                    fixedElement(op.getInput()));
    auto inputType = cast<RankedTensorType>(input.getType());
    ArrayRef<int64_t> padding = op.getPadding();
    if (llvm::any_of(padding, [](int64_t p) { return p != 0; })) {
      SmallVector<int64_t> low = {0, 0, padding[0], padding[1]};
      SmallVector<int64_t> high = {0, 0, padding[2], padding[3]};
      SmallVector<int64_t> shape(inputType.getShape());
      for (int d = 0; d < 2; ++d)
        if (!ShapedType::isDynamic(shape[2 + d]))
          shape[2 + d] += padding[d] + padding[d + 2];
      auto paddedType = inputType.clone(shape);
      Value zero = arith::ConstantIntOp::create(rewriter, loc,
                                                inputType.getElementType(), 0);
      input = tensor::PadOp::create(
          rewriter, loc, paddedType, input,
          getAsIndexOpFoldResult(rewriter.getContext(), low),
          getAsIndexOpFoldResult(rewriter.getContext(), high), zero);
    }
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto accType = resultType.clone(
        accumulatorType(rewriter, fixedElement(op.getInput()), op.getWeight(),
                        /*channelAxis=*/0));
    FailureOr<Value> filled =
        zeroFilled(rewriter, loc, accType, {{adaptor.getInput(), 0}}, op);
    if (failed(filled))
      return failure();
    auto vector2 = [&](ArrayRef<int64_t> values) {
      return DenseIntElementsAttr::get(
          RankedTensorType::get({2}, rewriter.getI64Type()), values);
    };
    Value acc = linalg::Conv2DNchwFchwOp::create(
                    rewriter, loc, TypeRange{accType},
                    ValueRange{input, adaptor.getWeight()}, ValueRange{*filled},
                    vector2(op.getStrides()), vector2(op.getDilations()))
                    .getResult(0);
    FailureOr<Value> result =
        requantizeAccumulator(rewriter, loc, op, acc, adaptor.getBias(),
                              resultType, {{adaptor.getInput(), 0}});
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto accType = resultType.clone(
        accumulatorType(rewriter, fixedElement(op.getInput()), op.getWeight(),
                        /*channelAxis=*/1));
    Value input = signedKernelInput(rewriter, loc, adaptor.getInput(),
                                    fixedElement(op.getInput()));
    SmallVector<std::pair<Value, int64_t>> sources = {{adaptor.getInput(), 0},
                                                      {adaptor.getWeight(), 1}};
    FailureOr<Value> filled = zeroFilled(rewriter, loc, accType, sources, op);
    if (failed(filled))
      return failure();
    Value acc = linalg::MatmulOp::create(rewriter, loc, TypeRange{accType},
                                         ValueRange{input, adaptor.getWeight()},
                                         ValueRange{*filled})
                    .getResult(0);
    FailureOr<Value> result = requantizeAccumulator(
        rewriter, loc, op, acc, adaptor.getBias(), resultType, sources);
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FixedFormat lhs = fixedElement(op.getLhs()).getFormat();
    FixedFormat rhs = fixedElement(op.getRhs()).getFormat();
    FixedType resultFixed = fixedElement(op.getResult());
    FixedFormat result = resultFixed.getFormat();
    int64_t common = std::max(lhs.fractionLength, rhs.fractionLength);
    int64_t lhsShift = common - lhs.fractionLength;
    int64_t rhsShift = common - rhs.fractionLength;
    if (lhsShift > kMaxAlignShift || rhsShift > kMaxAlignShift)
      return op.emitOpError()
             << "operand fraction lengths " << lhs.fractionLength << " and "
             << rhs.fractionLength << " differ by more than " << kMaxAlignShift;
    int64_t shift = common - result.fractionLength;
    Location loc = op.getLoc();
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    bool relu = op.getRelu();
    FailureOr<Value> sum = buildElementwise(
        rewriter, loc, type, ValueRange{adaptor.getLhs(), adaptor.getRhs()}, op,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value a =
              arith::ShLIOp::create(b, l, extend(b, l, args[0], lhs.isSigned),
                                    constI64(b, l, lhsShift));
          Value c =
              arith::ShLIOp::create(b, l, extend(b, l, args[1], rhs.isSigned),
                                    constI64(b, l, rhsShift));
          Value sum = arith::AddIOp::create(b, l, a, c);
          Value shifted = roundingShift(b, l, sum, constI64(b, l, shift));
          linalg::YieldOp::create(b, l,
                                  saturate(b, l, shifted, result, relu,
                                           resultFixed.getComputeType()));
        });
    if (failed(sum))
      return failure();
    rewriter.replaceOp(op, *sum);
    return success();
  }
};

struct GlobalAvgPoolLowering : OpConversionPattern<GlobalAvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalAvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FixedFormat input = fixedElement(op.getInput()).getFormat();
    FixedType resultFixed = fixedElement(op.getResult());
    FixedFormat result = resultFixed.getFormat();
    int64_t shift = int64_t(result.fractionLength) - input.fractionLength;
    if (std::abs(shift) > kMaxAlignShift)
      return op.emitOpError() << "input and result fraction lengths differ by "
                              << std::abs(shift) << "; at most "
                              << kMaxAlignShift << " are supported";
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t count = inputType.getDimSize(2) * inputType.getDimSize(3);
    // round(sum * 2^shift / count): numerator shifted left by max(shift, 0),
    // denominator count * 2^max(-shift, 0).
    int64_t numeratorShift = std::max<int64_t>(shift, 0);
    int64_t denominator = count << std::max<int64_t>(-shift, 0);
    Location loc = op.getLoc();
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto sumType = type.clone(rewriter.getI64Type());
    FailureOr<Value> filled =
        zeroFilled(rewriter, loc, sumType, {{adaptor.getInput(), 0}}, op);
    FailureOr<Value> init =
        emptyLike(rewriter, loc, type, {{adaptor.getInput(), 0}}, op);
    if (failed(filled) || failed(init))
      return failure();
    MLIRContext *context = rewriter.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(4, context);
    AffineExpr zeroExpr = getAffineConstantExpr(0, context);
    AffineMap reduced =
        AffineMap::get(4, 0,
                       {getAffineDimExpr(0, context),
                        getAffineDimExpr(1, context), zeroExpr, zeroExpr},
                       context);
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::reduction, utils::IteratorType::reduction};
    bool isSigned = input.isSigned;
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, sumType, ValueRange{adaptor.getInput()},
                    ValueRange{*filled}, ArrayRef<AffineMap>{identity, reduced},
                    iterators,
                    [&](OpBuilder &b, Location l, ValueRange args) {
                      linalg::YieldOp::create(
                          b, l,
                          arith::AddIOp::create(
                              b, l, extend(b, l, args[0], isSigned), args[1])
                              .getResult());
                    })
                    .getResult(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{sum}, ValueRange{*init},
        ArrayRef<AffineMap>{identity, identity}, parallel(4),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value zero64 = constI64(b, l, 0);
          Value numerator = arith::ShLIOp::create(
              b, l, args[0], constI64(b, l, numeratorShift));
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, numerator, zero64);
          Value magnitude = arith::SelectOp::create(
              b, l, negative, arith::SubIOp::create(b, l, zero64, numerator),
              numerator);
          // floor((2|p| + q) / (2q)): nearest, ties away from zero.
          Value twice =
              arith::ShLIOp::create(b, l, magnitude, constI64(b, l, 1));
          Value quotient = arith::DivUIOp::create(
              b, l,
              arith::AddIOp::create(b, l, twice, constI64(b, l, denominator)),
              constI64(b, l, 2 * denominator));
          Value rounded = arith::SelectOp::create(
              b, l, negative, arith::SubIOp::create(b, l, zero64, quotient),
              quotient);
          linalg::YieldOp::create(b, l,
                                  saturate(b, l, rounded, result,
                                           /*relu=*/false,
                                           resultFixed.getComputeType()));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Ops of other dialects (tensor shape ops, ...) on fixed-point tensors:
/// recreated with the converted types; ops with regions are not handled.
struct StructuralConversion : ConversionPattern {
  StructuralConversion(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          context) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<FxpDialect>(op->getDialect()) || op->getNumRegions() != 0)
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         resultTypes, op->getAttrs(), op->getSuccessors());
    Operation *converted = rewriter.create(state);
    rewriter.replaceOp(op, converted->getResults());
    return success();
  }
};

/// Reports (with its location) every op this lowering does not support, so
/// that the conversion itself only sees supported forms.
LogicalResult checkSupported(Operation *op) {
  if (auto quantize = dyn_cast<QuantizeOp>(op))
    return checkElementwise(op, quantize.getType(), quantize.getRounding(),
                            quantize.getOverflow());
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    return checkElementwise(op, dequantize.getInput().getType(),
                            RoundingMode::NearestAway, OverflowMode::Saturate);
  if (auto cast = dyn_cast<CastOp>(op)) {
    if (failed(checkElementwise(op, cast.getInput().getType(),
                                cast.getRounding(), cast.getOverflow())))
      return failure();
    return checkElementwise(op, cast.getType(), cast.getRounding(),
                            cast.getOverflow());
  }
  return success();
}

struct ConvertFxpToArithPass
    : fxp::impl::ConvertFxpToArithBase<ConvertFxpToArithPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    bool unsupported = false;
    getOperation().walk(
        [&](Operation *op) { unsupported |= failed(checkSupported(op)); });
    if (unsupported)
      return signalPassFailure();
    FixedToIntegerTypeConverter converter;
    ConversionTarget target(*context);
    target.addIllegalDialect<FxpDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return converter.isSignatureLegal(func.getFunctionType()) &&
             converter.isLegal(&func.getBody());
    });
    // Observers on fixed-point values have no lowering here.
    target.addLegalOp<ObserveOp>();
    target.addDynamicallyLegalOp<ObserveOp>(
        [&](ObserveOp op) { return converter.isLegal(op.getOperation()); });
    // tensor.pad and linalg ops carry regions; their element types must
    // already be integers.
    target.addDynamicallyLegalDialect<linalg::LinalgDialect>(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(context);
    patterns.add<ConstantLowering, QuantizeLowering, DequantizeLowering,
                 CastLowering, Conv2DLowering, MatmulLowering, AddLowering,
                 GlobalAvgPoolLowering>(converter, context);
    patterns.add<StructuralConversion>(converter, context);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
