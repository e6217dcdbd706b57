//===- Solver.cpp - Multiple-choice knapsack for mixed precision ----------===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) mixed-precision
// search.
//
//===----------------------------------------------------------------------===//
//
// Implementation of fxp/MixedPrecision/Solver.h.
//
// Frontier dynamic programming. After layer l the search keeps the
// non-dominated partial sums of layers 0..l, sorted by increasing cost (and
// so strictly decreasing objective). Adding layer l+1 option j shifts that
// list by (cost_j, objective_j); the shifted list is still sorted by cost
// (rounded addition is monotone), so the new frontier is built by merging the
// shifted lists one option at a time and keeping, in merged order, only the
// entries whose objective is below every earlier one. Merging uses the total
// order (cost, objective, lexicographic rank of the prefix choices, option),
// so among exact ties the first one kept is the lexicographically smallest
// choice vector; ranks for the next layer come from sorting the kept entries
// by (prefix rank, option).
//
//===----------------------------------------------------------------------===//

#include "fxp/MixedPrecision/Solver.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

using namespace mlir::fxp::mixed;

namespace {

/// A non-dominated partial sum of the layers seen so far, with the
/// lexicographic rank of its choice vector among the kept partial sums.
struct PartialSum {
  double cost;
  double objective;
  uint32_t rank;
};

/// A partial sum extended by one option of the next layer.
struct Candidate {
  double cost;
  double objective;
  /// Index of the extended partial sum in the previous layer's frontier.
  uint32_t prevIndex;
  /// Lexicographic rank of the extended partial sum's choices.
  uint32_t prevRank;
  /// The option chosen in the current layer.
  uint32_t option;
};

/// The total order used to merge candidates: cost, then objective, then the
/// lexicographic order of the choice vectors.
bool candidateLess(const Candidate &lhs, const Candidate &rhs) {
  if (lhs.cost != rhs.cost)
    return lhs.cost < rhs.cost;
  if (lhs.objective != rhs.objective)
    return lhs.objective < rhs.objective;
  if (lhs.prevRank != rhs.prevRank)
    return lhs.prevRank < rhs.prevRank;
  return lhs.option < rhs.option;
}

/// Merges two candidate lists sorted by `candidateLess` into `merged`,
/// keeping only the entries not dominated by (or tied with) an earlier one.
void mergeNonDominated(const std::vector<Candidate> &lhs,
                       const std::vector<Candidate> &rhs,
                       std::vector<Candidate> &merged) {
  merged.clear();
  merged.reserve(lhs.size() + rhs.size());
  double bestObjective = std::numeric_limits<double>::infinity();
  size_t lhsIndex = 0, rhsIndex = 0;
  while (lhsIndex < lhs.size() || rhsIndex < rhs.size()) {
    const Candidate *next;
    if (rhsIndex == rhs.size() ||
        (lhsIndex < lhs.size() && !candidateLess(rhs[rhsIndex], lhs[lhsIndex])))
      next = &lhs[lhsIndex++];
    else
      next = &rhs[rhsIndex++];
    // Everything earlier costs no more; an earlier objective <= this one
    // dominates it or ties with it (and came first in the order).
    if (next->objective < bestObjective) {
      bestObjective = next->objective;
      merged.push_back(*next);
    }
  }
}

/// Which option of the previous layer a frontier entry extends, and how.
struct BackPointer {
  uint32_t prevIndex;
  uint32_t option;
};

/// The frontier of `problem` (assumed valid), restricted to partial sums that
/// fit `budget` when one is given.
std::vector<Assignment> computeFrontier(const Problem &problem,
                                        std::optional<double> budget) {
  const size_t numLayers = problem.size();
  std::vector<std::vector<BackPointer>> backPointers(numLayers);
  std::vector<PartialSum> frontier = {{0.0, 0.0, 0}};
  std::vector<Candidate> accumulated, shifted, merged;
  std::vector<uint32_t> bucketStarts, bucketFill, byRank;

  for (size_t layer = 0; layer < numLayers; ++layer) {
    const std::vector<Option> &options = problem[layer];
    accumulated.clear();
    for (size_t option = 0; option < options.size(); ++option) {
      const Option &extension = options[option];
      shifted.clear();
      for (size_t index = 0; index < frontier.size(); ++index) {
        const PartialSum &partial = frontier[index];
        double cost = partial.cost + extension.cost;
        // Costs are non-negative, so a partial sum over the budget only
        // grows; the frontier is sorted by cost, so the rest is over too.
        if (budget && !fitsBudget(cost, *budget))
          break;
        shifted.push_back({cost, partial.objective + extension.objective,
                           static_cast<uint32_t>(index), partial.rank,
                           static_cast<uint32_t>(option)});
      }
      // Costs that round together can leave equal-cost entries with
      // decreasing objectives; restore the merge order then.
      if (!std::is_sorted(shifted.begin(), shifted.end(), candidateLess))
        std::sort(shifted.begin(), shifted.end(), candidateLess);
      mergeNonDominated(accumulated, shifted, merged);
      std::swap(accumulated, merged);
    }
    if (accumulated.empty())
      return {};

    // Lexicographic ranks of the kept choice vectors: by prefix rank (a
    // counting sort), then by option within one prefix (at most one entry per
    // option, usually a handful).
    bucketStarts.assign(frontier.size() + 1, 0);
    for (const Candidate &kept : accumulated)
      ++bucketStarts[kept.prevRank + 1];
    for (size_t rank = 0; rank < frontier.size(); ++rank)
      bucketStarts[rank + 1] += bucketStarts[rank];
    byRank.resize(accumulated.size());
    bucketFill.assign(bucketStarts.begin(), bucketStarts.end() - 1);
    for (size_t index = 0; index < accumulated.size(); ++index)
      byRank[bucketFill[accumulated[index].prevRank]++] =
          static_cast<uint32_t>(index);
    auto optionLess = [&](uint32_t lhs, uint32_t rhs) {
      return accumulated[lhs].option < accumulated[rhs].option;
    };
    for (size_t rank = 0; rank < frontier.size(); ++rank)
      std::sort(byRank.begin() + bucketStarts[rank],
                byRank.begin() + bucketStarts[rank + 1], optionLess);

    frontier.resize(accumulated.size());
    std::vector<BackPointer> &layerPointers = backPointers[layer];
    layerPointers.resize(accumulated.size());
    for (size_t index = 0; index < accumulated.size(); ++index) {
      const Candidate &kept = accumulated[index];
      frontier[index] = {kept.cost, kept.objective, 0};
      layerPointers[index] = {kept.prevIndex, kept.option};
    }
    for (size_t rank = 0; rank < byRank.size(); ++rank)
      frontier[byRank[rank]].rank = static_cast<uint32_t>(rank);
  }

  std::vector<Assignment> result(frontier.size());
  for (size_t index = 0; index < frontier.size(); ++index) {
    Assignment &assignment = result[index];
    assignment.cost = frontier[index].cost;
    assignment.objective = frontier[index].objective;
    assignment.choices.resize(numLayers);
    uint32_t entry = static_cast<uint32_t>(index);
    for (size_t layer = numLayers; layer-- > 0;) {
      const BackPointer &pointer = backPointers[layer][entry];
      assignment.choices[layer] = pointer.option;
      entry = pointer.prevIndex;
    }
  }
  return result;
}

/// The greedy descent of `problem` (assumed valid): every visited assignment,
/// stopping at the first one that fits `budget` when one is given.
std::vector<Assignment> greedyDescent(const Problem &problem,
                                      std::optional<double> budget) {
  std::vector<unsigned> choices(problem.size());
  for (size_t layer = 0; layer < problem.size(); ++layer) {
    const std::vector<Option> &options = problem[layer];
    unsigned best = 0;
    for (unsigned option = 1; option < options.size(); ++option) {
      const Option &candidate = options[option];
      const Option &incumbent = options[best];
      if (candidate.objective < incumbent.objective ||
          (candidate.objective == incumbent.objective &&
           candidate.cost < incumbent.cost))
        best = option;
    }
    choices[layer] = best;
  }

  std::vector<Assignment> path = {evaluateChoices(problem, choices)};
  while (!budget || !fitsBudget(path.back().cost, *budget)) {
    // The best single-layer change: non-increasing objective first, then the
    // smallest objective increase per unit of cost saved, then the larger
    // saving; remaining ties keep the first (lowest layer, then option).
    bool found = false;
    size_t bestLayer = 0;
    unsigned bestOption = 0;
    bool bestIncreases = false;
    double bestRatio = 0, bestSaving = 0;
    for (size_t layer = 0; layer < problem.size(); ++layer) {
      const std::vector<Option> &options = problem[layer];
      const Option &current = options[choices[layer]];
      for (unsigned option = 0; option < options.size(); ++option) {
        const Option &candidate = options[option];
        if (!(candidate.cost < current.cost))
          continue;
        double saving = current.cost - candidate.cost;
        double increase = candidate.objective - current.objective;
        bool increases = increase > 0;
        double ratio = increase / saving;
        bool better;
        if (!found)
          better = true;
        else if (increases != bestIncreases)
          better = !increases;
        else if (ratio != bestRatio)
          better = ratio < bestRatio;
        else
          better = saving > bestSaving;
        if (better) {
          found = true;
          bestLayer = layer;
          bestOption = option;
          bestIncreases = increases;
          bestRatio = ratio;
          bestSaving = saving;
        }
      }
    }
    if (!found)
      break;
    choices[bestLayer] = bestOption;
    path.push_back(evaluateChoices(problem, choices));
  }
  return path;
}

} // namespace

