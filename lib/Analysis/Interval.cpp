//===- Interval.cpp - interval arithmetic and the range lattice ----------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Analysis/RangeAnalysis.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;

namespace {

/// x * y with 0 * inf = 0 (an infinite bound times an exact zero).
double mul(double x, double y) {
  if (x == 0 || y == 0)
    return 0;
  return x * y;
}

} // namespace

Interval fxp::operator+(const Interval &a, const Interval &b) {
  return {a.lo + b.lo, a.hi + b.hi};
}

Interval fxp::operator-(const Interval &a, const Interval &b) {
  return {a.lo - b.hi, a.hi - b.lo};
}

Interval fxp::operator*(const Interval &a, const Interval &b) {
  double p[] = {mul(a.lo, b.lo), mul(a.lo, b.hi), mul(a.hi, b.lo),
                mul(a.hi, b.hi)};
  return {*std::min_element(std::begin(p), std::end(p)),
          *std::max_element(std::begin(p), std::end(p))};
}

Interval fxp::divide(const Interval &a, const Interval &b) {
  if (b.contains(0.0))
    return Interval::full();
  return a * Interval{1.0 / b.hi, 1.0 / b.lo};
}

Interval fxp::scale(const Interval &a, double factor) {
  return a * Interval::point(factor);
}

std::optional<Interval> fxp::integerTypeRange(Type type) {
  if (type.isIndex())
    return Interval{-std::ldexp(1.0, 63), std::ldexp(1.0, 63) - 1};
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer || integer.getWidth() > 64)
    return std::nullopt;
  unsigned width = integer.getWidth();
  if (width == 1)
    return Interval{0, 1};
  return Interval{-std::ldexp(1.0, width - 1), std::ldexp(1.0, width - 1) - 1};
}

unsigned fxp::signedBitsNeeded(const Interval &range) {
  if (!range.isFinite())
    return 0;
  for (unsigned bits = 1; bits < 1024; ++bits) {
    double half = std::ldexp(1.0, bits - 1);
    if (range.lo >= -half && range.hi <= half - 1)
      return bits;
  }
  return 0;
}

void fxp::printInterval(llvm::raw_ostream &os, const Interval &range) {
  auto print = [&](double v) {
    if (std::isinf(v))
      os << (v < 0 ? "-inf" : "inf");
    else if (v == std::nearbyint(v) && std::fabs(v) < 1e15)
      os << llvm::format("%.0f", v);
    else
      os << llvm::format("%.9g", v);
  };
  os << '[';
  print(range.lo);
  os << ", ";
  print(range.hi);
  os << ']';
}

//===----------------------------------------------------------------------===//
// TensorRange
//===----------------------------------------------------------------------===//

TensorRange TensorRange::perChannel(ArrayRef<Interval> channels) {
  assert(!channels.empty() && "no channels");
  Interval whole = channels.front();
  for (const Interval &c : channels)
    whole = whole.hull(c);
  TensorRange range(whole);
  bool distinct = llvm::any_of(
      channels, [&](const Interval &c) { return c != channels.front(); });
  if (distinct)
    range.channels.assign(channels.begin(), channels.end());
  return range;
}

TensorRange TensorRange::ofType(Type type) {
  if (std::optional<Interval> range =
          integerTypeRange(getElementTypeOrSelf(type)))
    return TensorRange(*range);
  return TensorRange(Interval::full());
}

TensorRange TensorRange::join(const TensorRange &lhs, const TensorRange &rhs) {
  if (lhs.isUninitialized())
    return rhs;
  if (rhs.isUninitialized())
    return lhs;
  TensorRange result(lhs.whole.hull(rhs.whole));
  if (lhs.channels.size() == rhs.channels.size() && lhs.hasChannels()) {
    for (auto [a, b] : llvm::zip(lhs.channels, rhs.channels))
      result.channels.push_back(a.hull(b));
  }
  return result;
}

void TensorRange::print(llvm::raw_ostream &os) const {
  if (!initialized) {
    os << "<uninitialized>";
    return;
  }
  printInterval(os, whole);
  if (!hasChannels())
    return;
  os << " per channel {";
  llvm::interleaveComma(channels, os,
                        [&](const Interval &c) { printInterval(os, c); });
  os << '}';
}
