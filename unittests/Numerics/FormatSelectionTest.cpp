//===- FormatSelectionTest.cpp - Tests for histograms and policies --------===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) numerics core.
//
//===----------------------------------------------------------------------===//

#include "fxp/Numerics/FormatSelection.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace mlir::fxp;

namespace {

constexpr SelectionPolicy kAllPolicies[] = {
    SelectionPolicy::Msb,     SelectionPolicy::MsbMse,
    SelectionPolicy::MinMax,  SelectionPolicy::Percentile,
    SelectionPolicy::Entropy, SelectionPolicy::Mse};

FixedFormat s(unsigned wordLength, int fractionLength) {
  FixedFormat format;
  format.wordLength = wordLength;
  format.fractionLength = fractionLength;
  return format;
}

FixedFormat u(unsigned wordLength, int fractionLength) {
  FixedFormat format = s(wordLength, fractionLength);
  format.isSigned = false;
  return format;
}

ValueHistogram histogramOf(const std::vector<float> &values) {
  ValueHistogram histogram;
  for (float value : values)
    histogram.add(value);
  return histogram;
}

/// What quantize() really does to `values` in `format`.
struct BruteForce {
  uint64_t finite = 0, overflow = 0, underflow = 0;
  double squaredError = 0;
  double overflowFraction() const { return double(overflow) / double(finite); }
  double underflowFraction() const {
    return double(underflow) / double(finite);
  }
  double mse() const { return squaredError / double(finite); }
};

BruteForce bruteForce(const std::vector<float> &values,
                      const FixedFormat &format) {
  BruteForce result;
  for (float value : values) {
    if (!std::isfinite(value))
      continue;
    ++result.finite;
    QuantizeFlags flags;
    int64_t stored = quantize(value, format, RoundingMode::NearestAway,
                              OverflowMode::Saturate, 0, &flags);
    result.overflow += flags.overflow;
    result.underflow += flags.underflow;
    double error = double(value) - toReal(stored, format);
    result.squaredError += error * error;
  }
  return result;
}

/// N(0, sigma) samples plus `outliers` values of magnitude `outlier`.
std::vector<float> gaussianWithOutliers(size_t n, double sigma, int outliers,
                                        float outlier, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<float> values;
  for (size_t i = 0; i < n; ++i)
    values.push_back(float(normal(rng)));
  for (int i = 0; i < outliers; ++i)
    values.push_back(i % 2 ? -outlier : outlier);
  return values;
}

/// The seed-002 logged values: the three printed in the seed (0.03125,
/// 2.1, 16.25) and a body of 125 values whose MSBs fill bits 2^3..2^-3, the
/// dark region of the heat map. 16.25 is the only value with MSB 2^4.
std::vector<float> seedExampleValues() {
  std::vector<float> values = {0.03125f, 2.1f, 16.25f};
  for (int i = 0; i < 125; ++i)
    values.push_back(std::ldexp(1.0f + float(i % 8) / 8, 3 - i % 7));
  return values;
}

//===----------------------------------------------------------------------===//
// Layout and MSB histogram
//===----------------------------------------------------------------------===//

TEST(ValueHistogram, BinLayout) {
  using Bin = std::pair<int, unsigned>;
  EXPECT_EQ(ValueHistogram::binOf(1.0f), Bin(0, 0));
  EXPECT_EQ(ValueHistogram::binOf(1.5f), Bin(0, 128));
  EXPECT_EQ(ValueHistogram::binOf(-1.99609375f), Bin(0, 255));
  EXPECT_EQ(ValueHistogram::binOf(0.03125f), Bin(-5, 0));
  EXPECT_EQ(ValueHistogram::binOf(16.25f), Bin(4, 4));
  EXPECT_EQ(ValueHistogram::binOf(FLT_MAX), Bin(127, 255));
  EXPECT_EQ(ValueHistogram::binOf(FLT_MIN), Bin(-126, 0));
  // Subnormals are normalized on their highest set bit.
  float denormMin = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(ValueHistogram::binOf(denormMin), Bin(-149, 0));
  EXPECT_EQ(ValueHistogram::binOf(3 * denormMin), Bin(-148, 128));
  EXPECT_EQ(ValueHistogram::binOf(std::ldexp(1.75f, -130)), Bin(-130, 192));
  // Edges are exact and every float lies inside its bin.
  EXPECT_EQ(ValueHistogram::binLowerEdge(4, 4), 16.25);
  EXPECT_EQ(ValueHistogram::binUpperEdge(4, 4), 16.3125);
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) {
    uint32_t bits = rng();
    float value;
    std::memcpy(&value, &bits, sizeof(value));
    if (!std::isfinite(value) || value == 0)
      continue;
    auto [position, subBin] = ValueHistogram::binOf(value);
    EXPECT_EQ(position, *msbPosition(value));
    double magnitude = std::fabs(double(value));
    EXPECT_LE(ValueHistogram::binLowerEdge(position, subBin), magnitude);
    EXPECT_LT(magnitude, ValueHistogram::binUpperEdge(position, subBin));
  }
}

