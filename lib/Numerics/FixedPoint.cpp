//===- FixedPoint.cpp - Fixed-point formats and arithmetic ----------------===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) numerics core.
//
//===----------------------------------------------------------------------===//
//
// Implementation of the contract in fxp/Numerics/FixedPoint.h. Everything here
// is exact: powers of two are applied with std::ldexp, exponents are read with
// std::frexp, and integer shifts that could leave the int64 range are carried
// out in 128-bit arithmetic.
//
// Semantic decisions beyond the header:
//  * NaN quantizes to stored 0 and raises no flag; applyOverflow(NaN) is 0.
//  * A finite x whose scaled value x * 2^F leaves the double range raises the
//    overflow flag and saturates; in wrap mode it becomes 0, which is exact:
//    such a value is a multiple of 2^971, so its low W bits are all zero.
//  * Stochastic rounding is one rule everywhere: with u = (randomBits >> 11)
//    * 2^-53 in [0, 1), a value v rounds to floor(v) + 1 iff u < frac(v).
//    roundScaled evaluates it in double, roundingShiftRight in exact integer
//    arithmetic (frac = discarded / 2^shift), so an integer requantization
//    and the float reference agree bit for bit for the same random bits. The
//    probability of rounding up is frac exactly when frac is a multiple of
//    2^-53 (every shift <= 53), otherwise ceil(frac * 2^53) / 2^53.
//  * stochasticDraw(seed, index) = mix(mix(seed) + (index + 1) * gamma), i.e.
//    output number `index` (0-based) of a SplitMix64 generator whose state
//    starts at mix(seed); mix is the SplitMix64 finalizer and gamma is
//    0x9E3779B97F4A7C15.
//
//===----------------------------------------------------------------------===//

#include "fxp/Numerics/FixedPoint.h"

#include <cassert>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::fxp;

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

//===----------------------------------------------------------------------===//
// Local helpers
//===----------------------------------------------------------------------===//

/// Returns x * 2^exp for a 64-bit exponent. Exponents are clamped to a range
/// wide enough that any finite non-zero double still overflows or underflows,
/// so the result is exactly std::ldexp's with the unclamped exponent.
static double scaleByPowerOfTwo(double x, int64_t exp) {
  constexpr int64_t kLimit = 4096;
  if (exp > kLimit)
    exp = kLimit;
  if (exp < -kLimit)
    exp = -kLimit;
  return std::ldexp(x, static_cast<int>(exp));
}

/// Keeps the low `format.wordLength` bits of `bits` and reads them as a
/// stored integer of `format` (two's complement when signed).
static int64_t wrapBits(uint64_t bits, const FixedFormat &format) {
  assert(format.isValid() && "invalid fixed-point word length");
  unsigned width = format.wordLength;
  uint64_t modulus = uint64_t(1) << width;
  bits &= modulus - 1;
  if (format.isSigned && ((bits >> (width - 1)) & 1))
    return static_cast<int64_t>(bits) - static_cast<int64_t>(modulus);
  return static_cast<int64_t>(bits);
}

/// The SplitMix64 output function (Stafford's "Mix13" variant).
static uint64_t splitMix64Finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

//===----------------------------------------------------------------------===//
// Mode names
//===----------------------------------------------------------------------===//

const char *fxp::stringifyRoundingMode(RoundingMode mode) {
  switch (mode) {
  case RoundingMode::NearestAway:
    return "nearest_away";
  case RoundingMode::NearestEven:
    return "nearest_even";
  case RoundingMode::Floor:
    return "floor";
  case RoundingMode::TowardZero:
    return "zero";
  case RoundingMode::Stochastic:
    return "stochastic";
  }
  return "unknown";
}

std::optional<RoundingMode> fxp::parseRoundingMode(const std::string &name) {
  if (name == "nearest_away")
    return RoundingMode::NearestAway;
  if (name == "nearest_even")
    return RoundingMode::NearestEven;
  if (name == "floor")
    return RoundingMode::Floor;
  if (name == "zero")
    return RoundingMode::TowardZero;
  if (name == "stochastic")
    return RoundingMode::Stochastic;
  return std::nullopt;
}

const char *fxp::stringifyOverflowMode(OverflowMode mode) {
  switch (mode) {
  case OverflowMode::Saturate:
    return "saturate";
  case OverflowMode::Wrap:
    return "wrap";
  }
  return "unknown";
}

