//===- FixedPointTest.cpp - Tests for the fixed-point numerics core -------===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) numerics core.
//
//===----------------------------------------------------------------------===//

#include "fxp/Numerics/FixedPoint.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cfenv>
#include <cfloat>
#include <climits>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace mlir::fxp;

__extension__ typedef __int128 Int128;

namespace {

constexpr RoundingMode kAllModes[] = {
    RoundingMode::NearestAway, RoundingMode::NearestEven, RoundingMode::Floor,
    RoundingMode::TowardZero, RoundingMode::Stochastic};
constexpr RoundingMode kDeterministicModes[] = {
    RoundingMode::NearestAway, RoundingMode::NearestEven, RoundingMode::Floor,
    RoundingMode::TowardZero};
constexpr OverflowMode kAllOverflowModes[] = {OverflowMode::Saturate,
                                              OverflowMode::Wrap};

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

FixedFormat makeFormat(bool isSigned, unsigned wordLength, int fractionLength) {
  FixedFormat format;
  format.isSigned = isSigned;
  format.wordLength = wordLength;
  format.fractionLength = fractionLength;
  return format;
}

FixedFormat s(unsigned wordLength, int fractionLength) {
  return makeFormat(true, wordLength, fractionLength);
}

FixedFormat u(unsigned wordLength, int fractionLength) {
  return makeFormat(false, wordLength, fractionLength);
}

/// Random bits whose stochastic threshold (randomBits >> 11) * 2^-53 is
/// exactly `threshold` (a multiple of 2^-53 in [0, 1)).
uint64_t bitsForThreshold(double threshold) {
  return static_cast<uint64_t>(std::ldexp(threshold, 53)) << 11;
}

/// Low W bits of `value` read as a stored integer (reference wrap).
int64_t referenceWrap(Int128 value, const FixedFormat &format) {
  Int128 modulus = Int128(1) << format.wordLength;
  Int128 r = value % modulus;
  if (r < 0)
    r += modulus;
  if (format.isSigned && r > Int128(format.maxStored()))
    r -= modulus;
  return static_cast<int64_t>(r);
}

std::string describe(const FixedFormat &format, RoundingMode rounding,
                     OverflowMode overflow) {
  return format.str() + " " + stringifyRoundingMode(rounding) + " " +
         stringifyOverflowMode(overflow);
}

//===----------------------------------------------------------------------===//
// Seed examples
//===----------------------------------------------------------------------===//

TEST(FixedPointSeed, BestPrecisionOf0_0269) {
  int fractionLength = bestFractionLength(0.0269, 8);
  EXPECT_EQ(fractionLength, 12);
  FixedFormat format = s(8, fractionLength);
  EXPECT_EQ(quantize(0.0269, format), 110);
  EXPECT_EQ(toReal(110, format), 0.02685546875);
  EXPECT_EQ(roundTrip(0.0269, format), 0.02685546875);
}

TEST(FixedPointSeed, S8F3Of0_03125UnderflowsToZero) {
  QuantizeFlags flags;
  EXPECT_EQ(quantize(0.03125, s(8, 3), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            0);
  EXPECT_TRUE(flags.underflow);
  EXPECT_FALSE(flags.overflow);
  EXPECT_EQ(roundTrip(0.03125, s(8, 3)), 0.0);
}

TEST(FixedPointSeed, S8F3Of2_1Is2_125) {
  QuantizeFlags flags;
  EXPECT_EQ(quantize(2.1, s(8, 3), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            17);
  EXPECT_FALSE(flags.underflow);
  EXPECT_FALSE(flags.overflow);
  EXPECT_EQ(roundTrip(2.1, s(8, 3)), 2.125);
}

TEST(FixedPointSeed, S8F3Of16_25SaturatesTo15_875) {
  QuantizeFlags flags;
  EXPECT_EQ(quantize(16.25, s(8, 3), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            127);
  EXPECT_TRUE(flags.overflow);
  EXPECT_FALSE(flags.underflow);
  EXPECT_EQ(roundTrip(16.25, s(8, 3)), 15.875);
  EXPECT_EQ(15.875, 127.0 / 8);
}

TEST(FixedPointSeed, NearestAwayTieOf2_5RoundsTo3) {
  EXPECT_EQ(quantize(2.5, s(8, 0), RoundingMode::NearestAway), 3);
}

TEST(FixedPointSeed, NearestAwayTieOfMinus2_5RoundsToMinus3) {
  EXPECT_EQ(quantize(-2.5, s(8, 0), RoundingMode::NearestAway), -3);
}

TEST(FixedPointSeed, NearestEvenTieOf2_5RoundsTo2) {
  EXPECT_EQ(quantize(2.5, s(8, 0), RoundingMode::NearestEven), 2);
}

//===----------------------------------------------------------------------===//
// Mode names
//===----------------------------------------------------------------------===//

TEST(FixedPointModeNames, RoundingModesRoundTrip) {
  EXPECT_STREQ(stringifyRoundingMode(RoundingMode::NearestAway),
               "nearest_away");
  EXPECT_STREQ(stringifyRoundingMode(RoundingMode::NearestEven),
               "nearest_even");
  EXPECT_STREQ(stringifyRoundingMode(RoundingMode::Floor), "floor");
  EXPECT_STREQ(stringifyRoundingMode(RoundingMode::TowardZero), "zero");
  EXPECT_STREQ(stringifyRoundingMode(RoundingMode::Stochastic), "stochastic");
  for (RoundingMode mode : kAllModes)
    EXPECT_EQ(parseRoundingMode(stringifyRoundingMode(mode)), mode);
}

TEST(FixedPointModeNames, OverflowModesRoundTrip) {
  EXPECT_STREQ(stringifyOverflowMode(OverflowMode::Saturate), "saturate");
  EXPECT_STREQ(stringifyOverflowMode(OverflowMode::Wrap), "wrap");
  for (OverflowMode mode : kAllOverflowModes)
    EXPECT_EQ(parseOverflowMode(stringifyOverflowMode(mode)), mode);
}

TEST(FixedPointModeNames, UnknownNamesAreRejected) {
  EXPECT_FALSE(parseRoundingMode(""));
  EXPECT_FALSE(parseRoundingMode("nearest"));
  EXPECT_FALSE(parseRoundingMode("Floor"));
  EXPECT_FALSE(parseRoundingMode("toward_zero"));
  EXPECT_FALSE(parseOverflowMode(""));
  EXPECT_FALSE(parseOverflowMode("saturation"));
  EXPECT_FALSE(parseOverflowMode("Wrap"));
}

//===----------------------------------------------------------------------===//
// FixedFormat
//===----------------------------------------------------------------------===//

TEST(FixedFormat, DefaultIsS8F0) {
  FixedFormat format;
  EXPECT_EQ(format, s(8, 0));
  EXPECT_TRUE(format.isValid());
}

TEST(FixedFormat, ValidWordLengths) {
  EXPECT_FALSE(s(0, 0).isValid());
  EXPECT_TRUE(s(1, 0).isValid());
  EXPECT_TRUE(u(32, 0).isValid());
  EXPECT_FALSE(s(33, 0).isValid());
  EXPECT_FALSE(u(64, 0).isValid());
}

TEST(FixedFormat, StoredRanges) {
  EXPECT_EQ(s(1, 0).minStored(), -1);
  EXPECT_EQ(s(1, 0).maxStored(), 0);
  EXPECT_EQ(u(1, 0).minStored(), 0);
  EXPECT_EQ(u(1, 0).maxStored(), 1);
  EXPECT_EQ(s(8, 3).minStored(), -128);
  EXPECT_EQ(s(8, 3).maxStored(), 127);
  EXPECT_EQ(u(8, 3).minStored(), 0);
  EXPECT_EQ(u(8, 3).maxStored(), 255);
  EXPECT_EQ(s(32, 0).minStored(), -2147483648LL);
  EXPECT_EQ(s(32, 0).maxStored(), 2147483647LL);
  EXPECT_EQ(u(32, 0).minStored(), 0);
  EXPECT_EQ(u(32, 0).maxStored(), 4294967295LL);
}

TEST(FixedFormat, RealRangesAndLsb) {
  EXPECT_EQ(s(8, 3).lsb(), 0.125);
  EXPECT_EQ(s(8, 3).minReal(), -16.0);
  EXPECT_EQ(s(8, 3).maxReal(), 15.875);
  EXPECT_EQ(u(16, -2).lsb(), 4.0);
  EXPECT_EQ(u(16, -2).minReal(), 0.0);
  EXPECT_EQ(u(16, -2).maxReal(), 65535.0 * 4);
  EXPECT_EQ(s(8, 10).lsb(), 1.0 / 1024);
  EXPECT_EQ(s(8, 10).maxReal(), 127.0 / 1024);
  EXPECT_EQ(s(1, 0).minReal(), -1.0);
  EXPECT_EQ(s(1, 0).maxReal(), 0.0);
  EXPECT_EQ(s(32, 31).minReal(), -1.0);
  EXPECT_EQ(s(32, 31).maxReal(), 1.0 - std::ldexp(1.0, -31));
  EXPECT_EQ(s(8, 1074).lsb(), kDenormMin);
  EXPECT_EQ(s(8, 2000).lsb(), 0.0);
  EXPECT_EQ(s(8, -2000).lsb(), kInf);
  EXPECT_EQ(s(8, INT_MIN).lsb(), kInf);
  EXPECT_EQ(s(8, INT_MAX).lsb(), 0.0);
}

TEST(FixedFormat, HighestAndLowestBits) {
  EXPECT_EQ(s(8, 3).highestBit(), 3);
  EXPECT_EQ(u(8, 3).highestBit(), 4);
  EXPECT_EQ(s(8, 3).lowestBit(), -3);
  EXPECT_EQ(s(8, 12).highestBit(), -6);
  EXPECT_EQ(u(16, -2).highestBit(), 17);
  EXPECT_EQ(u(16, -2).lowestBit(), 2);
  EXPECT_EQ(s(1, 0).highestBit(), -1);
  EXPECT_EQ(u(1, 0).highestBit(), 0);
}

TEST(FixedFormat, Str) {
  EXPECT_EQ(s(8, 3).str(), "s8 F=3");
  EXPECT_EQ(u(16, -2).str(), "u16 F=-2");
  EXPECT_EQ(s(32, 40).str(), "s32 F=40");
  EXPECT_EQ(u(1, 0).str(), "u1 F=0");
}

TEST(FixedFormat, Equality) {
  EXPECT_EQ(s(8, 3), s(8, 3));
  EXPECT_NE(s(8, 3), u(8, 3));
  EXPECT_NE(s(8, 3), s(16, 3));
  EXPECT_NE(s(8, 3), s(8, 4));
}

TEST(FixedFormat, FormatWithHighestBit) {
  EXPECT_EQ(formatWithHighestBit(true, 8, -6), s(8, 12));
  EXPECT_EQ(formatWithHighestBit(false, 8, -6), u(8, 13));
  EXPECT_EQ(formatWithHighestBit(true, 16, 20), s(16, -6));
  EXPECT_EQ(formatWithHighestBit(true, 1, 0), s(1, -1));
  for (bool isSigned : {true, false})
    for (unsigned w : {1u, 7u, 32u})
      for (int bit : {-40, -1, 0, 5, 60})
        EXPECT_EQ(formatWithHighestBit(isSigned, w, bit).highestBit(), bit);
}

//===----------------------------------------------------------------------===//
// msbPosition
//===----------------------------------------------------------------------===//

TEST(FixedPointMsb, PowersOfTwoAndNeighbours) {
  EXPECT_EQ(msbPosition(1.0), 0);
  EXPECT_EQ(msbPosition(-1.0), 0);
  EXPECT_EQ(msbPosition(std::nextafter(1.0, 0.0)), -1);
  EXPECT_EQ(msbPosition(0.5), -1);
  EXPECT_EQ(msbPosition(0.75), -1);
  EXPECT_EQ(msbPosition(3.0), 1);
  EXPECT_EQ(msbPosition(1023.999), 9);
  EXPECT_EQ(msbPosition(1024.0), 10);
  EXPECT_EQ(msbPosition(-1024.0), 10);
  EXPECT_EQ(msbPosition(0.0269), -6);
  for (int e = -1074; e <= 1023; ++e) {
    double p = std::ldexp(1.0, e);
    ASSERT_EQ(msbPosition(p), e);
    ASSERT_EQ(msbPosition(-p), e);
    if (e > -1074) {
      ASSERT_EQ(msbPosition(std::nextafter(p, 0.0)), e - 1);
      ASSERT_EQ(msbPosition(std::nextafter(p, kInf)), e);
    }
  }
}

TEST(FixedPointMsb, SubnormalsAndExtremes) {
  EXPECT_EQ(msbPosition(kDenormMin), -1074);
  EXPECT_EQ(msbPosition(3 * kDenormMin), -1073);
  EXPECT_EQ(msbPosition(DBL_MIN), -1022);
  EXPECT_EQ(msbPosition(std::nextafter(DBL_MIN, 0.0)), -1023);
  EXPECT_EQ(msbPosition(DBL_MAX), 1023);
  EXPECT_EQ(msbPosition(-DBL_MAX), 1023);
}

TEST(FixedPointMsb, NoMsbForZeroNaNAndInf) {
  EXPECT_FALSE(msbPosition(0.0));
  EXPECT_FALSE(msbPosition(-0.0));
  EXPECT_FALSE(msbPosition(kNaN));
  EXPECT_FALSE(msbPosition(kInf));
  EXPECT_FALSE(msbPosition(-kInf));
}

//===----------------------------------------------------------------------===//
// stochasticDraw
//===----------------------------------------------------------------------===//

TEST(FixedPointStochasticDraw, MatchesSplitMix64Stream) {
  // mix(0) == 0, so seed 0 is the reference SplitMix64 stream from state 0.
  EXPECT_EQ(stochasticDraw(0, 0), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(stochasticDraw(0, 1), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(stochasticDraw(0, 2), 0x06C45D188009454FULL);
}

TEST(FixedPointStochasticDraw, PureFunctionOfSeedAndIndex) {
  std::vector<uint64_t> forward, backward;
  for (uint64_t i = 0; i < 1000; ++i)
    forward.push_back(stochasticDraw(42, i));
  for (uint64_t i = 1000; i-- > 0;)
    backward.push_back(stochasticDraw(42, i));
  std::reverse(backward.begin(), backward.end());
  EXPECT_EQ(forward, backward);

  std::vector<uint64_t> sorted = forward;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
  int differ = 0;
  for (uint64_t i = 0; i < 1000; ++i)
    differ += stochasticDraw(43, i) != forward[i];
  EXPECT_EQ(differ, 1000);
}

TEST(FixedPointStochasticDraw, BitsLookUniform) {
  constexpr int kDraws = 100000;
  int ones[64] = {};
  for (uint64_t i = 0; i < kDraws; ++i) {
    uint64_t draw = stochasticDraw(7, i);
    for (int bit = 0; bit < 64; ++bit)
      ones[bit] += (draw >> bit) & 1;
  }
  // 5 sigma of a binomial(1e5, 1/2) is about 790.
  for (int bit = 0; bit < 64; ++bit)
    EXPECT_NEAR(ones[bit], kDraws / 2, 800) << "bit " << bit;
}

//===----------------------------------------------------------------------===//
// roundScaled
//===----------------------------------------------------------------------===//

TEST(FixedPointRoundScaled, NearestAway) {
  auto r = [](double v) { return roundScaled(v, RoundingMode::NearestAway); };
  EXPECT_EQ(r(2.5), 3.0);
  EXPECT_EQ(r(-2.5), -3.0);
  EXPECT_EQ(r(0.5), 1.0);
  EXPECT_EQ(r(-0.5), -1.0);
  EXPECT_EQ(r(2.4), 2.0);
  EXPECT_EQ(r(2.6), 3.0);
  EXPECT_EQ(r(-2.4), -2.0);
  EXPECT_EQ(r(-2.6), -3.0);
  EXPECT_EQ(r(0.49999999999999994), 0.0);
  EXPECT_EQ(r(-0.49999999999999994), 0.0);
  EXPECT_EQ(r(4503599627370495.5), 4503599627370496.0);
}

TEST(FixedPointRoundScaled, NearestEven) {
  auto r = [](double v) { return roundScaled(v, RoundingMode::NearestEven); };
  EXPECT_EQ(r(2.5), 2.0);
  EXPECT_EQ(r(3.5), 4.0);
  EXPECT_EQ(r(-2.5), -2.0);
  EXPECT_EQ(r(-3.5), -4.0);
  EXPECT_EQ(r(0.5), 0.0);
  EXPECT_EQ(r(-0.5), 0.0);
  EXPECT_EQ(r(1.5), 2.0);
  EXPECT_EQ(r(-1.5), -2.0);
  EXPECT_EQ(r(2.5000000000000004), 3.0);
  EXPECT_EQ(r(-0.5 - std::ldexp(1.0, -53)), -1.0);
  EXPECT_EQ(r(-1.5 + std::ldexp(1.0, -52)), -1.0);
  EXPECT_EQ(r(0.49999999999999994), 0.0);
  EXPECT_EQ(r(4503599627370494.5), 4503599627370494.0);
  EXPECT_EQ(r(4503599627370495.5), 4503599627370496.0);
}

TEST(FixedPointRoundScaled, FloorAndTowardZero) {
  EXPECT_EQ(roundScaled(2.7, RoundingMode::Floor), 2.0);
  EXPECT_EQ(roundScaled(-2.2, RoundingMode::Floor), -3.0);
  EXPECT_EQ(roundScaled(-kDenormMin, RoundingMode::Floor), -1.0);
  EXPECT_EQ(roundScaled(kDenormMin, RoundingMode::Floor), 0.0);
  EXPECT_EQ(roundScaled(2.7, RoundingMode::TowardZero), 2.0);
  EXPECT_EQ(roundScaled(-2.7, RoundingMode::TowardZero), -2.0);
  EXPECT_EQ(roundScaled(-kDenormMin, RoundingMode::TowardZero), 0.0);
}

TEST(FixedPointRoundScaled, IntegersNaNAndInfAreUnchanged) {
  for (RoundingMode mode : kAllModes) {
    for (double v : {0.0, 1.0, -1.0, 7.0, -8.0, 0x1p52, -0x1p52, 0x1p53 + 2,
                     1e300, -1e300, DBL_MAX, kInf, -kInf}) {
      EXPECT_EQ(roundScaled(v, mode, ~0ULL), v) << v;
      EXPECT_EQ(roundScaled(v, mode, 0), v) << v;
    }
    EXPECT_TRUE(std::isnan(roundScaled(kNaN, mode)));
  }
}

TEST(FixedPointRoundScaled, StochasticThresholdIsStrict) {
  const RoundingMode st = RoundingMode::Stochastic;
  // frac(2.25) = 0.25: up iff u < 0.25.
  EXPECT_EQ(roundScaled(2.25, st, 0), 3.0);
  EXPECT_EQ(roundScaled(2.25, st, bitsForThreshold(0.25) - 1), 3.0);
  EXPECT_EQ(roundScaled(2.25, st, bitsForThreshold(0.25 - 0x1p-53)), 3.0);
  EXPECT_EQ(roundScaled(2.25, st, bitsForThreshold(0.25)), 2.0);
  EXPECT_EQ(roundScaled(2.25, st, ~0ULL), 2.0);
  // frac(-0.75) = 0.25 as well.
  EXPECT_EQ(roundScaled(-0.75, st, bitsForThreshold(0.25 - 0x1p-53)), 0.0);
  EXPECT_EQ(roundScaled(-0.75, st, bitsForThreshold(0.25)), -1.0);
  // frac(-2^-60) = 1 - 2^-60 exceeds every threshold.
  EXPECT_EQ(roundScaled(-0x1p-60, st, ~0ULL), 0.0);
  // frac(2^-60) only exceeds a zero threshold.
  EXPECT_EQ(roundScaled(0x1p-60, st, 0), 1.0);
  EXPECT_EQ(roundScaled(0x1p-60, st, uint64_t(1) << 11), 0.0);
  // The low 11 bits are ignored.
  EXPECT_EQ(roundScaled(0x1p-60, st, (uint64_t(1) << 11) - 1), 1.0);
  // frac(-1 + 2^-53) = 2^-53: up only for u == 0.
  EXPECT_EQ(roundScaled(-1 + 0x1p-53, st, 0), 0.0);
  EXPECT_EQ(roundScaled(-1 + 0x1p-53, st, uint64_t(1) << 11), -1.0);
}

//===----------------------------------------------------------------------===//
// applyOverflow
//===----------------------------------------------------------------------===//

TEST(FixedPointApplyOverflow, SaturateDouble) {
  const OverflowMode sat = OverflowMode::Saturate;
  EXPECT_EQ(applyOverflow(200.0, s(8, 0), sat), 127);
  EXPECT_EQ(applyOverflow(-200.0, s(8, 0), sat), -128);
  EXPECT_EQ(applyOverflow(-5.0, s(8, 0), sat), -5);
  EXPECT_EQ(applyOverflow(-1.0, u(8, 0), sat), 0);
  EXPECT_EQ(applyOverflow(300.0, u(8, 0), sat), 255);
  EXPECT_EQ(applyOverflow(1e300, s(32, 0), sat), 2147483647);
  EXPECT_EQ(applyOverflow(-1e300, u(32, 0), sat), 0);
  EXPECT_EQ(applyOverflow(-0.0, s(8, 0), sat), 0);
  EXPECT_EQ(applyOverflow(4294967295.0, u(32, 0), sat), 4294967295LL);
}

TEST(FixedPointApplyOverflow, WrapDouble) {
  const OverflowMode wrap = OverflowMode::Wrap;
  EXPECT_EQ(applyOverflow(200.0, s(8, 0), wrap), -56);
  EXPECT_EQ(applyOverflow(256.0, s(8, 0), wrap), 0);
  EXPECT_EQ(applyOverflow(-129.0, s(8, 0), wrap), 127);
  EXPECT_EQ(applyOverflow(-128.0, s(8, 0), wrap), -128);
  EXPECT_EQ(applyOverflow(-1.0, u(8, 0), wrap), 255);
  EXPECT_EQ(applyOverflow(256.0 + 7, u(8, 0), wrap), 7);
  EXPECT_EQ(applyOverflow(1e300, s(8, 0), wrap), 0);
  EXPECT_EQ(applyOverflow(0x1p53 + 2, s(8, 0), wrap), 2);
  EXPECT_EQ(applyOverflow(-(0x1p53 + 2), s(8, 0), wrap), -2);
  EXPECT_EQ(applyOverflow(0x1p63 + 0x1p40 * 3, s(32, 0), wrap), 0);
  EXPECT_EQ(applyOverflow(0x1p70 + 0x1p31, s(32, 0), wrap), kInt64Min >> 32);
  EXPECT_EQ(applyOverflow(0x1p70 + 0x1p31, u(32, 0), wrap), 0x80000000LL);
  EXPECT_EQ(applyOverflow(1.0, s(1, 0), wrap), -1);
  EXPECT_EQ(applyOverflow(2.0, s(1, 0), wrap), 0);
  EXPECT_EQ(applyOverflow(3.0, u(1, 0), wrap), 1);
  EXPECT_EQ(applyOverflow(-3.0, u(1, 0), wrap), 1);
}

TEST(FixedPointApplyOverflow, InfinitiesSaturateAndNaNIsZero) {
  for (OverflowMode mode : kAllOverflowModes) {
    EXPECT_EQ(applyOverflow(kInf, s(8, 0), mode), 127);
    EXPECT_EQ(applyOverflow(-kInf, s(8, 0), mode), -128);
    EXPECT_EQ(applyOverflow(kInf, u(8, 0), mode), 255);
    EXPECT_EQ(applyOverflow(-kInf, u(8, 0), mode), 0);
    EXPECT_EQ(applyOverflow(kNaN, s(8, 0), mode), 0);
  }
}

TEST(FixedPointApplyOverflow, NonIntegralTruncates) {
  EXPECT_EQ(applyOverflow(2.9, s(8, 0), OverflowMode::Saturate), 2);
  EXPECT_EQ(applyOverflow(-2.9, s(8, 0), OverflowMode::Wrap), -2);
}

TEST(FixedPointApplyOverflow, Int64) {
  const OverflowMode sat = OverflowMode::Saturate;
  const OverflowMode wrap = OverflowMode::Wrap;
  EXPECT_EQ(applyOverflow(int64_t(200), s(8, 0), sat), 127);
  EXPECT_EQ(applyOverflow(int64_t(200), s(8, 0), wrap), -56);
  EXPECT_EQ(applyOverflow(int64_t(-1), u(8, 0), sat), 0);
  EXPECT_EQ(applyOverflow(int64_t(-1), u(8, 0), wrap), 255);
  EXPECT_EQ(applyOverflow(kInt64Max, s(32, 0), sat), 2147483647);
  EXPECT_EQ(applyOverflow(kInt64Min, s(32, 0), sat), -2147483648LL);
  EXPECT_EQ(applyOverflow(kInt64Max, s(32, 0), wrap), -1);
  EXPECT_EQ(applyOverflow(kInt64Min, s(32, 0), wrap), 0);
  EXPECT_EQ(applyOverflow(kInt64Max, u(32, 0), wrap), 4294967295LL);
  EXPECT_EQ(applyOverflow(kInt64Min + 5, u(32, 0), wrap), 5);
  EXPECT_EQ(applyOverflow(int64_t(1), s(1, 0), wrap), -1);
  EXPECT_EQ(applyOverflow(int64_t(1), s(1, 0), sat), 0);
  EXPECT_EQ(applyOverflow(int64_t(-7), s(1, 0), sat), -1);
  EXPECT_EQ(applyOverflow(int64_t(2), u(1, 0), wrap), 0);
  EXPECT_EQ(applyOverflow(int64_t(2), u(1, 0), sat), 1);
}

TEST(FixedPointApplyOverflow, DoubleAndInt64Agree) {
  std::mt19937_64 rng(0xA11);
  std::uniform_int_distribution<int64_t> value(-(int64_t(1) << 53), int64_t(1)
                                                                        << 53);
  for (int i = 0; i < 20000; ++i) {
    FixedFormat format = makeFormat(rng() & 1, 1 + rng() % 32, 0);
    int64_t v = (rng() & 1) ? value(rng) : value(rng) >> (rng() % 53);
    for (OverflowMode mode : kAllOverflowModes)
      ASSERT_EQ(applyOverflow(double(v), format, mode),
                applyOverflow(v, format, mode))
          << v << " " << format.str();
    ASSERT_EQ(applyOverflow(v, format, OverflowMode::Wrap),
              referenceWrap(v, format));
  }
}

//===----------------------------------------------------------------------===//
// quantize / toReal / roundTrip
//===----------------------------------------------------------------------===//

TEST(FixedPointQuantize, AllRoundingModes) {
  struct Case {
    double x;
    int64_t away, even, floor, zero;
  };
  const Case cases[] = {
      {2.5, 3, 2, 2, 2},      {-2.5, -3, -2, -3, -2}, {3.5, 4, 4, 3, 3},
      {-1.3, -1, -1, -2, -1}, {1.7, 2, 2, 1, 1},      {-0.5, -1, 0, -1, 0},
      {0.5, 1, 0, 0, 0},      {7.0, 7, 7, 7, 7},      {-0.2, 0, 0, -1, 0},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(quantize(c.x, s(8, 0), RoundingMode::NearestAway), c.away) << c.x;
    EXPECT_EQ(quantize(c.x, s(8, 0), RoundingMode::NearestEven), c.even) << c.x;
    EXPECT_EQ(quantize(c.x, s(8, 0), RoundingMode::Floor), c.floor) << c.x;
    EXPECT_EQ(quantize(c.x, s(8, 0), RoundingMode::TowardZero), c.zero) << c.x;
    // Scaling by 2^F commutes with rounding.
    EXPECT_EQ(quantize(c.x / 8, s(8, 3), RoundingMode::Floor), c.floor);
  }
}

TEST(FixedPointQuantize, WrapOf200InS8F0IsMinus56) {
  QuantizeFlags flags;
  EXPECT_EQ(quantize(200.0, s(8, 0), RoundingMode::NearestAway,
                     OverflowMode::Wrap, 0, &flags),
            -56);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(quantize(200.0, s(8, 0)), 127);
  EXPECT_EQ(
      quantize(-129.0, s(8, 0), RoundingMode::NearestAway, OverflowMode::Wrap),
      127);
  EXPECT_EQ(
      quantize(127.5, s(8, 0), RoundingMode::NearestAway, OverflowMode::Wrap),
      -128);
  EXPECT_EQ(quantize(127.5, s(8, 0), RoundingMode::Floor, OverflowMode::Wrap),
            127);
}

TEST(FixedPointQuantize, WrapOfLargeFiniteValues) {
  const OverflowMode wrap = OverflowMode::Wrap;
  int64_t big = 1000000000000003LL; // Exact in double.
  EXPECT_EQ(quantize(double(big), s(16, 0), RoundingMode::NearestAway, wrap),
            referenceWrap(big, s(16, 0)));
  EXPECT_EQ(quantize(-double(big), u(16, 0), RoundingMode::NearestAway, wrap),
            referenceWrap(-big, u(16, 0)));
  EXPECT_EQ(quantize(0x1p80 + 0x1p30, s(32, 0), RoundingMode::Floor, wrap),
            0x40000000LL);
  EXPECT_EQ(quantize(1e300, s(32, 0), RoundingMode::Floor, wrap), 0);
  // x * 2^F exceeds the double range: the low W bits are zero.
  QuantizeFlags flags;
  EXPECT_EQ(
      quantize(1.5, s(8, 2000), RoundingMode::NearestAway, wrap, 0, &flags), 0);
  EXPECT_TRUE(flags.overflow);
  EXPECT_FALSE(flags.underflow);
  EXPECT_EQ(quantize(1.5, s(8, 2000), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            127);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(quantize(-DBL_MAX, s(8, 1), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            -128);
  EXPECT_TRUE(flags.overflow);
}

TEST(FixedPointQuantize, UnsignedFormats) {
  QuantizeFlags flags;
  EXPECT_EQ(quantize(-1.0, u(8, 0), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            0);
  EXPECT_TRUE(flags.overflow);
  EXPECT_FALSE(flags.underflow);
  EXPECT_EQ(quantize(-1.0, u(8, 0), RoundingMode::NearestAway,
                     OverflowMode::Wrap, 0, &flags),
            255);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(quantize(-0.3, u(8, 0), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            0);
  EXPECT_FALSE(flags.overflow);
  EXPECT_TRUE(flags.underflow);
  EXPECT_EQ(quantize(-0.3, u(8, 0), RoundingMode::Floor, OverflowMode::Wrap, 0,
                     &flags),
            255);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(quantize(255.4, u(8, 0)), 255);
  EXPECT_EQ(quantize(255.5, u(8, 0)), 255);
  EXPECT_EQ(
      quantize(255.5, u(8, 0), RoundingMode::NearestAway, OverflowMode::Wrap),
      0);
  EXPECT_EQ(quantize(1.0, u(8, 8)), 255);
  EXPECT_EQ(quantize(0.5, u(8, 8)), 128);
}

TEST(FixedPointQuantize, OneBitWords) {
  QuantizeFlags flags;
  EXPECT_EQ(quantize(0.4, s(1, 0)), 0);
  EXPECT_EQ(quantize(0.6, s(1, 0), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            0);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(
      quantize(0.6, s(1, 0), RoundingMode::NearestAway, OverflowMode::Wrap),
      -1);
  EXPECT_EQ(quantize(-1.0, s(1, 0)), -1);
  EXPECT_EQ(quantize(-2.0, s(1, 0), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            -1);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(
      quantize(-2.0, s(1, 0), RoundingMode::NearestAway, OverflowMode::Wrap),
      0);
  EXPECT_EQ(quantize(-0.25, s(1, 1)), -1);
  EXPECT_EQ(quantize(0.7, u(1, 0)), 1);
  EXPECT_EQ(quantize(2.0, u(1, 0)), 1);
  EXPECT_EQ(quantize(2.0, u(1, 0), RoundingMode::Floor, OverflowMode::Wrap), 0);
  EXPECT_EQ(toReal(-1, s(1, 3)), -0.125);
}

TEST(FixedPointQuantize, ThirtyTwoBitWords) {
  QuantizeFlags flags;
  EXPECT_EQ(quantize(2147483647.0, s(32, 0)), 2147483647);
  EXPECT_EQ(quantize(-2147483648.0, s(32, 0), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            -2147483648LL);
  EXPECT_FALSE(flags.overflow);
  EXPECT_EQ(quantize(2147483648.0, s(32, 0), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            2147483647);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(quantize(2147483648.0, s(32, 0), RoundingMode::NearestAway,
                     OverflowMode::Wrap),
            -2147483648LL);
  EXPECT_EQ(quantize(4294967295.0, u(32, 0)), 4294967295LL);
  EXPECT_EQ(quantize(4294967296.0, u(32, 0), RoundingMode::NearestAway,
                     OverflowMode::Wrap),
            0);
  EXPECT_EQ(quantize(0.999999999, s(32, 31)), 2147483646);
  EXPECT_EQ(quantize(1.0, s(32, 31)), 2147483647);
  EXPECT_EQ(roundTrip(-1.0, s(32, 31)), -1.0);
}

TEST(FixedPointQuantize, NegativeFractionLength) {
  EXPECT_EQ(quantize(100.0, u(16, -2)), 25);
  EXPECT_EQ(quantize(102.0, u(16, -2)), 26);
  EXPECT_EQ(quantize(102.0, u(16, -2), RoundingMode::NearestEven), 26);
  EXPECT_EQ(quantize(106.0, u(16, -2), RoundingMode::NearestEven), 26);
  EXPECT_EQ(quantize(103.9, u(16, -2), RoundingMode::Floor), 25);
  EXPECT_EQ(roundTrip(103.9, u(16, -2)), 104.0);
  EXPECT_EQ(quantize(-1000.0, s(8, -4)), -63);
  EXPECT_EQ(quantize(-3000.0, s(8, -4)), -128);
  EXPECT_EQ(toReal(-128, s(8, -4)), -2048.0);
}

TEST(FixedPointQuantize, FractionLengthBeyondWordLength) {
  EXPECT_EQ(quantize(0.1, s(8, 10)), 102);
  EXPECT_EQ(roundTrip(0.1, s(8, 10)), 102.0 / 1024);
  EXPECT_EQ(quantize(0.2, s(8, 10)), 127);
  EXPECT_EQ(quantize(1e-300, s(8, 1000)), 11);
  EXPECT_EQ(quantize(kDenormMin, s(8, 1080)), 64);
  EXPECT_EQ(roundTrip(kDenormMin, s(8, 1080)), kDenormMin);
}

TEST(FixedPointQuantize, TinyValuesKeepTheirSign) {
  QuantizeFlags flags;
  // 2^-1074 * 2^-100 underflows to -0.0 in ldexp; floor must still see < 0.
  EXPECT_EQ(quantize(-kDenormMin, s(8, -100), RoundingMode::Floor,
                     OverflowMode::Saturate, 0, &flags),
            -1);
  EXPECT_FALSE(flags.underflow);
  EXPECT_EQ(quantize(-kDenormMin, u(8, -100), RoundingMode::Floor,
                     OverflowMode::Wrap, 0, &flags),
            255);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(quantize(kDenormMin, s(8, -100), RoundingMode::Stochastic,
                     OverflowMode::Saturate, 0),
            1);
  EXPECT_EQ(quantize(kDenormMin, s(8, -100), RoundingMode::Stochastic,
                     OverflowMode::Saturate, uint64_t(1) << 11, &flags),
            0);
  EXPECT_TRUE(flags.underflow);
  EXPECT_EQ(quantize(-kDenormMin, s(8, -100), RoundingMode::Stochastic,
                     OverflowMode::Saturate, ~0ULL),
            0);
  for (RoundingMode mode :
       {RoundingMode::NearestAway, RoundingMode::NearestEven,
        RoundingMode::TowardZero}) {
    EXPECT_EQ(quantize(-kDenormMin, s(8, -100), mode, OverflowMode::Saturate, 0,
                       &flags),
              0);
    EXPECT_TRUE(flags.underflow);
  }
}

TEST(FixedPointQuantize, NaNAndInfinities) {
  QuantizeFlags flags;
  flags.overflow = flags.underflow = true;
  for (OverflowMode mode : kAllOverflowModes) {
    EXPECT_EQ(
        quantize(kNaN, s(8, 3), RoundingMode::NearestAway, mode, 0, &flags), 0);
    EXPECT_FALSE(flags.overflow);
    EXPECT_FALSE(flags.underflow);
    EXPECT_EQ(
        quantize(kInf, s(8, 3), RoundingMode::NearestAway, mode, 0, &flags),
        127);
    EXPECT_TRUE(flags.overflow);
    EXPECT_EQ(quantize(-kInf, s(8, 3), RoundingMode::Floor, mode, 0, &flags),
              -128);
    EXPECT_TRUE(flags.overflow);
    EXPECT_EQ(quantize(-kInf, u(8, 3), RoundingMode::Floor, mode, 0, &flags),
              0);
    EXPECT_TRUE(flags.overflow);
    EXPECT_FALSE(flags.underflow);
  }
}

TEST(FixedPointQuantize, FlagsAreResetAndZeroIsNotUnderflow) {
  QuantizeFlags flags;
  flags.overflow = flags.underflow = true;
  EXPECT_EQ(quantize(1.0, s(8, 3), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            8);
  EXPECT_FALSE(flags.overflow);
  EXPECT_FALSE(flags.underflow);
  for (double zero : {0.0, -0.0}) {
    flags.overflow = flags.underflow = true;
    EXPECT_EQ(quantize(zero, u(8, 3), RoundingMode::NearestAway,
                       OverflowMode::Saturate, 0, &flags),
              0);
    EXPECT_FALSE(flags.overflow);
    EXPECT_FALSE(flags.underflow);
  }
  // Wrapping to 0 is an overflow, not an underflow.
  EXPECT_EQ(quantize(256.0, s(8, 0), RoundingMode::NearestAway,
                     OverflowMode::Wrap, 0, &flags),
            0);
  EXPECT_TRUE(flags.overflow);
  EXPECT_FALSE(flags.underflow);
  // Rounding to the boundary is fine; one past it is not.
  EXPECT_EQ(quantize(-16.0625, s(8, 3), RoundingMode::NearestAway,
                     OverflowMode::Saturate, 0, &flags),
            -128);
  EXPECT_TRUE(flags.overflow);
  EXPECT_EQ(quantize(-16.0625, s(8, 3), RoundingMode::NearestEven,
                     OverflowMode::Saturate, 0, &flags),
            -128);
  EXPECT_FALSE(flags.overflow);
  EXPECT_EQ(quantize(15.9, s(8, 3), RoundingMode::TowardZero,
                     OverflowMode::Saturate, 0, &flags),
            127);
  EXPECT_FALSE(flags.overflow);
}

TEST(FixedPointQuantize, StochasticPicksFloorOrCeiling) {
  FixedFormat format = s(8, 3);
  // 2.1 * 8 = 16.8: 17 iff u < 0.8 (up to the representation of 16.8).
  EXPECT_EQ(quantize(2.1, format, RoundingMode::Stochastic,
                     OverflowMode::Saturate, 0),
            17);
  EXPECT_EQ(quantize(2.1, format, RoundingMode::Stochastic,
                     OverflowMode::Saturate, bitsForThreshold(0.75)),
            17);
  EXPECT_EQ(quantize(2.1, format, RoundingMode::Stochastic,
                     OverflowMode::Saturate, bitsForThreshold(0.875)),
            16);
  // Exactly representable values never move.
  for (uint64_t i = 0; i < 1000; ++i)
    ASSERT_EQ(quantize(2.125, format, RoundingMode::Stochastic,
                       OverflowMode::Saturate, stochasticDraw(1, i)),
              17);
}

TEST(FixedPointQuantize, ToRealAndRoundTrip) {
  EXPECT_EQ(toReal(17, s(8, 3)), 2.125);
  EXPECT_EQ(toReal(-128, s(8, 3)), -16.0);
  EXPECT_EQ(toReal(25, u(16, -2)), 100.0);
  EXPECT_EQ(toReal(4294967295LL, u(32, 32)), 1.0 - std::ldexp(1.0, -32));
  EXPECT_EQ(toReal(1, s(8, INT_MAX)), 0.0);
  EXPECT_EQ(toReal(1, s(8, INT_MIN)), kInf);
  EXPECT_EQ(roundTrip(2.1, s(8, 3), RoundingMode::Floor), 2.0);
  EXPECT_EQ(
      roundTrip(200.0, s(8, 0), RoundingMode::NearestAway, OverflowMode::Wrap),
      -56.0);
  EXPECT_EQ(roundTrip(2.1, s(8, 3), RoundingMode::Stochastic,
                      OverflowMode::Saturate, ~0ULL),
            2.0);
}

//===----------------------------------------------------------------------===//
// roundingShiftRight
//===----------------------------------------------------------------------===//

TEST(FixedPointShift, ShiftZeroIsIdentity) {
  for (RoundingMode mode : kAllModes)
    for (int64_t v :
         {kInt64Min, int64_t(-1), int64_t(0), int64_t(5), kInt64Max})
      EXPECT_EQ(roundingShiftRight(v, 0, mode, 12345), v);
}

TEST(FixedPointShift, ShiftOne) {
  const RoundingMode away = RoundingMode::NearestAway,
                     even = RoundingMode::NearestEven,
                     floor = RoundingMode::Floor,
                     zero = RoundingMode::TowardZero;
  EXPECT_EQ(roundingShiftRight(5, 1, away), 3);
  EXPECT_EQ(roundingShiftRight(5, 1, even), 2);
  EXPECT_EQ(roundingShiftRight(7, 1, even), 4);
  EXPECT_EQ(roundingShiftRight(5, 1, floor), 2);
  EXPECT_EQ(roundingShiftRight(5, 1, zero), 2);
  EXPECT_EQ(roundingShiftRight(-5, 1, away), -3);
  EXPECT_EQ(roundingShiftRight(-5, 1, even), -2);
  EXPECT_EQ(roundingShiftRight(-7, 1, even), -4);
  EXPECT_EQ(roundingShiftRight(-5, 1, floor), -3);
  EXPECT_EQ(roundingShiftRight(-5, 1, zero), -2);
  EXPECT_EQ(roundingShiftRight(-1, 1, away), -1);
  EXPECT_EQ(roundingShiftRight(-1, 1, even), 0);
  EXPECT_EQ(roundingShiftRight(kInt64Max, 1, away), int64_t(1) << 62);
  EXPECT_EQ(roundingShiftRight(kInt64Max, 1, even), int64_t(1) << 62);
  EXPECT_EQ(roundingShiftRight(kInt64Max, 1, zero), (int64_t(1) << 62) - 1);
  EXPECT_EQ(roundingShiftRight(kInt64Min, 1, away), kInt64Min / 2);
  EXPECT_EQ(roundingShiftRight(kInt64Min + 1, 1, away), kInt64Min / 2);
  EXPECT_EQ(roundingShiftRight(kInt64Min + 1, 1, floor), kInt64Min / 2);
  EXPECT_EQ(roundingShiftRight(kInt64Min + 1, 1, zero), kInt64Min / 2 + 1);
}

TEST(FixedPointShift, ShiftSixtyThree) {
  for (RoundingMode mode : kAllModes)
    EXPECT_EQ(roundingShiftRight(kInt64Min, 63, mode, 99), -1);
  // INT64_MAX / 2^63 = 1 - 2^-63.
  EXPECT_EQ(roundingShiftRight(kInt64Max, 63, RoundingMode::NearestAway), 1);
  EXPECT_EQ(roundingShiftRight(kInt64Max, 63, RoundingMode::NearestEven), 1);
  EXPECT_EQ(roundingShiftRight(kInt64Max, 63, RoundingMode::Floor), 0);
  EXPECT_EQ(roundingShiftRight(kInt64Max, 63, RoundingMode::TowardZero), 0);
  // 2^62 / 2^63 = 0.5 exactly.
  EXPECT_EQ(roundingShiftRight(int64_t(1) << 62, 63, RoundingMode::NearestAway),
            1);
  EXPECT_EQ(roundingShiftRight(int64_t(1) << 62, 63, RoundingMode::NearestEven),
            0);
  EXPECT_EQ(
      roundingShiftRight(-(int64_t(1) << 62), 63, RoundingMode::NearestAway),
      -1);
  EXPECT_EQ(
      roundingShiftRight(-(int64_t(1) << 62), 63, RoundingMode::NearestEven),
      0);
  EXPECT_EQ(roundingShiftRight(-1, 63, RoundingMode::Floor), -1);
  EXPECT_EQ(roundingShiftRight(-1, 63, RoundingMode::NearestAway), 0);
}

TEST(FixedPointShift, ShiftSixtyFour) {
  // INT64_MIN / 2^64 = -0.5 exactly.
  EXPECT_EQ(roundingShiftRight(kInt64Min, 64, RoundingMode::NearestAway), -1);
  EXPECT_EQ(roundingShiftRight(kInt64Min, 64, RoundingMode::NearestEven), 0);
  EXPECT_EQ(roundingShiftRight(kInt64Min, 64, RoundingMode::Floor), -1);
  EXPECT_EQ(roundingShiftRight(kInt64Min, 64, RoundingMode::TowardZero), 0);
  EXPECT_EQ(roundingShiftRight(kInt64Min + 1, 64, RoundingMode::NearestAway),
            0);
  for (RoundingMode mode : kDeterministicModes) {
    EXPECT_EQ(roundingShiftRight(kInt64Max, 64, mode), 0);
    EXPECT_EQ(roundingShiftRight(-1, 64, mode),
              mode == RoundingMode::Floor ? -1 : 0);
    EXPECT_EQ(roundingShiftRight(1, 64, mode), 0);
  }
  // Stochastic: -2^63 / 2^64 has frac 0.5.
  EXPECT_EQ(roundingShiftRight(kInt64Min, 64, RoundingMode::Stochastic,
                               bitsForThreshold(0.5 - 0x1p-53)),
            0);
  EXPECT_EQ(roundingShiftRight(kInt64Min, 64, RoundingMode::Stochastic,
                               bitsForThreshold(0.5)),
            -1);
}

TEST(FixedPointShift, HugeShifts) {
  for (unsigned shift : {65u, 100u, 127u, 128u, 200u, 4000000000u}) {
    for (int64_t v : {kInt64Min, int64_t(-1), int64_t(1), kInt64Max}) {
      bool negative = v < 0;
      EXPECT_EQ(roundingShiftRight(v, shift, RoundingMode::Floor),
                negative ? -1 : 0);
      EXPECT_EQ(roundingShiftRight(v, shift, RoundingMode::NearestAway), 0);
      EXPECT_EQ(roundingShiftRight(v, shift, RoundingMode::NearestEven), 0);
      EXPECT_EQ(roundingShiftRight(v, shift, RoundingMode::TowardZero), 0);
      // A zero threshold rounds every inexact value up.
      EXPECT_EQ(roundingShiftRight(v, shift, RoundingMode::Stochastic, 0),
                negative ? 0 : 1);
      if (shift < 127)
        continue;
      // From 2^127 on, positive fractions are below 2^-53 (only a zero
      // threshold rounds them up) and negative ones above 1 - 2^-53 (they
      // always round up).
      EXPECT_EQ(roundingShiftRight(v, shift, RoundingMode::Stochastic,
                                   uint64_t(1) << 11),
                0);
      EXPECT_EQ(roundingShiftRight(v, shift, RoundingMode::Stochastic, ~0ULL),
                0);
    }
    // Below that the fraction of INT64_MIN / 2^65 = -0.25 is 0.75.
    EXPECT_EQ(roundingShiftRight(kInt64Min, 65, RoundingMode::Stochastic,
                                 bitsForThreshold(0.75)),
              -1);
    EXPECT_EQ(roundingShiftRight(kInt64Min, 65, RoundingMode::Stochastic,
                                 bitsForThreshold(0.75) - 1),
              0);
    EXPECT_EQ(roundingShiftRight(0, shift, RoundingMode::Floor), 0);
    EXPECT_EQ(roundingShiftRight(0, shift, RoundingMode::Stochastic, 0), 0);
  }
}

TEST(FixedPointShift, StochasticUsesTopBitsAsFraction) {
  // 1 / 2^2 = 0.25: rounds up for exactly one of the four top-bit patterns.
  int up = 0;
  for (uint64_t top = 0; top < 4; ++top)
    up += roundingShiftRight(1, 2, RoundingMode::Stochastic, top << 62);
  EXPECT_EQ(up, 1);
  // -3 / 2^2 = -0.75, frac 0.25: likewise one of four rounds up, to 0.
  int zeros = 0;
  for (uint64_t top = 0; top < 4; ++top)
    zeros +=
        roundingShiftRight(-3, 2, RoundingMode::Stochastic, top << 62) == 0;
  EXPECT_EQ(zeros, 1);
  // Exact multiples never move.
  for (uint64_t bits : {uint64_t(0), ~uint64_t(0)})
    EXPECT_EQ(roundingShiftRight(-12, 2, RoundingMode::Stochastic, bits), -3);
}

//===----------------------------------------------------------------------===//
// castStored
//===----------------------------------------------------------------------===//

TEST(FixedPointCast, WideningIsExact) {
  EXPECT_EQ(castStored(17, s(8, 3), s(16, 7)), 272);
  EXPECT_EQ(castStored(-128, s(8, 3), s(16, 7)), -2048);
  EXPECT_EQ(castStored(255, u(8, 0), u(16, 8)), 65280);
  EXPECT_EQ(castStored(255, u(8, 0), s(16, 7)), 32640);
  EXPECT_EQ(castStored(5, s(8, 0), s(8, 0)), 5);
}

TEST(FixedPointCast, NarrowingRounds) {
  // 2.15625 = 69 / 32 -> F = 3: 17.25.
  EXPECT_EQ(castStored(69, s(16, 5), s(8, 3)), 17);
  EXPECT_EQ(castStored(69, s(16, 5), s(8, 3), RoundingMode::Floor), 17);
  // 2.1875 = 70 / 32 -> 17.5.
  EXPECT_EQ(castStored(70, s(16, 5), s(8, 3), RoundingMode::NearestAway), 18);
  EXPECT_EQ(castStored(70, s(16, 5), s(8, 3), RoundingMode::NearestEven), 18);
  EXPECT_EQ(castStored(-70, s(16, 5), s(8, 3), RoundingMode::NearestEven), -18);
  EXPECT_EQ(castStored(-70, s(16, 5), s(8, 3), RoundingMode::TowardZero), -17);
  EXPECT_EQ(castStored(-70, s(16, 5), s(8, 3), RoundingMode::Floor), -18);
  EXPECT_EQ(castStored(74, s(16, 5), s(8, 3), RoundingMode::NearestEven), 18);
  EXPECT_EQ(castStored(100, s(8, 100), s(8, 0)), 0);
  EXPECT_EQ(castStored(-100, s(8, 100), s(8, 0), RoundingMode::Floor), -1);
  EXPECT_EQ(castStored(1, s(8, INT_MAX), s(8, INT_MIN), RoundingMode::Floor),
            0);
  EXPECT_EQ(castStored(-1, s(8, INT_MAX), s(8, INT_MIN), RoundingMode::Floor),
            -1);
}

TEST(FixedPointCast, NarrowingSaturatesOrWraps) {
  // 1000 in s16 F=0 -> s8 F=0.
  EXPECT_EQ(castStored(1000, s(16, 0), s(8, 0)), 127);
  EXPECT_EQ(castStored(1000, s(16, 0), s(8, 0), RoundingMode::NearestAway,
                       OverflowMode::Wrap),
            1000 - 1024);
  EXPECT_EQ(castStored(-5, s(8, 0), u(8, 0)), 0);
  EXPECT_EQ(castStored(-5, s(8, 0), u(8, 0), RoundingMode::NearestAway,
                       OverflowMode::Wrap),
            251);
  // 255.5 rounds to 256 and then overflows u8.
  EXPECT_EQ(castStored(511, u(16, 1), u(8, 0)), 255);
  EXPECT_EQ(castStored(511, u(16, 1), u(8, 0), RoundingMode::NearestAway,
                       OverflowMode::Wrap),
            0);
  EXPECT_EQ(castStored(511, u(16, 1), u(8, 0), RoundingMode::Floor,
                       OverflowMode::Wrap),
            255);
}

TEST(FixedPointCast, LeftShiftSaturatesBeyondInt64) {
  const OverflowMode sat = OverflowMode::Saturate;
  const OverflowMode wrap = OverflowMode::Wrap;
  const RoundingMode away = RoundingMode::NearestAway;
  EXPECT_EQ(castStored(3, s(8, 0), s(8, 6), away, sat), 127);
  EXPECT_EQ(castStored(3, s(8, 0), s(8, 6), away, wrap), -64);
  EXPECT_EQ(castStored(-3, s(8, 0), s(8, 6), away, wrap), 64);
  for (int delta : {31, 32, 62, 63, 64, 65, 100, 2000}) {
    EXPECT_EQ(castStored(1, s(8, 0), s(32, delta), away, sat), 2147483647)
        << delta;
    EXPECT_EQ(castStored(-1, s(8, 0), s(32, delta), away, sat), -2147483648LL)
        << delta;
    EXPECT_EQ(castStored(-1, s(8, 0), u(32, delta), away, sat), 0) << delta;
    EXPECT_EQ(castStored(1, s(8, 0), s(32, delta), away, wrap),
              delta == 31 ? -2147483648LL : 0)
        << delta;
    EXPECT_EQ(castStored(kInt64Max, s(8, 0), s(32, delta), away, sat),
              2147483647);
    EXPECT_EQ(castStored(kInt64Min, s(8, 0), s(32, delta), away, sat),
              -2147483648LL);
    EXPECT_EQ(castStored(kInt64Min, s(8, 0), s(32, delta), away, wrap), 0);
  }
  EXPECT_EQ(castStored(-1, s(8, 0), s(32, 31), away, sat), -2147483648LL);
  EXPECT_EQ(castStored(kInt64Max, s(8, 0), u(32, 1), away, wrap), 4294967294LL);
  EXPECT_EQ(castStored(0x12345, s(32, 0), s(32, 20), away, wrap),
            referenceWrap(Int128(0x12345) << 20, s(32, 0)));
  EXPECT_EQ(castStored(0, s(8, INT_MIN), s(8, INT_MAX), away, sat), 0);
  EXPECT_EQ(castStored(1, s(8, INT_MIN), s(8, INT_MAX), away, sat), 127);
  EXPECT_EQ(castStored(1, s(8, INT_MIN), s(8, INT_MAX), away, wrap), 0);
}

//===----------------------------------------------------------------------===//
// bestFractionLength
//===----------------------------------------------------------------------===//

TEST(FixedPointBestFraction, SignedExamples) {
  EXPECT_EQ(bestFractionLength(1.0, 8), 6);
  EXPECT_EQ(bestFractionLength(-1.0, 8), 7);
  EXPECT_EQ(bestFractionLength(0.999, 8), 6);
  EXPECT_EQ(bestFractionLength(0.99, 8), 7);
  EXPECT_EQ(bestFractionLength(-1.0, 1.0, 8), 6);
  EXPECT_EQ(bestFractionLength(-1.0, 0.5, 8), 7);
  EXPECT_EQ(bestFractionLength(-1.001, 0.0, 8), 7); // -128.128 -> -128.
  EXPECT_EQ(bestFractionLength(-1.01, 0.0, 8), 6);  // -129.28 -> -129.
  EXPECT_EQ(bestFractionLength(1e6, 8), -13);
  EXPECT_EQ(bestFractionLength(3.14159, 16), 13);
  EXPECT_EQ(bestFractionLength(kDenormMin, 8), 1080);
  // DBL_MAX * 2^(30 - 1023) = 2^31 - 2^-22 rounds up into overflow.
  EXPECT_EQ(bestFractionLength(-DBL_MAX, DBL_MAX, 32), 29 - 1023);
  EXPECT_EQ(bestFractionLength(-DBL_MAX, 0.0, 32), 30 - 1023);
}

TEST(FixedPointBestFraction, UnsignedExamples) {
  EXPECT_EQ(bestFractionLength(1.0, 8, false), 7);
  EXPECT_EQ(bestFractionLength(0.999, 8, false), 7);
  EXPECT_EQ(bestFractionLength(0.99, 8, false), 8);
  EXPECT_EQ(bestFractionLength(255.0, 8, false), 0);
  EXPECT_EQ(bestFractionLength(255.5, 8, false), -1);
  EXPECT_EQ(bestFractionLength(-5.0, 1.0, 8, false), 7);
  EXPECT_EQ(bestFractionLength(-5.0, 8, false), 8);
}

TEST(FixedPointBestFraction, AllZeroRange) {
  EXPECT_EQ(bestFractionLength(0.0, 8), 7);
  EXPECT_EQ(bestFractionLength(0.0, 8, false), 8);
  EXPECT_EQ(bestFractionLength(0.0, 0.0, 32), 31);
  EXPECT_EQ(bestFractionLength(-0.0, 0.0, 1, false), 1);
  EXPECT_EQ(bestFractionLength(0.0, 1), 0);
}

TEST(FixedPointBestFraction, OneAndThirtyTwoBitWords) {
  EXPECT_EQ(bestFractionLength(0.3, 1), 0);  // 0.3 -> 0 fits {-1, 0}.
  EXPECT_EQ(bestFractionLength(-0.3, 1), 2); // -1.2 -> -1 fits.
  EXPECT_EQ(bestFractionLength(-1.0, 1), 0);
  EXPECT_EQ(bestFractionLength(1.0, 1, false), 0);
  EXPECT_EQ(bestFractionLength(1.0, 32), 30);
  EXPECT_EQ(bestFractionLength(-1.0, 32), 31);
  EXPECT_EQ(bestFractionLength(1.0, 32, false), 31);
}

//===----------------------------------------------------------------------===//
// Property tests
//===----------------------------------------------------------------------===//

class FixedPointProperty : public ::testing::Test {
protected:
  std::mt19937_64 rng{0x5EED5EED};

  uint64_t bits() { return rng(); }
  int64_t intIn(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng); }
  FixedFormat randomFormat(int minF, int maxF) {
    return makeFormat(rng() & 1, unsigned(intIn(1, 32)),
                      int(intIn(minF, maxF)));
  }
  /// A double of random sign and log-uniform magnitude in [2^lo, 2^hi).
  double logUniform(int lo, int hi) {
    double mantissa = 1.0 + unit();
    double v = std::ldexp(mantissa, int(intIn(lo, hi - 1)));
    return (rng() & 1) ? -v : v;
  }
};

TEST_F(FixedPointProperty, InRangeErrorIsBoundedByLsb) {
  for (int i = 0; i < 200000; ++i) {
    FixedFormat format = randomFormat(-20, 50);
    int64_t base = intIn(format.minStored(), format.maxStored() - 1);
    double x = toReal(base, format) + unit() * format.lsb();
    RoundingMode mode = kAllModes[i % 5];
    QuantizeFlags flags;
    int64_t q = quantize(x, format, mode, OverflowMode::Wrap, bits(), &flags);
    ASSERT_FALSE(flags.overflow);
    double real = toReal(q, format);
    double err = real - x; // Exact.
    double lsb = format.lsb();
    SCOPED_TRACE(describe(format, mode, OverflowMode::Wrap));
    switch (mode) {
    case RoundingMode::NearestAway:
    case RoundingMode::NearestEven:
      ASSERT_LE(std::fabs(err), lsb / 2) << x;
      break;
    case RoundingMode::Floor:
      ASSERT_LE(real, x);
      ASSERT_LT(-err, lsb);
      break;
    case RoundingMode::TowardZero:
      ASSERT_LE(std::fabs(real), std::fabs(x));
      ASSERT_LT(std::fabs(err), lsb);
      break;
    case RoundingMode::Stochastic:
      ASSERT_LT(std::fabs(err), lsb);
      break;
    }
    ASSERT_EQ(flags.underflow, q == 0 && x != 0);
  }
}

TEST_F(FixedPointProperty, SaturationIsMonotone) {
  std::vector<double> values;
  for (int i = 0; i < 20000; ++i) {
    FixedFormat format = randomFormat(-40, 60);
    values.clear();
    for (int j = 0; j < 12; ++j) {
      if (j < 6)
        values.push_back(
            std::ldexp((unit() * 3 - 1.5) * std::ldexp(1.0, format.wordLength),
                       -format.fractionLength));
      else
        values.push_back(logUniform(-1074, 1023));
    }
    values.push_back(kInf);
    values.push_back(-kInf);
    values.push_back(0.0);
    std::sort(values.begin(), values.end());
    for (RoundingMode mode : kDeterministicModes) {
      int64_t previous = format.minStored();
      for (double x : values) {
        int64_t q = quantize(x, format, mode);
        ASSERT_LE(previous, q) << x << " " << format.str();
        ASSERT_GE(q, format.minStored());
        ASSERT_LE(q, format.maxStored());
        previous = q;
      }
    }
  }
}

TEST_F(FixedPointProperty, WideningCastRoundTripsExactly) {
  for (int i = 0; i < 100000; ++i) {
    bool fromSigned = rng() & 1;
    FixedFormat from =
        makeFormat(fromSigned, unsigned(intIn(1, 31)), int(intIn(-30, 30)));
    // Signed <- unsigned needs one extra bit.
    bool toSigned = fromSigned || (rng() & 1);
    unsigned extraSign = (toSigned && !fromSigned) ? 1 : 0;
    unsigned room = 32 - from.wordLength - extraSign;
    int delta = int(intIn(0, room));
    unsigned wordLength = from.wordLength + extraSign + unsigned(delta) +
                          unsigned(intIn(0, room - unsigned(delta)));
    FixedFormat to =
        makeFormat(toSigned, wordLength, from.fractionLength + delta);
    int64_t stored = intIn(from.minStored(), from.maxStored());
    RoundingMode mode = kAllModes[i % 5];
    OverflowMode overflow = kAllOverflowModes[(i / 5) % 2];
    int64_t wide = castStored(stored, from, to, mode, overflow, bits());
    ASSERT_EQ(wide, stored * (int64_t(1) << delta));
    ASSERT_EQ(toReal(wide, to), toReal(stored, from));
    ASSERT_EQ(castStored(wide, to, from, mode, overflow, bits()), stored)
        << from.str() << " -> " << to.str();
  }
}

TEST_F(FixedPointProperty, CastAgreesWithQuantizeOfReal) {
  // Holds for every mode, stochastic included: both paths share one rule.
  for (int i = 0; i < 200000; ++i) {
    FixedFormat from = randomFormat(-30, 60);
    FixedFormat to = randomFormat(-30, 60);
    int64_t stored = intIn(from.minStored(), from.maxStored());
    RoundingMode mode = kAllModes[i % 5];
    OverflowMode overflow = kAllOverflowModes[(i / 5) % 2];
    uint64_t randomBits = (i % 7 == 0) ? (i % 2 ? 0 : ~0ULL) : bits();
    int64_t viaReal =
        quantize(toReal(stored, from), to, mode, overflow, randomBits);
    ASSERT_EQ(castStored(stored, from, to, mode, overflow, randomBits), viaReal)
        << stored << " " << from.str() << " -> "
        << describe(to, mode, overflow);
  }
}

/// Reference for roundingShiftRight in 64-bit-mantissa long double: v * 2^-s
/// is exact there, and so are floorl, roundl, truncl and nearbyintl.
int64_t longDoubleShift(int64_t value, unsigned shift, RoundingMode mode,
                        uint64_t randomBits) {
  long double x = std::ldexp(static_cast<long double>(value),
                             -static_cast<int>(std::min(shift, 20000u)));
  long double result = 0;
  switch (mode) {
  case RoundingMode::NearestAway:
    result = std::round(x);
    break;
  case RoundingMode::NearestEven:
    result = std::nearbyint(x); // FE_TONEAREST
    break;
  case RoundingMode::Floor:
    result = std::floor(x);
    break;
  case RoundingMode::TowardZero:
    result = std::trunc(x);
    break;
  case RoundingMode::Stochastic: {
    long double lower = std::floor(x);
    long double u = std::ldexp(static_cast<long double>(randomBits >> 11), -53);
    bool up = lower == -1 ? (u - 1 < x) : (u < x - lower);
    result = x == lower ? lower : up ? lower + 1 : lower;
    break;
  }
  }
  return static_cast<int64_t>(result);
}

/// Reference for roundingShiftRight in __int128 division (shift <= 74).
int64_t int128Shift(int64_t value, unsigned shift, RoundingMode mode,
                    uint64_t randomBits) {
  Int128 denominator = Int128(1) << shift;
  Int128 q = Int128(value) / denominator;
  Int128 r = Int128(value) % denominator;
  if (r < 0) {
    q -= 1;
    r += denominator;
  }
  if (r == 0)
    return static_cast<int64_t>(q);
  Int128 twice = 2 * r;
  switch (mode) {
  case RoundingMode::NearestAway:
    if (twice == denominator)
      return static_cast<int64_t>(value < 0 ? q : q + 1);
    return static_cast<int64_t>(twice > denominator ? q + 1 : q);
  case RoundingMode::NearestEven:
    if (twice == denominator)
      return static_cast<int64_t>(q % 2 == 0 ? q : q + 1);
    return static_cast<int64_t>(twice > denominator ? q + 1 : q);
  case RoundingMode::Floor:
    return static_cast<int64_t>(q);
  case RoundingMode::TowardZero:
    return static_cast<int64_t>(value < 0 ? q + 1 : q);
  case RoundingMode::Stochastic:
    // frac = r / 2^s > u53 / 2^53  <=>  r * 2^53 > u53 * 2^s.
    return static_cast<int64_t>(
        (r << 53) > (Int128(randomBits >> 11) << shift) ? q + 1 : q);
  }
  return 0;
}

TEST_F(FixedPointProperty, RoundingShiftRightMatchesReferences) {
  static_assert(std::numeric_limits<long double>::digits >= 64,
                "reference needs a 64-bit long double mantissa");
  ASSERT_EQ(std::fegetround(), FE_TONEAREST);
  for (int i = 0; i < 300000; ++i) {
    unsigned shift;
    switch (i % 4) {
    case 0:
      shift = unsigned(intIn(0, 64));
      break;
    case 1:
      shift = unsigned(intIn(0, 74));
      break;
    case 2:
      shift = unsigned(intIn(0, 8));
      break;
    default:
      shift = unsigned(intIn(0, 300));
      break;
    }
    int64_t value;
    switch ((i / 4) % 5) {
    case 0:
      value = int64_t(bits());
      break;
    case 1:
      value = int64_t(bits()) >> intIn(0, 63);
      break;
    case 2: {
      // An exact tie at this shift, when one exists.
      int64_t high = int64_t(bits()) >> intIn(1, 63);
      value = shift == 0 || shift > 62 ? high
                                       : int64_t(uint64_t(high) << shift) |
                                             (int64_t(1) << (shift - 1));
      break;
    }
    case 3: {
      const int64_t specials[] = {kInt64Min, kInt64Min + 1, -1,           0,
                                  1,         kInt64Max,     kInt64Max - 1};
      value = specials[intIn(0, 6)];
      break;
    }
    default:
      value = intIn(-1000, 1000);
      break;
    }
    RoundingMode mode = kAllModes[intIn(0, 4)];
    uint64_t randomBits = (i % 11 == 0) ? 0 : (i % 11 == 1) ? ~0ULL : bits();
    int64_t actual = roundingShiftRight(value, shift, mode, randomBits);
    ASSERT_EQ(actual, longDoubleShift(value, shift, mode, randomBits))
        << value << " >> " << shift << " " << stringifyRoundingMode(mode);
    if (shift <= 74) {
      ASSERT_EQ(actual, int128Shift(value, shift, mode, randomBits))
          << value << " >> " << shift << " " << stringifyRoundingMode(mode);
    }
  }
}

TEST_F(FixedPointProperty, StochasticRoundingIsUnbiased) {
  constexpr int kDraws = 200000;
  const double values[] = {2.3, -1.7, 0.01, -0.01, 5.5, -3.125, 100.9};
  uint64_t seed = 0;
  for (double v : values) {
    ++seed;
    double sum = 0;
    double lower = std::floor(v);
    for (int i = 0; i < kDraws; ++i) {
      double r = roundScaled(v, RoundingMode::Stochastic,
                             stochasticDraw(seed, uint64_t(i)));
      ASSERT_TRUE(r == lower || r == lower + 1) << v;
      sum += r;
    }
    // The standard error is at most 0.5 / sqrt(2e5) ~ 0.0011.
    EXPECT_NEAR(sum / kDraws, v, 0.005) << v;
  }
}

TEST_F(FixedPointProperty, StochasticQuantizeAndShiftAreUnbiased) {
  constexpr int kDraws = 100000;
  // 2.1 in s16 F=4: 33.6 LSBs.
  FixedFormat format = s(16, 4);
  double sum = 0;
  for (int i = 0; i < kDraws; ++i)
    sum += double(quantize(2.1, format, RoundingMode::Stochastic,
                           OverflowMode::Saturate, stochasticDraw(9, i)));
  EXPECT_NEAR(sum / kDraws, 2.1 * 16, 0.005);

  // -1000 / 2^7 = -7.8125, 777 / 2^10 ~ 0.7588, INT64_MIN / 2^64 = -0.5.
  for (auto [value, shift] : {std::pair<int64_t, unsigned>(-1000, 7),
                              std::pair<int64_t, unsigned>(777, 10),
                              std::pair<int64_t, unsigned>(kInt64Min, 64)}) {
    double total = 0;
    for (int i = 0; i < kDraws; ++i)
      total += double(roundingShiftRight(value, shift, RoundingMode::Stochastic,
                                         stochasticDraw(10 + shift, i)));
    EXPECT_NEAR(total / kDraws, std::ldexp(double(value), -int(shift)), 0.005)
        << value << " >> " << shift;
  }
}

TEST_F(FixedPointProperty, StochasticIsDeterministicPerSeedAndIndex) {
  for (int i = 0; i < 20000; ++i) {
    FixedFormat format = randomFormat(-10, 40);
    double x = logUniform(-30, 40);
    uint64_t seed = bits(), index = bits();
    uint64_t draw = stochasticDraw(seed, index);
    ASSERT_EQ(draw, stochasticDraw(seed, index));
    int64_t first = quantize(x, format, RoundingMode::Stochastic,
                             OverflowMode::Saturate, draw);
    ASSERT_EQ(first,
              quantize(x, format, RoundingMode::Stochastic,
                       OverflowMode::Saturate, stochasticDraw(seed, index)));
    int64_t floor = quantize(x, format, RoundingMode::Floor);
    ASSERT_TRUE(first == floor || first == floor + 1 ||
                first == format.maxStored());
  }
}

TEST_F(FixedPointProperty, BestFractionLengthIsTight) {
  auto fits = [](double lo, double hi, const FixedFormat &format) {
    QuantizeFlags a, b;
    quantize(lo, format, RoundingMode::NearestAway, OverflowMode::Saturate, 0,
             &a);
    quantize(hi, format, RoundingMode::NearestAway, OverflowMode::Saturate, 0,
             &b);
    return !a.overflow && !b.overflow;
  };
  for (int i = 0; i < 100000; ++i) {
    bool isSigned = rng() & 1;
    unsigned wordLength = unsigned(intIn(1, 32));
    double lo, hi;
    switch (i % 4) {
    case 0: // Wide magnitudes, subnormals included.
      lo = logUniform(-1074, 1023);
      hi = logUniform(-1074, 1023);
      break;
    case 1:
      lo = logUniform(-20, 20);
      hi = logUniform(-20, 20);
      break;
    case 2: {
      // Just below / at / above powers of two and their LSB-rounding edges.
      double p = std::ldexp(1.0, int(intIn(-30, 30)));
      double nudge = std::ldexp(1.0, -int(intIn(0, 40)));
      lo = (rng() & 1) ? -p : -p * (1 + nudge);
      hi = (rng() & 1) ? p * (1 - nudge) : p;
      break;
    }
    default:
      lo = (rng() & 1) ? 0.0 : logUniform(-10, 10);
      hi = (rng() % 3 == 0) ? 0.0 : logUniform(-10, 10);
      break;
    }
    if (lo > hi)
      std::swap(lo, hi);
    int f = bestFractionLength(lo, hi, wordLength, isSigned);
    double checkLo = isSigned ? lo : std::max(lo, 0.0);
    double checkHi = isSigned ? hi : std::max(hi, 0.0);
    SCOPED_TRACE(std::to_string(lo) + " " + std::to_string(hi) + " " +
                 makeFormat(isSigned, wordLength, f).str());
    if (checkLo == 0 && checkHi == 0) {
      ASSERT_EQ(f, isSigned ? int(wordLength) - 1 : int(wordLength));
      continue;
    }
    ASSERT_TRUE(fits(checkLo, checkHi, makeFormat(isSigned, wordLength, f)));
    ASSERT_FALSE(
        fits(checkLo, checkHi, makeFormat(isSigned, wordLength, f + 1)));
  }
}

} // namespace
