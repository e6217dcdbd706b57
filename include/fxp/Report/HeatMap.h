//===- HeatMap.h - MSB-histogram heat map of a network ----------*- C++ -*-===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) reporting.
//
// The "calibration statistics" view of a quantized network, as in MATLAB's
// Deep Network Quantizer: one row per tensor (in network order), one column
// per MSB position p (the bin |x| in [2^p, 2^(p+1)), highest at the left),
// each cell shaded by the number of values whose MSB is at p, and the bits
// the chosen fixed-point type cannot hold greyed out:
//
//   columns p > highestBit   overflow region  (the values saturate)
//   columns p < lowestBit    underflow region (below the LSB 2^-F)
//
// The regions are the MSB view of the type; the exact predicted fractions,
// which also account for rounding at the edges (a value just below the LSB
// may round up to it, one just below 2^(highestBit+1) may round up and
// saturate), are the row's overflow / underflow fractions.
//
// Shading is logarithmic and relative to the row: a cell of n values out of a
// row whose largest cell holds m gets the level log(1 + n) / log(1 + m), so
// that an empty cell is white and the row's fullest one dark blue, whatever
// the tensor's size.
//
// All rows share one set of columns: from the highest position that is
// occupied or representable in any row down to the lowest one. When that
// spans more than `maxColumns` positions, a window of `maxColumns`
// positions is shown: one holding the largest sum over rows of the share of
// the row's values (then the most representable bits; the middle one of the
// equally good windows), and the counts beyond it are folded into the edge
// columns (both renderings say so).
//
//===----------------------------------------------------------------------===//

#ifndef FXP_REPORT_HEATMAP_H
#define FXP_REPORT_HEATMAP_H

#include "fxp/Numerics/FixedPoint.h"
#include "fxp/Numerics/FormatSelection.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace mlir::fxp {

/// One tensor of the heat map: its MSB histogram and the bits of its type.
struct HeatMapRow {
  /// Tensor name (free text; escaped by the renderers).
  std::string name;
  /// "activation", "weight", "bias", "input".
  std::string kind;
  /// Dense MSB histogram indexed by position - ValueHistogram::kMinPosition
  /// (ValueHistogram::msbHistogram()). Shorter vectors are zero-padded.
  std::vector<uint64_t> msbCounts;
  uint64_t zeroCount = 0;
  /// Representable bits of the chosen type: the highest magnitude bit
  /// (W-2-F signed, W-1-F unsigned) and the LSB (-F). Per-channel formats
  /// pass the union over channels (max of highest, min of lowest) and set
  /// `perChannel`. highestBit < lowestBit (a signed 1-bit word) means no
  /// magnitude bit is representable.
  int highestBit = 0;
  int lowestBit = 0;
  bool perChannel = false;
  /// "s8 F=5", or "s8 F=[7..4]" per channel.
  std::string formatText;
  /// Predicted fractions of the finite values (FormatChoice).
  double overflowFraction = 0;
  double underflowFraction = 0;

  /// Count of values whose MSB is at `position` (0 outside the vector).
  uint64_t countAt(int position) const;
  /// Non-zero values: the sum of `msbCounts`.
  uint64_t nonZeroCount() const;
};

/// Row of a per-tensor format `choice` on `histogram`.
HeatMapRow makeHeatMapRow(const std::string &name, const std::string &kind,
                          const ValueHistogram &histogram,
                          const FormatChoice &choice);

/// Row of a per-channel tensor: `slices` are the channel histograms
/// (histogramsPerSlice) and `choices` their formats (selectPerChannelFormats),
/// one per slice. The MSB histogram is their sum, the window the union of the
/// channels' windows and the fractions are weighted by the slices' finite
/// counts.
HeatMapRow makePerChannelHeatMapRow(const std::string &name,
                                    const std::string &kind,
                                    const std::vector<ValueHistogram> &slices,
                                    const std::vector<FormatChoice> &choices);

/// Text of a list of channel formats: "s8 F=5" when they all agree,
/// "s8 F=[7..4]" (largest F first) when only F differs, and the distinct
/// sign/width prefixes joined by '/' ("s8/u8 F=[7..4]") otherwise. Empty for
/// an empty list.
std::string describeFormats(const std::vector<FixedFormat> &formats);

/// Default (maximum) number of columns of a heat map.
constexpr unsigned kHeatMapMaxColumns = 40;

/// The MSB positions shown as columns, from `highest` (leftmost) down to
/// `lowest` (rightmost), shared by every row.
struct HeatMapColumns {
  int highest = 0;
  int lowest = 1;
  /// Some row has values (or type bits) above `highest` / below `lowest`;
  /// the values are counted in the edge column.
  bool clippedAbove = false;
  bool clippedBelow = false;

  bool empty() const { return highest < lowest; }
  unsigned size() const { return empty() ? 0 : unsigned(highest - lowest + 1); }
  /// Column index of `position` (0 = leftmost); requires it to be shown.
  unsigned indexOf(int position) const { return unsigned(highest - position); }
  int positionAt(unsigned index) const { return highest - int(index); }
};

/// Columns of a heat map of `rows` (see the file comment): empty when `rows`
/// is; otherwise at most `maxColumns` (at least 1) positions.
HeatMapColumns selectHeatMapColumns(const std::vector<HeatMapRow> &rows,
                                    unsigned maxColumns = kHeatMapMaxColumns);

/// Counts of `row` per column of `columns`, with the values beyond the
/// columns folded into the edge ones.
std::vector<uint64_t> foldedCellCounts(const HeatMapRow &row,
                                       const HeatMapColumns &columns);

/// Plain-text heat map (ASCII only): a header with the bit positions (every
/// 4th labelled), one fixed-width line per row (name, kind, one character
/// per column, format, overflow / underflow / zero percentages) and a legend.
/// Cells inside the type's bits use the ramp " .:-=+*#%@" by log count;
/// cells outside use '\'' when empty and 'x' / 'X' (below / from half the
/// log scale) when not.
void writeHeatMapText(const std::vector<HeatMapRow> &rows, std::ostream &os,
                      unsigned maxColumns = kHeatMapMaxColumns);

/// Standalone SVG heat map (XML, no external resources): title, column
/// header, row labels, one `<rect class="cell">` per cell filled white to
/// dark blue by log count, a grey hatch over the bits outside the type, a
/// border around each row's representable bits (dashed for per-channel
/// rows), the format and percentages at the right, and a legend.
void writeHeatMapSvg(const std::vector<HeatMapRow> &rows, std::ostream &os,
                     const std::string &title,
                     unsigned maxColumns = kHeatMapMaxColumns);

} // namespace mlir::fxp

#endif // FXP_REPORT_HEATMAP_H
