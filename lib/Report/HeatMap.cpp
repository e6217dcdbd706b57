//===- HeatMap.cpp - MSB-histogram heat map of a quantized network --------===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) reporting.
//
//===----------------------------------------------------------------------===//
//
// Implementation of fxp/Report/HeatMap.h: row construction, the shared column
// window, and the text and SVG renderings.
//
//===----------------------------------------------------------------------===//

#include "fxp/Report/HeatMap.h"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <utility>

using namespace mlir;
using namespace mlir::fxp;

//===----------------------------------------------------------------------===//
// Rows
//===----------------------------------------------------------------------===//

uint64_t HeatMapRow::countAt(int position) const {
  int64_t index = int64_t(position) - ValueHistogram::kMinPosition;
  if (index < 0 || uint64_t(index) >= msbCounts.size())
    return 0;
  return msbCounts[size_t(index)];
}

uint64_t HeatMapRow::nonZeroCount() const {
  uint64_t total = 0;
  for (uint64_t count : msbCounts)
    total += count;
  return total;
}

HeatMapRow fxp::makeHeatMapRow(const std::string &name, const std::string &kind,
                               const ValueHistogram &histogram,
                               const FormatChoice &choice) {
  HeatMapRow row;
  row.name = name;
  row.kind = kind;
  row.msbCounts = histogram.msbHistogram();
  row.zeroCount = histogram.zeroCount();
  row.highestBit = choice.format.highestBit();
  row.lowestBit = choice.format.lowestBit();
  row.formatText = choice.format.str();
  row.overflowFraction = choice.overflowFraction;
  row.underflowFraction = choice.underflowFraction;
  return row;
}

HeatMapRow
fxp::makePerChannelHeatMapRow(const std::string &name, const std::string &kind,
                              const std::vector<ValueHistogram> &slices,
                              const std::vector<FormatChoice> &choices) {
  assert(slices.size() == choices.size() && "one format per slice");
  HeatMapRow row;
  row.name = name;
  row.kind = kind;
  row.perChannel = true;
  row.msbCounts.assign(ValueHistogram::kNumPositions, 0);
  // Union of the channels' bits: max of the highest, min of the lowest.
  row.highestBit = INT_MIN;
  row.lowestBit = INT_MAX;
  std::vector<FixedFormat> formats;
  double overflowCount = 0, underflowCount = 0;
  uint64_t finiteCount = 0;
  for (size_t i = 0, e = std::min(slices.size(), choices.size()); i < e; ++i) {
    std::vector<uint64_t> counts = slices[i].msbHistogram();
    for (size_t p = 0; p < counts.size(); ++p)
      row.msbCounts[p] += counts[p];
    row.zeroCount += slices[i].zeroCount();
    const FormatChoice &choice = choices[i];
    row.highestBit = std::max(row.highestBit, choice.format.highestBit());
    row.lowestBit = std::min(row.lowestBit, choice.format.lowestBit());
    formats.push_back(choice.format);
    double sliceCount = double(slices[i].finiteCount());
    overflowCount += choice.overflowFraction * sliceCount;
    underflowCount += choice.underflowFraction * sliceCount;
    finiteCount += slices[i].finiteCount();
  }
  if (formats.empty()) {
    // No channel: no representable bit.
    row.highestBit = -1;
    row.lowestBit = 0;
  }
  row.formatText = describeFormats(formats);
  if (finiteCount != 0) {
    row.overflowFraction = overflowCount / double(finiteCount);
    row.underflowFraction = underflowCount / double(finiteCount);
  }
  return row;
}

std::string fxp::describeFormats(const std::vector<FixedFormat> &formats) {
  if (formats.empty())
    return "";
  // Distinct "s8" / "u16" prefixes in order of appearance.
  std::vector<std::string> prefixes;
  int minF = INT_MAX, maxF = INT_MIN;
  for (const FixedFormat &format : formats) {
    std::string prefix = std::string(format.isSigned ? "s" : "u") +
                         std::to_string(format.wordLength);
    if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end())
      prefixes.push_back(prefix);
    minF = std::min(minF, format.fractionLength);
    maxF = std::max(maxF, format.fractionLength);
  }
  std::string text;
  for (const std::string &prefix : prefixes)
    text += (text.empty() ? "" : "/") + prefix;
  if (minF == maxF)
    return text + " F=" + std::to_string(minF);
  return text + " F=[" + std::to_string(maxF) + ".." + std::to_string(minF) +
         "]";
}

//===----------------------------------------------------------------------===//
// Columns
//===----------------------------------------------------------------------===//