std::string mlir::fxp::mixed::validateProblem(const Problem &problem) {
  for (size_t layer = 0; layer < problem.size(); ++layer) {
    const std::vector<Option> &options = problem[layer];
    if (options.empty())
      return "layer " + std::to_string(layer) + " has no options";
    if (options.size() > std::numeric_limits<uint32_t>::max())
      return "layer " + std::to_string(layer) + " has too many options";
    for (size_t option = 0; option < options.size(); ++option) {
      const Option &candidate = options[option];
      std::string where = "layer " + std::to_string(layer) + " option " +
                          std::to_string(option);
      if (!std::isfinite(candidate.cost))
        return where + " has a non-finite cost";
      if (candidate.cost < 0)
        return where + " has a negative cost";
      if (!std::isfinite(candidate.objective))
        return where + " has a non-finite objective";
    }
  }
  return "";
}

bool mlir::fxp::mixed::fitsBudget(double cost, double budget) {
  return cost <= budget + std::fabs(budget) * 1e-12 + 1e-9;
}

Assignment mlir::fxp::mixed::evaluateChoices(const Problem &problem,
                                             std::vector<unsigned> choices) {
  assert(choices.size() == problem.size() && "one choice per layer");
  Assignment assignment;
  for (size_t layer = 0; layer < problem.size(); ++layer) {
    assert(choices[layer] < problem[layer].size() && "choice out of range");
    const Option &chosen = problem[layer][choices[layer]];
    assignment.cost += chosen.cost;
    assignment.objective += chosen.objective;
  }
  assignment.choices = std::move(choices);
  return assignment;
}

