//===- LinalgRanges.cpp - range transfer for linalg ops ------------------===//
//
// Part of the fxp project.
//
// Every linalg op on tensors (named or generic) is handled through its body
// and indexing maps. Output channels (dimension 1 of the output) are
// evaluated one at a time; reductions whose body is `out + term`,
// `max(out, term)` or `min(out, term)` are folded over the reduction
// points, reading constant operands (weights, biases, shifts) element by
// element, so a convolution's bound is exact per weight:
//   acc[f] in init[f] + sum over (c, kh, kw) of w[f, c, kh, kw] * x[c].
//
//===----------------------------------------------------------------------===//

#include "RangeTransfer.h"

#include "mlir/IR/TypeUtilities.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::transfer;

namespace {

/// Channels beyond this count are not tracked one by one.
constexpr int64_t kMaxChannels = 4096;
/// Reduction points evaluated one by one per op at most; beyond, operands
/// are bounded by their hull and the term is scaled by the count.
constexpr int64_t kMaxPointEvaluations = int64_t(1) << 23;

enum class Combiner { Sum, Max, Min, None };

/// How output `k` of a reduction body combines its running value: the
/// combining op and the term it adds.
std::pair<Combiner, Value> matchCombiner(Block &body, unsigned outArg,
                                         unsigned k) {
  Value yielded = body.getTerminator()->getOperand(k);
  Operation *op = yielded.getDefiningOp();
  BlockArgument out = body.getArgument(outArg);
  if (!op || op->getBlock() != &body || op->getNumOperands() != 2 ||
      !out.hasOneUse())
    return {Combiner::None, {}};
  Value term;
  if (op->getOperand(0) == out)
    term = op->getOperand(1);
  else if (op->getOperand(1) == out)
    term = op->getOperand(0);
  else
    return {Combiner::None, {}};
  if (isa<arith::AddIOp, arith::AddFOp>(op))
    return {Combiner::Sum, term};
  if (isa<arith::MaxSIOp, arith::MaximumFOp, arith::MaxNumFOp>(op))
    return {Combiner::Max, term};
  if (isa<arith::MinSIOp, arith::MinimumFOp, arith::MinNumFOp>(op))
    return {Combiner::Min, term};
  return {Combiner::None, {}};
}

/// Unit roundoff of a float type (0 for others).
double unitRoundoff(Type type) {
  if (auto real = dyn_cast<FloatType>(type))
    return std::ldexp(1.0, -int(real.getFPMantissaWidth()));
  return 0;
}

struct LinalgEvaluator {
  linalg::LinalgOp op;
  const OperandRanges &operands;
  const OverflowSink &sink;

  SmallVector<int64_t> loops;
  SmallVector<AffineMap> maps;
  SmallVector<bool> isReduction;
  SmallVector<unsigned> reductionDims;
  /// Per operand: constant elements and shape, when constant.
  SmallVector<const SmallVector<double> *> constants;
  SmallVector<Interval> constantHulls;

  /// Values of the loop dimensions currently fixed (others unknown).
  SmallVector<std::optional<int64_t>> fixed;

  bool init() {
    loops = op.getStaticLoopRanges();
    maps = op.getIndexingMapsArray();
    for (auto [d, type] : llvm::enumerate(op.getIteratorTypesArray())) {
      bool reduction = type == utils::IteratorType::reduction;
      isReduction.push_back(reduction);
      if (reduction)
        reductionDims.push_back(d);
    }
    fixed.assign(loops.size(), std::nullopt);
    for (auto [d, size] : llvm::enumerate(loops))
      if (size == 1)
        fixed[d] = 0;
    for (OpOperand &operand : op->getOpOperands()) {
      const SmallVector<double> *elements =
          operands.constantOf ? operands.constantOf(operand.get()) : nullptr;
      auto shaped = dyn_cast<RankedTensorType>(operand.get().getType());
      if (elements && (!shaped || !shaped.hasStaticShape() ||
                       int64_t(elements->size()) != shaped.getNumElements()))
        elements = nullptr;
      constants.push_back(elements);
      Interval hull = Interval::point(0);
      if (elements && !elements->empty()) {
        hull = Interval::point(elements->front());
        for (double v : *elements)
          hull = hull.hull(Interval::point(v));
      }
      constantHulls.push_back(hull);
    }
    return true;
  }

  /// Value of a map result under the fixed dims, if known.
  std::optional<int64_t> evalExpr(AffineExpr expr) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      return fixed[dim.getPosition()];
    if (auto cst = dyn_cast<AffineConstantExpr>(expr))
      return cst.getValue();
    return std::nullopt;
  }

