//===- RangeAnalysis.h - sound value intervals through networks -*- C++ -*-===//
//
// Part of the fxp project.
//
// A sparse forward dataflow analysis that bounds every SSA value of float,
// fixed-point and integer-lowered programs by an interval, per output
// channel (dimension 1) where the producer makes channels distinct.
// Documented in docs/RangeAnalysis.md.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_ANALYSIS_RANGEANALYSIS_H
#define FXP_ANALYSIS_RANGEANALYSIS_H

#include "mlir/Analysis/DataFlow/SparseAnalysis.h"
#include "mlir/Analysis/DataFlowFramework.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Types.h"

#include <functional>
#include <memory>
#include <optional>

namespace mlir::fxp {

//===----------------------------------------------------------------------===//
// Intervals
//===----------------------------------------------------------------------===//

/// A closed interval of reals [lo, hi]; bounds may be infinite. Integer
/// values are mathematical integers: a signless iN value is read as signed
/// (two's complement) except i1, which is {0, 1}.
struct Interval {
  double lo = -INFINITY;
  double hi = INFINITY;

  static Interval point(double v) { return {v, v}; }
  static Interval full() { return {}; }
  bool isPoint() const { return lo == hi; }
  bool isFinite() const { return std::isfinite(lo) && std::isfinite(hi); }
  bool contains(double v) const { return lo <= v && v <= hi; }
  bool contains(const Interval &o) const { return lo <= o.lo && o.hi <= hi; }
  double magnitude() const { return std::max(std::fabs(lo), std::fabs(hi)); }
  Interval hull(const Interval &o) const {
    return {std::min(lo, o.lo), std::max(hi, o.hi)};
  }
  bool operator==(const Interval &o) const { return lo == o.lo && hi == o.hi; }
  bool operator!=(const Interval &o) const { return !(*this == o); }
};

Interval operator+(const Interval &a, const Interval &b);
Interval operator-(const Interval &a, const Interval &b);
Interval operator*(const Interval &a, const Interval &b);
/// a / b; the full line when b contains 0.
Interval divide(const Interval &a, const Interval &b);
Interval scale(const Interval &a, double factor);

/// The interval of every value an integer type holds (signed reading; i1 is
/// [0, 1]); nullopt for non-integer types and widths above 64.
std::optional<Interval> integerTypeRange(Type type);

/// Bits a two's-complement integer needs to hold every value of `range`
/// (sign bit included); 0 for an infinite range.
unsigned signedBitsNeeded(const Interval &range);

/// Prints "[lo, hi]" with integers printed exactly.
void printInterval(llvm::raw_ostream &os, const Interval &range);

//===----------------------------------------------------------------------===//
// Lattice value
//===----------------------------------------------------------------------===//

/// The analysis value of an SSA value: an interval over all its elements and,
/// for tensors whose channels (dimension 1) the producer distinguishes, one
/// interval per channel. Uninitialized means "not reached yet".
class TensorRange {
public:
  TensorRange() = default;
  explicit TensorRange(Interval whole) : initialized(true), whole(whole) {}
  static TensorRange perChannel(ArrayRef<Interval> channels);
  /// The most general value of `type`: the type range for integers, the
  /// full line otherwise.
  static TensorRange ofType(Type type);

  bool isUninitialized() const { return !initialized; }
  const Interval &getWhole() const { return whole; }
  ArrayRef<Interval> getChannels() const { return channels; }
  bool hasChannels() const { return !channels.empty(); }
  /// The interval of channel `c` (the whole interval without channels).
  const Interval &channel(int64_t c) const {
    return channels.empty() ? whole : channels[c];
  }

  static TensorRange join(const TensorRange &lhs, const TensorRange &rhs);
  bool operator==(const TensorRange &o) const {
    return initialized == o.initialized && whole == o.whole &&
           channels == o.channels;
  }
  void print(llvm::raw_ostream &os) const;

private:
  bool initialized = false;
  Interval whole;
  SmallVector<Interval> channels;
};

class RangeLattice : public dataflow::Lattice<TensorRange> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(RangeLattice)
  using Lattice::Lattice;
};

//===----------------------------------------------------------------------===//
// Transfer functions (shared by the analysis and the passes built on it)
//===----------------------------------------------------------------------===//

/// What an integer operation could compute in exact arithmetic when that
/// does not fit its type: `op` (a scalar op in a linalg body or the linalg
/// op itself for its accumulator), the output channel (-1: all) and the
/// exact interval.
struct OverflowEvent {
  Operation *op;
  int64_t channel;
  Interval exact;
  Type type;
  /// True for the running sum of a reduction (any summation order).
  bool accumulator;
};
using OverflowSink = std::function<void(const OverflowEvent &)>;