std::optional<OverflowMode> fxp::parseOverflowMode(const std::string &name) {
  if (name == "saturate")
    return OverflowMode::Saturate;
  if (name == "wrap")
    return OverflowMode::Wrap;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// FixedFormat
//===----------------------------------------------------------------------===//

bool FixedFormat::isValid() const {
  return wordLength >= kMinWordLength && wordLength <= kMaxWordLength;
}

int64_t FixedFormat::minStored() const {
  assert(isValid() && "invalid fixed-point word length");
  return isSigned ? -(int64_t(1) << (wordLength - 1)) : 0;
}

int64_t FixedFormat::maxStored() const {
  assert(isValid() && "invalid fixed-point word length");
  return isSigned ? (int64_t(1) << (wordLength - 1)) - 1
                  : (int64_t(1) << wordLength) - 1;
}

double FixedFormat::lsb() const {
  return scaleByPowerOfTwo(1.0, -int64_t(fractionLength));
}

double FixedFormat::minReal() const {
  return scaleByPowerOfTwo(double(minStored()), -int64_t(fractionLength));
}

double FixedFormat::maxReal() const {
  return scaleByPowerOfTwo(double(maxStored()), -int64_t(fractionLength));
}

int FixedFormat::highestBit() const {
  return int(wordLength) - (isSigned ? 2 : 1) - fractionLength;
}

std::string FixedFormat::str() const {
  return std::string(isSigned ? "s" : "u") + std::to_string(wordLength) +
         " F=" + std::to_string(fractionLength);
}

FixedFormat fxp::formatWithHighestBit(bool isSigned, unsigned wordLength,
                                      int highestBit) {
  FixedFormat format;
  format.isSigned = isSigned;
  format.wordLength = wordLength;
  format.fractionLength = int(wordLength) - (isSigned ? 2 : 1) - highestBit;
  return format;
}

//===----------------------------------------------------------------------===//
// Scalar primitives
//===----------------------------------------------------------------------===//

std::optional<int> fxp::msbPosition(double x) {
  if (x == 0.0 || !std::isfinite(x))
    return std::nullopt;
  // frexp: |x| = m * 2^exp with m in [0.5, 1), exact for subnormals too.
  int exp = 0;
  (void)std::frexp(x, &exp);
  return exp - 1;
}

uint64_t fxp::stochasticDraw(uint64_t seed, uint64_t index) {
  constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ULL;
  return splitMix64Finalize(splitMix64Finalize(seed) + (index + 1) * kGamma);
}

double fxp::roundScaled(double scaled, RoundingMode mode, uint64_t randomBits) {
  // Every double of magnitude >= 2^52 is already an integer; NaN and +-Inf
  // are returned unchanged as well.
  if (!(std::fabs(scaled) < 0x1p52))
    return scaled;
  double lower = std::floor(scaled);
  if (lower == scaled)
    return scaled;
  double upper = lower + 1.0;
  switch (mode) {
  case RoundingMode::NearestAway:
  case RoundingMode::NearestEven: {
    // Compare against the midpoint rather than computing frac(scaled): the
    // midpoint is exact for |lower| < 2^52, the fraction may not be.
    double midpoint = lower + 0.5;
    if (scaled < midpoint)
      return lower;
    if (scaled > midpoint)
      return upper;
    if (mode == RoundingMode::NearestAway)
      return scaled < 0 ? lower : upper;
    return std::fmod(lower, 2.0) == 0.0 ? lower : upper;
  }
  case RoundingMode::Floor:
    return lower;
  case RoundingMode::TowardZero:
    return scaled < 0 ? upper : lower;
  case RoundingMode::Stochastic: {
    double u = std::ldexp(double(randomBits >> 11), -53);
    // Round up iff u < frac(scaled). scaled - lower is exact except for
    // scaled in (-1, 0), where 1 + scaled may round; there u - 1 is exact.
    bool roundUp = lower == -1.0 ? (u - 1.0 < scaled) : (u < scaled - lower);
    return roundUp ? upper : lower;
  }
  }
  return lower;
}

int64_t fxp::applyOverflow(double integral, const FixedFormat &format,
                           OverflowMode mode) {
  if (std::isnan(integral))
    return 0;
  int64_t minValue = format.minStored();
  int64_t maxValue = format.maxStored();
  if (std::isinf(integral))
    return integral > 0 ? maxValue : minValue;
  double value = std::trunc(integral);
  if (mode == OverflowMode::Saturate) {
    if (value <= double(minValue))
      return minValue;
    if (value >= double(maxValue))
      return maxValue;
    return static_cast<int64_t>(value);
  }
  // fmod is exact; the remainder has magnitude < 2^W <= 2^32.
  double remainder = std::fmod(value, std::ldexp(1.0, int(format.wordLength)));
  return wrapBits(static_cast<uint64_t>(static_cast<int64_t>(remainder)),
                  format);
}

int64_t fxp::applyOverflow(int64_t value, const FixedFormat &format,
                           OverflowMode mode) {
  if (mode == OverflowMode::Saturate) {
    int64_t minValue = format.minStored();
    int64_t maxValue = format.maxStored();
    return value < minValue ? minValue : value > maxValue ? maxValue : value;
  }
  return wrapBits(static_cast<uint64_t>(value), format);
}

int64_t fxp::quantize(double x, const FixedFormat &format,
                      RoundingMode rounding, OverflowMode overflow,
                      uint64_t randomBits, QuantizeFlags *flags) {
  QuantizeFlags localFlags;
  QuantizeFlags &result = flags ? *flags : localFlags;
  result = QuantizeFlags();
  if (std::isnan(x))
    return 0;
  int64_t minValue = format.minStored();
  int64_t maxValue = format.maxStored();
  if (std::isinf(x)) {
    result.overflow = true;
    return x > 0 ? maxValue : minValue;
  }

  double scaled = std::ldexp(x, format.fractionLength);
  if (std::isinf(scaled)) {
    // x * 2^F is beyond the double range, hence a multiple of 2^971: it
    // saturates, or wraps to its low W bits, which are all zero.
    result.overflow = true;
    if (overflow == OverflowMode::Wrap)
      return 0;
    return x > 0 ? maxValue : minValue;
  }
  // ldexp may round a tiny product to zero and lose its sign, which floor and
  // stochastic rounding depend on. Any non-zero value below the smallest
  // subnormal rounds like the smallest subnormal of the same sign.
  if (scaled == 0.0 && x != 0.0)
    scaled = std::copysign(std::numeric_limits<double>::denorm_min(), x);

  double rounded = roundScaled(scaled, rounding, randomBits);
  if (rounded == 0.0 && x != 0.0)
    result.underflow = true;
  if (rounded < double(minValue) || rounded > double(maxValue))
    result.overflow = true;
  return applyOverflow(rounded, format, overflow);
}

double fxp::toReal(int64_t stored, const FixedFormat &format) {
  return scaleByPowerOfTwo(double(stored), -int64_t(format.fractionLength));
}

double fxp::roundTrip(double x, const FixedFormat &format,
                      RoundingMode rounding, OverflowMode overflow,
                      uint64_t randomBits) {
  return toReal(quantize(x, format, rounding, overflow, randomBits), format);
}

//===----------------------------------------------------------------------===//
// Integer requantization
//===----------------------------------------------------------------------===//

int64_t fxp::roundingShiftRight(int64_t value, unsigned shift,
                                RoundingMode mode, uint64_t randomBits) {
  if (shift == 0 || value == 0)
    return value;
  bool negative = value < 0;
  uint64_t u53 = randomBits >> 11; // The stochastic threshold is u53 * 2^-53.

  if (shift >= 128) {
    // |value| * 2^-shift < 2^-65: the value lies strictly between floor and
    // floor + 1 and far from the midpoint. For stochastic rounding frac is
    // below 2^-65 (positive) or above 1 - 2^-65 (negative), so it exceeds u
    // iff u == 0 (positive), and always (negative).
    switch (mode) {
    case RoundingMode::Floor:
      return negative ? -1 : 0;
    case RoundingMode::Stochastic:
      return negative ? 0 : (u53 == 0 ? 1 : 0);
    case RoundingMode::NearestAway:
    case RoundingMode::NearestEven:
    case RoundingMode::TowardZero:
      return 0;
    }
    return 0;
  }

  // lower = floor(value / 2^shift), written without shifting negative values.
  int64_t lower;
  if (shift >= 64)
    lower = negative ? -1 : 0;
  else
    lower = negative ? ~(~value >> shift) : value >> shift;
  // The discarded part, value - lower * 2^shift, in [0, 2^shift).
  UInt128 mask = (UInt128(1) << shift) - 1;
  UInt128 discarded = static_cast<UInt128>(Int128(value)) & mask;
  if (discarded == 0)
    return lower;
  int64_t upper = lower + 1; // Cannot overflow: lower <= INT64_MAX / 2.
  UInt128 half = UInt128(1) << (shift - 1);

  switch (mode) {
  case RoundingMode::NearestAway:
    if (discarded != half)
      return discarded > half ? upper : lower;
    return negative ? lower : upper;
  case RoundingMode::NearestEven:
    if (discarded != half)
      return discarded > half ? upper : lower;
    return lower % 2 == 0 ? lower : upper;
  case RoundingMode::Floor:
    return lower;
  case RoundingMode::TowardZero:
    return negative ? upper : lower;
  case RoundingMode::Stochastic: {
    // Round up iff u53 * 2^-53 < discarded * 2^-shift, i.e. (discarded being
    // an integer) iff discarded > floor(u53 * 2^(shift - 53)).
    UInt128 threshold = shift >= 53 ? UInt128(u53) << (shift - 53)
                                    : UInt128(u53 >> (53 - shift));
    return discarded > threshold ? upper : lower;
  }
  }
  return lower;
}

int64_t fxp::castStored(int64_t stored, const FixedFormat &from,
                        const FixedFormat &to, RoundingMode rounding,
                        OverflowMode overflow, uint64_t randomBits) {
  int64_t delta = int64_t(to.fractionLength) - int64_t(from.fractionLength);
  if (delta <= 0) {
    // |delta| <= 2^32 - 1, which fits in unsigned.
    int64_t shifted = roundingShiftRight(stored, static_cast<unsigned>(-delta),
                                         rounding, randomBits);
    return applyOverflow(shifted, to, overflow);
  }

  // Left shift: exact value stored * 2^delta, possibly far beyond int64.
  if (stored == 0)
    return 0;
  if (overflow == OverflowMode::Saturate) {
    int64_t minValue = to.minStored();
    int64_t maxValue = to.maxStored();
    if (delta >= 64)
      return stored > 0 ? maxValue : minValue;
    // |stored| <= 2^63 and delta <= 63, so the product fits in 127 bits.
    Int128 shifted = Int128(stored) * (Int128(1) << delta);
    if (shifted < Int128(minValue))
      return minValue;
    if (shifted > Int128(maxValue))
      return maxValue;
    return static_cast<int64_t>(shifted);
  }
  // Wrap: the low W <= 32 bits of the product only depend on its low 64 bits,
  // which unsigned arithmetic computes modulo 2^64.
  uint64_t bits = delta >= 64 ? 0 : static_cast<uint64_t>(stored) << delta;
  return wrapBits(bits, to);
}

//===----------------------------------------------------------------------===//
// Format selection
//===----------------------------------------------------------------------===//

int fxp::bestFractionLength(double lo, double hi, unsigned wordLength,
                            bool isSigned) {
  // Outside the documented preconditions: NaN counts as 0 and +-Inf as the
  // largest finite double of that sign.
  auto sanitize = [](double value) {
    if (std::isnan(value))
      return 0.0;
    if (std::isinf(value))
      return std::copysign(DBL_MAX, value);
    return value;
  };
  lo = sanitize(lo);
  hi = sanitize(hi);
  if (!isSigned) {
    // Negative values saturate to 0 in an unsigned word; ignore them.
    lo = lo < 0 ? 0.0 : lo;
    hi = hi < 0 ? 0.0 : hi;
  }

  double magnitude = std::fmax(std::fabs(lo), std::fabs(hi));
  std::optional<int> msb = msbPosition(magnitude);
  if (!msb)
    return isSigned ? int(wordLength) - 1 : int(wordLength);

  FixedFormat format = formatWithHighestBit(isSigned, wordLength, *msb);
  auto fits = [&](int fractionLength) {
    format.fractionLength = fractionLength;
    QuantizeFlags flags;
    quantize(lo, format, RoundingMode::NearestAway, OverflowMode::Saturate, 0,
             &flags);
    if (flags.overflow)
      return false;
    quantize(hi, format, RoundingMode::NearestAway, OverflowMode::Saturate, 0,
             &flags);
    return !flags.overflow;
  };

  // The MSB guess is off by at most one: -2^k fits one more bit (e.g. -1.0
  // in s8 has F = 7), values that round up to 2^(W-1) need one bit less
  // (e.g. 0.999 in s8 has F = 6). Fitting is monotone in F, so walk.
  int fractionLength = format.fractionLength;
  while (!fits(fractionLength))
    --fractionLength;
  while (fits(fractionLength + 1))
    ++fractionLength;
  return fractionLength;
}
