//===- FormatSelection.cpp - Histograms and format-selection policies -----===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) numerics core.
//
//===----------------------------------------------------------------------===//
//
// Implementation of fxp/Numerics/FormatSelection.h.
//
// Error model. A value x of one sign, quantized to a format whose largest
// stored magnitude on that side is K (K = 2^(W-1) - 1 positive and 2^(W-1)
// negative for signed words; 2^W - 1 positive and 0 negative for unsigned
// ones) with LSB l = 2^-F, becomes
//
//   Q(|x|) = l * round(|x| / l)   for |x| <  (K + 1/2) l   (rounding,
//   underflow) Q(|x|) = K l                  for |x| >= (K + 1/2) l
//   (saturation)
//
// (nearest-away; ties have measure zero). Inside a histogram bin [a, b) the
// values are taken as uniform, so a bin of n values contributes
// n / (b - a) * integral_a^b (x - Q(x))^2 dx, computed in closed form:
// the rounding part is l^3 times the integral of the squared sawtooth
// (u - round(u))^2 (1/12 per whole cell), the saturation part is
// ((b - Kl)^3 - (a - Kl)^3) / 3. `msb-mse` uses the same model with one bin
// per octave (the MSB histogram), `mse` with the 256 sub-bins per octave.
//
//===----------------------------------------------------------------------===//

#include "fxp/Numerics/FormatSelection.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::fxp;

using Block = ValueHistogram::Block;

//===----------------------------------------------------------------------===//
// ValueHistogram
//===----------------------------------------------------------------------===//

ValueHistogram::ValueHistogram()
    : blocks(new std::unique_ptr<Block>[kNumBlocks]),
      minimum(std::numeric_limits<float>::infinity()),
      maximum(-std::numeric_limits<float>::infinity()) {}

ValueHistogram::ValueHistogram(const ValueHistogram &other) : ValueHistogram() {
  *this = other;
}

ValueHistogram::ValueHistogram(ValueHistogram &&other) noexcept
    : ValueHistogram() {
  *this = std::move(other);
}

ValueHistogram &ValueHistogram::operator=(const ValueHistogram &other) {
  if (this == &other)
    return *this;
  for (unsigned i = 0; i < kNumBlocks; ++i) {
    if (other.blocks[i])
      blocks[i] = std::make_unique<Block>(*other.blocks[i]);
    else
      blocks[i].reset();
  }
  zeros = other.zeros;
  minimum = other.minimum;
  maximum = other.maximum;
  return *this;
}

ValueHistogram &ValueHistogram::operator=(ValueHistogram &&other) noexcept {
  if (this == &other)
    return *this;
  std::swap(blocks, other.blocks);
  zeros = other.zeros;
  minimum = other.minimum;
  maximum = other.maximum;
  return *this;
}

ValueHistogram::~ValueHistogram() = default;

ValueHistogram::Block &ValueHistogram::allocateBlock(unsigned index) {
  assert(index < kNumBlocks && "block index out of range");
  blocks[index] = std::make_unique<Block>();
  blocks[index]->fill(0);
  return *blocks[index];
}

std::pair<int, unsigned> ValueHistogram::binOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  unsigned exponent = (bits >> 23) & 0xff;
  uint32_t mantissa = bits & 0x7fffff;
  assert(exponent != 0xff && (exponent != 0 || mantissa != 0) &&
         "binOf needs a finite non-zero value");
  if (exponent != 0)
    return {int(exponent) - 127, (bits >> 15) & 0xff};
  // Subnormal: value = mantissa * 2^-149; normalize on its highest set bit.
  int top = 31 - __builtin_clz(mantissa);
  unsigned subBin = top >= 8 ? (mantissa >> (top - 8)) & 0xff
                             : (mantissa << (8 - top)) & 0xff;
  return {top - 149, subBin};
}

double ValueHistogram::binLowerEdge(int position, unsigned subBin) {
  return std::ldexp(1.0 + double(subBin) / kNumSubBins, position);
}

double ValueHistogram::binUpperEdge(int position, unsigned subBin) {
  return std::ldexp(1.0 + double(subBin + 1) / kNumSubBins, position);
}

