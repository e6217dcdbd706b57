//===- SolverTest.cpp - Tests for the mixed-precision knapsack solver -----===//
//
// Part of the fxp project: plain C++ (no MLIR dependency) mixed-precision
// search.
//
//===----------------------------------------------------------------------===//

#include "fxp/MixedPrecision/Solver.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <utility>
#include <vector>

using namespace mlir::fxp::mixed;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// How the random test instances draw their costs and objectives.
enum class Values {
  /// Integer costs in [0, 50], real objectives in [-2, 5].
  IntegerCosts,
  /// Real costs in [0, 50], real objectives in [-2, 5].
  RealCosts,
  /// Integer costs in [0, 6] and objectives in [-3, 3]: many exact ties.
  SmallIntegers,
};

/// A random problem of 1..6 layers with 1..5 options each.
Problem randomProblem(std::mt19937 &rng, Values values) {
  std::uniform_int_distribution<unsigned> numLayers(1, 6), numOptions(1, 5);
  std::uniform_int_distribution<int> integerCost(0, 50), smallCost(0, 6),
      smallObjective(-3, 3);
  std::uniform_real_distribution<double> realCost(0, 50), realObjective(-2, 5);
  Problem problem(numLayers(rng));
  for (std::vector<Option> &options : problem) {
    options.resize(numOptions(rng));
    for (Option &option : options) {
      switch (values) {
      case Values::IntegerCosts:
        option = {static_cast<double>(integerCost(rng)), realObjective(rng)};
        break;
      case Values::RealCosts:
        option = {realCost(rng), realObjective(rng)};
        break;
      case Values::SmallIntegers:
        option = {static_cast<double>(smallCost(rng)),
                  static_cast<double>(smallObjective(rng))};
        break;
      }
    }
  }
  return problem;
}

/// Every assignment of `problem`, choice vectors in lexicographic order, with
/// totals summed in layer order from 0 (as the solvers promise).
std::vector<Assignment> enumerateAll(const Problem &problem) {
  std::vector<Assignment> all;
  std::vector<unsigned> choices(problem.size(), 0);
  while (true) {
    Assignment assignment;
    assignment.choices = choices;
    for (size_t layer = 0; layer < problem.size(); ++layer) {
      assignment.cost += problem[layer][choices[layer]].cost;
      assignment.objective += problem[layer][choices[layer]].objective;
    }
    all.push_back(std::move(assignment));
    // Increment the last layer first, so the order is lexicographic.
    size_t layer = problem.size();
    while (layer > 0 && ++choices[layer - 1] == problem[layer - 1].size())
      choices[--layer] = 0;
    if (layer == 0)
      return all;
  }
}

/// The brute-force optimum: least objective among the assignments that fit
/// the budget, the cheaper on ties.
std::optional<Assignment> bruteForceOptimum(const std::vector<Assignment> &all,
                                            double budget) {
  std::optional<Assignment> best;
  for (const Assignment &assignment : all) {
    if (!fitsBudget(assignment.cost, budget))
      continue;
    if (!best || assignment.objective < best->objective ||
        (assignment.objective == best->objective &&
         assignment.cost < best->cost))
      best = assignment;
  }
  return best;
}

/// The brute-force non-dominated (cost, objective) points, sorted by cost.
std::vector<std::pair<double, double>>
bruteForceFrontier(const std::vector<Assignment> &all) {
  std::set<std::pair<double, double>> points;
  for (const Assignment &candidate : all) {
    bool dominated = false;
    for (const Assignment &other : all) {
      if (other.cost <= candidate.cost &&
          other.objective <= candidate.objective &&
          (other.cost < candidate.cost ||
           other.objective < candidate.objective)) {
        dominated = true;
        break;
      }
    }
    if (!dominated)
      points.insert({candidate.cost, candidate.objective});
  }
  return {points.begin(), points.end()};
}