namespace {

constexpr int kMinPosition = ValueHistogram::kMinPosition;
constexpr int kMaxPosition = ValueHistogram::kMaxPosition;

int clampPosition(int position) {
  return std::clamp(position, kMinPosition, kMaxPosition);
}

bool hasRepresentableBits(const HeatMapRow &row) {
  return row.highestBit >= row.lowestBit;
}

bool isRepresentable(const HeatMapRow &row, int position) {
  return position >= row.lowestBit && position <= row.highestBit;
}

/// Highest and lowest occupied MSB position of a row; nullopt-like
/// (INT_MIN, INT_MAX) when the row has no non-zero value.
std::pair<int, int> occupiedRange(const HeatMapRow &row) {
  int highest = INT_MIN, lowest = INT_MAX;
  size_t size = std::min<size_t>(row.msbCounts.size(),
                                 size_t(ValueHistogram::kNumPositions));
  for (size_t i = 0; i < size; ++i) {
    if (row.msbCounts[i] == 0)
      continue;
    int position = kMinPosition + int(i);
    highest = std::max(highest, position);
    lowest = std::min(lowest, position);
  }
  return {highest, lowest};
}

/// Values of `row` with their MSB in [lowest, highest].
uint64_t countBetween(const HeatMapRow &row, int lowest, int highest) {
  uint64_t total = 0;
  for (int position = lowest; position <= highest; ++position)
    total += row.countAt(position);
  return total;
}

/// Representable bits of `row` within [lowest, highest].
int typeBitsBetween(const HeatMapRow &row, int lowest, int highest) {
  if (!hasRepresentableBits(row))
    return 0;
  int top = std::min(highest, row.highestBit);
  int bottom = std::max(lowest, row.lowestBit);
  return top >= bottom ? top - bottom + 1 : 0;
}

} // namespace

HeatMapColumns fxp::selectHeatMapColumns(const std::vector<HeatMapRow> &rows,
                                         unsigned maxColumns) {
  HeatMapColumns columns;
  if (rows.empty())
    return columns;

  // The natural range: every occupied position and every representable bit
  // (clamped to the positions a float32 can have).
  int top = INT_MIN, bottom = INT_MAX;
  for (const HeatMapRow &row : rows) {
    auto [highest, lowest] = occupiedRange(row);
    if (highest != INT_MIN) {
      top = std::max(top, highest);
      bottom = std::min(bottom, lowest);
    }
    if (hasRepresentableBits(row)) {
      top = std::max(top, clampPosition(row.highestBit));
      bottom = std::min(bottom, clampPosition(row.lowestBit));
    }
  }
  if (top == INT_MIN) {
    // Nothing to place (no values, no representable bit): one column at 2^0.
    columns.highest = columns.lowest = 0;
    return columns;
  }

  int width = int(std::max(1u, maxColumns));
  if (top - bottom + 1 <= width) {
    columns.highest = top;
    columns.lowest = bottom;
    return columns;
  }

  // Too wide: slide a window of `width` positions from the top. The best
  // windows hold the largest sum over rows of the share of the row's values
  // inside, then show the most representable bits. Those form runs of
  // adjacent windows (typically every window around a compact bulk of
  // values); the middle of the highest run is taken, so that the bulk sits
  // centred, and the higher of two bulks wins (overflow matters more than
  // underflow).
  struct Candidate {
    int highest;
    double share;
    int typeBits;
  };
  std::vector<double> rowTotals;
  for (const HeatMapRow &row : rows)
    rowTotals.push_back(double(row.nonZeroCount()));
  std::vector<Candidate> candidates;
  for (int highest = top; highest - width + 1 >= bottom; --highest) {
    int lowest = highest - width + 1;
    Candidate candidate{highest, 0, 0};
    for (size_t r = 0; r < rows.size(); ++r) {
      if (rowTotals[r] > 0)
        candidate.share +=
            double(countBetween(rows[r], lowest, highest)) / rowTotals[r];
      candidate.typeBits += typeBitsBetween(rows[r], lowest, highest);
    }
    candidates.push_back(candidate);
  }
  constexpr double kTolerance = 1e-9;
  double bestShare = -1;
  for (const Candidate &candidate : candidates)
    bestShare = std::max(bestShare, candidate.share);
  int bestTypeBits = -1;
  for (const Candidate &candidate : candidates)
    if (candidate.share >= bestShare - kTolerance)
      bestTypeBits = std::max(bestTypeBits, candidate.typeBits);
  std::vector<int> best;
  for (const Candidate &candidate : candidates)
    if (candidate.share >= bestShare - kTolerance &&
        candidate.typeBits == bestTypeBits)
      best.push_back(candidate.highest);
  // `best` is in decreasing order: find the end of its first run; with an
  // even length the higher middle wins.
  size_t runLength = 1;
  while (runLength < best.size() && best[runLength] == best[runLength - 1] - 1)
    ++runLength;
  int bestHighest = best[(runLength - 1) / 2];
  columns.highest = bestHighest;
  columns.lowest = bestHighest - width + 1;
  columns.clippedAbove = columns.highest < top;
  columns.clippedBelow = columns.lowest > bottom;
  return columns;
}