  /// Does operand `i` take different values at different points of the
  /// fixed/reduction dims (so the points must be visited one by one)?
  bool variesWithReduction(unsigned i) {
    AffineMap map = maps[i];
    auto usesReduction = [&](AffineExpr expr) {
      for (unsigned d : reductionDims)
        if (expr.isFunctionOfDim(d) && loops[d] != 1)
          return true;
      return false;
    };
    if (constants[i])
      return llvm::any_of(map.getResults(), usesReduction);
    const TensorRange &range = operands.ranges[i];
    return range.hasChannels() && map.getNumResults() >= 2 &&
           usesReduction(map.getResult(1));
  }

  /// The interval of operand `i` at the current fixed dims.
  Interval operandAt(unsigned i) {
    const TensorRange &range = operands.ranges[i];
    auto shaped = dyn_cast<RankedTensorType>(op->getOperand(i).getType());
    if (!shaped)
      return range.getWhole();
    AffineMap map = maps[i];
    if (const SmallVector<double> *elements = constants[i]) {
      int64_t flat = 0;
      bool known = true;
      for (auto [r, expr] : llvm::enumerate(map.getResults())) {
        std::optional<int64_t> index = evalExpr(expr);
        if (!index || *index < 0 || *index >= shaped.getDimSize(r)) {
          known = false;
          break;
        }
        flat = flat * shaped.getDimSize(r) + *index;
      }
      if (known)
        return Interval::point((*elements)[flat]);
      return constantHulls[i];
    }
    if (range.hasChannels() && map.getNumResults() >= 2) {
      std::optional<int64_t> channel = evalExpr(map.getResult(1));
      if (channel && *channel >= 0 &&
          *channel < int64_t(range.getChannels().size()))
        return range.channel(*channel);
    }
    return range.getWhole();
  }

  SmallVector<Interval> argsAt(int64_t outputIndex, const Interval *outArg) {
    SmallVector<Interval> args;
    for (unsigned i = 0, e = op->getNumOperands(); i < e; ++i)
      args.push_back(outArg && i == outputIndex ? *outArg : operandAt(i));
    return args;
  }

  /// TensorRange of output `k` at the current fixed channel.
  Interval evaluateOutput(unsigned k, const TransferContext &context,
                          Interval *accumulator) {
    Block &body = *op.getBlock();
    unsigned outIndex = op.getNumDpsInputs() + k;
    Type elementType = getElementTypeOrSelf(op->getResult(k).getType());
    if (reductionDims.empty()) {
      SmallVector<Interval> args = argsAt(outIndex, nullptr);
      return evaluateBody(body, args, loops, operands.outerRange, context)[k];
    }
    auto [combiner, term] = matchCombiner(body, outIndex, k);
    Interval initial = operandAt(outIndex);
    if (combiner == Combiner::None)
      return TensorRange::ofType(elementType).getWhole();

    int64_t count = 1;
    for (unsigned d : reductionDims) {
      if (ShapedType::isDynamic(loops[d]))
        return TensorRange::ofType(elementType).getWhole();
      count *= loops[d];
    }
    Interval zero = Interval::point(0);
    auto termAt = [&]() {
      SmallVector<Interval> args = argsAt(outIndex, &zero);
      return evaluateBody(body, args, loops, operands.outerRange, context,
                          {term})
          .back();
    };

    bool pointwise = false;
    for (unsigned i = 0; i < op.getNumDpsInputs(); ++i)
      pointwise |= variesWithReduction(i);
    if (count > kMaxPointEvaluations)
      pointwise = false;

    // Sums of the term's bounds, of its negative and positive parts, and of
    // magnitudes (for the float rounding bound).
    Interval sum = Interval::point(0);
    double negative = 0, positive = 0, magnitudes = 0;
    Interval extreme; // hull of the terms, for max/min
    bool first = true;
    auto add = [&](const Interval &t, double weight) {
      sum = sum + scale(t, weight);
      negative += weight * std::min(0.0, t.lo);
      positive += weight * std::max(0.0, t.hi);
      magnitudes += weight * t.magnitude();
      extreme = first ? t : extreme.hull(t);
      first = false;
    };
    if (!pointwise) {
      for (unsigned d : reductionDims)
        fixed[d] = std::nullopt;
      add(termAt(), double(count));
    } else {
      SmallVector<int64_t> point(reductionDims.size(), 0);
      for (int64_t n = 0; n < count; ++n) {
        for (auto [j, d] : llvm::enumerate(reductionDims))
          fixed[d] = point[j];
        add(termAt(), 1.0);
        for (int64_t j = int64_t(point.size()) - 1; j >= 0; --j) {
          if (++point[j] < loops[reductionDims[j]])
            break;
          point[j] = 0;
        }
      }
      for (unsigned d : reductionDims)
        fixed[d] = std::nullopt;
    }

    if (combiner == Combiner::Max)
      return Interval{std::max(initial.lo, extreme.lo),
                      std::max(initial.hi, extreme.hi)};
    if (combiner == Combiner::Min)
      return Interval{std::min(initial.lo, extreme.lo),
                      std::min(initial.hi, extreme.hi)};

    Interval exact = initial + sum;
    Interval partial = initial + Interval{negative, positive};
    partial = partial.hull(initial).hull(exact);
    if (double u = unitRoundoff(elementType)) {
      // Recursive summation in floating point: |error| <= gamma_n * sum of
      // magnitudes, gamma_n = n u / (1 - n u).
      double n = double(count) + 1;
      double gamma = n * u / std::max(1e-3, 1 - n * u);
      double error = gamma * (magnitudes + initial.magnitude());
      exact = {exact.lo - error, exact.hi + error};
      partial = {partial.lo - error, partial.hi + error};
    }
    if (accumulator)
      *accumulator = partial;
    if (std::optional<Interval> typeRange = integerTypeRange(elementType)) {
      if (!typeRange->contains(partial))
        context.report(op, partial, elementType, /*accumulator=*/true);
      // Two's-complement sums are exact modulo 2^N: the result is right
      // whenever the exact sum fits, whatever the partial sums did.
      if (!typeRange->contains(exact))
        return *typeRange;
      return exact;
    }
    return fitToType(exact, elementType, op, TransferContext{});
  }