/// Budgets around the interesting points of `all`: below the cheapest
/// assignment, exactly at and between the frontier costs, above the dearest.
std::vector<double> interestingBudgets(const std::vector<Assignment> &all) {
  std::vector<std::pair<double, double>> frontier = bruteForceFrontier(all);
  double minCost = kInf, maxCost = 0;
  for (const Assignment &assignment : all) {
    minCost = std::min(minCost, assignment.cost);
    maxCost = std::max(maxCost, assignment.cost);
  }
  std::vector<double> budgets = {-1.0,           minCost - 1, minCost / 2,
                                 minCost - 1e-3, maxCost,     maxCost + 1,
                                 maxCost * 2,    kInf};
  for (size_t index = 0; index < frontier.size(); ++index) {
    budgets.push_back(frontier[index].first);
    if (index + 1 < frontier.size())
      budgets.push_back((frontier[index].first + frontier[index + 1].first) /
                        2);
  }
  return budgets;
}

/// Expects that `assignment` has one valid choice per layer and that its
/// choices reproduce its totals bit for bit.
void expectConsistent(const Problem &problem, const Assignment &assignment) {
  ASSERT_EQ(assignment.choices.size(), problem.size());
  for (size_t layer = 0; layer < problem.size(); ++layer)
    ASSERT_LT(assignment.choices[layer], problem[layer].size());
  Assignment evaluated = evaluateChoices(problem, assignment.choices);
  EXPECT_EQ(evaluated.cost, assignment.cost);
  EXPECT_EQ(evaluated.objective, assignment.objective);
}

/// Checks solveExact against brute force on 200 random instances drawn with
/// `values`: the same optimum (objective, and cost among ties), within the
/// budget, consistent totals, and nullopt exactly when nothing fits.
void checkExactAgainstBruteForce(Values values, unsigned seed) {
  std::mt19937 rng(seed);
  for (int instance = 0; instance < 200; ++instance) {
    Problem problem = randomProblem(rng, values);
    ASSERT_EQ(validateProblem(problem), "");
    std::vector<Assignment> all = enumerateAll(problem);
    for (double budget : interestingBudgets(all)) {
      SCOPED_TRACE("instance " + std::to_string(instance) + " budget " +
                   std::to_string(budget));
      std::optional<Assignment> expected = bruteForceOptimum(all, budget);
      std::optional<Assignment> actual = solveExact(problem, budget);
      ASSERT_EQ(actual.has_value(), expected.has_value());
      if (!actual)
        continue;
      EXPECT_EQ(actual->objective, expected->objective);
      EXPECT_EQ(actual->cost, expected->cost);
      EXPECT_TRUE(fitsBudget(actual->cost, budget));
      expectConsistent(problem, *actual);
    }
  }
}

/// Checks paretoFrontier against the brute-force non-dominated set on 200
/// random instances drawn with `values`.
void checkFrontierAgainstBruteForce(Values values, unsigned seed) {
  std::mt19937 rng(seed);
  for (int instance = 0; instance < 200; ++instance) {
    SCOPED_TRACE("instance " + std::to_string(instance));
    Problem problem = randomProblem(rng, values);
    std::vector<Assignment> all = enumerateAll(problem);
    std::vector<Assignment> frontier = paretoFrontier(problem);
    std::vector<std::pair<double, double>> points;
    for (const Assignment &assignment : frontier) {
      points.push_back({assignment.cost, assignment.objective});
      expectConsistent(problem, assignment);
    }
    EXPECT_EQ(points, bruteForceFrontier(all));
    for (size_t index = 1; index < frontier.size(); ++index) {
      EXPECT_LT(frontier[index - 1].cost, frontier[index].cost);
      EXPECT_GT(frontier[index - 1].objective, frontier[index].objective);
    }
  }
}

// solveExact equals the brute-force optimum (integer costs, real objectives
// including negative ones) for budgets below, at, between and above the
// frontier costs; nullopt exactly when infeasible.
TEST(MixedPrecisionSolverTest, ExactMatchesBruteForceIntegerCosts) {
  checkExactAgainstBruteForce(Values::IntegerCosts, 1);
}

