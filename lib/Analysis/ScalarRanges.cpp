//===- ScalarRanges.cpp - interval interpreter for scalar bodies ---------===//
//
// Part of the fxp project.
//
// Evaluates arith/math scalar ops (linalg bodies, scalar code) on intervals.
// Integers are mathematical values of the signed reading of their type;
// results that leave the type wrap to its full range and are reported.
//
//===----------------------------------------------------------------------===//

#include "RangeTransfer.h"

#include "mlir/IR/TypeUtilities.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::transfer;

namespace {

/// Undecided comparisons split at most this many times per evaluation.
constexpr int kMaxSplits = 6;

unsigned widthOf(Type type) {
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth();
  return 64;
}

/// The unsigned reading of a signed-read interval of an integer type.
Interval asUnsigned(const Interval &a, Type type) {
  unsigned width = widthOf(type);
  if (width == 1 || a.lo >= 0)
    return a;
  double modulus = std::ldexp(1.0, width);
  if (a.hi < 0)
    return {a.lo + modulus, a.hi + modulus};
  return {0, modulus - 1};
}

/// An unsigned result read back as signed.
Interval fromUnsigned(const Interval &a, Type type) {
  unsigned width = widthOf(type);
  if (width == 1)
    return a;
  double half = std::ldexp(1.0, width - 1);
  if (a.hi < half)
    return a;
  double modulus = std::ldexp(1.0, width);
  if (a.lo >= half)
    return {a.lo - modulus, a.hi - modulus};
  return *integerTypeRange(type);
}

template <typename F> Interval monotone(const Interval &a, F f) {
  return {f(a.lo), f(a.hi)};
}

Interval maxOf(const Interval &a, const Interval &b) {
  return {std::max(a.lo, b.lo), std::max(a.hi, b.hi)};
}
Interval minOf(const Interval &a, const Interval &b) {
  return {std::min(a.lo, b.lo), std::min(a.hi, b.hi)};
}

Interval absOf(const Interval &a) {
  if (a.lo >= 0)
    return a;
  if (a.hi <= 0)
    return {-a.hi, -a.lo};
  return {0, std::max(-a.lo, a.hi)};
}

/// floor(a / 2^s) over every a in `a` and s in `s` (s >= 0).
Interval shiftRight(const Interval &a, const Interval &s) {
  double lo = INFINITY, hi = -INFINITY;
  for (double shift : {s.lo, s.hi})
    for (double v : {a.lo, a.hi}) {
      double q = std::floor(std::ldexp(v, -int(shift)));
      lo = std::min(lo, q);
      hi = std::max(hi, q);
    }
  return {lo, hi};
}

/// trunc(a / b) for b not containing 0 (trunc is monotone in the quotient).
Interval divideTruncated(const Interval &a, const Interval &b) {
  if (b.contains(0.0))
    return Interval::full();
  Interval q = divide(a, b);
  return {std::trunc(q.lo), std::trunc(q.hi)};
}

/// Result of comparing a and b: [1,1] surely true, [0,0] surely false.
Interval decide(bool surelyTrue, bool surelyFalse) {
  if (surelyTrue)
    return Interval::point(1);
  if (surelyFalse)
    return Interval::point(0);
  return {0, 1};
}

enum class Order { LT, LE, GT, GE, EQ, NE, Unknown };

Order orderOf(arith::CmpIPredicate p) {
  using P = arith::CmpIPredicate;
  switch (p) {
  case P::slt:
  case P::ult:
    return Order::LT;
  case P::sle:
  case P::ule:
    return Order::LE;
  case P::sgt:
  case P::ugt:
    return Order::GT;
  case P::sge:
  case P::uge:
    return Order::GE;
  case P::eq:
    return Order::EQ;
  case P::ne:
    return Order::NE;
  }
  return Order::Unknown;
}

bool isUnsigned(arith::CmpIPredicate p) {
  using P = arith::CmpIPredicate;
  return p == P::ult || p == P::ule || p == P::ugt || p == P::uge;
}

/// Order of a float predicate assuming no NaN operands (intervals bound the
/// non-NaN values; docs/RangeAnalysis.md).
Order orderOf(arith::CmpFPredicate p) {
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::OLT:
  case P::ULT:
    return Order::LT;
  case P::OLE:
  case P::ULE:
    return Order::LE;
  case P::OGT:
  case P::UGT:
    return Order::GT;
  case P::OGE:
  case P::UGE:
    return Order::GE;
  case P::OEQ:
  case P::UEQ:
    return Order::EQ;
  case P::ONE:
  case P::UNE:
    return Order::NE;
  default:
    return Order::Unknown;
  }
}