std::vector<uint64_t> fxp::foldedCellCounts(const HeatMapRow &row,
                                            const HeatMapColumns &columns) {
  std::vector<uint64_t> cells(columns.size(), 0);
  if (columns.empty())
    return cells;
  size_t size = std::min<size_t>(row.msbCounts.size(),
                                 size_t(ValueHistogram::kNumPositions));
  for (size_t i = 0; i < size; ++i) {
    int position = kMinPosition + int(i);
    int shown = std::clamp(position, columns.lowest, columns.highest);
    cells[columns.indexOf(shown)] += row.msbCounts[i];
  }
  return cells;
}

//===----------------------------------------------------------------------===//
// Shared rendering helpers
//===----------------------------------------------------------------------===//

namespace {

/// Shading level of a cell of `count` values in a row whose fullest cell
/// holds `rowMax`: log(1 + count) / log(1 + rowMax), in [0, 1].
double logLevel(uint64_t count, uint64_t rowMax) {
  if (count == 0 || rowMax == 0)
    return 0;
  return std::min(1.0, std::log1p(double(count)) / std::log1p(double(rowMax)));
}

/// printf into a std::string (numbers are locale-independent this way as
/// long as the C locale is in effect, unlike a possibly imbued ostream).
template <typename... Args>
std::string printfString(const char *pattern, Args... args) {
  char buffer[128];
  int length = std::snprintf(buffer, sizeof(buffer), pattern, args...);
  return std::string(buffer, size_t(std::clamp(length, 0, 127)));
}

/// "12.34", "<0.01" for tiny non-zero percentages, "0.00" for zero.
std::string percentText(double fraction) {
  double percent = fraction * 100;
  if (percent > 0 && percent < 0.005)
    return "<0.01";
  return printfString("%.2f", percent);
}

/// Share of exact zeros among the finite values, "-" without values.
std::string zeroPercentText(const HeatMapRow &row) {
  uint64_t finite = row.zeroCount + row.nonZeroCount();
  if (finite == 0)
    return "-";
  return percentText(double(row.zeroCount) / double(finite));
}

/// Values of `row` beyond the columns (counted in the edge columns).
std::pair<uint64_t, uint64_t> foldedCounts(const HeatMapRow &row,
                                           const HeatMapColumns &columns) {
  uint64_t above = 0, below = 0;
  size_t size = std::min<size_t>(row.msbCounts.size(),
                                 size_t(ValueHistogram::kNumPositions));
  for (size_t i = 0; i < size; ++i) {
    int position = kMinPosition + int(i);
    if (position > columns.highest)
      above += row.msbCounts[i];
    else if (position < columns.lowest)
      below += row.msbCounts[i];
  }
  return {above, below};
}

/// "2^-3".
std::string powerText(int position) { return "2^" + std::to_string(position); }

/// Sentence explaining clipped columns, empty when nothing was clipped.
std::string clippingNote(const HeatMapColumns &columns) {
  if (!columns.clippedAbove && !columns.clippedBelow)
    return "";
  std::string note = "columns clipped to " + powerText(columns.highest) +
                     " .. " + powerText(columns.lowest) + ": ";
  if (columns.clippedAbove)
    note += "values with their MSB above " + powerText(columns.highest) +
            " are counted in the leftmost column";
  if (columns.clippedAbove && columns.clippedBelow)
    note += ", ";
  if (columns.clippedBelow)
    note += "values with their MSB below " + powerText(columns.lowest) +
            " in the rightmost one";
  return note;
}

/// "3 above 2^12, 17 below 2^-27"; empty when nothing was folded.
std::string foldedNote(const HeatMapRow &row, const HeatMapColumns &columns) {
  auto [above, below] = foldedCounts(row, columns);
  std::string note;
  if (above != 0)
    note += std::to_string(above) + " above " + powerText(columns.highest);
  if (above != 0 && below != 0)
    note += ", ";
  if (below != 0)
    note += std::to_string(below) + " below " + powerText(columns.lowest);
  return note;
}

bool isLabelledPosition(int position) { return position % 4 == 0; }

} // namespace

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