// As above with real-valued costs.
TEST(MixedPrecisionSolverTest, ExactMatchesBruteForceRealCosts) {
  checkExactAgainstBruteForce(Values::RealCosts, 2);
}

// As above with small integer costs and objectives (many exact ties).
TEST(MixedPrecisionSolverTest, ExactMatchesBruteForceWithTies) {
  checkExactAgainstBruteForce(Values::SmallIntegers, 3);
}

// The frontier is exactly the brute-force non-dominated set of (cost,
// objective) points, sorted by increasing cost with strictly decreasing
// objective, and every point's choices reproduce its totals.
TEST(MixedPrecisionSolverTest, FrontierMatchesBruteForce) {
  checkFrontierAgainstBruteForce(Values::IntegerCosts, 11);
  checkFrontierAgainstBruteForce(Values::RealCosts, 12);
  checkFrontierAgainstBruteForce(Values::SmallIntegers, 13);
}

// With exact (integer) sums, each frontier point is represented by the
// lexicographically smallest choice vector reaching it.
TEST(MixedPrecisionSolverTest, FrontierTieBreakIsLexicographicallySmallest) {
  std::mt19937 rng(21);
  for (int instance = 0; instance < 200; ++instance) {
    SCOPED_TRACE("instance " + std::to_string(instance));
    Problem problem = randomProblem(rng, Values::SmallIntegers);
    // enumerateAll lists choice vectors in lexicographic order.
    std::vector<Assignment> all = enumerateAll(problem);
    for (const Assignment &point : paretoFrontier(problem)) {
      auto first = std::find_if(
          all.begin(), all.end(), [&](const Assignment &assignment) {
            return assignment.cost == point.cost &&
                   assignment.objective == point.objective;
          });
      ASSERT_NE(first, all.end());
      EXPECT_EQ(point.choices, first->choices);
    }
  }
}

// The greedy solution, when returned, fits the budget, has consistent totals
// and is never better than the exact optimum; it is nullopt exactly when the
// exact solver's is.
TEST(MixedPrecisionSolverTest, GreedyIsFeasibleAndNeverBeatsExact) {
  std::mt19937 rng(31);
  for (Values values :
       {Values::IntegerCosts, Values::RealCosts, Values::SmallIntegers}) {
    for (int instance = 0; instance < 200; ++instance) {
      Problem problem = randomProblem(rng, values);
      std::vector<Assignment> all = enumerateAll(problem);
      for (double budget : interestingBudgets(all)) {
        SCOPED_TRACE("instance " + std::to_string(instance) + " budget " +
                     std::to_string(budget));
        std::optional<Assignment> greedy = solveGreedy(problem, budget);
        std::optional<Assignment> exact = solveExact(problem, budget);
        ASSERT_EQ(greedy.has_value(), exact.has_value());
        if (!greedy)
          continue;
        EXPECT_TRUE(fitsBudget(greedy->cost, budget));
        EXPECT_GE(greedy->objective, exact->objective);
        expectConsistent(problem, *greedy);
      }
    }
  }
}

// The classic knapsack counterexample for ratio greedy: the best ratios
// (layers 1 and 2, 0.5 objective per unit saved) are taken first and
// overshoot, while one change of a slightly worse ratio (layer 0, 0.55) meets
// the budget exactly. Start: cost 22, objective 0; budget 12.
//   greedy: layer 1, then layer 2 -> cost 10, objective 6.
//   exact:  layer 0 alone         -> cost 12, objective 5.5.
TEST(MixedPrecisionSolverTest, GreedyLosesOnClassicCounterexample) {
  Problem problem = {{{10, 0}, {0, 5.5}}, {{6, 0}, {0, 3}}, {{6, 0}, {0, 3}}};
  std::optional<Assignment> greedy = solveGreedy(problem, 12);
  std::optional<Assignment> exact = solveExact(problem, 12);
  ASSERT_TRUE(greedy && exact);
  EXPECT_EQ(greedy->choices, (std::vector<unsigned>{0, 1, 1}));
  EXPECT_EQ(greedy->cost, 10);
  EXPECT_EQ(greedy->objective, 6);
  EXPECT_EQ(exact->choices, (std::vector<unsigned>{1, 0, 0}));
  EXPECT_EQ(exact->cost, 12);
  EXPECT_EQ(exact->objective, 5.5);
  EXPECT_GT(greedy->objective, exact->objective);
}