/// Per-operand information the transfer functions read.
struct OperandRanges {
  ArrayRef<TensorRange> ranges;
  /// Constant operand elements (row-major, as reals), null when not constant.
  std::function<const SmallVector<double> *(Value)> constantOf;
  /// TensorRange of a value a region captures from above (default: its type's).
  std::function<Interval(Value)> outerRange;
};

/// Ranges of the results of `op` (one per result) given its operand ranges,
/// or failure when the op is unknown. Results of integer type are wrapped to
/// their type (the full type range) when the exact interval overflows; such
/// overflows go to `sink` when given.
FailureOr<SmallVector<TensorRange>>
transferRanges(Operation *op, const OperandRanges &operands,
               const OverflowSink &sink = {});

/// For a linalg op whose body is a sum reduction: the hull of every partial
/// sum of each output channel (the accumulator's values in any order),
/// nullopt for other ops.
std::optional<SmallVector<Interval>>
accumulatorRanges(Operation *op, const OperandRanges &operands);

//===----------------------------------------------------------------------===//
// The analysis
//===----------------------------------------------------------------------===//

/// readConstantElements of values, computed once per value.
class ConstantCache {
public:
  /// The constant elements of `value`, null when not constant.
  const SmallVector<double> *get(Value value);

private:
  /// Heap-allocated so pointers stay valid while the map grows.
  DenseMap<Value, std::unique_ptr<SmallVector<double>>> cache;
};

struct RangeAnalysisOptions {
  /// Interval of every function argument without an `fxp.range` argument
  /// attribute (array of two f64: [lo, hi]); unknown when unset.
  std::optional<Interval> inputRange;
  /// At `fxp.observe` ops with `stats`, replace the range by the observed
  /// [min, max] intersected with it (calibrated mode: bounds the data seen,
  /// not every input).
  bool trustStatistics = false;
};

class RangeAnalysis
    : public dataflow::SparseForwardDataFlowAnalysis<RangeLattice> {
public:
  RangeAnalysis(DataFlowSolver &solver, RangeAnalysisOptions options)
      : SparseForwardDataFlowAnalysis(solver), options(std::move(options)) {}

  LogicalResult visitOperation(Operation *op,
                               ArrayRef<const RangeLattice *> operands,
                               ArrayRef<RangeLattice *> results) override;
  void setToEntryState(RangeLattice *lattice) override;

private:
  RangeAnalysisOptions options;
  ConstantCache constants;
};

/// Loads the dead-code, constant-propagation and range analyses into
/// `solver` and runs them on `top`.
LogicalResult runRangeAnalysis(DataFlowSolver &solver, Operation *top,
                               const RangeAnalysisOptions &options);

/// The analysed range of `value` after runRangeAnalysis (the type's range
/// when the analysis did not reach it).
TensorRange getRange(DataFlowSolver &solver, Value value);

/// Constant elements of a value defined by arith.constant or fxp.constant
/// (fixed-point payloads scaled to reals per slice), nullopt otherwise.
std::optional<SmallVector<double>> readConstantElements(Value value);

/// Operand ranges of ops from a finished solver, constants read through a
/// cache (for re-running transfer functions after the analysis).
class SolvedRanges {
public:
  explicit SolvedRanges(DataFlowSolver &solver) : solver(solver) {}
  /// The operand ranges of `op`; `storage` holds them.
  OperandRanges operandsOf(Operation *op, SmallVector<TensorRange> &storage);

private:
  DataFlowSolver &solver;
  ConstantCache constants;
};

//===----------------------------------------------------------------------===//
// Overflow proofs
//===----------------------------------------------------------------------===//

/// An integer operation that can overflow: its worst event (the channel
/// needing the most bits), those bits (0: unbounded) and how many channels
/// can overflow.
struct OverflowReport {
  OverflowEvent worst;
  unsigned bits;
  int64_t channels;
};

/// A reduction accumulator proven within its integer type: the hull of its
/// partial sums over all channels.
struct ProvenAccumulator {
  Operation *op;
  Interval hull;
  Type type;
};

struct OverflowCheck {
  SmallVector<ProvenAccumulator> proven;
  /// In program order.
  SmallVector<OverflowReport> overflows;
};

/// Checks every integer reduction accumulator (all partial sums, per
/// channel) and every integer add/sub/mul/shift/truncation of `top`
/// against its type, with a solver that ran runRangeAnalysis on `top`.
OverflowCheck checkOverflows(DataFlowSolver &solver, Operation *top);

} // namespace mlir::fxp

#endif // FXP_ANALYSIS_RANGEANALYSIS_H
