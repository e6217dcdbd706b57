//===- FrontierPlot.cpp - memory / accuracy plot of a search --------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Report/FrontierPlot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

using namespace mlir::fxp;

namespace {

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string number(double value, int precision = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", precision, value);
  return buffer;
}

bool usable(const PlotPoint &point) {
  return point.bytes > 0 && std::isfinite(point.bytes) &&
         std::isfinite(point.accuracy);
}

constexpr double kWidth = 760, kHeight = 480;
constexpr double kLeft = 70, kRight = 190, kTop = 40, kBottom = 60;

} // namespace

void mlir::fxp::writeFrontierSvg(const FrontierPlot &plot, std::ostream &out) {
  std::vector<const PlotPoint *> all;
  for (const auto *series :
       {&plot.exact, &plot.greedy, &plot.measured, &plot.references})
    for (const PlotPoint &point : *series)
      if (usable(point))
        all.push_back(&point);
  if (usable(plot.chosen))
    all.push_back(&plot.chosen);
  double minBytes = 1, maxBytes = 10, minAcc = 0, maxAcc = 100;
  if (!all.empty()) {
    minBytes = maxBytes = all.front()->bytes;
    minAcc = maxAcc = all.front()->accuracy;
    for (const PlotPoint *point : all) {
      minBytes = std::min(minBytes, point->bytes);
      maxBytes = std::max(maxBytes, point->bytes);
      minAcc = std::min(minAcc, point->accuracy);
      maxAcc = std::max(maxAcc, point->accuracy);
    }
  }
  double logMin = std::log10(minBytes) - 0.05,
         logMax = std::log10(maxBytes) + 0.05;
  if (logMax - logMin < 0.2)
    logMax = logMin + 0.2;
  double accPad = std::max(0.5, 0.05 * (maxAcc - minAcc));
  minAcc -= accPad;
  maxAcc += accPad;
  double plotWidth = kWidth - kLeft - kRight,
         plotHeight = kHeight - kTop - kBottom;
  auto x = [&](double bytes) {
    return kLeft + (std::log10(bytes) - logMin) / (logMax - logMin) * plotWidth;
  };
  auto y = [&](double accuracy) {
    return kTop + (maxAcc - accuracy) / (maxAcc - minAcc) * plotHeight;
  };

  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth
      << "\" height=\"" << kHeight << "\" font-family=\"sans-serif\" "
      << "font-size=\"11\">\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "<text x=\"" << kLeft << "\" y=\"22\" font-size=\"14\">"
      << escape(plot.title) << "</text>\n";
  // Axes, decade and accuracy ticks.
  out << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\""
      << plotWidth << "\" height=\"" << plotHeight
      << "\" fill=\"none\" stroke=\"black\"/>\n";
  for (int decade = int(std::floor(logMin)); decade <= int(std::ceil(logMax));
       ++decade)
    for (int mantissa : {1, 2, 5}) {
      double bytes = mantissa * std::pow(10.0, decade);
      double logBytes = std::log10(bytes);
      if (logBytes < logMin || logBytes > logMax)
        continue;
      double px = x(bytes);
      out << "<line x1=\"" << number(px) << "\" y1=\"" << kTop << "\" x2=\""
          << number(px) << "\" y2=\"" << kTop + plotHeight
          << "\" stroke=\"#ddd\"/>\n";
      std::string label = bytes >= 1e6   ? number(bytes / 1e6, 0) + "M"
                          : bytes >= 1e3 ? number(bytes / 1e3, 0) + "k"
                                         : number(bytes, 0);
      out << "<text x=\"" << number(px) << "\" y=\"" << kTop + plotHeight + 15
          << "\" text-anchor=\"middle\">" << label << "</text>\n";
    }
  double step = maxAcc - minAcc > 20 ? 10 : maxAcc - minAcc > 5 ? 2 : 0.5;
  for (double tick = std::ceil(minAcc / step) * step; tick <= maxAcc;
       tick += step) {
    out << "<line x1=\"" << kLeft << "\" y1=\"" << number(y(tick)) << "\" x2=\""
        << kLeft + plotWidth << "\" y2=\"" << number(y(tick))
        << "\" stroke=\"#eee\"/>\n";
    out << "<text x=\"" << kLeft - 6 << "\" y=\"" << number(y(tick) + 4)
        << "\" text-anchor=\"end\">" << number(tick, step < 1 ? 1 : 0)
        << "</text>\n";
  }
  out << "<text x=\"" << kLeft + plotWidth / 2 << "\" y=\"" << kHeight - 15
      << "\" text-anchor=\"middle\">learnable parameter bytes (log)</text>\n";
  out << "<text transform=\"translate(18," << kTop + plotHeight / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape(plot.yLabel)
      << "</text>\n";

  auto polyline = [&](const std::vector<PlotPoint> &series, const char *color,
                      const char *dash) {
    std::vector<PlotPoint> points;
    for (const PlotPoint &point : series)
      if (usable(point))
        points.push_back(point);
    if (points.empty())
      return;
    std::sort(points.begin(), points.end(),
              [](const PlotPoint &a, const PlotPoint &b) {
                return a.bytes < b.bytes;
              });
    out << "<polyline fill=\"none\" stroke=\"" << color
        << "\" stroke-width=\"1.5\"" << dash << " points=\"";
    for (size_t i = 0; i < points.size(); ++i) {
      // Steps: the accuracy holds until the next point's bytes.
      if (i > 0)
        out << number(x(points[i].bytes)) << ","
            << number(y(points[i - 1].accuracy)) << " ";
      out << number(x(points[i].bytes)) << "," << number(y(points[i].accuracy))
          << " ";
    }
    out << "\"/>\n";
  };
  polyline(plot.exact, "#1f5fbf", "");
  polyline(plot.greedy, "#d98c00", " stroke-dasharray=\"5,3\"");
  for (const PlotPoint &point : plot.references)
    if (usable(point))
      out << "<rect x=\"" << number(x(point.bytes) - 4) << "\" y=\""
          << number(y(point.accuracy) - 4)
          << "\" width=\"8\" height=\"8\" fill=\"#888\"><title>"
          << escape(point.label) << "</title></rect>\n"
          << "<text x=\"" << number(x(point.bytes) + 7) << "\" y=\""
          << number(y(point.accuracy) + 12) << "\" fill=\"#555\">"
          << escape(point.label) << "</text>\n";
  for (const PlotPoint &point : plot.measured)
    if (usable(point))
      out << "<circle cx=\"" << number(x(point.bytes)) << "\" cy=\""
          << number(y(point.accuracy))
          << "\" r=\"4\" fill=\"none\" stroke=\"#c0392b\" "
             "stroke-width=\"1.5\"><title>"
          << escape(point.label) << "</title></circle>\n";
  if (usable(plot.chosen))
    out << "<circle cx=\"" << number(x(plot.chosen.bytes)) << "\" cy=\""
        << number(y(plot.chosen.accuracy))
        << "\" r=\"6\" fill=\"#c0392b\"><title>" << escape(plot.chosen.label)
        << "</title></circle>\n";
  // Legend.
  double lx = kLeft + plotWidth + 15, ly = kTop + 10;
  auto legend = [&](const std::string &marker, const char *text) {
    out << marker << "<text x=\"" << lx + 22 << "\" y=\"" << ly + 4 << "\">"
        << text << "</text>\n";
    ly += 20;
  };
  legend("<line x1=\"" + number(lx) + "\" y1=\"" + number(ly) + "\" x2=\"" +
             number(lx + 16) + "\" y2=\"" + number(ly) +
             "\" stroke=\"#1f5fbf\" stroke-width=\"1.5\"/>",
         "exact frontier (predicted)");
  legend("<line x1=\"" + number(lx) + "\" y1=\"" + number(ly) + "\" x2=\"" +
             number(lx + 16) + "\" y2=\"" + number(ly) +
             "\" stroke=\"#d98c00\" stroke-dasharray=\"5,3\"/>",
         "greedy (predicted)");
  legend("<circle cx=\"" + number(lx + 8) + "\" cy=\"" + number(ly) +
             "\" r=\"4\" fill=\"none\" stroke=\"#c0392b\"/>",
         "measured");
  legend("<rect x=\"" + number(lx + 4) + "\" y=\"" + number(ly - 4) +
             "\" width=\"8\" height=\"8\" fill=\"#888\"/>",
         "uniform (measured)");
  legend("<circle cx=\"" + number(lx + 8) + "\" cy=\"" + number(ly) +
             "\" r=\"6\" fill=\"#c0392b\"/>",
         "chosen (measured)");
  out << "</svg>\n";
}