Interval compare(Order order, const Interval &a, const Interval &b) {
  switch (order) {
  case Order::LT:
    return decide(a.hi < b.lo, a.lo >= b.hi);
  case Order::LE:
    return decide(a.hi <= b.lo, a.lo > b.hi);
  case Order::GT:
    return decide(a.lo > b.hi, a.hi <= b.lo);
  case Order::GE:
    return decide(a.lo >= b.hi, a.hi < b.lo);
  case Order::EQ:
    return decide(a.isPoint() && b.isPoint() && a.lo == b.lo,
                  a.hi < b.lo || b.hi < a.lo);
  case Order::NE:
    return decide(a.hi < b.lo || b.hi < a.lo,
                  a.isPoint() && b.isPoint() && a.lo == b.lo);
  case Order::Unknown:
    return {0, 1};
  }
  return {0, 1};
}

/// Narrows `a` to the values for which `a order b` is `outcome`; `step` is
/// 1 for integers (strict bounds) and 0 for floats (closed bounds).
Interval refine(Interval a, Order order, const Interval &b, bool outcome,
                double step) {
  if (!outcome) {
    switch (order) {
    case Order::LT:
      order = Order::GE;
      break;
    case Order::LE:
      order = Order::GT;
      break;
    case Order::GT:
      order = Order::LE;
      break;
    case Order::GE:
      order = Order::LT;
      break;
    default:
      return a;
    }
  }
  switch (order) {
  case Order::LT:
    a.hi = std::min(a.hi, b.hi - step);
    break;
  case Order::LE:
    a.hi = std::min(a.hi, b.hi);
    break;
  case Order::GT:
    a.lo = std::max(a.lo, b.lo + step);
    break;
  case Order::GE:
    a.lo = std::max(a.lo, b.lo);
    break;
  case Order::EQ:
    a.lo = std::max(a.lo, b.lo);
    a.hi = std::min(a.hi, b.hi);
    break;
  default:
    break;
  }
  return a;
}

Order swapped(Order order) {
  switch (order) {
  case Order::LT:
    return Order::GT;
  case Order::LE:
    return Order::GE;
  case Order::GT:
    return Order::LT;
  case Order::GE:
    return Order::LE;
  default:
    return order;
  }
}