bool ValueHistogram::add(float value) {
  if (!std::isfinite(value))
    return false;
  if (value == 0.0f) {
    ++zeros;
    includeExtremes(0.0f, 0.0f);
    return true;
  }
  auto [position, subBin] = binOf(value);
  ++blockAt(blockIndex(value < 0, position))[subBin];
  includeExtremes(value, value);
  return true;
}

void ValueHistogram::addZeros(uint64_t count) { zeros += count; }

void ValueHistogram::includeExtremes(float lo, float hi) {
  minimum = std::min(minimum, lo);
  maximum = std::max(maximum, hi);
}

void ValueHistogram::merge(const ValueHistogram &other) {
  for (unsigned i = 0; i < kNumBlocks; ++i) {
    if (!other.blocks[i])
      continue;
    Block &block = blockAt(i);
    const Block &source = *other.blocks[i];
    for (unsigned s = 0; s < kNumSubBins; ++s)
      block[s] += source[s];
  }
  zeros += other.zeros;
  includeExtremes(other.minimum, other.maximum);
}

static uint64_t blockTotal(const Block *block) {
  uint64_t total = 0;
  if (block)
    for (uint64_t count : *block)
      total += count;
  return total;
}

uint64_t ValueHistogram::nonZeroCount() const {
  uint64_t total = 0;
  for (unsigned i = 0; i < kNumBlocks; ++i)
    total += blockTotal(blocks[i].get());
  return total;
}

uint64_t ValueHistogram::msbCount(int position, bool negative) const {
  if (position < kMinPosition || position > kMaxPosition)
    return 0;
  return blockTotal(findBlock(negative, position));
}

uint64_t ValueHistogram::msbCount(int position) const {
  return msbCount(position, false) + msbCount(position, true);
}

std::vector<uint64_t> ValueHistogram::msbHistogram(bool negative) const {
  std::vector<uint64_t> counts(kNumPositions);
  for (int p = kMinPosition; p <= kMaxPosition; ++p)
    counts[p - kMinPosition] = msbCount(p, negative);
  return counts;
}

std::vector<uint64_t> ValueHistogram::msbHistogram() const {
  std::vector<uint64_t> counts = msbHistogram(false);
  std::vector<uint64_t> negative = msbHistogram(true);
  for (int i = 0; i < kNumPositions; ++i)
    counts[i] += negative[i];
  return counts;
}

std::optional<int> ValueHistogram::highestPosition() const {
  for (int p = kMaxPosition; p >= kMinPosition; --p)
    if (msbCount(p) != 0)
      return p;
  return std::nullopt;
}

std::optional<int> ValueHistogram::lowestPosition() const {
  for (int p = kMinPosition; p <= kMaxPosition; ++p)
    if (msbCount(p) != 0)
      return p;
  return std::nullopt;
}

/// Counts of `block` (octave `position`) with magnitude >= `magnitude`
/// (the partially covered bin linearly interpolated).
static double blockCountAtLeast(const Block &block, int position,
                                double magnitude) {
  double lower = std::ldexp(1.0, position);
  if (magnitude <= lower)
    return double(blockTotal(&block));
  if (magnitude >= 2 * lower)
    return 0;
  double total = 0;
  for (unsigned s = 0; s < ValueHistogram::kNumSubBins; ++s) {
    if (block[s] == 0)
      continue;
    double a = ValueHistogram::binLowerEdge(position, s);
    double b = ValueHistogram::binUpperEdge(position, s);
    if (a >= magnitude)
      total += double(block[s]);
    else if (b > magnitude)
      total += double(block[s]) * (b - magnitude) / (b - a);
  }
  return total;
}

double ValueHistogram::countAtLeast(double magnitude, bool negative) const {
  double total = 0;
  for (int p = kMinPosition; p <= kMaxPosition; ++p)
    if (const Block *block = findBlock(negative, p))
      total += blockCountAtLeast(*block, p, magnitude);
  return total;
}

double ValueHistogram::countNonZeroBelow(double magnitude) const {
  double total = 0;
  for (bool negative : {false, true})
    for (int p = kMinPosition; p <= kMaxPosition; ++p)
      if (const Block *block = findBlock(negative, p))
        total +=
            double(blockTotal(block)) - blockCountAtLeast(*block, p, magnitude);
  return total;
}