TEST(ValueHistogram, ExactMsbHistogramOfHandMadeData) {
  ValueHistogram histogram =
      histogramOf({0.03125f, 2.1f, 16.25f, -3.0f, 0.75f, 0.0f, -0.0f, -2.0f,
                   1.0f, std::numeric_limits<float>::quiet_NaN(),
                   std::numeric_limits<float>::infinity()});
  EXPECT_EQ(histogram.zeroCount(), 2u);
  EXPECT_EQ(histogram.nonZeroCount(), 7u);
  EXPECT_EQ(histogram.finiteCount(), 9u);
  EXPECT_EQ(histogram.msbCount(-5), 1u);
  EXPECT_EQ(histogram.msbCount(-1), 1u);
  EXPECT_EQ(histogram.msbCount(0), 1u);
  EXPECT_EQ(histogram.msbCount(1), 3u);
  EXPECT_EQ(histogram.msbCount(1, /*negative=*/true), 2u);
  EXPECT_EQ(histogram.msbCount(1, /*negative=*/false), 1u);
  EXPECT_EQ(histogram.msbCount(4), 1u);
  EXPECT_EQ(histogram.msbCount(2), 0u);
  EXPECT_EQ(histogram.highestPosition(), 4);
  EXPECT_EQ(histogram.lowestPosition(), -5);
  EXPECT_EQ(histogram.min(), -3.0f);
  EXPECT_EQ(histogram.max(), 16.25f);
  std::vector<uint64_t> dense = histogram.msbHistogram();
  uint64_t total = 0;
  for (uint64_t count : dense)
    total += count;
  EXPECT_EQ(total, 7u);
  EXPECT_EQ(dense[4 - ValueHistogram::kMinPosition], 1u);
}

TEST(ValueHistogram, MergeIsAdditionAndCopiesAreDeep) {
  ValueHistogram a = histogramOf({1.0f, -2.5f, 0.0f});
  ValueHistogram b = histogramOf({3.0f, 1.0f});
  ValueHistogram ab = histogramOf({1.0f, -2.5f, 0.0f, 3.0f, 1.0f});
  ValueHistogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged, ab);
  ValueHistogram other = b;
  other.merge(a);
  EXPECT_EQ(other, ab);
  EXPECT_NE(a, ab); // The copy did not share blocks.
  ValueHistogram moved = std::move(merged);
  EXPECT_EQ(moved, ab);
}

TEST(ValueHistogram, CountsAboveAndBelowThresholds) {
  ValueHistogram histogram = histogramOf({0.5f, 1.0f, 1.5f, -1.5f, -4.0f});
  EXPECT_EQ(histogram.countAtLeast(1.0, false), 2.0);
  EXPECT_EQ(histogram.countAtLeast(1.5, true), 2.0);
  EXPECT_EQ(histogram.countAtLeast(0.0, true), 2.0);
  EXPECT_EQ(histogram.countNonZeroBelow(1.0), 1.0);
  EXPECT_EQ(histogram.countNonZeroBelow(2.0), 4.0);
  // Inside a bin the count is interpolated: 1.0 is alone in [1, 1 + 1/256).
  EXPECT_DOUBLE_EQ(histogram.countAtLeast(1.0 + 1.0 / 512, false), 1.0 + 0.5);
}

//===----------------------------------------------------------------------===//
// Seed 002
//===----------------------------------------------------------------------===//