/// The exact interval of a scalar op's result, before fitting to its type;
/// nullopt for unknown ops.
std::optional<Interval> exactResult(Operation *op, ArrayRef<Interval> in,
                                    ArrayRef<int64_t> loopSizes) {
  Type operandType =
      op->getNumOperands() ? op->getOperand(0).getType() : Type();
  Type resultType = op->getNumResults() ? op->getResult(0).getType() : Type();
  return llvm::TypeSwitch<Operation *, std::optional<Interval>>(op)
      .Case<arith::ConstantOp>(
          [&](auto c) { return scalarConstant(c.getValue()); })
      .Case<arith::AddIOp, arith::AddFOp>([&](auto) { return in[0] + in[1]; })
      .Case<arith::SubIOp, arith::SubFOp>([&](auto) { return in[0] - in[1]; })
      .Case<arith::MulIOp, arith::MulFOp>([&](auto) { return in[0] * in[1]; })
      .Case<arith::DivFOp>([&](auto) { return divide(in[0], in[1]); })
      .Case<arith::DivSIOp>([&](auto) { return divideTruncated(in[0], in[1]); })
      .Case<arith::DivUIOp>([&](auto) {
        return fromUnsigned(divideTruncated(asUnsigned(in[0], operandType),
                                            asUnsigned(in[1], operandType)),
                            resultType);
      })
      .Case<arith::RemSIOp>([&](auto) -> std::optional<Interval> {
        double m = absOf(in[1]).hi - 1;
        if (in[0].lo >= 0)
          return Interval{0, std::min(in[0].hi, m)};
        if (in[0].hi <= 0)
          return Interval{std::max(in[0].lo, -m), 0};
        return Interval{-m, m};
      })
      .Case<arith::MaxSIOp, arith::MaximumFOp, arith::MaxNumFOp>(
          [&](auto) { return maxOf(in[0], in[1]); })
      .Case<arith::MinSIOp, arith::MinimumFOp, arith::MinNumFOp>(
          [&](auto) { return minOf(in[0], in[1]); })
      .Case<arith::MaxUIOp>([&](auto) {
        return fromUnsigned(maxOf(asUnsigned(in[0], operandType),
                                  asUnsigned(in[1], operandType)),
                            resultType);
      })
      .Case<arith::MinUIOp>([&](auto) {
        return fromUnsigned(minOf(asUnsigned(in[0], operandType),
                                  asUnsigned(in[1], operandType)),
                            resultType);
      })
      .Case<arith::NegFOp>([&](auto) {
        return Interval{-in[0].hi, -in[0].lo};
      })
      .Case<math::AbsFOp, math::AbsIOp>([&](auto) { return absOf(in[0]); })
      .Case<arith::ExtSIOp, arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp,
            arith::IndexCastOp, arith::TruncIOp, arith::BitcastOp>(
          [&](Operation *o) -> std::optional<Interval> {
            if (isa<arith::BitcastOp>(o))
              return std::nullopt;
            return in[0];
          })
      .Case<arith::ExtUIOp, arith::UIToFPOp, arith::IndexCastUIOp>(
          [&](auto) { return asUnsigned(in[0], operandType); })
      .Case<arith::FPToSIOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::trunc(v); });
      })
      .Case<arith::FPToUIOp>([&](auto) {
        Interval t = monotone(in[0], [](double v) { return std::trunc(v); });
        return fromUnsigned(t, resultType);
      })
      .Case<math::RoundOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::round(v); });
      })
      .Case<math::RoundEvenOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::nearbyint(v); });
      })
      .Case<math::FloorOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::floor(v); });
      })
      .Case<math::CeilOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::ceil(v); });
      })
      .Case<math::TruncOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::trunc(v); });
      })
      .Case<math::ExpOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::exp(v); });
      })
      .Case<math::TanhOp>([&](auto) {
        return monotone(in[0], [](double v) { return std::tanh(v); });
      })
      .Case<math::SqrtOp>([&](auto) -> std::optional<Interval> {
        if (in[0].lo < 0)
          return std::nullopt;
        return monotone(in[0], [](double v) { return std::sqrt(v); });
      })
      .Case<math::LogOp>([&](auto) -> std::optional<Interval> {
        if (in[0].lo <= 0)
          return std::nullopt;
        return monotone(in[0], [](double v) { return std::log(v); });
      })
      .Case<arith::ShLIOp>([&](auto) -> std::optional<Interval> {
        if (in[1].lo < 0 || in[1].hi >= widthOf(resultType))
          return std::nullopt;
        return in[0] * Interval{std::ldexp(1.0, int(in[1].lo)),
                                std::ldexp(1.0, int(in[1].hi))};
      })
      .Case<arith::ShRSIOp>([&](auto) -> std::optional<Interval> {
        if (in[1].lo < 0 || in[1].hi >= widthOf(resultType))
          return std::nullopt;
        return shiftRight(in[0], in[1]);
      })
      .Case<arith::ShRUIOp>([&](auto) -> std::optional<Interval> {
        if (in[1].lo < 0 || in[1].hi >= widthOf(resultType))
          return std::nullopt;
        return fromUnsigned(shiftRight(asUnsigned(in[0], operandType), in[1]),
                            resultType);
      })
      .Case<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(
          [&](Operation *o) -> std::optional<Interval> {
            if (widthOf(resultType) == 1) {
              if (isa<arith::AndIOp>(o))
                return Interval{std::min(in[0].lo, in[1].lo),
                                std::min(in[0].hi, in[1].hi)};
              if (isa<arith::OrIOp>(o))
                return Interval{std::max(in[0].lo, in[1].lo),
                                std::max(in[0].hi, in[1].hi)};
              if (in[0].isPoint() && in[1].isPoint())
                return Interval::point(double(in[0].lo != in[1].lo));
              return Interval{0, 1};
            }
            // x & m has the bits of m only: within [0, m] for m >= 0,
            // whatever the sign of x.
            if (isa<arith::AndIOp>(o) && (in[0].lo >= 0 || in[1].lo >= 0)) {
              double hi = std::numeric_limits<double>::infinity();
              for (const Interval &operand : in.take_front(2))
                if (operand.lo >= 0)
                  hi = std::min(hi, operand.hi);
              return Interval{0, hi};
            }
            return std::nullopt;
          })
      .Case<arith::CmpIOp>([&](arith::CmpIOp c) {
        if (isUnsigned(c.getPredicate()))
          return compare(orderOf(c.getPredicate()),
                         asUnsigned(in[0], operandType),
                         asUnsigned(in[1], operandType));
        return compare(orderOf(c.getPredicate()), in[0], in[1]);
      })
      .Case<arith::CmpFOp>([&](arith::CmpFOp c) {
        using P = arith::CmpFPredicate;
        if (c.getPredicate() == P::ORD || c.getPredicate() == P::AlwaysTrue)
          return Interval::point(1);
        if (c.getPredicate() == P::UNO || c.getPredicate() == P::AlwaysFalse)
          return Interval::point(0);
        return compare(orderOf(c.getPredicate()), in[0], in[1]);
      })
      .Case<arith::SelectOp>([&](auto) -> std::optional<Interval> {
        if (in[0].lo == 1)
          return in[1];
        if (in[0].hi == 0)
          return in[2];
        return in[1].hull(in[2]);
      })
      .Case<linalg::IndexOp>(
          [&](linalg::IndexOp index) -> std::optional<Interval> {
            uint64_t dim = index.getDim();
            if (dim >= loopSizes.size() ||
                ShapedType::isDynamic(loopSizes[dim]))
              return Interval{0, std::ldexp(1.0, 62)};
            return Interval{0, double(loopSizes[dim] - 1)};
          })
      .Default([](Operation *) { return std::nullopt; });
}

