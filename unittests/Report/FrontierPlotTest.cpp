//===- FrontierPlotTest.cpp - memory / accuracy plot tests ----------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Report/FrontierPlot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace mlir::fxp;

namespace {

size_t count(const std::string &text, const std::string &needle) {
  size_t found = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++found;
  return found;
}

// Every series is drawn: two polylines, one circle per measured point plus
// the chosen one, one square per reference; labels are escaped; unusable
// points (no bytes, NaN) are skipped.
TEST(FrontierPlotTest, DrawsEverySeries) {
  FrontierPlot plot;
  plot.title = "a <search> & more";
  plot.exact = {{100000, 92.0, ""}, {200000, 92.5, ""}, {0, 50, ""}};
  plot.greedy = {{110000, 91.5, ""}, {210000, 92.4, ""}};
  plot.measured = {{150000, 92.1, "exact @20%"}, {120000, NAN, "bad"}};
  plot.references = {{176120, 92.0, "uniform w8a8"},
                     {89200, 90.7, "uniform w4a8"}};
  plot.chosen = {104616, 91.8, "exact"};
  std::ostringstream out;
  writeFrontierSvg(plot, out);
  std::string svg = out.str();
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("a &lt;search&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  // Measured circles: one usable + the chosen one, + 2 legend circles.
  EXPECT_EQ(count(svg, "<circle"), 4u);
  EXPECT_EQ(count(svg, "<title>uniform w"), 2u);
  EXPECT_EQ(svg.find("bad"), std::string::npos);
  EXPECT_NE(svg.find("<title>exact</title>"), std::string::npos);
}

// An empty plot is still a valid document with axes and legend.
TEST(FrontierPlotTest, EmptyPlot) {
  std::ostringstream out;
  writeFrontierSvg(FrontierPlot(), out);
  EXPECT_NE(out.str().find("learnable parameter bytes"), std::string::npos);
  EXPECT_EQ(count(out.str(), "<polyline"), 0u);
}

} // namespace