// greedyPath starts at the least objective (the cheapest such point), each
// step changes one layer, total costs strictly decrease (integer costs), and
// it ends at the cheapest total cost; solveGreedy stops on the path.
TEST(MixedPrecisionSolverTest, GreedyPathStartsAtMinObjectiveAndDescends) {
  std::mt19937 rng(41);
  for (int instance = 0; instance < 200; ++instance) {
    SCOPED_TRACE("instance " + std::to_string(instance));
    Problem problem = randomProblem(rng, Values::IntegerCosts);
    std::vector<Assignment> all = enumerateAll(problem);
    std::vector<Assignment> path = greedyPath(problem);
    ASSERT_FALSE(path.empty());

    std::optional<Assignment> leastObjective = bruteForceOptimum(all, kInf);
    EXPECT_EQ(path.front().objective, leastObjective->objective);
    EXPECT_EQ(path.front().cost, leastObjective->cost);
    double minCost = kInf;
    for (const Assignment &assignment : all)
      minCost = std::min(minCost, assignment.cost);
    EXPECT_EQ(path.back().cost, minCost);

    for (size_t step = 0; step < path.size(); ++step) {
      expectConsistent(problem, path[step]);
      if (step == 0)
        continue;
      EXPECT_LT(path[step].cost, path[step - 1].cost);
      size_t changed = 0;
      for (size_t layer = 0; layer < problem.size(); ++layer)
        changed += path[step].choices[layer] != path[step - 1].choices[layer];
      EXPECT_EQ(changed, 1u);
    }
    for (const Assignment &stop : path) {
      std::optional<Assignment> greedy = solveGreedy(problem, stop.cost);
      ASSERT_TRUE(greedy);
      EXPECT_EQ(greedy->cost, stop.cost);
    }
  }
}

// validateProblem rejects empty layers and NaN, infinite or negative costs and
// non-finite objectives; the solvers reject such problems too.
TEST(MixedPrecisionSolverTest, ValidateProblemRejectsMalformedInput) {
  EXPECT_EQ(validateProblem({}), "");
  EXPECT_EQ(validateProblem({{{0, -1}, {3, 2}}}), "");
  EXPECT_EQ(validateProblem({{{1, 0}}, {}}), "layer 1 has no options");
  EXPECT_EQ(validateProblem({{{1, 0}, {kNaN, 0}}}),
            "layer 0 option 1 has a non-finite cost");
  EXPECT_EQ(validateProblem({{{kInf, 0}}}),
            "layer 0 option 0 has a non-finite cost");
  EXPECT_EQ(validateProblem({{{1, 0}}, {{-1, 0}}}),
            "layer 1 option 0 has a negative cost");
  EXPECT_EQ(validateProblem({{{1, kNaN}}}),
            "layer 0 option 0 has a non-finite objective");
  EXPECT_EQ(validateProblem({{{1, -kInf}}}),
            "layer 0 option 0 has a non-finite objective");

  Problem invalid = {{{1, 0}}, {}};
  EXPECT_TRUE(paretoFrontier(invalid).empty());
  EXPECT_TRUE(greedyPath(invalid).empty());
  EXPECT_FALSE(solveExact(invalid, kInf));
  EXPECT_FALSE(solveGreedy(invalid, kInf));
}