namespace {

/// Intensity ramp of cells inside the type's bits, empty first.
constexpr char kRamp[] = " .:-=+*#%@";
constexpr unsigned kRampLevels = sizeof(kRamp) - 1;
/// Cells outside the type's bits: empty, few, many values.
constexpr char kOutsideEmpty = '\'';
constexpr char kOutsideFew = 'x';
constexpr char kOutsideMany = 'X';
/// Widest name column; longer names keep their tail.
constexpr size_t kMaxNameWidth = 40;
constexpr size_t kMaxKindWidth = 12;
constexpr size_t kMaxFormatWidth = 24;
constexpr size_t kPercentWidth = 8;

char textCell(uint64_t count, uint64_t rowMax, bool representable) {
  double level = logLevel(count, rowMax);
  if (!representable) {
    if (count == 0)
      return kOutsideEmpty;
    return level < 0.5 ? kOutsideFew : kOutsideMany;
  }
  if (count == 0)
    return kRamp[0];
  // (0, 1] onto ramp entries 1 .. kRampLevels - 1.
  unsigned step =
      std::min(kRampLevels - 2, unsigned(level * (kRampLevels - 1)));
  return kRamp[1 + step];
}

/// Printable ASCII: other bytes become '?'.
std::string asciiOnly(const std::string &text) {
  std::string result = text;
  for (char &c : result)
    if (c < 0x20 || c > 0x7e)
      c = '?';
  return result;
}

/// ASCII text cut to `width` characters keeping its end ("...tail").
std::string fitTail(const std::string &text, size_t width) {
  std::string ascii = asciiOnly(text);
  if (ascii.size() <= width)
    return ascii;
  if (width <= 3)
    return ascii.substr(ascii.size() - width);
  return "..." + ascii.substr(ascii.size() - (width - 3));
}

std::string padRight(const std::string &text, size_t width) {
  return text.size() >= width ? text
                              : text + std::string(width - text.size(), ' ');
}

std::string padLeft(const std::string &text, size_t width) {
  return text.size() >= width ? text
                              : std::string(width - text.size(), ' ') + text;
}

size_t widestField(const std::vector<HeatMapRow> &rows,
                   std::string HeatMapRow::*field, size_t minWidth,
                   size_t maxWidth) {
  size_t width = minWidth;
  for (const HeatMapRow &row : rows)
    width = std::max(width, (row.*field).size());
  return std::min(width, maxWidth);
}

} // namespace

void fxp::writeHeatMapText(const std::vector<HeatMapRow> &rows,
                           std::ostream &os, unsigned maxColumns) {
  os << "MSB histogram heat map: one row per tensor, one column per MSB "
        "position p (|x| in [2^p, 2^(p+1)))\n";
  if (rows.empty()) {
    os << "(no tensors)\n";
    return;
  }
  HeatMapColumns columns = selectHeatMapColumns(rows, maxColumns);
  unsigned numColumns = columns.size();

  size_t nameWidth = widestField(rows, &HeatMapRow::name, 6, kMaxNameWidth);
  size_t kindWidth = widestField(rows, &HeatMapRow::kind, 4, kMaxKindWidth);
  size_t formatWidth =
      widestField(rows, &HeatMapRow::formatText, 6, kMaxFormatWidth);
  // Everything left of the opening '|' of the cells.
  std::string blankPrefix(nameWidth + 2 + kindWidth + 1, ' ');

  // Position labels, each starting at its column; a label is skipped when it
  // would touch the previous one. The label area runs one past the cells.
  std::string labels(numColumns + 1, ' ');
  std::string rule(numColumns, '-');
  // With fewer than 4 columns none may be a multiple of 4: label the first.
  bool anyLabelled = false;
  for (unsigned i = 0; i < numColumns; ++i)
    anyLabelled |= isLabelledPosition(columns.positionAt(i));
  size_t nextFree = 0;
  for (unsigned i = 0; i < numColumns; ++i) {
    int position = columns.positionAt(i);
    std::string label = std::to_string(position);
    bool labelled = isLabelledPosition(position) || (!anyLabelled && i == 0);
    if (!labelled || i < nextFree || i + label.size() > labels.size())
      continue;
    labels.replace(i, label.size(), label);
    rule[i] = '+';
    nextFree = i + label.size() + 1;
  }
  if (columns.clippedAbove)
    rule.front() = '*';
  if (columns.clippedBelow)
    rule.back() = '*';

  os << '\n'
     << padRight("tensor", nameWidth) << "  " << padRight("kind", kindWidth)
     << "  " << labels << "  " << padRight("format", formatWidth)
     << padLeft("ovf%", kPercentWidth) << padLeft("unf%", kPercentWidth)
     << padLeft("zero%", kPercentWidth) << '\n';
  os << blankPrefix << '|' << rule << "|\n";

  for (const HeatMapRow &row : rows) {
    std::vector<uint64_t> cells = foldedCellCounts(row, columns);
    uint64_t rowMax = 0;
    for (uint64_t count : cells)
      rowMax = std::max(rowMax, count);
    std::string line(numColumns, ' ');
    for (unsigned i = 0; i < numColumns; ++i)
      line[i] = textCell(cells[i], rowMax,
                         isRepresentable(row, columns.positionAt(i)));
    os << padRight(fitTail(row.name, nameWidth), nameWidth) << "  "
       << padRight(fitTail(row.kind, kindWidth), kindWidth) << " |" << line
       << "|  " << padRight(fitTail(row.formatText, formatWidth), formatWidth)
       << padLeft(percentText(row.overflowFraction), kPercentWidth)
       << padLeft(percentText(row.underflowFraction), kPercentWidth)
       << padLeft(zeroPercentText(row), kPercentWidth);
    std::string folded = foldedNote(row, columns);
    if (!folded.empty())
      os << "  folded: " << folded;
    os << '\n';
  }

  os << "\nlegend: a cell counts the values whose MSB is at 2^p; log scale "
        "relative to the row's fullest cell\n";
  os << "  inside the type's bits:   '" << kRamp[0] << "' none";
  for (unsigned i = 1; i < kRampLevels; ++i)
    os << (i == 1 ? "  '" : " '") << kRamp[i] << '\'';
  os << " most\n";
  os << "  outside the type's bits:  '" << kOutsideEmpty << "' none  '"
     << kOutsideFew << "' some  '" << kOutsideMany
     << "' many (left of the bits: overflow, right: underflow)\n";
  os << "  ovf% / unf%: predicted share of the values that saturate / round "
        "to 0; zero%: exact zeros\n";
  os << "  per-channel formats (F=[a..b]) show the union of the channels' "
        "bits\n";
  std::string note = clippingNote(columns);
  if (!note.empty())
    os << "  '*' on the rule: " << note << '\n';
}