  /// The output channel dimension of output `k` (loop dim), if tracked.
  std::optional<unsigned> channelDim(unsigned k) {
    AffineMap map = maps[op.getNumDpsInputs() + k];
    if (map.getNumResults() < 2)
      return std::nullopt;
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(1));
    if (!dim || isReduction[dim.getPosition()])
      return std::nullopt;
    int64_t size = loops[dim.getPosition()];
    if (ShapedType::isDynamic(size) || size > kMaxChannels || size < 1)
      return std::nullopt;
    return dim.getPosition();
  }

  TensorRange evaluate(unsigned k, SmallVector<Interval> *accumulators) {
    TransferContext context{&sink, -1};
    std::optional<unsigned> dim = channelDim(k);
    if (!dim) {
      Interval acc;
      TensorRange r(evaluateOutput(k, context, &acc));
      if (accumulators)
        accumulators->push_back(acc);
      return r;
    }
    SmallVector<Interval> channels;
    for (int64_t c = 0; c < loops[*dim]; ++c) {
      fixed[*dim] = c;
      context.channel = c;
      Interval acc;
      channels.push_back(evaluateOutput(k, context, &acc));
      if (accumulators)
        accumulators->push_back(acc);
    }
    fixed[*dim] = loops[*dim] == 1 ? std::optional<int64_t>(0) : std::nullopt;
    return TensorRange::perChannel(channels);
  }
};

} // namespace

FailureOr<SmallVector<TensorRange>>
transfer::transferLinalg(Operation *op, const OperandRanges &operands,
                         const OverflowSink &sink) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      op->getNumRegions() != 1 || op->getRegion(0).empty())
    return failure();
  LinalgEvaluator evaluator{linalgOp, operands, sink};
  evaluator.init();
  SmallVector<TensorRange> results;
  for (unsigned k = 0; k < op->getNumResults(); ++k)
    results.push_back(evaluator.evaluate(k, nullptr));
  return results;
}

std::optional<SmallVector<Interval>>
fxp::accumulatorRanges(Operation *op, const OperandRanges &operands) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      op->getNumResults() != 1 || op->getNumRegions() != 1 ||
      op->getRegion(0).empty())
    return std::nullopt;
  if (linalgOp.getNumReductionLoops() == 0)
    return std::nullopt;
  auto [combiner, term] =
      matchCombiner(*linalgOp.getBlock(), linalgOp.getNumDpsInputs(), 0);
  if (combiner != Combiner::Sum)
    return std::nullopt;
  OverflowSink none;
  LinalgEvaluator evaluator{linalgOp, operands, none};
  evaluator.init();
  SmallVector<Interval> accumulators;
  evaluator.evaluate(0, &accumulators);
  return accumulators;
}