bool ValueHistogram::operator==(const ValueHistogram &other) const {
  static const Block kEmpty{};
  for (unsigned i = 0; i < kNumBlocks; ++i) {
    const Block &a = blocks[i] ? *blocks[i] : kEmpty;
    const Block &b = other.blocks[i] ? *other.blocks[i] : kEmpty;
    if (a != b)
      return false;
  }
  auto sameFloat = [](float a, float b) {
    return std::memcmp(&a, &b, sizeof(float)) == 0;
  };
  return zeros == other.zeros && sameFloat(minimum, other.minimum) &&
         sameFloat(maximum, other.maximum);
}

//===----------------------------------------------------------------------===//
// Error model
//===----------------------------------------------------------------------===//

/// integral over [ra, rb] of r^2 dr, written without cancellation.
static double cubeDifference(double ra, double rb) {
  return (rb - ra) * (rb * rb + ra * rb + ra * ra) / 3;
}

/// integral_{ua}^{ub} (u - round(u))^2 du for 0 <= ua <= ub: per rounding
/// cell k (u in [k - 1/2, k + 1/2)) the integrand is r^2 with r = u - k.
static double sawtoothSquaredIntegral(double ua, double ub) {
  if (ub <= ua)
    return 0;
  double cellA = std::floor(ua + 0.5);
  double cellB = std::floor(ub + 0.5);
  double ra = ua - cellA;
  double rb = ub - cellB;
  if (cellA == cellB)
    return cubeDifference(ra, rb);
  return cubeDifference(ra, 0.5) + (cellB - cellA - 1) / 12 +
         cubeDifference(-0.5, rb);
}

namespace {
/// One side (sign) of a format: LSB and largest stored magnitude.
struct FormatSide {
  double lsb;
  double maxMagnitude; // K * lsb
  double saturation;   // (K + 1/2) * lsb
};
} // namespace

static FormatSide getSide(const FixedFormat &format, bool negative) {
  double lsb = format.lsb();
  double levels =
      negative ? -double(format.minStored()) : double(format.maxStored());
  return {lsb, levels * lsb, (levels + 0.5) * lsb};
}

/// Sum over [a, b) of the squared quantization error, values uniform.
static double binSquaredError(double a, double b, const FormatSide &side) {
  double total = 0;
  double roundedEnd = std::min(b, side.saturation);
  if (roundedEnd > a) {
    double l = side.lsb;
    total += l * l * l * sawtoothSquaredIntegral(a / l, roundedEnd / l);
  }
  double saturatedBegin = std::max(a, side.saturation);
  if (b > saturatedBegin)
    total += cubeDifference(saturatedBegin - side.maxMagnitude,
                            b - side.maxMagnitude);
  return total;
}

/// Mean squared error over the finite values: sub-bins (`fine`) or whole
/// octaves.
static double predictMse(const ValueHistogram &histogram,
                         const FixedFormat &format, bool fine) {
  uint64_t finite = histogram.finiteCount();
  if (finite == 0)
    return 0;
  double total = 0;
  for (bool negative : {false, true}) {
    FormatSide side = getSide(format, negative);
    for (int p = ValueHistogram::kMinPosition;
         p <= ValueHistogram::kMaxPosition; ++p) {
      const Block *block = histogram.findBlock(negative, p);
      if (!block)
        continue;
      if (!fine) {
        double a = std::ldexp(1.0, p), b = std::ldexp(1.0, p + 1);
        total +=
            double(blockTotal(block)) * binSquaredError(a, b, side) / (b - a);
        continue;
      }
      for (unsigned s = 0; s < ValueHistogram::kNumSubBins; ++s) {
        if ((*block)[s] == 0)
          continue;
        double a = ValueHistogram::binLowerEdge(p, s);
        double b = ValueHistogram::binUpperEdge(p, s);
        total += double((*block)[s]) * binSquaredError(a, b, side) / (b - a);
      }
    }
  }
  return total / double(finite);
}

