//===- FrontierPlot.h - memory / accuracy plot of a search -------*- C++
//-*-===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) reporting.
//
// The picture `quant search` writes: learnable-parameter bytes (log scale)
// against accuracy in percent — the exact Pareto frontier and the greedy
// curve as predicted lines, measured points as circles, reference points
// (uniform word lengths) as squares, and the chosen point highlighted.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_REPORT_FRONTIERPLOT_H
#define FXP_REPORT_FRONTIERPLOT_H

#include <iosfwd>
#include <string>
#include <vector>

namespace mlir::fxp {

struct PlotPoint {
  double bytes = 0;
  /// Accuracy in percent.
  double accuracy = 0;
  /// Shown next to labelled points (free text; escaped).
  std::string label;
};

struct FrontierPlot {
  std::string title;
  std::string yLabel = "accuracy (%)";
  /// Predicted curves, drawn as step lines in increasing bytes.
  std::vector<PlotPoint> exact;
  std::vector<PlotPoint> greedy;
  /// Measured points (circles) and references (squares), labelled.
  std::vector<PlotPoint> measured;
  std::vector<PlotPoint> references;
  /// The chosen point (a filled marker), when bytes > 0.
  PlotPoint chosen;
};

/// Writes `plot` as a standalone SVG document. Points with non-positive
/// bytes or non-finite values are skipped.
void writeFrontierSvg(const FrontierPlot &plot, std::ostream &out);

} // namespace mlir::fxp

#endif // FXP_REPORT_FRONTIERPLOT_H
