//===- FixedPoint.h - Fixed-point formats and arithmetic --------*- C++ -*-===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) numerics core.
//
// This header is the numerics contract of fxp (see docs/Numerics.md):
//
//   real = stored * 2^-F, stored in [minStored, maxStored] of a W-bit word.
//
// Float -> fixed: stored = round(x * 2^F) with the selected rounding mode,
// then the overflow mode (saturate by default, or wrap modulo 2^W).
// Fixed -> fixed: an exact integer shift by (F_to - F_from), rounding and
// overflow handled as above. All functions are deterministic; stochastic
// rounding draws its random bits from a counter-based generator keyed by
// (seed, element index), so results do not depend on evaluation order.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_NUMERICS_FIXEDPOINT_H
#define FXP_NUMERICS_FIXEDPOINT_H

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::fxp {

/// How a value between two representable values is resolved.
enum class RoundingMode : uint32_t {
  /// Round to nearest, ties away from zero (MATLAB `round`). The default.
  NearestAway = 0,
  /// Round to nearest, ties to the even neighbour (IEEE default).
  NearestEven = 1,
  /// Round toward negative infinity (MATLAB `floor`).
  Floor = 2,
  /// Round toward zero (MATLAB `fix`).
  TowardZero = 3,
  /// Round up with probability equal to the discarded fraction. Uses a
  /// caller-supplied 64-bit uniform draw (see `stochasticDraw`).
  Stochastic = 4,
};

/// What happens to a value outside the representable range.
enum class OverflowMode : uint32_t {
  /// Clamp to the nearest representable value. The default.
  Saturate = 0,
  /// Keep the low W bits (two's complement wrap-around).
  Wrap = 1,
};

/// Textual names used in IR and diagnostics: "nearest_away", "nearest_even",
/// "floor", "zero", "stochastic"; "saturate", "wrap".
const char *stringifyRoundingMode(RoundingMode mode);
std::optional<RoundingMode> parseRoundingMode(const std::string &name);
const char *stringifyOverflowMode(OverflowMode mode);
std::optional<OverflowMode> parseOverflowMode(const std::string &name);

/// Smallest and largest supported word lengths.
constexpr unsigned kMinWordLength = 1;
constexpr unsigned kMaxWordLength = 32;

/// A binary-point-scaled fixed-point format: real = stored * 2^-fractionLength.
/// The fraction length may be any integer (negative or larger than the word
/// length are legal, as in MATLAB's `fi`).
struct FixedFormat {
  bool isSigned = true;
  unsigned wordLength = 8;
  int fractionLength = 0;

  /// True when `wordLength` is in [kMinWordLength, kMaxWordLength].
  bool isValid() const;
  /// Smallest / largest stored integer: [-2^(W-1), 2^(W-1)-1] signed,
  /// [0, 2^W-1] unsigned. A signed 1-bit word holds {-1, 0}.
  int64_t minStored() const;
  int64_t maxStored() const;
  /// Value of one LSB: 2^-F.
  double lsb() const;
  /// Real values of minStored() and maxStored().
  double minReal() const;
  double maxReal() const;
  /// Highest magnitude bit the format represents (the sign bit excluded):
  /// W - 2 - F for signed, W - 1 - F for unsigned.
  int highestBit() const;
  /// Lowest bit the format represents: -F.
  int lowestBit() const { return -fractionLength; }
  /// "s8 F=3" style text for diagnostics and reports.
  std::string str() const;

  bool operator==(const FixedFormat &other) const {
    return isSigned == other.isSigned && wordLength == other.wordLength &&
           fractionLength == other.fractionLength;
  }
  bool operator!=(const FixedFormat &other) const { return !(*this == other); }
};

/// Format of word length `wordLength` whose highest magnitude bit is
/// `highestBit` (seed 002: F = W - 2 - p signed, W - 1 - p unsigned).
FixedFormat formatWithHighestBit(bool isSigned, unsigned wordLength,
                                 int highestBit);

/// Position of the most significant bit of |x|: floor(log2|x|), exact for all
/// finite non-zero doubles (subnormals included). nullopt for 0, NaN, Inf.
std::optional<int> msbPosition(double x);

/// A 64-bit uniform draw for stochastic rounding, a pure function of
/// (seed, index), so that quantizing a tensor gives the same result in any
/// evaluation order: output number `index` (0-based) of a SplitMix64
/// generator whose state starts at mix(seed), i.e.
/// mix(mix(seed) + (index + 1) * 0x9E3779B97F4A7C15), mix being the
/// SplitMix64 finalizer.
uint64_t stochasticDraw(uint64_t seed, uint64_t index);

/// Rounds an already scaled real value to an integral double with `mode`.
/// `randomBits` is used only by `RoundingMode::Stochastic`: the result is
/// floor(v) + 1 with probability frac(v), decided as
/// (randomBits >> 11) * 2^-53 < frac(v). Integral values (any mode), NaN and
/// +-Inf are returned unchanged.
double roundScaled(double scaled, RoundingMode mode, uint64_t randomBits = 0);

/// Applies the overflow mode of `format` to an integral value (any magnitude;
/// +-Inf saturate in both modes; wrap is modulo 2^W into the stored range).
/// NaN gives 0; a non-integral double is truncated toward zero first.
int64_t applyOverflow(double integral, const FixedFormat &format,
                      OverflowMode mode);
int64_t applyOverflow(int64_t value, const FixedFormat &format,
                      OverflowMode mode);

/// Float -> stored integer: round(x * 2^F) then overflow handling. NaN maps
/// to 0 and sets no flag. +-Inf saturate in both overflow modes. A finite x
/// whose scaled value exceeds the double range saturates, or wraps to 0 (its
/// low W bits are zero). Optional flags (reset on every call) report whether
/// the value overflowed (the rounded value was outside the range before the
/// overflow mode was applied) or underflowed (non-zero x that rounded to 0).
struct QuantizeFlags {
  bool overflow = false;
  bool underflow = false;
};
int64_t quantize(double x, const FixedFormat &format,
                 RoundingMode rounding = RoundingMode::NearestAway,
                 OverflowMode overflow = OverflowMode::Saturate,
                 uint64_t randomBits = 0, QuantizeFlags *flags = nullptr);

/// Stored integer -> real value: stored * 2^-F (exact in double for W <= 32).
double toReal(int64_t stored, const FixedFormat &format);

/// Quantize then dequantize: the real value x becomes in `format`.
double roundTrip(double x, const FixedFormat &format,
                 RoundingMode rounding = RoundingMode::NearestAway,
                 OverflowMode overflow = OverflowMode::Saturate,
                 uint64_t randomBits = 0);

/// Exact arithmetic shift right of `value` by `shift` bits (any shift >= 0,
/// including >= 64) with rounding of the discarded bits. Stochastic uses the
/// rule of `roundScaled`, evaluated exactly: it rounds up (floor + 1) iff
/// (randomBits >> 11) * 2^-53 < discarded * 2^-shift, so the result matches
/// the float path bit for bit, and the probability is exactly
/// discarded / 2^shift for shift <= 53. This is the requantization primitive
/// of integer kernels.
int64_t roundingShiftRight(int64_t value, unsigned shift, RoundingMode mode,
                           uint64_t randomBits = 0);

/// Fixed -> fixed: re-expresses `stored` (in `from`) in `to`: a left shift
/// when F grows, a rounding right shift when it shrinks, then overflow
/// handling for `to`'s word.
int64_t castStored(int64_t stored, const FixedFormat &from,
                   const FixedFormat &to,
                   RoundingMode rounding = RoundingMode::NearestAway,
                   OverflowMode overflow = OverflowMode::Saturate,
                   uint64_t randomBits = 0);

/// Best-precision fraction length (MATLAB `fi` default scaling): the largest
/// F such that every value of [lo, hi] quantizes (nearest-away) without
/// overflow into a word of `wordLength` bits. For an all-zero range the
/// result is W - 1 (signed) or W (unsigned), as MATLAB's fi(0).
/// Requires lo <= hi, finite values; unsigned requires lo >= 0 (otherwise
/// the negative part saturates to 0 and is ignored).
int bestFractionLength(double lo, double hi, unsigned wordLength,
                       bool isSigned = true);
inline int bestFractionLength(double value, unsigned wordLength,
                              bool isSigned = true) {
  return bestFractionLength(value < 0 ? value : 0.0, value < 0 ? 0.0 : value,
                            wordLength, isSigned);
}

} // namespace mlir::fxp

#endif // FXP_NUMERICS_FIXEDPOINT_H