double fxp::predictMsbMse(const ValueHistogram &histogram,
                          const FixedFormat &format) {
  return predictMse(histogram, format, /*fine=*/false);
}

FormatChoice fxp::evaluateFormat(const ValueHistogram &histogram,
                                 const FixedFormat &format) {
  FormatChoice choice;
  choice.format = format;
  uint64_t finite = histogram.finiteCount();
  if (finite == 0)
    return choice;
  double overflow = 0;
  for (bool negative : {false, true})
    overflow +=
        histogram.countAtLeast(getSide(format, negative).saturation, negative);
  // Nearest rounding sends |x| < lsb / 2 to 0; the tie rounds away.
  double underflow = histogram.countNonZeroBelow(format.lsb() / 2);
  choice.overflowFraction = overflow / double(finite);
  choice.underflowFraction = underflow / double(finite);
  choice.predictedMse = predictMse(histogram, format, /*fine=*/true);
  return choice;
}

//===----------------------------------------------------------------------===//
// Policies
//===----------------------------------------------------------------------===//

const char *fxp::stringifySelectionPolicy(SelectionPolicy policy) {
  switch (policy) {
  case SelectionPolicy::Msb:
    return "msb";
  case SelectionPolicy::MsbMse:
    return "msb-mse";
  case SelectionPolicy::MinMax:
    return "minmax";
  case SelectionPolicy::Percentile:
    return "percentile";
  case SelectionPolicy::Entropy:
    return "entropy";
  case SelectionPolicy::Mse:
    return "mse";
  }
  return "unknown";
}

std::optional<SelectionPolicy>
fxp::parseSelectionPolicy(const std::string &name) {
  for (SelectionPolicy policy :
       {SelectionPolicy::Msb, SelectionPolicy::MsbMse, SelectionPolicy::MinMax,
        SelectionPolicy::Percentile, SelectionPolicy::Entropy,
        SelectionPolicy::Mse})
    if (name == stringifySelectionPolicy(policy))
      return policy;
  return std::nullopt;
}

namespace {
/// A magnitude bin (both signs merged) with its count.
struct MagnitudeBin {
  int position;
  unsigned subBin;
  double lower, upper;
  double count;
};
} // namespace

/// Non-empty magnitude bins in increasing order of magnitude.
static std::vector<MagnitudeBin>
magnitudeBins(const ValueHistogram &histogram) {
  std::vector<MagnitudeBin> bins;
  for (int p = ValueHistogram::kMinPosition; p <= ValueHistogram::kMaxPosition;
       ++p) {
    const Block *positive = histogram.findBlock(false, p);
    const Block *negative = histogram.findBlock(true, p);
    if (!positive && !negative)
      continue;
    for (unsigned s = 0; s < ValueHistogram::kNumSubBins; ++s) {
      uint64_t count =
          (positive ? (*positive)[s] : 0) + (negative ? (*negative)[s] : 0);
      if (count != 0)
        bins.push_back({p, s, ValueHistogram::binLowerEdge(p, s),
                        ValueHistogram::binUpperEdge(p, s), double(count)});
    }
  }
  return bins;
}

/// `msb`: the highest p with count(MSB >= p) > fraction * nonZero.
static int selectMsbPosition(const ValueHistogram &histogram, int highest,
                             int lowest, double fraction) {
  double budget =
      std::clamp(fraction, 0.0, 1.0) * double(histogram.nonZeroCount());
  uint64_t atOrAbove = 0;
  for (int p = highest; p >= lowest; --p) {
    atOrAbove += histogram.msbCount(p);
    if (double(atOrAbove) > budget)
      return p;
  }
  return lowest;
}

/// Argmin of `cost` over p in [lo, hi]; ties go to the larger p (less
/// overflow).
template <typename Cost> static int argminPosition(int lo, int hi, Cost cost) {
  int best = hi;
  double bestCost = std::numeric_limits<double>::infinity();
  for (int p = hi; p >= lo; --p) {
    double value = cost(p);
    if (value < bestCost) {
      bestCost = value;
      best = p;
    }
  }
  return best;
}

