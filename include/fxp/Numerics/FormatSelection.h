//===- FormatSelection.h - Histograms and format selection ------*- C++ -*-===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) numerics core.
//
// What fxp knows about the values of one tensor (or one weight slice), and the
// policies that turn that knowledge into a fixed-point format
// (docs/Numerics.md, "MSB histograms and format selection").
//
// ValueHistogram: a fixed log-linear binning of float32 values. Every finite
// non-zero x lands in the bin (sign, p, s) with
//
//   p = floor(log2|x|)            in [-149, 127]   (the MSB position)
//   s = the 8 bits of |x| below the MSB            in [0, 255]
//   |x| in [2^p (1 + s/256), 2^p (1 + (s+1)/256))
//
// i.e. 256 equal sub-bins per octave, sign kept. The relative width of a
// bin is between 2^-9 and 2^-8 (at most 0.39%). Summing the sub-bins of an
// octave gives the MSB histogram of seed 002. Counts are integers, so merging
// is addition: exact and independent of batch order or split. Zeros are
// counted apart; NaN and Inf are not histogram values (the statistics runtime
// counts them). The exact minimum and maximum are kept beside the bins.
//
// Policies (selectFormat): msb, msb-mse, minmax, percentile, entropy, mse.
// Every choice reports the predicted overflow / underflow fractions and the
// predicted mean squared error of the format on the histogram's values.
// Predictions assume nearest-away rounding and saturation (the defaults).
// Overflow thresholds of formats with W <= 8 bits and every underflow
// threshold are bin edges, so those fractions are exact counts; for wider
// words the bin holding the threshold is split by linear interpolation.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_NUMERICS_FORMATSELECTION_H
#define FXP_NUMERICS_FORMATSELECTION_H

#include "fxp/Numerics/FixedPoint.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::fxp {

//===----------------------------------------------------------------------===//
// ValueHistogram
//===----------------------------------------------------------------------===//

/// Log-linear histogram of the finite values of a float32 tensor, plus the
/// exact extremes and the zero count (see the file comment for the layout).
class ValueHistogram {
public:
  /// MSB positions of float32: subnormals reach 2^-149, the largest finite
  /// value has its MSB at 2^127.
  static constexpr int kMinPosition = -149;
  static constexpr int kMaxPosition = 127;
  static constexpr int kNumPositions = kMaxPosition - kMinPosition + 1;
  /// Sub-bins per octave: the mantissa bits right below the MSB.
  static constexpr unsigned kSubBinBits = 8;
  static constexpr unsigned kNumSubBins = 1u << kSubBinBits;
  /// Blocks are indexed by (sign, position): 2 * kNumPositions of them.
  static constexpr unsigned kNumBlocks = 2 * kNumPositions;

  /// The sub-bin counts of one (sign, MSB position) octave.
  using Block = std::array<uint64_t, kNumSubBins>;

  ValueHistogram();
  ValueHistogram(const ValueHistogram &other);
  ValueHistogram(ValueHistogram &&other) noexcept;
  ValueHistogram &operator=(const ValueHistogram &other);
  ValueHistogram &operator=(ValueHistogram &&other) noexcept;
  ~ValueHistogram();

  /// Adds one value; NaN and Inf are ignored (returns false for them).
  bool add(float value);
  /// Adds `count` zeros (either sign).
  void addZeros(uint64_t count);
  /// Widens [min, max] to include [lo, hi] (both finite, lo <= hi). Zeros
  /// must be passed as +0 so that the extremes do not depend on the order.
  void includeExtremes(float lo, float hi);
  /// Adds another histogram: exact and commutative.
  void merge(const ValueHistogram &other);

  /// Block table index of (negative, position).
  static unsigned blockIndex(bool negative, int position) {
    return (negative ? unsigned(kNumPositions) : 0u) +
           unsigned(position - kMinPosition);
  }
  /// The block at `index`, allocated (all zero) on first use. This is the
  /// accumulation entry point of fast loops (see Runtime/Statistics.cpp);
  /// callers keep min/max and the zero count consistent themselves.
  Block &blockAt(unsigned index) {
    if (!blocks[index])
      return allocateBlock(index);
    return *blocks[index];
  }
  /// The block of (negative, position), or null when no value landed there.
  const Block *findBlock(bool negative, int position) const {
    return blocks[blockIndex(negative, position)].get();
  }
  const Block *findBlock(unsigned index) const { return blocks[index].get(); }

  /// Bin of a finite non-zero float: (MSB position, sub-bin). Exact for
  /// subnormals.
  static std::pair<int, unsigned> binOf(float value);
  /// Magnitude edges of sub-bin `subBin` of octave `position`:
  /// 2^p (1 + s/256) and 2^p (1 + (s+1)/256) (exact doubles).
  static double binLowerEdge(int position, unsigned subBin);
  static double binUpperEdge(int position, unsigned subBin);

  uint64_t zeroCount() const { return zeros; }
  /// Finite non-zero values (the MSB histogram's total).
  uint64_t nonZeroCount() const;
  /// All finite values, zeros included.
  uint64_t finiteCount() const { return zeros + nonZeroCount(); }
  bool empty() const { return finiteCount() == 0; }
  /// Exact extremes of the finite values; +Inf / -Inf when empty.
  float min() const { return minimum; }
  float max() const { return maximum; }

