//===- FxpTypes.cpp - fxp types -------------------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fxp;

#define GET_TYPEDEF_CLASSES
#include "fxp/Dialect/Fxp/IR/FxpTypes.cpp.inc"

void FxpDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "fxp/Dialect/Fxp/IR/FxpTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// FixedType
//===----------------------------------------------------------------------===//

FixedType FixedType::get(MLIRContext *context, const FixedFormat &format) {
  return FixedType::get(context, format.isSigned, format.wordLength,
                        static_cast<int32_t>(format.fractionLength));
}

int32_t FixedType::getFractionLength() const {
  assert(!isPerAxis() && "per-axis formats have one fraction length a slice");
  return getFractionLengths().front();
}

FixedFormat FixedType::getFormat(unsigned slice) const {
  ArrayRef<int32_t> lengths = getFractionLengths();
  FixedFormat format;
  format.isSigned = getIsSigned();
  format.wordLength = getWidth();
  format.fractionLength = lengths[isPerAxis() ? slice : 0];
  return format;
}

IntegerType FixedType::getStorageType() const {
  return IntegerType::get(getContext(), getWidth());
}

IntegerType FixedType::getComputeType() const {
  return IntegerType::get(getContext(), std::max(8u, getWidth()));
}

int64_t FixedType::getPackedBytes(int64_t numElements) const {
  if (getWidth() <= 4)
    return (numElements + 1) / 2;
  return numElements * int64_t((getWidth() + 7) / 8);
}

LogicalResult FixedType::verify(function_ref<InFlightDiagnostic()> emitError,
                                bool isSigned, unsigned width,
                                std::optional<int32_t> axis,
                                ArrayRef<int32_t> fractionLengths) {
  if (width < kMinWordLength || width > kMaxWordLength)
    return emitError() << "fixed-point word length must be in ["
                       << kMinWordLength << ", " << kMaxWordLength << "], got "
                       << width;
  if (fractionLengths.empty())
    return emitError() << "fixed-point format needs at least one fraction "
                          "length";
  if (!axis && fractionLengths.size() != 1)
    return emitError() << "per-tensor fixed-point format has exactly one "
                          "fraction length, got "
                       << fractionLengths.size();
  if (axis && *axis < 0)
    return emitError() << "per-axis fixed-point format needs a non-negative "
                          "axis, got "
                       << *axis;
  return success();
}

/// Parses the `s8` / `u16` signedness-and-width keyword.
static ParseResult parseSignednessAndWidth(AsmParser &parser, bool &isSigned,
                                           unsigned &width) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (failed(parser.parseOptionalKeyword(&keyword)))
    return parser.emitError(loc, "expected signedness and word length such "
                                 "as 's8' or 'u16'");
  auto fail = [&]() {
    return parser.emitError(loc)
           << "expected signedness and word length such as 's8' or 'u16', "
              "got '"
           << keyword << "'";
  };
  if (keyword.size() < 2 || (keyword[0] != 's' && keyword[0] != 'u'))
    return fail();
  isSigned = keyword[0] == 's';
  if (keyword.drop_front().getAsInteger(10, width))
    return fail();
  return success();
}

Type FixedType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  bool isSigned = true;
  unsigned width = 0;
  std::optional<int32_t> axis;
  SmallVector<int32_t> fractionLengths;
  if (parser.parseLess() || parseSignednessAndWidth(parser, isSigned, width) ||
      parser.parseComma())
    return {};
  if (succeeded(parser.parseOptionalKeyword("axis"))) {
    int32_t axisValue = 0;
    if (parser.parseInteger(axisValue) || parser.parseColon() ||
        parser.parseCommaSeparatedList(
            AsmParser::Delimiter::Square,
            [&]() -> ParseResult {
              int32_t length = 0;
              if (parser.parseInteger(length))
                return failure();
              fractionLengths.push_back(length);
              return success();
            },
            " in the per-axis fraction length list"))
      return {};
    axis = axisValue;
  } else {
    int32_t length = 0;
    SMLoc lengthLoc = parser.getCurrentLocation();
    OptionalParseResult parsed = parser.parseOptionalInteger(length);
    if (!parsed.has_value()) {
      parser.emitError(lengthLoc, "expected a fraction length (an integer) "
                                  "or 'axis N: [...]'");
      return {};
    }
    if (failed(*parsed))
      return {};
    fractionLengths.push_back(length);
  }
  if (parser.parseGreater())
    return {};
  return FixedType::getChecked([&]() { return parser.emitError(loc); },
                               parser.getContext(), isSigned, width, axis,
                               fractionLengths);
}

void FixedType::print(AsmPrinter &printer) const {
  printer << '<' << (getIsSigned() ? 's' : 'u') << getWidth() << ", ";
  if (std::optional<int32_t> axis = getAxis()) {
    printer << "axis " << *axis << ": [";
    llvm::interleaveComma(getFractionLengths(), printer);
    printer << ']';
  } else {
    printer << getFractionLength();
  }
  printer << '>';
}