//===----------------------------------------------------------------------===//
// SVG
//===----------------------------------------------------------------------===//

namespace {

// Geometry, in SVG user units (pixels).
constexpr double kMargin = 12;
constexpr double kFontSize = 12;
/// Advance of one character of the 12px monospace font (a bound: most
/// monospace fonts advance 0.6 em).
constexpr double kCharWidth = 7.4;
constexpr double kCellWidth = 14;
constexpr double kCellHeight = 16;
constexpr double kRowPitch = 20;
constexpr double kColumnGap = 12;
constexpr double kPercentColumnWidth = 72;
/// Longest name shown in full (longer ones keep their tail; the full name is
/// the row's tooltip).
constexpr size_t kMaxSvgNameChars = 48;

/// ColorBrewer "Blues" from its second step: the shades of non-empty cells,
/// lightest first. Empty cells are white.
constexpr unsigned kBlues[][3] = {{0xde, 0xeb, 0xf7}, {0xc6, 0xdb, 0xef},
                                  {0x9e, 0xca, 0xe1}, {0x6b, 0xae, 0xd6},
                                  {0x42, 0x92, 0xc6}, {0x21, 0x71, 0xb5},
                                  {0x08, 0x51, 0x9c}, {0x08, 0x30, 0x6b}};
constexpr unsigned kNumBlues = sizeof(kBlues) / sizeof(kBlues[0]);

/// Fill of a cell at shading `level` (0 = empty = white).
std::string cellFill(double level, bool empty) {
  if (empty)
    return "#ffffff";
  double scaled = std::clamp(level, 0.0, 1.0) * (kNumBlues - 1);
  unsigned low = std::min(kNumBlues - 2, unsigned(scaled));
  double t = scaled - low;
  unsigned rgb[3];
  for (unsigned c = 0; c < 3; ++c)
    rgb[c] = unsigned(
        std::lround(kBlues[low][c] * (1 - t) + kBlues[low + 1][c] * t));
  return printfString("#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

/// Length of a valid UTF-8 sequence starting at text[i], 0 if invalid.
size_t utf8SequenceLength(const std::string &text, size_t i) {
  unsigned char lead = static_cast<unsigned char>(text[i]);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xe  ? 3
                  : (lead >> 3) == 0x1e ? 4
                                        : 0;
  if (length == 0 || i + length > text.size())
    return 0;
  for (size_t k = 1; k < length; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
      return 0;
  return length;
}

/// Text content or attribute value for XML: escapes & < > " ', keeps valid
/// UTF-8 and replaces control characters and invalid bytes with '?'.
std::string xmlEscape(const std::string &text) {
  std::string result;
  for (size_t i = 0; i < text.size();) {
    size_t length = utf8SequenceLength(text, i);
    if (length > 1) {
      result.append(text, i, length);
      i += length;
      continue;
    }
    char c = text[i++];
    switch (c) {
    case '&':
      result += "&amp;";
      break;
    case '<':
      result += "&lt;";
      break;
    case '>':
      result += "&gt;";
      break;
    case '"':
      result += "&quot;";
      break;
    case '\'':
      result += "&apos;";
      break;
    default:
      bool allowed = length == 1 && (static_cast<unsigned char>(c) >= 0x20 ||
                                     c == '\t' || c == '\n' || c == '\r');
      result += allowed ? c : '?';
    }
  }
  return result;
}

/// Coordinate text: at most one decimal, no trailing ".0".
std::string num(double value) {
  std::string text = printfString("%.1f", value);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0)
    text.resize(text.size() - 2);
  return text == "-0" ? "0" : text;
}

/// Name cut to `width` characters keeping its end (UTF-8 aware).
std::string svgTail(const std::string &text, size_t width) {
  // Start offsets of the characters (bytes of invalid sequences count alone).
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size();) {
    starts.push_back(i);
    i += std::max<size_t>(1, utf8SequenceLength(text, i));
  }
  if (starts.size() <= width)
    return text;
  return "..." + text.substr(starts[starts.size() - (width - 3)]);
}

size_t characterCount(const std::string &text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count)
    i += std::max<size_t>(1, utf8SequenceLength(text, i));
  return count;
}

/// Writes the `<text>` element `content` (escaped) at (x, y).
void svgText(std::ostream &os, double x, double y, const std::string &content,
             const std::string &attributes = "") {
  os << "<text x=\"" << num(x) << "\" y=\"" << num(y) << '"'
     << (attributes.empty() ? "" : " ") << attributes << '>'
     << xmlEscape(content) << "</text>\n";
}

} // namespace