TEST(FormatSelectionSeed, MsbChoosesS8F3ForTheSeedExample) {
  std::vector<float> values = seedExampleValues();
  ValueHistogram histogram = histogramOf(values);
  EXPECT_EQ(histogram.msbCount(4), 1u);
  EXPECT_EQ(histogram.msbCount(-5), 1u);

  FormatChoice choice = selectFormat(histogram, SelectionPolicy::Msb);
  EXPECT_EQ(choice.format, s(8, 3));
  EXPECT_EQ(choice.format.highestBit(), 3);
  EXPECT_EQ(choice.format.lowestBit(), -3);
  // The seed's consequences: 0.03125 underflows, 2.1 loses precision,
  // 16.25 overflows and saturates to 127/8.
  EXPECT_EQ(roundTrip(0.03125, choice.format), 0.0);
  EXPECT_EQ(roundTrip(double(2.1f), choice.format), 2.125);
  EXPECT_EQ(roundTrip(16.25, choice.format), 15.875);
  // Exactly one overflow (16.25) and one underflow (0.03125).
  BruteForce actual = bruteForce(values, choice.format);
  EXPECT_EQ(actual.overflow, 1u);
  EXPECT_EQ(actual.underflow, 1u);
  EXPECT_EQ(choice.overflowFraction, 1.0 / 128);
  EXPECT_EQ(choice.underflowFraction, 1.0 / 128);
}

TEST(FormatSelectionSeed, ZeroOutlierFractionCoversTheLargestMsb) {
  // MATLAB's choice for weights: no value above the type.
  SelectionOptions options;
  options.msbOutlierFraction = 0;
  FormatChoice choice = selectFormat(histogramOf(seedExampleValues()),
                                     SelectionPolicy::Msb, options);
  EXPECT_EQ(choice.format, s(8, 2));
  EXPECT_EQ(choice.format.highestBit(), 4);
}

TEST(FormatSelectionSeed, ThreePrintedValuesAloneCoverTheMax) {
  // From the three printed values alone, 2^4..2^-2 holds two MSBs and the
  // seed's 2^3..2^-3 one, so a counting rule covers 16.25: the seed's type
  // reflects the other logged values of its heat map.
  FormatChoice choice =
      selectFormat(histogramOf({0.03125f, 2.1f, 16.25f}), SelectionPolicy::Msb);
  EXPECT_EQ(choice.format, s(8, 2));
}

//===----------------------------------------------------------------------===//
// Policies on known distributions
//===----------------------------------------------------------------------===//

TEST(FormatSelection, PolicyNames) {
  for (SelectionPolicy policy : kAllPolicies)
    EXPECT_EQ(parseSelectionPolicy(stringifySelectionPolicy(policy)), policy);
  EXPECT_EQ(parseSelectionPolicy("msb-mse"), SelectionPolicy::MsbMse);
  EXPECT_EQ(parseSelectionPolicy("kl"), std::nullopt);
}

TEST(FormatSelection, EmptyAndAllZeroGetFiZeroScaling) {
  for (SelectionPolicy policy : kAllPolicies) {
    FormatChoice empty = selectFormat(ValueHistogram(), policy);
    EXPECT_EQ(empty.format, s(8, 7)) << stringifySelectionPolicy(policy);
    EXPECT_EQ(empty.overflowFraction, 0.0);
    ValueHistogram zeros = histogramOf({0.0f, -0.0f});
    FormatChoice zero = selectFormat(zeros, policy);
    EXPECT_EQ(zero.format, s(8, 7));
    EXPECT_EQ(zero.predictedMse, 0.0);
  }
}

TEST(FormatSelection, MinMaxOfUniformGridInMinusOneOne) {
  // Multiples of 2^-7 in [-1, 1): -1 and 127/128 both fit s8 F=7.
  std::vector<float> values;
  for (int k = -128; k < 128; ++k)
    values.push_back(float(k) / 128);
  FormatChoice choice =
      selectFormat(histogramOf(values), SelectionPolicy::MinMax);
  EXPECT_EQ(choice.format, s(8, 7));
  EXPECT_EQ(choice.overflowFraction, 0.0);
  EXPECT_EQ(choice.underflowFraction, 0.0);
  // Every value is representable; the prediction spreads each value over
  // its bin (width LSB/4 here), so it is small but not 0.
  EXPECT_EQ(bruteForce(values, choice.format).mse(), 0.0);
  EXPECT_LT(choice.predictedMse,
            choice.format.lsb() * choice.format.lsb() / 12);
}

