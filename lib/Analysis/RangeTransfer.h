//===- RangeTransfer.h - transfer functions of the range analysis -*- C++ -*-//
//
// Part of the fxp project.
//
// Internal to lib/Analysis: the scalar body interpreter and the transfer
// functions per op family.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_ANALYSIS_RANGETRANSFER_H
#define FXP_LIB_ANALYSIS_RANGETRANSFER_H

#include "fxp/Analysis/RangeAnalysis.h"

#include "mlir/IR/Block.h"

namespace mlir::fxp::transfer {

/// Context of one transfer: the overflow sink and the channel being
/// evaluated (-1 for all).
struct TransferContext {
  const OverflowSink *sink = nullptr;
  int64_t channel = -1;
  void report(Operation *op, const Interval &exact, Type type,
              bool accumulator = false) const {
    if (sink && *sink)
      (*sink)(OverflowEvent{op, channel, exact, type, accumulator});
  }
};

/// `exact` as a value of `type`: integers that do not fit wrap to the full
/// type range (and are reported on `op`); floats are rounded outward to the
/// type's precision.
Interval fitToType(const Interval &exact, Type type, Operation *op,
                   const TransferContext &context);

/// Interval of a scalar constant attribute (integers signed, i1 as 0/1).
std::optional<Interval> scalarConstant(Attribute attr);

/// Evaluates a linalg-style body (block args bound to `args`, yield
/// operands returned) on intervals. Undecided comparisons split the
/// compared value and evaluate both outcomes (up to a small depth); values
/// captured from above come from `outer`. The intervals of `probes` (values
/// of the body) follow the yielded ones.
SmallVector<Interval> evaluateBody(Block &body, ArrayRef<Interval> args,
                                   ArrayRef<int64_t> loopSizes,
                                   const std::function<Interval(Value)> &outer,
                                   const TransferContext &context,
                                   ArrayRef<Value> probes = {});

/// Evaluates one scalar op outside a body; nullopt when unknown.
std::optional<Interval> evaluateScalarOp(Operation *op,
                                         ArrayRef<Interval> operands,
                                         const TransferContext &context);

/// Transfer functions per op family; failure when `op` is not theirs.
FailureOr<SmallVector<TensorRange>>
transferLinalg(Operation *op, const OperandRanges &operands,
               const OverflowSink &sink);
FailureOr<SmallVector<TensorRange>>
transferTensor(Operation *op, const OperandRanges &operands);
FailureOr<SmallVector<TensorRange>> transferFxp(Operation *op,
                                                const OperandRanges &operands);

} // namespace mlir::fxp::transfer

#endif // FXP_LIB_ANALYSIS_RANGETRANSFER_H