/// KL(P || Q) of the clipping threshold 2^(p+1), as TensorRT's entropy
/// calibration computes it, on the fine bins instead of 2048 linear ones:
/// P is the distribution of |x| below the threshold with the clipped mass
/// added to the last bin; Q quantizes the histogram below the threshold
/// *without* the clipped mass to the format's levels (each level's mass
/// spread over its non-empty bins in proportion to their widths), so
/// clipping a heavy tail or a spike costs what it should. Zero entries of Q
/// where P is not zero are smoothed (eps = 1e-4, as TensorRT/MXNet do).
static double klDivergence(const std::vector<MagnitudeBin> &bins,
                           const FixedFormat &format, int p) {
  double threshold = std::ldexp(1.0, p + 1);
  std::vector<MagnitudeBin> kept;
  double outliers = 0, total = 0, keptTotal = 0;
  for (const MagnitudeBin &bin : bins) {
    total += bin.count;
    if (bin.upper <= threshold) {
      kept.push_back(bin);
      keptTotal += bin.count;
    } else {
      outliers += bin.count;
    }
  }
  // P: the kept bins, plus the clipped mass in the last bin below the
  // threshold (added as an empty bin of Q when it holds no value itself).
  std::vector<double> pCounts;
  for (const MagnitudeBin &bin : kept)
    pCounts.push_back(bin.count);
  if (outliers > 0) {
    unsigned last = ValueHistogram::kNumSubBins - 1;
    if (kept.empty() || kept.back().position != p ||
        kept.back().subBin != last) {
      kept.push_back(
          {p, last, ValueHistogram::binLowerEdge(p, last), threshold, 0.0});
      pCounts.push_back(0.0);
    }
    pCounts.back() += outliers;
  }
  if (kept.empty() || keptTotal == 0)
    return std::numeric_limits<double>::infinity();

  double lsb = format.lsb();
  double levels = double(format.maxStored());
  auto levelOf = [&](const MagnitudeBin &bin) {
    return std::min(levels,
                    std::floor((bin.lower + bin.upper) / 2 / lsb + 0.5));
  };
  // Q over the same bins (bins are sorted: a level's bins are consecutive).
  std::vector<double> q(kept.size(), 0.0);
  for (size_t begin = 0; begin < kept.size();) {
    double level = levelOf(kept[begin]);
    size_t end = begin;
    double mass = 0, width = 0;
    while (end < kept.size() && levelOf(kept[end]) == level) {
      mass += kept[end].count;
      if (kept[end].count > 0)
        width += kept[end].upper - kept[end].lower;
      ++end;
    }
    for (size_t i = begin; i < end; ++i)
      if (kept[i].count > 0)
        q[i] = mass * (kept[i].upper - kept[i].lower) / width / keptTotal;
    begin = end;
  }
  // Smoothing: zeros of Q get eps, taken evenly from its non-zero entries.
  constexpr double eps = 1e-4;
  size_t zeros = 0;
  for (double v : q)
    zeros += v == 0.0;
  double take = zeros ? eps * double(zeros) / double(q.size() - zeros) : 0.0;
  if (zeros == q.size())
    return std::numeric_limits<double>::infinity();
  double divergence = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    double qi = q[i] == 0.0 ? eps : q[i] - take;
    double pi = pCounts[i] / total;
    if (pi > 0)
      divergence += pi * std::log(pi / std::max(qi, 1e-300));
  }
  return divergence;
}

/// The `percentile`-th percentile of |x| over the finite values, linearly
/// interpolated inside the fine bin that holds it.
static double magnitudePercentile(const ValueHistogram &histogram,
                                  const std::vector<MagnitudeBin> &bins,
                                  double percentile) {
  double rank = std::clamp(percentile, 0.0, 100.0) / 100 *
                double(histogram.finiteCount());
  double below = double(histogram.zeroCount());
  if (rank <= below)
    return 0;
  double largest = std::max(std::fabs(double(histogram.min())),
                            std::fabs(double(histogram.max())));
  for (const MagnitudeBin &bin : bins) {
    if (below + bin.count >= rank)
      return std::min(largest, bin.lower + (bin.upper - bin.lower) *
                                               (rank - below) / bin.count);
    below += bin.count;
  }
  return largest;
}