struct BodyInterpreter {
  ArrayRef<int64_t> loopSizes;
  const std::function<Interval(Value)> &outer;
  const TransferContext &context;
  ArrayRef<Value> probes;

  Interval lookup(DenseMap<Value, Interval> &env, Value v) {
    auto it = env.find(v);
    if (it != env.end())
      return it->second;
    if (auto c = v.getDefiningOp<arith::ConstantOp>())
      if (std::optional<Interval> point = scalarConstant(c.getValue()))
        return *point;
    if (outer)
      return outer(v);
    return TensorRange::ofType(v.getType()).getWhole();
  }

  /// Evaluates ops from `it` to the terminator; returns the yielded
  /// intervals.
  SmallVector<Interval> run(Block::iterator it, Block::iterator end,
                            DenseMap<Value, Interval> env, int splits) {
    for (; it != end; ++it) {
      Operation &op = *it;
      SmallVector<Interval> in;
      for (Value operand : op.getOperands())
        in.push_back(lookup(env, operand));
      if (op.hasTrait<OpTrait::IsTerminator>()) {
        for (Value probe : probes)
          in.push_back(lookup(env, probe));
        return in;
      }
      if (op.getNumResults() != 1) {
        for (Value r : op.getResults())
          env[r] = TensorRange::ofType(r.getType()).getWhole();
        continue;
      }
      Value result = op.getResult(0);
      std::optional<Interval> exact = exactResult(&op, in, loopSizes);
      Interval value = exact ? fitToType(*exact, result.getType(), &op, context)
                             : TensorRange::ofType(result.getType()).getWhole();
      env[result] = value;
      if (value.isPoint() || splits >= kMaxSplits)
        continue;
      // An undecided comparison: evaluate both outcomes with the compared
      // value narrowed accordingly.
      Order order = Order::Unknown;
      double step = 1;
      if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
        if (!isUnsigned(cmp.getPredicate()))
          order = orderOf(cmp.getPredicate());
      } else if (auto cmp = dyn_cast<arith::CmpFOp>(op)) {
        order = orderOf(cmp.getPredicate());
        step = 0;
      }
      if (order == Order::Unknown || order == Order::NE)
        continue;
      SmallVector<Interval> hull;
      for (bool outcome : {true, false}) {
        DenseMap<Value, Interval> branch = env;
        branch[result] = Interval::point(outcome ? 1 : 0);
        Interval lhs = refine(in[0], order, in[1], outcome, step);
        Interval rhs = refine(in[1], swapped(order), in[0], outcome, step);
        if (lhs.lo > lhs.hi || rhs.lo > rhs.hi)
          continue; // infeasible outcome
        branch[op.getOperand(0)] = lhs;
        branch[op.getOperand(1)] = rhs;
        SmallVector<Interval> yielded =
            run(std::next(it), end, std::move(branch), splits + 1);
        if (hull.empty())
          hull = yielded;
        else
          for (auto [h, y] : llvm::zip(hull, yielded))
            h = h.hull(y);
      }
      return hull;
    }
    return {};
  }
};

} // namespace