// A problem with no layers has exactly one assignment: empty, cost 0,
// objective 0; it fits any non-negative budget and no negative one.
TEST(MixedPrecisionSolverTest, EmptyProblemHasEmptyAssignment) {
  Problem empty;
  std::vector<Assignment> frontier = paretoFrontier(empty);
  ASSERT_EQ(frontier.size(), 1u);
  EXPECT_TRUE(frontier[0].choices.empty());
  EXPECT_EQ(frontier[0].cost, 0);
  EXPECT_EQ(frontier[0].objective, 0);

  std::vector<Assignment> path = greedyPath(empty);
  ASSERT_EQ(path.size(), 1u);
  EXPECT_TRUE(path[0].choices.empty());
  EXPECT_EQ(path[0].cost, 0);

  for (auto solve : {solveExact, solveGreedy}) {
    std::optional<Assignment> solution = solve(empty, 0);
    ASSERT_TRUE(solution);
    EXPECT_TRUE(solution->choices.empty());
    EXPECT_EQ(solution->cost, 0);
    EXPECT_EQ(solution->objective, 0);
    EXPECT_FALSE(solve(empty, -1));
  }
}

// The budget tolerance: relative 1e-12 plus absolute 1e-9, NaN never fits.
TEST(MixedPrecisionSolverTest, FitsBudgetTolerance) {
  EXPECT_TRUE(fitsBudget(5, 5));
  EXPECT_TRUE(fitsBudget(5 + 5e-10, 5));
  EXPECT_FALSE(fitsBudget(5 + 1e-8, 5));
  EXPECT_TRUE(fitsBudget(1e6 * (1 + 5e-13), 1e6));
  EXPECT_FALSE(fitsBudget(1e6 * (1 + 1e-11), 1e6));
  EXPECT_TRUE(fitsBudget(0, 0));
  EXPECT_FALSE(fitsBudget(0, -1));
  EXPECT_TRUE(fitsBudget(1e300, kInf));
  EXPECT_FALSE(fitsBudget(kNaN, 1));
  EXPECT_FALSE(fitsBudget(1, kNaN));
}

// A realistic size: 20 layers x 7 options (costs increasing, objectives
// decreasing per layer, as for growing word lengths), integer costs up to
// 200000. The frontier is non-empty, sorted, spans the cheapest to the
// least-objective assignment, and its points reproduce their totals. (No
// timing assertion; gtest prints the time.)
TEST(MixedPrecisionSolverTest, LargeProblemFrontierIsSorted) {
  std::mt19937 rng(51);
  std::uniform_int_distribution<int> cost(0, 200000);
  std::uniform_real_distribution<double> objective(0, 1);
  Problem problem(20);
  double minCost = 0, minObjective = 0;
  for (std::vector<Option> &options : problem) {
    std::vector<double> costs, objectives;
    for (int option = 0; option < 7; ++option) {
      costs.push_back(cost(rng));
      objectives.push_back(objective(rng));
    }
    std::sort(costs.begin(), costs.end());
    std::sort(objectives.rbegin(), objectives.rend());
    for (int option = 0; option < 7; ++option)
      options.push_back({costs[option], objectives[option]});
    minCost += costs.front();
    minObjective += objectives.back();
  }

  std::vector<Assignment> frontier = paretoFrontier(problem);
  ASSERT_FALSE(frontier.empty());
  EXPECT_EQ(frontier.front().cost, minCost);
  EXPECT_EQ(frontier.back().objective, minObjective);
  for (size_t index = 1; index < frontier.size(); ++index) {
    ASSERT_LT(frontier[index - 1].cost, frontier[index].cost);
    ASSERT_GT(frontier[index - 1].objective, frontier[index].objective);
  }
  for (size_t index = 0; index < frontier.size(); index += 997)
    expectConsistent(problem, frontier[index]);
  RecordProperty("frontierSize", static_cast<int>(frontier.size()));
}

} // namespace
