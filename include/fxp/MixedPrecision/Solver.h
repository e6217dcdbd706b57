//===- Solver.h - Multiple-choice knapsack for mixed precision --*- C++ -*-===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) mixed-precision
// search.
//
// Mixed-precision search picks one candidate (a format, a word length, a
// kernel) per layer. Each candidate has a cost (bytes, microseconds: any
// non-negative additive quantity) and an objective (an additive error measure,
// lower is better). Choosing one candidate per layer to minimize the total
// objective under a total-cost budget is the multiple-choice knapsack problem.
// This header gives
//
//   paretoFrontier  the exact (total cost, total objective) Pareto frontier,
//   solveExact      the exact optimum for one budget (read off the frontier),
//   solveGreedy     the classic greedy baseline, and
//   greedyPath      every assignment the greedy descent visits.
//
// Floating point. Totals are always computed by summing the per-layer values
// in layer order starting from 0 (see `evaluateChoices`), so one assignment
// always has bit-identical totals, whichever function produced it. Budgets
// are compared with a small tolerance, `fitsBudget`:
//
//   cost <= budget + |budget| * 1e-12 + 1e-9.
//
// Complexity. Let L be the number of layers, k_l the options of layer l, K
// their maximum and F_l the number of non-dominated partial sums after layer l
// (at most the number of distinct partial costs: for integer costs, at most
// the largest partial cost + 1; in practice thousands to tens of thousands).
// paretoFrontier takes O(sum_l k_l (F_{l-1} + F_l)) time (k_l merges of
// sorted lists per layer), O(sum_l F_l) memory for back-pointers and O(L F_L)
// to write out the choices.
// solveExact is the same with partial sums over the budget dropped early.
// The greedy descent makes at most sum_l (k_l - 1) steps of O(L K) each.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_MIXEDPRECISION_SOLVER_H
#define FXP_MIXEDPRECISION_SOLVER_H

#include <optional>
#include <string>
#include <vector>

namespace mlir::fxp::mixed {

/// One candidate of one layer: its cost (bytes, or microseconds — any
/// non-negative additive quantity) and its objective (additive error measure,
/// lower is better; may be negative).
struct Option {
  double cost = 0;
  double objective = 0;
};

/// A problem: for each layer, its candidate options (at least one each).
using Problem = std::vector<std::vector<Option>>;

/// One choice per layer (an index into that layer's options) and its totals.
struct Assignment {
  std::vector<unsigned> choices;
  double cost = 0;
  double objective = 0;
};

/// Checks a problem: non-empty option lists, finite non-negative costs,
/// finite objectives. Returns an error message naming the first offending
/// layer and option, or an empty string when the problem is valid. A problem
/// with no layers is valid (its only assignment is empty, with cost 0).
std::string validateProblem(const Problem &problem);

/// True when `cost` is within `budget` up to the tolerance every solver uses:
/// cost <= budget + |budget| * 1e-12 + 1e-9. False when either is NaN.
bool fitsBudget(double cost, double budget);

/// The assignment with the given choices (one valid option index per layer;
/// asserted) and its totals, summed per layer in layer order starting from 0.
/// Every solver reports totals computed exactly this way.
Assignment evaluateChoices(const Problem &problem,
                           std::vector<unsigned> choices);

/// The exact Pareto frontier of (total cost, total objective): every
/// assignment not dominated by another (dominated: another has cost <= and
/// objective <= with one strictly less), one assignment per frontier point,
/// sorted by increasing cost (objectives then strictly decrease).
///
/// Computed by dynamic programming over the layers with dominance pruning:
/// after each layer only the non-dominated partial sums are kept, each with a
/// back-pointer to reconstruct its choices. The frontier is exact for the
/// floating-point totals (rounded addition is monotone, so a pruned partial
/// sum can never lead to a total the kept ones do not match or beat).
///
/// Ties (several assignments with equal total cost and objective): the one
/// kept has the lexicographically smallest choice vector among those the
/// pruning keeps. That is the lexicographically smallest of all tied
/// assignments whenever partial sums are exact (e.g. integer-valued costs and
/// objectives); otherwise a partial sum that rounds to a tie late may lose.
///
/// Returns one empty assignment for a problem with no layers, and an empty
/// vector when `validateProblem` fails.
std::vector<Assignment> paretoFrontier(const Problem &problem);

/// The exact optimum: minimal total objective with total cost within `budget`
/// (see `fitsBudget`; among equal objectives the cheapest, which is unique on
/// the frontier). Partial sums over the budget are dropped during the search.
/// nullopt when even the cheapest assignment exceeds the budget, or when
/// `validateProblem` fails.
std::optional<Assignment> solveExact(const Problem &problem, double budget);

/// Greedy baseline. Starts from each layer's minimal-objective option (ties:
/// the cheapest, then the lowest index), then repeatedly applies the
/// single-layer change to a strictly cheaper option of that layer with the
/// smallest objective increase per unit of cost saved, until the total cost
/// fits `budget`. Changes that do not increase the objective come first;
/// ties in the ratio go to the larger saving, then the lower layer and
/// option index. Returns the first visited assignment that fits; nullopt if
/// none does (exactly when the cheapest assignment does not fit) or when
/// `validateProblem` fails.
std::optional<Assignment> solveGreedy(const Problem &problem, double budget);

/// Every assignment the greedy descent of `solveGreedy` visits, from its start
/// to the point where no change saves cost (then every layer is at one of its
/// cheapest options). Consecutive assignments differ in one layer, whose cost
/// strictly decreases, so total costs strictly decrease in exact arithmetic
/// (and never increase in floating point). Empty when `validateProblem`
/// fails.
std::vector<Assignment> greedyPath(const Problem &problem);

} // namespace mlir::fxp::mixed

#endif // FXP_MIXEDPRECISION_SOLVER_H
