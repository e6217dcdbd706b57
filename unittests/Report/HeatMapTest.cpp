//===- HeatMapTest.cpp - Tests for the MSB-histogram heat map -------------===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) reporting.
//
//===----------------------------------------------------------------------===//

#include "fxp/Report/HeatMap.h"

#include "gtest/gtest.h"

#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace mlir::fxp;

namespace {

FixedFormat fixedFormat(bool isSigned, unsigned wordLength,
                        int fractionLength) {
  FixedFormat format;
  format.isSigned = isSigned;
  format.wordLength = wordLength;
  format.fractionLength = fractionLength;
  return format;
}

FormatChoice choiceOf(const FixedFormat &format, double overflowFraction = 0,
                      double underflowFraction = 0) {
  FormatChoice choice;
  choice.format = format;
  choice.overflowFraction = overflowFraction;
  choice.underflowFraction = underflowFraction;
  return choice;
}

/// A histogram holding `count` copies of 2^position for each pair.
ValueHistogram histogramOf(const std::vector<std::pair<int, int>> &counts) {
  ValueHistogram histogram;
  for (auto [position, count] : counts)
    for (int i = 0; i < count; ++i)
      histogram.add(std::ldexp(1.0f, position));
  return histogram;
}

/// A row built by hand: `counts` as (position, count), bits [lowest, highest].
HeatMapRow handMadeRow(const std::string &name,
                       const std::vector<std::pair<int, uint64_t>> &counts,
                       int highestBit, int lowestBit) {
  HeatMapRow row;
  row.name = name;
  row.kind = "activation";
  row.msbCounts.assign(ValueHistogram::kNumPositions, 0);
  for (auto [position, count] : counts)
    row.msbCounts[position - ValueHistogram::kMinPosition] = count;
  row.highestBit = highestBit;
  row.lowestBit = lowestBit;
  row.formatText = "test";
  return row;
}

std::vector<std::string> linesOf(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    lines.push_back(line);
  return lines;
}

/// The line of the text heat map whose row is named `name`.
std::string rowLine(const std::string &text, const std::string &name) {
  for (const std::string &line : linesOf(text))
    if (line.compare(0, name.size() + 1, name + " ") == 0)
      return line;
  return "";
}

/// Offset of the first cell in the lines of a text heat map.
size_t cellOffset(const std::string &line) { return line.find('|') + 1; }

/// The cells of the row named `name`: the text between its two '|'.
std::string rowCells(const std::string &text, const std::string &name) {
  std::string line = rowLine(text, name);
  size_t begin = cellOffset(line);
  size_t end = line.find('|', begin);
  if (begin == 0 || end == std::string::npos)
    return "";
  return line.substr(begin, end - begin);
}

size_t countOf(const std::string &text, const std::string &needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++count;
  return count;
}

std::string renderText(const std::vector<HeatMapRow> &rows,
                       unsigned maxColumns = kHeatMapMaxColumns) {
  std::ostringstream os;
  writeHeatMapText(rows, os, maxColumns);
  return os.str();
}

std::string renderSvg(const std::vector<HeatMapRow> &rows,
                      const std::string &title = "net",
                      unsigned maxColumns = kHeatMapMaxColumns) {
  std::ostringstream os;
  writeHeatMapSvg(rows, os, title, maxColumns);
  return os.str();
}

/// A small XML check: tags nest and close, attribute quotes pair up, and
/// every '&' starts one of the five predefined entities. Returns "" when the
/// document is well formed, else what is wrong.
std::string xmlProblem(const std::string &xml) {
  std::vector<std::string> open;
  bool sawRoot = false;
  auto checkEntities = [](const std::string &text) {
    for (size_t at = text.find('&'); at != std::string::npos;
         at = text.find('&', at + 1)) {
      bool known = false;
      for (const char *entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
        known |= text.compare(at, std::string(entity).size(), entity) == 0;
      if (!known)
        return false;
    }
    return true;
  };
  size_t i = 0;
  while (i < xml.size()) {
    size_t lt = xml.find('<', i);
    std::string content =
        xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (!checkEntities(content))
      return "bad entity in text '" + content + "'";
    if (content.find('>') != std::string::npos)
      return "raw '>' in text '" + content + "'";
    if (lt == std::string::npos)
      break;
    size_t gt = xml.find('>', lt);
    if (gt == std::string::npos)
      return "unterminated tag";
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string::npos)
      return "'<' inside tag '" + tag + "'";
    size_t quotes = 0;
    for (char c : tag)
      quotes += c == '"';
    if (quotes % 2 != 0)
      return "unbalanced quotes in '" + tag + "'";
    if (!checkEntities(tag))
      return "bad entity in tag '" + tag + "'";
    if (!tag.empty() && tag[0] == '/') {
      std::string name = tag.substr(1);
      if (open.empty() || open.back() != name)
        return "unexpected </" + name + ">";
      open.pop_back();
    } else {
      std::string name = tag.substr(0, tag.find_first_of(" /"));
      if (open.empty() && sawRoot)
        return "second root <" + name + ">";
      sawRoot = true;
      if (tag.back() != '/')
        open.push_back(name);
    }
    i = gt + 1;
  }
  if (!open.empty())
    return "unclosed <" + open.back() + ">";
  return sawRoot ? "" : "no root element";
}

bool isPrintableAscii(const std::string &text) {
  for (char c : text)
    if (c != '\n' && (c < 0x20 || c > 0x7e))
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Rows and windows
//===----------------------------------------------------------------------===//

TEST(HeatMapRowTest, SignedWindow) {
  ValueHistogram histogram = histogramOf({{0, 3}, {-2, 1}});
  histogram.addZeros(2);
  HeatMapRow row = makeHeatMapRow("conv", "activation", histogram,
                                  choiceOf(fixedFormat(true, 8, 5), 0.25, 0.5));
  // s8 F=5: magnitude bits 2^1 .. 2^-5 (the sign bit is bit 7 of the word).
  EXPECT_EQ(row.highestBit, 1);
  EXPECT_EQ(row.lowestBit, -5);
  EXPECT_EQ(row.formatText, "s8 F=5");
  EXPECT_FALSE(row.perChannel);
  EXPECT_EQ(row.countAt(0), 3u);
  EXPECT_EQ(row.countAt(-2), 1u);
  EXPECT_EQ(row.countAt(-1), 0u);
  EXPECT_EQ(row.countAt(1000), 0u);
  EXPECT_EQ(row.nonZeroCount(), 4u);
  EXPECT_EQ(row.zeroCount, 2u);
  EXPECT_EQ(row.overflowFraction, 0.25);
  EXPECT_EQ(row.underflowFraction, 0.5);

  // Negative F moves the window above 2^0.
  HeatMapRow coarse = makeHeatMapRow("big", "activation", histogram,
                                     choiceOf(fixedFormat(true, 16, -2)));
  EXPECT_EQ(coarse.highestBit, 16);
  EXPECT_EQ(coarse.lowestBit, 2);
  EXPECT_EQ(coarse.formatText, "s16 F=-2");
}

TEST(HeatMapRowTest, UnsignedWindow) {
  ValueHistogram histogram = histogramOf({{1, 2}});
  HeatMapRow row = makeHeatMapRow("relu", "activation", histogram,
                                  choiceOf(fixedFormat(false, 8, 5)));
  // u8 F=5: no sign bit, so one more magnitude bit than s8 F=5.
  EXPECT_EQ(row.highestBit, 2);
  EXPECT_EQ(row.lowestBit, -5);
  EXPECT_EQ(row.formatText, "u8 F=5");

  HeatMapRow integer = makeHeatMapRow("index", "input", histogram,
                                      choiceOf(fixedFormat(false, 4, 0)));
  EXPECT_EQ(integer.highestBit, 3);
  EXPECT_EQ(integer.lowestBit, 0);
}

TEST(HeatMapRowTest, PerChannelWindowIsTheUnion) {
  ValueHistogram first = histogramOf({{0, 3}});
  first.addZeros(1);
  ValueHistogram second = histogramOf({{2, 2}, {-1, 1}});
  // Channel 0: s8 F=7 covers 2^-1 .. 2^-7; channel 1: s8 F=4 covers 2^2 ..
  // 2^-4. Fractions are of each slice's 4 and 3 finite values.
  HeatMapRow row =
      makePerChannelHeatMapRow("conv.weight", "weight", {first, second},
                               {choiceOf(fixedFormat(true, 8, 7), 0.25, 0),
                                choiceOf(fixedFormat(true, 8, 4), 0, 1.0 / 3)});
  EXPECT_TRUE(row.perChannel);
  EXPECT_EQ(row.highestBit, 2);
  EXPECT_EQ(row.lowestBit, -7);
  EXPECT_EQ(row.formatText, "s8 F=[7..4]");
  EXPECT_EQ(row.countAt(0), 3u);
  EXPECT_EQ(row.countAt(2), 2u);
  EXPECT_EQ(row.countAt(-1), 1u);
  EXPECT_EQ(row.zeroCount, 1u);
  // One overflowing value and one underflowing value out of 7.
  EXPECT_NEAR(row.overflowFraction, 1.0 / 7, 1e-12);
  EXPECT_NEAR(row.underflowFraction, 1.0 / 7, 1e-12);

  HeatMapRow none = makePerChannelHeatMapRow("empty", "weight", {}, {});
  EXPECT_LT(none.highestBit, none.lowestBit);
  EXPECT_EQ(none.formatText, "");
  EXPECT_EQ(none.overflowFraction, 0);
}

TEST(HeatMapRowTest, DescribeFormats) {
  EXPECT_EQ(describeFormats({}), "");
  EXPECT_EQ(describeFormats({fixedFormat(true, 8, 5), fixedFormat(true, 8, 5)}),
            "s8 F=5");
  EXPECT_EQ(describeFormats({fixedFormat(true, 8, 5), fixedFormat(true, 8, 7),
                             fixedFormat(true, 8, 4)}),
            "s8 F=[7..4]");
  EXPECT_EQ(
      describeFormats({fixedFormat(true, 8, 2), fixedFormat(true, 8, -1)}),
      "s8 F=[2..-1]");
  EXPECT_EQ(
      describeFormats({fixedFormat(true, 8, 3), fixedFormat(false, 8, 3)}),
      "s8/u8 F=3");
}

//===----------------------------------------------------------------------===//
// Columns
//===----------------------------------------------------------------------===//

TEST(HeatMapColumnsTest, SpanOccupiedAndRepresentablePositions) {
  std::vector<HeatMapRow> rows = {handMadeRow("a", {{3, 1}, {-3, 1}}, 2, -5),
                                  handMadeRow("b", {{0, 5}}, 0, -7)};
  HeatMapColumns columns = selectHeatMapColumns(rows);
  EXPECT_EQ(columns.highest, 3);
  EXPECT_EQ(columns.lowest, -7);
  EXPECT_EQ(columns.size(), 11u);
  EXPECT_FALSE(columns.clippedAbove);
  EXPECT_FALSE(columns.clippedBelow);
  EXPECT_EQ(columns.indexOf(3), 0u);
  EXPECT_EQ(columns.indexOf(-7), 10u);
  EXPECT_EQ(columns.positionAt(3), 0);

  EXPECT_TRUE(selectHeatMapColumns({}).empty());
  EXPECT_EQ(selectHeatMapColumns({}).size(), 0u);
}

TEST(HeatMapColumnsTest, HugeSpanIsWindowedAroundTheBulk) {
  std::vector<std::pair<int, uint64_t>> counts = {{100, 2}, {-100, 3}};
  for (int position = 0; position >= -7; --position)
    counts.push_back({position, 1000});
  std::vector<HeatMapRow> rows = {handMadeRow("wide", counts, 0, -7)};

  HeatMapColumns columns = selectHeatMapColumns(rows);
  EXPECT_EQ(columns.size(), kHeatMapMaxColumns);
  EXPECT_TRUE(columns.clippedAbove);
  EXPECT_TRUE(columns.clippedBelow);
  EXPECT_GE(columns.highest, 0);
  EXPECT_LE(columns.lowest, -7);
  // The bulk 2^0 .. 2^-7 sits in the middle of the window.
  EXPECT_LE(std::abs((columns.highest - 0) - (-7 - columns.lowest)), 1);

  // The outliers are folded into the edge columns; nothing is lost.
  std::vector<uint64_t> cells = foldedCellCounts(rows[0], columns);
  ASSERT_EQ(cells.size(), kHeatMapMaxColumns);
  EXPECT_EQ(cells.front(), 2u);
  EXPECT_EQ(cells.back(), 3u);
  uint64_t total = 0;
  for (uint64_t count : cells)
    total += count;
  EXPECT_EQ(total, rows[0].nonZeroCount());
}

TEST(HeatMapColumnsTest, WindowKeepsTheMostValuesOfEveryRow) {
  // Row "top" lives at 2^30..2^20, row "bottom" at 2^-30..2^-40 with far
  // more values; every row weighs the same, so an 8-wide window must hold
  // one row entirely, and "top" wins the tie (the higher run of windows).
  std::vector<std::pair<int, uint64_t>> top, bottom;
  for (int p = 30; p >= 24; --p)
    top.push_back({p, 1});
  for (int p = -30; p >= -36; --p)
    bottom.push_back({p, 1000});
  std::vector<HeatMapRow> rows = {handMadeRow("top", top, 30, 24),
                                  handMadeRow("bottom", bottom, -30, -36)};
  HeatMapColumns columns = selectHeatMapColumns(rows, 8);
  EXPECT_EQ(columns.size(), 8u);
  bool holdsTop = columns.highest >= 30 && columns.lowest <= 24;
  bool holdsBottom = columns.highest >= -30 && columns.lowest <= -36;
  EXPECT_TRUE(holdsTop || holdsBottom);
  EXPECT_TRUE(holdsTop);

  // Zero columns requested still shows one, holding every value.
  HeatMapColumns single = selectHeatMapColumns(rows, 0);
  EXPECT_EQ(single.size(), 1u);
  EXPECT_EQ(foldedCellCounts(rows[1], single)[0], 7000u);
}

TEST(HeatMapColumnsTest, RowsWithoutValuesStillShowTheirBits) {
  HeatMapRow zeros;
  zeros.name = "zeros";
  zeros.zeroCount = 10;
  zeros.highestBit = 0;
  zeros.lowestBit = -7;
  HeatMapColumns columns = selectHeatMapColumns({zeros});
  EXPECT_EQ(columns.highest, 0);
  EXPECT_EQ(columns.lowest, -7);
  // An empty msbCounts vector counts as all zero.
  EXPECT_EQ(foldedCellCounts(zeros, columns), std::vector<uint64_t>(8, 0));
}

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

/// Counts 1, 10, 100, 1000, 100, 10, 1 at 2^3 .. 2^-3, as real values.
std::vector<HeatMapRow> twoRowNetwork() {
  ValueHistogram histogram = histogramOf(
      {{3, 1}, {2, 10}, {1, 100}, {0, 1000}, {-1, 100}, {-2, 10}, {-3, 1}});
  // u8 F=5 covers 2^2 .. 2^-5: the value at 2^3 overflows.
  HeatMapRow first = makeHeatMapRow("layer1", "activation", histogram,
                                    choiceOf(fixedFormat(false, 8, 5), 0.0123));
  // s8 F=7 covers 2^-1 .. 2^-7: 1.0 (MSB 2^0) saturates to 127/128.
  ValueHistogram weights = histogramOf({{0, 5}});
  weights.addZeros(5);
  HeatMapRow second = makeHeatMapRow("layer2", "weight", weights,
                                     choiceOf(fixedFormat(true, 8, 7)));
  return {first, second};
}

TEST(HeatMapTextTest, CellsAtTheirColumns) {
  std::string text = renderText(twoRowNetwork());
  // Columns 2^3 .. 2^-7. Row 1: 2^3 is outside u8 F=5 and holds a value of
  // a row whose fullest cell holds 1000 ('x': low on the log scale); 2^2 ..
  // 2^-3 step through the ramp symmetrically; 2^-4, 2^-5 are representable
  // and empty; 2^-6, 2^-7 are below the LSB and empty.
  EXPECT_EQ(rowCells(text, "layer1"), "x=#@#=.  ''");
  // Row 2: 2^3 .. 2^0 are above s8 F=7; its only (hence fullest) cell, 2^0,
  // is among them.
  EXPECT_EQ(rowCells(text, "layer2"), "'''X       ");
}

TEST(HeatMapTextTest, HeaderLabelsEveryFourthPosition) {
  std::string text = renderText(twoRowNetwork());
  std::vector<std::string> lines = linesOf(text);
  size_t offset = cellOffset(rowLine(text, "layer1"));
  std::string header, rule;
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    if (lines[i].compare(0, 6, "tensor") == 0) {
      header = lines[i];
      rule = lines[i + 1];
    }
  ASSERT_FALSE(header.empty());
  // Column 3 is 2^0, column 7 is 2^-4: labelled and ticked.
  EXPECT_EQ(header.substr(offset + 3, 2), "0 ");
  EXPECT_EQ(header.substr(offset + 7, 2), "-4");
  EXPECT_EQ(header.substr(offset, 3), "   ");
  EXPECT_EQ(rule.substr(offset - 1, 13), "|---+---+---|");
  EXPECT_NE(header.find("format"), std::string::npos);
  EXPECT_NE(header.find("ovf%"), std::string::npos);
  EXPECT_NE(header.find("unf%"), std::string::npos);
}

TEST(HeatMapTextTest, Annotations) {
  std::string text = renderText(twoRowNetwork());
  std::string first = rowLine(text, "layer1");
  std::string second = rowLine(text, "layer2");
  EXPECT_NE(first.find("activation"), std::string::npos);
  EXPECT_NE(first.find("u8 F=5"), std::string::npos);
  // 1.23% overflow, no underflow, no zeros.
  EXPECT_NE(first.find("1.23    0.00    0.00"), std::string::npos) << first;
  EXPECT_NE(second.find("weight"), std::string::npos);
  EXPECT_NE(second.find("s8 F=7"), std::string::npos);
  // Half of layer2's values are exact zeros.
  EXPECT_NE(second.find("50.00"), std::string::npos) << second;
  EXPECT_EQ(first.find("folded"), std::string::npos);
  EXPECT_NE(text.find("legend"), std::string::npos);
  EXPECT_TRUE(isPrintableAscii(text));
}

TEST(HeatMapTextTest, RampGrowsWithTheCount) {
  std::vector<std::pair<int, uint64_t>> counts;
  for (int p = 0; p < 12; ++p)
    counts.push_back({-p, uint64_t(1) << p});
  std::string cells =
      rowCells(renderText({handMadeRow("ramp", counts, 0, -11)}), "ramp");
  ASSERT_EQ(cells.size(), 12u);
  const std::string ramp = " .:-=+*#%@";
  size_t previous = 0;
  for (char c : cells) {
    size_t level = ramp.find(c);
    ASSERT_NE(level, std::string::npos) << "'" << c << "'";
    EXPECT_GE(level, std::max<size_t>(previous, 1));
    previous = level;
  }
  EXPECT_EQ(cells.front(), '.');
  EXPECT_EQ(cells.back(), '@');
}

TEST(HeatMapTextTest, PerChannelFormatText) {
  HeatMapRow row = makePerChannelHeatMapRow(
      "conv.weight", "weight", {histogramOf({{0, 1}}), histogramOf({{2, 1}})},
      {choiceOf(fixedFormat(true, 8, 7)), choiceOf(fixedFormat(true, 8, 4))});
  std::string text = renderText({row});
  EXPECT_NE(rowLine(text, "conv.weight").find("s8 F=[7..4]"),
            std::string::npos);
  // Union window 2^2 .. 2^-7: nothing is outside.
  EXPECT_EQ(rowCells(text, "conv.weight"), "@ @       ");
}

TEST(HeatMapTextTest, HugeSpanIsFoldedAndSaidSo) {
  std::vector<std::pair<int, uint64_t>> counts = {{100, 2}, {-100, 3}};
  for (int position = 0; position >= -7; --position)
    counts.push_back({position, 1000});
  std::vector<HeatMapRow> rows = {handMadeRow("wide", counts, 0, -7)};
  HeatMapColumns columns = selectHeatMapColumns(rows);
  std::string text = renderText(rows);

  std::string cells = rowCells(text, "wide");
  ASSERT_EQ(cells.size(), kHeatMapMaxColumns);
  // The folded outliers land, outside the type's bits, in the edge columns.
  EXPECT_EQ(cells.front(), 'x');
  EXPECT_EQ(cells.back(), 'x');
  EXPECT_EQ(cells.substr(columns.indexOf(0), 8), "@@@@@@@@");

  std::string high = "2^" + std::to_string(columns.highest);
  std::string low = "2^" + std::to_string(columns.lowest);
  EXPECT_NE(rowLine(text, "wide")
                .find("folded: 2 above " + high + ", 3 below " + low),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("columns clipped to " + high + " .. " + low),
            std::string::npos);
  // The rule marks both folded edge columns.
  size_t offset = cellOffset(rowLine(text, "wide"));
  std::vector<std::string> lines = linesOf(text);
  bool found = false;
  for (const std::string &line : lines)
    if (line.size() > offset + kHeatMapMaxColumns && line[offset - 1] == '|' &&
        line[offset] == '*') {
      EXPECT_EQ(line[offset + kHeatMapMaxColumns - 1], '*');
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(HeatMapTextTest, EmptyAndDegenerateRows) {
  EXPECT_NE(renderText({}).find("(no tensors)"), std::string::npos);

  // Only zeros: fi(0) scaling, no cell shaded, 100% zeros.
  ValueHistogram zeros;
  zeros.addZeros(10);
  FormatChoice choice = selectFormat(zeros, SelectionPolicy::Msb);
  HeatMapRow zeroRow = makeHeatMapRow("zeros", "activation", zeros, choice);
  // Nothing at all (default row) and a signed 1-bit word (no magnitude bit).
  HeatMapRow nothing;
  nothing.name = "nothing";
  HeatMapRow oneBit =
      makeHeatMapRow("onebit", "activation", histogramOf({{0, 4}}),
                     choiceOf(fixedFormat(true, 1, 0)));
  EXPECT_LT(oneBit.highestBit, oneBit.lowestBit);

  std::string text = renderText({zeroRow, nothing, oneBit});
  std::string zeroCells = rowCells(text, "zeros");
  EXPECT_FALSE(zeroCells.empty());
  EXPECT_EQ(zeroCells.find_first_not_of(" '"), std::string::npos);
  EXPECT_NE(rowLine(text, "zeros").find("100.00"), std::string::npos);
  EXPECT_FALSE(rowLine(text, "nothing").empty());
  // All of the 1-bit row is outside; its values show as 'X'.
  std::string oneBitCells = rowCells(text, "onebit");
  EXPECT_EQ(oneBitCells.find_first_not_of("'X"), std::string::npos);
  EXPECT_NE(oneBitCells.find('X'), std::string::npos);
}

TEST(HeatMapTextTest, NamesAreAsciiAndLongNamesKeepTheirTail) {
  std::string longName = std::string(60, 'a') + "/conv_output_0";
  std::vector<HeatMapRow> rows = {
      handMadeRow("caf\xc3\xa9\x01", {{0, 1}}, 0, -7),
      handMadeRow(longName, {{0, 1}}, 0, -7)};
  std::string text = renderText(rows);
  EXPECT_TRUE(isPrintableAscii(text));
  EXPECT_NE(text.find("caf???"), std::string::npos);
  // Names are cut to 40 characters, keeping the end.
  std::string line;
  for (const std::string &candidate : linesOf(text))
    if (candidate.find("/conv_output_0") != std::string::npos)
      line = candidate;
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.substr(0, 40),
            "..." + std::string(23, 'a') + "/conv_output_0");
  EXPECT_EQ(line[40], ' ');
}

//===----------------------------------------------------------------------===//
// SVG
//===----------------------------------------------------------------------===//

TEST(HeatMapSvgTest, WellFormedWithOneRectPerCell) {
  std::vector<HeatMapRow> rows = twoRowNetwork();
  std::string svg = renderSvg(rows, "resnet");
  EXPECT_EQ(svg.compare(0, 4, "<svg"), 0);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(xmlProblem(svg), "");
  EXPECT_EQ(countOf(svg, "<g ") + countOf(svg, "<g>"), countOf(svg, "</g>"));
  // 2 rows of 11 columns.
  EXPECT_EQ(countOf(svg, "<rect class=\"cell\""), 22u);
  EXPECT_NE(svg.find(">resnet</text>"), std::string::npos);
  // Empty cells are white, the fullest cells dark blue.
  EXPECT_NE(svg.find("fill=\"#ffffff\""), std::string::npos);
  EXPECT_EQ(countOf(svg, "class=\"cell\" "), 22u);
  EXPECT_EQ(countOf(svg, "fill=\"#08306b\" stroke=\"#e0e0e0\" "
                         "stroke-width=\"0.5\"><title>"),
            2u);
  // Hatch: row 1 above (2^3) and below (2^-6, 2^-7), row 2 above (2^3..2^0).
  EXPECT_EQ(countOf(svg, "<rect class=\"outside\""), 3u);
  EXPECT_NE(svg.find("<pattern id=\"fxp-hatch\""), std::string::npos);
  // One border per row, solid for per-tensor formats.
  EXPECT_EQ(countOf(svg, "<rect class=\"window\""), 2u);
  EXPECT_EQ(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find(">u8 F=5</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1.23%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">50.00%</text>"), std::string::npos);
  // No external resources.
  EXPECT_EQ(svg.find("href"), std::string::npos);
}

TEST(HeatMapSvgTest, EscapesNamesAndTitle) {
  std::vector<HeatMapRow> rows = {
      handMadeRow("a<b&c>\"d'e", {{0, 1}}, 0, -7),
      handMadeRow("caf\xc3\xa9 \xff\x02", {{0, 1}}, 0, -7)};
  std::string svg = renderSvg(rows, "net <1> & \"2\"");
  EXPECT_EQ(xmlProblem(svg), "");
  EXPECT_NE(svg.find("a&lt;b&amp;c&gt;&quot;d&apos;e"), std::string::npos);
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
  EXPECT_NE(svg.find("net &lt;1&gt; &amp; &quot;2&quot;"), std::string::npos);
  // Valid UTF-8 is kept; invalid bytes and control characters are not.
  EXPECT_NE(svg.find("caf\xc3\xa9 ??"), std::string::npos);
  EXPECT_EQ(svg.find('\xff'), std::string::npos);
}

TEST(HeatMapSvgTest, PerChannelBorderIsDashed) {
  HeatMapRow row = makePerChannelHeatMapRow(
      "conv.weight", "weight", {histogramOf({{0, 1}}), histogramOf({{2, 1}})},
      {choiceOf(fixedFormat(true, 8, 7)), choiceOf(fixedFormat(true, 8, 4))});
  std::string svg = renderSvg({row});
  EXPECT_EQ(xmlProblem(svg), "");
  EXPECT_EQ(countOf(svg, "stroke-dasharray"), 1u);
  EXPECT_NE(svg.find(">s8 F=[7..4]</text>"), std::string::npos);
  EXPECT_EQ(countOf(svg, "<rect class=\"outside\""), 0u);
}

TEST(HeatMapSvgTest, HugeSpanIsFoldedAndSaidSo) {
  std::vector<std::pair<int, uint64_t>> counts = {{100, 2}, {-100, 3}};
  for (int position = 0; position >= -7; --position)
    counts.push_back({position, 1000});
  std::vector<HeatMapRow> rows = {handMadeRow("wide", counts, 0, -7)};
  std::string svg = renderSvg(rows);
  EXPECT_EQ(xmlProblem(svg), "");
  EXPECT_EQ(countOf(svg, "<rect class=\"cell\""), kHeatMapMaxColumns);
  EXPECT_NE(svg.find("columns clipped to"), std::string::npos);
  EXPECT_NE(svg.find("folded: 2 above"), std::string::npos);
  EXPECT_NE(svg.find(" and above: 2"), std::string::npos);
  EXPECT_NE(svg.find(" and below: 3"), std::string::npos);
}

TEST(HeatMapSvgTest, EmptyAndDegenerateRows) {
  std::string empty = renderSvg({});
  EXPECT_EQ(xmlProblem(empty), "");
  EXPECT_EQ(countOf(empty, "<rect class=\"cell\""), 0u);
  EXPECT_NE(empty.find("(no tensors)"), std::string::npos);

  ValueHistogram zeros;
  zeros.addZeros(10);
  HeatMapRow zeroRow = makeHeatMapRow(
      "zeros", "activation", zeros, selectFormat(zeros, SelectionPolicy::Msb));
  HeatMapRow nothing;
  nothing.name = "nothing";
  HeatMapRow oneBit =
      makeHeatMapRow("onebit", "activation", histogramOf({{0, 4}}),
                     choiceOf(fixedFormat(true, 1, 0)));
  std::string svg = renderSvg({zeroRow, nothing, oneBit});
  EXPECT_EQ(xmlProblem(svg), "");
  HeatMapColumns columns = selectHeatMapColumns({zeroRow, nothing, oneBit});
  EXPECT_EQ(countOf(svg, "<rect class=\"cell\""), 3 * columns.size());
  // The 1-bit row has no representable bit: no border for it.
  EXPECT_EQ(countOf(svg, "<rect class=\"window\""), 2u);
}

} // namespace