  /// MSB histogram: values whose MSB is at `position` (both signs, or one).
  uint64_t msbCount(int position) const;
  uint64_t msbCount(int position, bool negative) const;
  /// The MSB histogram as a dense vector indexed by position - kMinPosition.
  std::vector<uint64_t> msbHistogram() const;
  std::vector<uint64_t> msbHistogram(bool negative) const;
  /// Highest / lowest occupied MSB position; nullopt when no non-zero value.
  std::optional<int> highestPosition() const;
  std::optional<int> lowestPosition() const;

  /// Number of values of one sign with |x| >= magnitude (magnitude >= 0;
  /// zeros are not counted). Exact when `magnitude` is a bin edge, linearly
  /// interpolated inside the bin otherwise.
  double countAtLeast(double magnitude, bool negative) const;
  /// Number of non-zero values (both signs) with |x| < magnitude; exact when
  /// `magnitude` is a bin edge (every power of two is one).
  double countNonZeroBelow(double magnitude) const;

  /// Bit-identical comparison of counts and extremes.
  bool operator==(const ValueHistogram &other) const;
  bool operator!=(const ValueHistogram &other) const {
    return !(*this == other);
  }

private:
  Block &allocateBlock(unsigned index);

  std::unique_ptr<std::unique_ptr<Block>[]> blocks;
  uint64_t zeros = 0;
  float minimum;
  float maximum;
};

//===----------------------------------------------------------------------===//
// Policies
//===----------------------------------------------------------------------===//

/// How a format is chosen from a histogram.
enum class SelectionPolicy : uint32_t {
  /// MATLAB-like (seed 002): the highest bit p such that more than a
  /// fraction `msbOutlierFraction` of the non-zero values have their MSB at
  /// p or above; the sparser top octaves are left to saturate.
  Msb = 0,
  /// The p that minimises the predicted mean squared error computed from
  /// the MSB histogram alone (values uniform within each octave).
  MsbMse = 1,
  /// Best precision that covers [min, max] (bestFractionLength).
  MinMax = 2,
  /// Best precision that covers the `percentile`-th percentile of |x|.
  Percentile = 3,
  /// TensorRT-style: the clipping threshold 2^(p+1) minimising the KL
  /// divergence between the clipped and the quantized distribution of |x|.
  Entropy = 4,
  /// The p that minimises the predicted mean squared error computed from
  /// the fine histogram.
  Mse = 5,
};

/// "msb", "msb-mse", "minmax", "percentile", "entropy", "mse".
const char *stringifySelectionPolicy(SelectionPolicy policy);
std::optional<SelectionPolicy> parseSelectionPolicy(const std::string &name);

struct SelectionOptions {
  /// Word length W of the chosen format.
  unsigned wordLength = 8;
  /// Choose an unsigned format when min >= 0 (the default is signed, as
  /// MATLAB's quantizer). The bit p is chosen the same way; F = W - 1 - p.
  bool unsignedWhenNonNegative = false;
  /// `msb`: the fraction of non-zero values allowed to overflow because
  /// their MSB lies above the chosen bit. 0 covers the largest MSB (MATLAB's
  /// choice for weights).
  double msbOutlierFraction = 0.01;
  /// `percentile`: the percentile of |x| (over all finite values) to cover.
  double percentile = 99.99;
};

/// A chosen format and what it is predicted to do to the histogram's values
/// (fractions of the finite values, zeros included).
struct FormatChoice {
  FixedFormat format;
  /// Values that quantize outside the stored range (then saturate).
  double overflowFraction = 0;
  /// Non-zero values that quantize to 0 (|x| below half an LSB).
  double underflowFraction = 0;
  /// Mean of (x - Q(x))^2 over the finite values, assuming values are
  /// uniformly spread inside each fine bin.
  double predictedMse = 0;
};

/// Predicted overflow, underflow and MSE of `format` on `histogram`.
FormatChoice evaluateFormat(const ValueHistogram &histogram,
                            const FixedFormat &format);

/// Mean squared error of `format` predicted from the MSB histogram alone
/// (every value uniform within its octave): the metric `msb-mse` minimises.
double predictMsbMse(const ValueHistogram &histogram,
                     const FixedFormat &format);

/// Chooses a format of `options.wordLength` bits for the values of
/// `histogram` with `policy`. An empty histogram (or one holding only zeros)
/// gets MATLAB's fi(0) scaling: F = W - 1 signed, W unsigned.
FormatChoice selectFormat(const ValueHistogram &histogram,
                          SelectionPolicy policy,
                          const SelectionOptions &options = {});

/// Per-channel weights: one choice per slice histogram.
std::vector<FormatChoice>
selectPerChannelFormats(const std::vector<ValueHistogram> &slices,
                        SelectionPolicy policy,
                        const SelectionOptions &options = {});

/// Histograms of the slices of a dense row-major float tensor along `axis`
/// (e.g. output channels of a weight: axis 0 of OIHW). Requires
/// axis < shape.size() and non-negative dimensions.
std::vector<ValueHistogram>
histogramsPerSlice(const float *data, const std::vector<int64_t> &shape,
                   unsigned axis);

/// Bias format of an integer kernel: the accumulator s32 with
/// F = F_x + F_w (docs/Numerics.md, integer kernels).
FixedFormat biasFormat(const FixedFormat &input, const FixedFormat &weight,
                       unsigned accumulatorWidth = 32);
/// Per-channel weights: one bias format per output channel.
std::vector<FixedFormat> biasFormats(const FixedFormat &input,
                                     const std::vector<FixedFormat> &weights,
                                     unsigned accumulatorWidth = 32);

} // namespace mlir::fxp

#endif // FXP_NUMERICS_FORMATSELECTION_H