TEST(FormatSelection, MinMaxOfRandomUniformFollowsBestPrecision) {
  // Random uniform values in [-1, 1) include some >= 127.5/128, which round
  // to 128 at F=7: best precision is F=6 (as fi(0.999, 1, 8)).
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> values;
  for (int i = 0; i < 100000; ++i)
    values.push_back(uniform(rng));
  ValueHistogram histogram = histogramOf(values);
  ASSERT_GE(histogram.max(), 127.5f / 128);
  FormatChoice choice = selectFormat(histogram, SelectionPolicy::MinMax);
  EXPECT_EQ(choice.format, s(8, 6));
  EXPECT_EQ(choice.overflowFraction, 0.0);
  // Without those values the grid answer F=7 comes back.
  std::vector<float> below;
  for (float value : values)
    if (value < 127.5f / 128)
      below.push_back(value);
  EXPECT_EQ(selectFormat(histogramOf(below), SelectionPolicy::MinMax).format,
            s(8, 7));
}

TEST(FormatSelection, OutlierRobustPoliciesChooseSmallerRanges) {
  // 10 outliers at +-10 among 100000 N(0, 1) values: covering them costs
  // more rounding error (LSB 2^-4 instead of 2^-5) than clipping them to 8.
  std::vector<float> values = gaussianWithOutliers(100000, 1.0, 10, 10.0f, 3);
  ValueHistogram histogram = histogramOf(values);
  FormatChoice minmax = selectFormat(histogram, SelectionPolicy::MinMax);
  EXPECT_EQ(minmax.format, s(8, 3)); // 10 needs bits up to 2^3.
  EXPECT_EQ(minmax.overflowFraction, 0.0);
  // (msb-mse sees only octaves: it spreads the outliers over [8, 16), which
  // overstates the cost of clipping them, and keeps bit 3.)
  for (SelectionPolicy policy :
       {SelectionPolicy::Percentile, SelectionPolicy::Entropy,
        SelectionPolicy::Mse, SelectionPolicy::Msb}) {
    FormatChoice choice = selectFormat(histogram, policy);
    EXPECT_LT(choice.format.highestBit(), minmax.format.highestBit())
        << stringifySelectionPolicy(policy);
    EXPECT_GT(choice.overflowFraction, 0.0) << stringifySelectionPolicy(policy);
    // A standard Gaussian needs about 4 sigma: bit 1 or 2.
    EXPECT_GE(choice.format.highestBit(), 1)
        << stringifySelectionPolicy(policy);
    EXPECT_LE(choice.format.highestBit(), 2)
        << stringifySelectionPolicy(policy);
  }
  EXPECT_LT(selectFormat(histogram, SelectionPolicy::Mse).predictedMse,
            minmax.predictedMse);
}

TEST(FormatSelection, MseIsOptimalForItsOwnMetric) {
  for (uint64_t seed : {1, 2, 3}) {
    std::vector<float> values =
        gaussianWithOutliers(20000, 0.1 * double(seed), 5, 3.0f, seed);
    ValueHistogram histogram = histogramOf(values);
    FormatChoice mse = selectFormat(histogram, SelectionPolicy::Mse);
    for (SelectionPolicy policy : kAllPolicies)
      EXPECT_LE(mse.predictedMse, selectFormat(histogram, policy).predictedMse)
          << stringifySelectionPolicy(policy);
    for (int p = -8; p <= 4; ++p)
      EXPECT_LE(mse.predictedMse,
                evaluateFormat(histogram, formatWithHighestBit(true, 8, p))
                    .predictedMse);
  }
}

TEST(FormatSelection, MsbMseBeatsMsbByItsOwnMetric) {
  std::vector<std::vector<float>> sets = {
      seedExampleValues(), gaussianWithOutliers(50000, 1.0, 10, 50.0f, 4),
      gaussianWithOutliers(50000, 0.02, 0, 0.0f, 5)};
  std::mt19937_64 rng(6);
  std::exponential_distribution<float> exponential(3.0f);
  std::vector<float> relu;
  for (int i = 0; i < 50000; ++i)
    relu.push_back(i % 2 ? 0.0f : exponential(rng));
  sets.push_back(relu);
  for (const std::vector<float> &values : sets) {
    ValueHistogram histogram = histogramOf(values);
    FixedFormat msb = selectFormat(histogram, SelectionPolicy::Msb).format;
    FixedFormat msbMse =
        selectFormat(histogram, SelectionPolicy::MsbMse).format;
    EXPECT_LE(predictMsbMse(histogram, msbMse), predictMsbMse(histogram, msb));
  }
}

