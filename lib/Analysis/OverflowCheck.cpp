//===- OverflowCheck.cpp - integer overflow proofs ------------------------===//
//
// Part of the fxp project.
//
// Re-runs the transfer functions of a finished range analysis with an
// overflow sink: what fxp-verify-no-overflow and `quant quantize` report.
//
//===----------------------------------------------------------------------===//

#include "fxp/Analysis/RangeAnalysis.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/TypeUtilities.h"

#include <map>

using namespace mlir;
using namespace mlir::fxp;

OperandRanges SolvedRanges::operandsOf(Operation *op,
                                       SmallVector<TensorRange> &storage) {
  storage.clear();
  for (Value operand : op->getOperands())
    storage.push_back(getRange(solver, operand));
  return OperandRanges{
      storage, [this](Value v) { return constants.get(v); },
      [this](Value v) { return getRange(solver, v).getWhole(); }};
}

OverflowCheck fxp::checkOverflows(DataFlowSolver &solver, Operation *top) {
  SolvedRanges solved(solver);
  // The worst event per (operation, accumulator?), in program order.
  std::vector<std::pair<Operation *, bool>> order;
  std::map<std::pair<Operation *, bool>, OverflowReport> worst;
  OverflowSink sink = [&](const OverflowEvent &event) {
    unsigned bits = signedBitsNeeded(event.exact);
    auto key = std::make_pair(event.op, event.accumulator);
    auto it = worst.find(key);
    if (it == worst.end()) {
      order.push_back(key);
      worst.emplace(key, OverflowReport{event, bits, 1});
      return;
    }
    ++it->second.channels;
    if (bits > it->second.bits || bits == 0)
      it->second = OverflowReport{event, bits, it->second.channels};
  };

  OverflowCheck check;
  SmallVector<TensorRange> storage;
  top->walk([&](Operation *op) {
    if (op->getNumResults() == 0 ||
        op->getParentOfType<linalg::LinalgOp>() != nullptr)
      return;
    OperandRanges info = solved.operandsOf(op, storage);
    (void)transferRanges(op, info, sink);
    if (!isa<linalg::LinalgOp>(op))
      return;
    Type type = getElementTypeOrSelf(op->getResult(0).getType());
    std::optional<SmallVector<Interval>> accumulators =
        accumulatorRanges(op, info);
    if (!accumulators || accumulators->empty() || worst.count({op, true}) ||
        !integerTypeRange(type))
      return;
    Interval hull = accumulators->front();
    for (const Interval &c : *accumulators)
      hull = hull.hull(c);
    check.proven.push_back({op, hull, type});
  });
  for (const auto &key : order)
    check.overflows.push_back(worst.at(key));
  return check;
}