std::optional<Interval> transfer::scalarConstant(Attribute attr) {
  if (auto integer = dyn_cast<IntegerAttr>(attr)) {
    if (integer.getType().isInteger(1))
      return Interval::point(integer.getValue().isZero() ? 0 : 1);
    if (integer.getType().isIndex())
      return Interval::point(double(integer.getInt()));
    return Interval::point(double(integer.getValue().getSExtValue()));
  }
  if (auto real = dyn_cast<FloatAttr>(attr)) {
    double v = real.getValueAsDouble();
    if (std::isnan(v))
      return std::nullopt;
    return Interval::point(v);
  }
  return std::nullopt;
}

Interval transfer::fitToType(const Interval &exact, Type type, Operation *op,
                             const TransferContext &context) {
  type = getElementTypeOrSelf(type);
  if (std::optional<Interval> range = integerTypeRange(type)) {
    if (range->contains(exact))
      return exact;
    context.report(op, exact, type);
    return *range;
  }
  if (type.isF32()) {
    // Round outward to the float grid: the f32 result of an op is the
    // rounded exact value, and rounding is monotone.
    Interval out = exact;
    float lo = float(exact.lo), hi = float(exact.hi);
    if (double(lo) > exact.lo)
      lo = std::nextafter(lo, -INFINITY);
    if (double(hi) < exact.hi)
      hi = std::nextafter(hi, INFINITY);
    if (!std::isnan(lo))
      out.lo = lo;
    if (!std::isnan(hi))
      out.hi = hi;
    return out;
  }
  return exact;
}

SmallVector<Interval>
transfer::evaluateBody(Block &body, ArrayRef<Interval> args,
                       ArrayRef<int64_t> loopSizes,
                       const std::function<Interval(Value)> &outer,
                       const TransferContext &context, ArrayRef<Value> probes) {
  DenseMap<Value, Interval> env;
  for (auto [arg, range] : llvm::zip(body.getArguments(), args))
    env[arg] = range;
  BodyInterpreter interpreter{loopSizes, outer, context, probes};
  return interpreter.run(body.begin(), body.end(), std::move(env), 0);
}

std::optional<Interval>
transfer::evaluateScalarOp(Operation *op, ArrayRef<Interval> operands,
                           const TransferContext &context) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  std::optional<Interval> exact = exactResult(op, operands, {});
  if (!exact)
    return std::nullopt;
  return fitToType(*exact, op->getResult(0).getType(), op, context);
}