TEST(FormatSelection, PercentileCoversTheRequestedFraction) {
  // |x| uniform on (0, 1]: the 50th percentile is 0.5, covered by F = 7
  // (0.5 * 2^8 = 128 would overflow s8); minmax must cover 1.0 (F = 6).
  std::vector<float> values;
  for (int k = 1; k <= 4096; ++k)
    values.push_back(float(k) / 4096 * (k % 2 ? 1 : -1));
  ValueHistogram histogram = histogramOf(values);
  SelectionOptions options;
  options.percentile = 50;
  FormatChoice median =
      selectFormat(histogram, SelectionPolicy::Percentile, options);
  EXPECT_EQ(median.format, s(8, 7));
  EXPECT_EQ(selectFormat(histogram, SelectionPolicy::MinMax).format, s(8, 6));
  options.percentile = 100;
  EXPECT_EQ(
      selectFormat(histogram, SelectionPolicy::Percentile, options).format,
      s(8, 6));
}

TEST(FormatSelection, UnsignedWhenNonNegativeOption) {
  std::vector<float> relu = {0.0f, 0.25f, 1.0f, 3.5f, 0.0f};
  SelectionOptions options;
  options.unsignedWhenNonNegative = true;
  FormatChoice choice =
      selectFormat(histogramOf(relu), SelectionPolicy::MinMax, options);
  EXPECT_EQ(choice.format, u(8, 6)); // 3.5 * 64 = 224 <= 255.
  EXPECT_EQ(selectFormat(histogramOf(relu), SelectionPolicy::MinMax).format,
            s(8, 5));
  FormatChoice msb =
      selectFormat(histogramOf(relu), SelectionPolicy::Msb, options);
  EXPECT_EQ(msb.format, u(8, 6)); // p = 1, F = W - 1 - p.
  // A negative value keeps the format signed.
  relu.push_back(-0.5f);
  EXPECT_TRUE(selectFormat(histogramOf(relu), SelectionPolicy::MinMax, options)
                  .format.isSigned);
}

//===----------------------------------------------------------------------===//
// Predictions against brute force
//===----------------------------------------------------------------------===//

TEST(FormatSelection, OverflowAndUnderflowMatchBruteForceExactly) {
  std::vector<std::vector<float>> sets = {
      seedExampleValues(), gaussianWithOutliers(30000, 1.0, 20, 40.0f, 8),
      gaussianWithOutliers(30000, 1e-3, 3, 0.5f, 9)};
  // Values exactly on rounding and overflow thresholds of s8/u8 formats.
  std::vector<float> edges;
  for (int k = -260; k <= 520; ++k)
    edges.push_back(float(k) / 2 / 8);
  sets.push_back(edges);
  for (const std::vector<float> &values : sets) {
    ValueHistogram histogram = histogramOf(values);
    for (unsigned width : {2u, 4u, 8u}) {
      for (bool isSigned : {true, false}) {
        for (int fractionLength = -6; fractionLength <= 16; ++fractionLength) {
          FixedFormat format =
              isSigned ? s(width, fractionLength) : u(width, fractionLength);
          FormatChoice predicted = evaluateFormat(histogram, format);
          BruteForce actual = bruteForce(values, format);
          EXPECT_EQ(predicted.overflowFraction, actual.overflowFraction())
              << format.str();
          EXPECT_EQ(predicted.underflowFraction, actual.underflowFraction())
              << format.str();
        }
      }
    }
  }
}

TEST(FormatSelection, EveryPolicyReportsBruteForceFractions) {
  std::vector<float> values = gaussianWithOutliers(50000, 0.5, 30, 20.0f, 10);
  ValueHistogram histogram = histogramOf(values);
  for (SelectionPolicy policy : kAllPolicies) {
    for (unsigned width : {4u, 8u}) {
      SelectionOptions options;
      options.wordLength = width;
      FormatChoice choice = selectFormat(histogram, policy, options);
      EXPECT_EQ(choice.format.wordLength, width);
      BruteForce actual = bruteForce(values, choice.format);
      EXPECT_EQ(choice.overflowFraction, actual.overflowFraction())
          << stringifySelectionPolicy(policy) << " " << choice.format.str();
      EXPECT_EQ(choice.underflowFraction, actual.underflowFraction())
          << stringifySelectionPolicy(policy) << " " << choice.format.str();
      EXPECT_NEAR(choice.predictedMse, actual.mse(), 0.05 * actual.mse())
          << stringifySelectionPolicy(policy) << " " << choice.format.str();
    }
  }
}