void fxp::writeHeatMapSvg(const std::vector<HeatMapRow> &rows, std::ostream &os,
                          const std::string &title, unsigned maxColumns) {
  HeatMapColumns columns = selectHeatMapColumns(rows, maxColumns);
  unsigned numColumns = columns.size();

  // Horizontal layout: name | kind | cells | format | ovf | unf | zeros.
  size_t nameChars = 6, kindChars = 4, formatChars = 6;
  for (const HeatMapRow &row : rows) {
    nameChars = std::max(nameChars,
                         std::min(kMaxSvgNameChars, characterCount(row.name)));
    kindChars = std::max(kindChars, characterCount(row.kind));
    formatChars = std::max(formatChars, characterCount(row.formatText));
  }
  double nameX = kMargin;
  double kindX = nameX + nameChars * kCharWidth + kColumnGap;
  double gridX = kindX + kindChars * kCharWidth + kColumnGap;
  double gridWidth = numColumns * kCellWidth;
  // The last position label ("-24*") may stick out of the grid.
  double formatX = gridX + gridWidth + kColumnGap + 2 * kCharWidth;
  double percentX = formatX + formatChars * kCharWidth + kColumnGap;
  double contentRight = percentX + 3 * kPercentColumnWidth;
  // Folded counts are noted right of the percentages.
  size_t foldedChars = 0;
  for (const HeatMapRow &row : rows) {
    std::string folded = foldedNote(row, columns);
    if (!folded.empty())
      foldedChars = std::max(foldedChars, folded.size() + 8);
  }
  double rowsRight =
      contentRight + (foldedChars == 0 ? 0 : 4 + foldedChars * kCharWidth);

  // Legend: three swatches with their text, then plain lines.
  constexpr unsigned kSwatches = 9;
  double legendTextX = kMargin + kSwatches * kCellWidth + 8;
  const std::string swatchTexts[] = {
      "values per cell: 0 (white) to the row's fullest cell (dark blue), log "
      "scale",
      "bits the chosen type cannot represent: overflow (left), underflow "
      "(right)",
      "representable bits of the chosen type (dashed: union over channels)"};
  std::vector<std::string> legendLines = {
      "overflow / underflow: predicted share of the values that saturate / "
      "round to 0; zeros: exact zeros"};
  std::string note = clippingNote(columns);
  if (!note.empty())
    legendLines.push_back("* " + note);
  double legendRight = 0;
  for (const std::string &text : swatchTexts)
    legendRight = std::max(legendRight, legendTextX + text.size() * kCharWidth);
  for (const std::string &text : legendLines)
    legendRight = std::max(legendRight, kMargin + text.size() * kCharWidth);

  // Vertical layout: title, axis caption, position labels, rows, legend.
  constexpr double kLinePitch = 22;
  double titleY = kMargin + 16;
  double captionY = titleY + kLinePitch;
  double labelsY = captionY + 20;
  double gridY = labelsY + 10;
  double legendY = gridY + rows.size() * kRowPitch + 16;
  double legendHeight = (3 + legendLines.size()) * kLinePitch;
  double height =
      rows.empty() ? captionY + 8 + kMargin : legendY + legendHeight + kMargin;
  double titleRight = kMargin + characterCount(title) * 10;
  double width = std::max({rowsRight, legendRight, titleRight}) + kMargin;

  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width)
     << "\" height=\"" << num(height) << "\" viewBox=\"0 0 " << num(width)
     << ' ' << num(height) << "\" font-family=\"DejaVu Sans Mono, Menlo, "
     << "Consolas, monospace\" font-size=\"" << num(kFontSize) << "\">\n";
  os << "<defs>\n"
     << "<pattern id=\"fxp-hatch\" width=\"6\" height=\"6\" "
        "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\n"
     << "<rect width=\"6\" height=\"6\" fill=\"#9e9e9e\" "
        "fill-opacity=\"0.3\"/>\n"
     << "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#616161\" "
        "stroke-opacity=\"0.8\" stroke-width=\"1.5\"/>\n"
     << "</pattern>\n"
     << "</defs>\n";
  os << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  svgText(os, kMargin, titleY, title, "font-size=\"16\" font-weight=\"bold\"");

  if (rows.empty()) {
    svgText(os, kMargin, captionY, "(no tensors)");
    os << "</svg>\n";
    return;
  }

  // Header: column headings, axis caption and one label every 4th position.
  os << "<g class=\"header\">\n";
  svgText(os, gridX, captionY,
          "MSB position p: a cell counts the values with |x| in "
          "[2^p, 2^(p+1))",
          "fill=\"#424242\"");
  svgText(os, nameX, labelsY, "tensor", "font-weight=\"bold\"");
  svgText(os, kindX, labelsY, "kind", "font-weight=\"bold\"");
  svgText(os, formatX, labelsY, "format", "font-weight=\"bold\"");
  const char *percentHeadings[] = {"overflow", "underflow", "zeros"};
  for (unsigned k = 0; k < 3; ++k)
    svgText(os, percentX + (k + 1) * kPercentColumnWidth - 8, labelsY,
            percentHeadings[k], "font-weight=\"bold\" text-anchor=\"end\"");
  for (unsigned i = 0; i < numColumns; ++i) {
    int position = columns.positionAt(i);
    bool clippedEdge = (i == 0 && columns.clippedAbove) ||
                       (i + 1 == numColumns && columns.clippedBelow);
    if (!isLabelledPosition(position) && !clippedEdge)
      continue;
    double centerX = gridX + (i + 0.5) * kCellWidth;
    std::string label = std::to_string(position) + (clippedEdge ? "*" : "");
    svgText(os, centerX, labelsY, label, "text-anchor=\"middle\"");
    os << "<line x1=\"" << num(centerX) << "\" y1=\"" << num(labelsY + 3)
       << "\" x2=\"" << num(centerX) << "\" y2=\"" << num(gridY - 1)
       << "\" stroke=\"#424242\"/>\n";
  }
  os << "</g>\n";

  // Rows.
  os << "<g class=\"rows\">\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const HeatMapRow &row = rows[r];
    double rowY = gridY + r * kRowPitch;
    double textY = rowY + kCellHeight - 4;
    std::vector<uint64_t> cells = foldedCellCounts(row, columns);
    uint64_t rowMax = 0;
    for (uint64_t count : cells)
      rowMax = std::max(rowMax, count);
    uint64_t rowTotal = row.nonZeroCount();

    os << "<g class=\"row\">\n";
    os << "<text x=\"" << num(nameX) << "\" y=\"" << num(textY) << "\"><title>"
       << xmlEscape(row.name) << "</title>"
       << xmlEscape(svgTail(row.name, kMaxSvgNameChars)) << "</text>\n";
    svgText(os, kindX, textY, row.kind, "fill=\"#616161\"");

    // Cells, with the count and share as tooltip.
    for (unsigned i = 0; i < numColumns; ++i) {
      int position = columns.positionAt(i);
      std::string where = powerText(position);
      if (i == 0 && columns.clippedAbove)
        where += " and above";
      if (i + 1 == numColumns && columns.clippedBelow)
        where = (i == 0 && columns.clippedAbove ? "all positions"
                                                : where + " and below");
      std::string share =
          rowTotal == 0
              ? ""
              : " (" + percentText(double(cells[i]) / double(rowTotal)) + "%)";
      os << "<rect class=\"cell\" x=\"" << num(gridX + i * kCellWidth)
         << "\" y=\"" << num(rowY) << "\" width=\"" << num(kCellWidth)
         << "\" height=\"" << num(kCellHeight) << "\" fill=\""
         << cellFill(logLevel(cells[i], rowMax), cells[i] == 0)
         << "\" stroke=\"#e0e0e0\" stroke-width=\"0.5\"><title>"
         << xmlEscape(where + ": " + std::to_string(cells[i]) + share)
         << "</title></rect>\n";
    }

    // Hatch over each run of columns the type cannot represent.
    for (unsigned i = 0; i < numColumns;) {
      if (isRepresentable(row, columns.positionAt(i))) {
        ++i;
        continue;
      }
      unsigned end = i;
      while (end < numColumns && !isRepresentable(row, columns.positionAt(end)))
        ++end;
      const char *region =
          columns.positionAt(i) > row.highestBit ? "overflow" : "underflow";
      os << "<rect class=\"outside\" x=\"" << num(gridX + i * kCellWidth)
         << "\" y=\"" << num(rowY) << "\" width=\""
         << num((end - i) * kCellWidth) << "\" height=\"" << num(kCellHeight)
         << "\" fill=\"url(#fxp-hatch)\"><title>" << region
         << " region</title></rect>\n";
      i = end;
    }

    // Border around the representable bits that are shown.
    int top = std::min(row.highestBit, columns.highest);
    int bottom = std::max(row.lowestBit, columns.lowest);
    if (hasRepresentableBits(row) && top >= bottom) {
      os << "<rect class=\"window\" x=\""
         << num(gridX + columns.indexOf(top) * kCellWidth) << "\" y=\""
         << num(rowY - 1) << "\" width=\""
         << num((top - bottom + 1) * kCellWidth) << "\" height=\""
         << num(kCellHeight + 2)
         << "\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\""
         << (row.perChannel ? " stroke-dasharray=\"4,2\"" : "") << "/>\n";
    }

    // Annotations.
    svgText(os, formatX, textY, row.formatText);
    double fractions[] = {row.overflowFraction, row.underflowFraction};
    for (unsigned k = 0; k < 2; ++k)
      svgText(os, percentX + (k + 1) * kPercentColumnWidth - 8, textY,
              percentText(fractions[k]) + "%",
              std::string("text-anchor=\"end\"") +
                  (fractions[k] > 0 ? " fill=\"#c62828\"" : ""));
    std::string zeros = zeroPercentText(row);
    svgText(os, percentX + 3 * kPercentColumnWidth - 8, textY,
            zeros == "-" ? zeros : zeros + "%", "text-anchor=\"end\"");
    std::string folded = foldedNote(row, columns);
    if (!folded.empty())
      svgText(os, contentRight + 4, textY, "folded: " + folded,
              "fill=\"#616161\"");
    os << "</g>\n";
  }
  os << "</g>\n";

  // Legend: the shade ramp, the hatch, the border, and the notes.
  os << "<g class=\"legend\">\n";
  double y = legendY;
  for (unsigned k = 0; k < kSwatches; ++k) {
    double level = double(k) / (kSwatches - 1);
    os << "<rect class=\"swatch\" x=\"" << num(kMargin + k * kCellWidth)
       << "\" y=\"" << num(y) << "\" width=\"" << num(kCellWidth)
       << "\" height=\"" << num(kCellHeight) << "\" fill=\""
       << cellFill(level, k == 0) << "\" stroke=\"#e0e0e0\" "
       << "stroke-width=\"0.5\"/>\n";
  }
  svgText(os, legendTextX, y + kCellHeight - 4, swatchTexts[0]);
  y += kLinePitch;
  os << "<rect class=\"swatch\" x=\"" << num(kMargin) << "\" y=\"" << num(y)
     << "\" width=\"" << num(kSwatches * kCellWidth) << "\" height=\""
     << num(kCellHeight) << "\" fill=\"url(#fxp-hatch)\"/>\n";
  svgText(os, legendTextX, y + kCellHeight - 4, swatchTexts[1]);
  y += kLinePitch;
  os << "<rect class=\"swatch\" x=\"" << num(kMargin) << "\" y=\"" << num(y)
     << "\" width=\"" << num(kSwatches * kCellWidth) << "\" height=\""
     << num(kCellHeight) << "\" fill=\"none\" stroke=\"#d62728\" "
     << "stroke-width=\"1.5\"/>\n";
  svgText(os, legendTextX, y + kCellHeight - 4, swatchTexts[2]);
  for (const std::string &text : legendLines) {
    y += kLinePitch;
    svgText(os, kMargin, y + kCellHeight - 4, text);
  }
  os << "</g>\n";
  os << "</svg>\n";
}
