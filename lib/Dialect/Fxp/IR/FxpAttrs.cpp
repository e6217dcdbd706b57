//===- FxpAttrs.cpp - fxp attributes --------------------------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/Numerics/FormatSelection.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fxp;

#define GET_ATTRDEF_CLASSES
#include "fxp/Dialect/Fxp/IR/FxpAttrs.cpp.inc"

void FxpDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "fxp/Dialect/Fxp/IR/FxpAttrs.cpp.inc"
      >();
}

/// Parses `<keyword>` into a mode with `parseName`, naming the valid choices
/// in the error.
template <typename Mode, typename ParseFn>
static FailureOr<Mode> parseModeBody(AsmParser &parser, StringRef what,
                                     StringRef choices, ParseFn parseName) {
  if (parser.parseLess())
    return failure();
  SMLoc loc = parser.getCurrentLocation();
  std::string name;
  if (parser.parseKeywordOrString(&name))
    return failure();
  std::optional<Mode> mode = parseName(name);
  if (!mode)
    return parser.emitError(loc) << "unknown " << what << " mode '" << name
                                 << "'; expected one of " << choices;
  if (parser.parseGreater())
    return failure();
  return *mode;
}

Attribute RoundingModeAttr::parse(AsmParser &parser, Type) {
  FailureOr<RoundingMode> mode = parseModeBody<RoundingMode>(
      parser, "rounding", "nearest_away, nearest_even, floor, zero, stochastic",
      parseRoundingMode);
  if (failed(mode))
    return {};
  return RoundingModeAttr::get(parser.getContext(), *mode);
}

void RoundingModeAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifyRoundingMode(getValue()) << '>';
}

Attribute OverflowModeAttr::parse(AsmParser &parser, Type) {
  FailureOr<OverflowMode> mode = parseModeBody<OverflowMode>(
      parser, "overflow", "saturate, wrap", parseOverflowMode);
  if (failed(mode))
    return {};
  return OverflowModeAttr::get(parser.getContext(), *mode);
}

void OverflowModeAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifyOverflowMode(getValue()) << '>';
}

//===----------------------------------------------------------------------===//
// StatsAttr
//===----------------------------------------------------------------------===//

LogicalResult StatsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                uint64_t count, uint64_t zeros, FloatAttr min,
                                FloatAttr max, int64_t lowest,
                                ArrayRef<uint64_t> msb) {
  uint64_t total = zeros;
  for (uint64_t c : msb) {
    if (c > count || total > count - c)
      return emitError() << "zeros plus MSB counts exceed count " << count;
    total += c;
  }
  if (total > count)
    return emitError() << "zeros plus MSB counts exceed count " << count;
  if (min.getValueAsDouble() > max.getValueAsDouble())
    return emitError() << "min " << min.getValueAsDouble()
                       << " is greater than max " << max.getValueAsDouble();
  if (lowest < ValueHistogram::kMinPosition ||
      lowest + int64_t(msb.size()) - 1 > ValueHistogram::kMaxPosition)
    return emitError() << "MSB positions must lie in ["
                       << ValueHistogram::kMinPosition << ", "
                       << ValueHistogram::kMaxPosition << "]";
  return success();
}