FormatChoice fxp::selectFormat(const ValueHistogram &histogram,
                               SelectionPolicy policy,
                               const SelectionOptions &options) {
  unsigned width = options.wordLength;
  bool isSigned = !(options.unsignedWhenNonNegative &&
                    (histogram.empty() || histogram.min() >= 0));
  auto withHighestBit = [&](int p) {
    return formatWithHighestBit(isSigned, width, p);
  };
  auto withFractionLength = [&](int fractionLength) {
    FixedFormat format;
    format.isSigned = isSigned;
    format.wordLength = width;
    format.fractionLength = fractionLength;
    return format;
  };

  std::optional<int> highest = histogram.highestPosition();
  std::optional<int> lowest = histogram.lowestPosition();
  if (!highest || !lowest)
    return evaluateFormat(histogram, withFractionLength(bestFractionLength(
                                         0.0, 0.0, width, isSigned)));

  FixedFormat format;
  switch (policy) {
  case SelectionPolicy::Msb:
    format = withHighestBit(selectMsbPosition(histogram, *highest, *lowest,
                                              options.msbOutlierFraction));
    break;
  case SelectionPolicy::MsbMse:
    format =
        withHighestBit(argminPosition(*lowest - 1, *highest + 1, [&](int p) {
          return predictMsbMse(histogram, withHighestBit(p));
        }));
    break;
  case SelectionPolicy::Mse:
    format =
        withHighestBit(argminPosition(*lowest - 1, *highest + 1, [&](int p) {
          return predictMse(histogram, withHighestBit(p), /*fine=*/true);
        }));
    break;
  case SelectionPolicy::MinMax:
    format = withFractionLength(bestFractionLength(
        double(histogram.min()), double(histogram.max()), width, isSigned));
    break;
  case SelectionPolicy::Percentile: {
    double magnitude = magnitudePercentile(histogram, magnitudeBins(histogram),
                                           options.percentile);
    format =
        withFractionLength(bestFractionLength(0.0, magnitude, width, isSigned));
    break;
  }
  case SelectionPolicy::Entropy: {
    // TensorRT tries thresholds from max/16 up to max; on the power-of-two
    // grid that is the top five octaves.
    std::vector<MagnitudeBin> bins = magnitudeBins(histogram);
    int lo = std::max(*lowest, *highest - 4);
    format = withHighestBit(argminPosition(lo, *highest, [&](int p) {
      return klDivergence(bins, withHighestBit(p), p);
    }));
    break;
  }
  }
  return evaluateFormat(histogram, format);
}

std::vector<FormatChoice>
fxp::selectPerChannelFormats(const std::vector<ValueHistogram> &slices,
                             SelectionPolicy policy,
                             const SelectionOptions &options) {
  std::vector<FormatChoice> choices;
  choices.reserve(slices.size());
  for (const ValueHistogram &slice : slices)
    choices.push_back(selectFormat(slice, policy, options));
  return choices;
}

std::vector<ValueHistogram>
fxp::histogramsPerSlice(const float *data, const std::vector<int64_t> &shape,
                        unsigned axis) {
  assert(axis < shape.size() && "slice axis out of range");
  int64_t outer = 1, inner = 1;
  for (unsigned i = 0; i < axis; ++i)
    outer *= shape[i];
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t channels = shape[axis];
  std::vector<ValueHistogram> slices(size_t(std::max<int64_t>(channels, 0)));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const float *row = data + (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i)
        slices[c].add(row[i]);
    }
  return slices;
}

FixedFormat fxp::biasFormat(const FixedFormat &input, const FixedFormat &weight,
                            unsigned accumulatorWidth) {
  FixedFormat format;
  format.isSigned = true;
  format.wordLength = accumulatorWidth;
  format.fractionLength = input.fractionLength + weight.fractionLength;
  return format;
}

std::vector<FixedFormat>
fxp::biasFormats(const FixedFormat &input,
                 const std::vector<FixedFormat> &weights,
                 unsigned accumulatorWidth) {
  std::vector<FixedFormat> formats;
  formats.reserve(weights.size());
  for (const FixedFormat &weight : weights)
    formats.push_back(biasFormat(input, weight, accumulatorWidth));
  return formats;
}