TEST(FormatSelection, WideWordFractionsAreInterpolated) {
  std::vector<float> values = gaussianWithOutliers(50000, 1.0, 0, 0.0f, 11);
  ValueHistogram histogram = histogramOf(values);
  for (int fractionLength = 10; fractionLength <= 16; ++fractionLength) {
    FixedFormat format = s(16, fractionLength);
    FormatChoice predicted = evaluateFormat(histogram, format);
    BruteForce actual = bruteForce(values, format);
    // Within the values of the one bin that holds each threshold.
    EXPECT_NEAR(predicted.overflowFraction, actual.overflowFraction(),
                20.0 / 50000);
    EXPECT_EQ(predicted.underflowFraction, actual.underflowFraction());
    EXPECT_NEAR(predicted.predictedMse, actual.mse(), 0.05 * actual.mse());
  }
}

//===----------------------------------------------------------------------===//
// Per channel and bias
//===----------------------------------------------------------------------===//

TEST(FormatSelection, PerChannelWeights) {
  // OIHW weights [4, 2, 3, 3]; channel c holds values of magnitude < 2^-c.
  std::vector<int64_t> shape = {4, 2, 3, 3};
  std::vector<float> weights;
  for (int c = 0; c < 4; ++c)
    for (int i = 0; i < 18; ++i)
      weights.push_back(
          std::ldexp(float(i % 9 + 1) / 10 * (i % 2 ? -1 : 1), -c));
  std::vector<ValueHistogram> slices =
      histogramsPerSlice(weights.data(), shape, 0);
  ASSERT_EQ(slices.size(), 4u);
  std::vector<FormatChoice> choices =
      selectPerChannelFormats(slices, SelectionPolicy::MinMax);
  ASSERT_EQ(choices.size(), 4u);
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(slices[c].finiteCount(), 18u);
    EXPECT_EQ(choices[c].format, s(8, 7 + c)); // max |w| = 0.9 * 2^-c.
  }
  // Axis 1: two slices over all output channels.
  std::vector<ValueHistogram> inputSlices =
      histogramsPerSlice(weights.data(), shape, 1);
  ASSERT_EQ(inputSlices.size(), 2u);
  EXPECT_EQ(inputSlices[0].finiteCount(), 36u);
  EXPECT_EQ(inputSlices[0].max(), 0.9f);
}

TEST(FormatSelection, BiasUsesTheAccumulatorFormat) {
  EXPECT_EQ(biasFormat(s(8, 5), s(8, 6)), s(32, 11));
  EXPECT_EQ(biasFormat(u(8, 8), s(8, -2), 16), s(16, 6));
  std::vector<FixedFormat> biases = biasFormats(s(8, 4), {s(8, 7), s(8, 3)});
  ASSERT_EQ(biases.size(), 2u);
  EXPECT_EQ(biases[0], s(32, 11));
  EXPECT_EQ(biases[1], s(32, 7));
}

TEST(FormatSelection, EntropyDoesNotClipASpike) {
  // A normalized Fashion-MNIST-like input: half the values are the
  // background (-0.81), the rest the other 255 intensities. Building Q from
  // the histogram with the clipped mass (instead of without it, as TensorRT
  // does) made clipping the spike free and chose a range of +-0.25.
  std::vector<float> values;
  for (int i = 0; i < 5000; ++i)
    values.push_back((0.0f / 255.0f - 0.286f) / 0.353f);
  for (int i = 0; i < 5000; ++i) {
    int pixel = 1 + (i * 37) % 255; // the other 255 intensities
    values.push_back((float(pixel) / 255.0f - 0.286f) / 0.353f);
  }
  FormatChoice choice =
      selectFormat(histogramOf(values), SelectionPolicy::Entropy);
  EXPECT_GE(-choice.format.minReal(), 0.8102);
  EXPECT_LT(choice.overflowFraction, 0.5);
}

} // namespace