std::vector<Assignment>
mlir::fxp::mixed::paretoFrontier(const Problem &problem) {
  if (!validateProblem(problem).empty())
    return {};
  return computeFrontier(problem, std::nullopt);
}

std::optional<Assignment> mlir::fxp::mixed::solveExact(const Problem &problem,
                                                       double budget) {
  if (!validateProblem(problem).empty())
    return std::nullopt;
  std::vector<Assignment> frontier = computeFrontier(problem, budget);
  // (With no layers the search never compares the empty sum to the budget.)
  if (frontier.empty() || !fitsBudget(frontier.back().cost, budget))
    return std::nullopt;
  // Every kept point fits; the most expensive one has the least objective.
  return std::move(frontier.back());
}

std::optional<Assignment> mlir::fxp::mixed::solveGreedy(const Problem &problem,
                                                        double budget) {
  if (!validateProblem(problem).empty())
    return std::nullopt;
  std::vector<Assignment> path = greedyDescent(problem, budget);
  if (!fitsBudget(path.back().cost, budget))
    return std::nullopt;
  return std::move(path.back());
}

std::vector<Assignment> mlir::fxp::mixed::greedyPath(const Problem &problem) {
  if (!validateProblem(problem).empty())
    return {};
  return greedyDescent(problem, std::nullopt);
}
