//===- RangePasses.cpp - passes built on the range analysis --------------===//
//
// Part of the fxp project.
//
// fxp-print-ranges, fxp-verify-no-overflow and fxp-narrow-accumulators.
//
//===----------------------------------------------------------------------===//

#include "fxp/Analysis/RangeAnalysis.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/Format.h"

namespace mlir::fxp {
#define GEN_PASS_DEF_PRINTRANGES
#define GEN_PASS_DEF_VERIFYNOOVERFLOW
#define GEN_PASS_DEF_NARROWACCUMULATORS
#include "fxp/Dialect/Fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;
using namespace mlir::fxp;

namespace {

/// Runs the range analysis on `top` with the passes' shared `input-range`
/// and `trust-statistics` options; failure (with a located error) when
/// `input-range` is not two ordered numbers or the analysis fails.
LogicalResult analyse(DataFlowSolver &solver, Operation *top,
                      ArrayRef<double> inputRange, bool trustStatistics) {
  RangeAnalysisOptions options;
  options.trustStatistics = trustStatistics;
  if (!inputRange.empty()) {
    if (inputRange.size() != 2 || !(inputRange[0] <= inputRange[1]))
      return mlir::emitError(top->getLoc())
             << "input-range must be two numbers lo,hi with lo <= hi";
    options.inputRange = Interval{inputRange[0], inputRange[1]};
  }
  return runRangeAnalysis(solver, top, options);
}

std::string intervalText(const Interval &range) {
  std::string text;
  llvm::raw_string_ostream os(text);
  printInterval(os, range);
  return text;
}

bool insideLinalgBody(Operation *op) {
  return op->getParentOfType<linalg::LinalgOp>() != nullptr;
}

//===----------------------------------------------------------------------===//
// fxp-print-ranges
//===----------------------------------------------------------------------===//

struct PrintRangesPass : public fxp::impl::PrintRangesBase<PrintRangesPass> {
  using PrintRangesBase::PrintRangesBase;

  void runOnOperation() override {
    DataFlowSolver solver;
    if (failed(analyse(solver, getOperation(), inputRange, trustStatistics)))
      return signalPassFailure();
    MLIRContext *context = &getContext();
    getOperation()->walk([&](Operation *op) {
      if (op->getNumResults() == 0 || insideLinalgBody(op) ||
          isa<tensor::PadOp>(op->getParentOp()))
        return;
      std::string whole, channels;
      llvm::raw_string_ostream wholeOs(whole), channelOs(channels);
      for (auto [i, result] : llvm::enumerate(op->getResults())) {
        TensorRange range = getRange(solver, result);
        if (i)
          wholeOs << "; ";
        printInterval(wholeOs, range.getWhole());
        if (range.hasChannels()) {
          llvm::interleaveComma(
              range.getChannels(), channelOs,
              [&](const Interval &c) { printInterval(channelOs, c); });
        }
      }
      op->setAttr("fxp.range", StringAttr::get(context, whole));
      if (!channels.empty())
        op->setAttr("fxp.channels", StringAttr::get(context, channels));
    });
  }
};

//===----------------------------------------------------------------------===//
// fxp-verify-no-overflow
//===----------------------------------------------------------------------===//

struct VerifyNoOverflowPass
    : public fxp::impl::VerifyNoOverflowBase<VerifyNoOverflowPass> {
  using VerifyNoOverflowBase::VerifyNoOverflowBase;

  void runOnOperation() override {
    DataFlowSolver solver;
    if (failed(analyse(solver, getOperation(), inputRange, trustStatistics)))
      return signalPassFailure();
    OverflowCheck check = checkOverflows(solver, getOperation());
    numProven += check.proven.size();
    if (remarks)
      for (const ProvenAccumulator &proven : check.proven)
        proven.op->emitRemark()
            << "accumulator proven within " << intervalText(proven.hull)
            << ": needs " << signedBitsNeeded(proven.hull) << " bits of "
            << proven.type;

    for (const OverflowReport &w : check.overflows) {
      const OverflowEvent &event = w.worst;
      auto type = cast<IntegerType>(event.type);
      InFlightDiagnostic diag = event.op->emitError();
      if (event.accumulator)
        diag << "accumulator";
      else
        diag << "'" << event.op->getName() << "' result";
      if (event.channel >= 0)
        diag << " of output channel " << event.channel;
      diag << " can reach " << intervalText(event.exact) << ": ";
      if (w.bits == 0)
        diag << "unbounded";
      else
        diag << "needs " << w.bits << " bits";
      diag << ", " << type << " holds " << type.getWidth();
      if (w.bits > type.getWidth())
        diag << " (overflows by " << (w.bits - type.getWidth())
             << (w.bits - type.getWidth() == 1 ? " bit)" : " bits)");
      if (w.channels > 1)
        diag.attachNote() << w.channels << " channels can overflow; "
                          << "the one shown needs the most bits";
      ++numOverflows;
    }
    if (!check.overflows.empty())
      signalPassFailure();
  }
};

//===----------------------------------------------------------------------===//
// fxp-narrow-accumulators
//===----------------------------------------------------------------------===//

struct NarrowAccumulatorsPass
    : public fxp::impl::NarrowAccumulatorsBase<NarrowAccumulatorsPass> {
  using NarrowAccumulatorsBase::NarrowAccumulatorsBase;

  void runOnOperation() override {
    if (minWidth != 8 && minWidth != 16 && minWidth != 32) {
      mlir::emitError(getOperation()->getLoc())
          << "min-width must be 8, 16 or 32, got " << unsigned(minWidth);
      return signalPassFailure();
    }
    DataFlowSolver solver;
    if (failed(analyse(solver, getOperation(), inputRange, trustStatistics)))
      return signalPassFailure();
    SolvedRanges solved(solver);

    // Decide first, rewrite after: the analysis reads the original IR.
    struct Plan {
      linalg::LinalgOp op;
      unsigned width;
      Interval hull;
    };
    SmallVector<Plan> plans;
    SmallVector<TensorRange> storage;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::Conv2DNchwFchwOp, linalg::MatmulOp>(op.getOperation()))
        return;
      auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      auto accType = resultType
                         ? dyn_cast<IntegerType>(resultType.getElementType())
                         : IntegerType();
      if (!accType)
        return;
      OperandRanges info = solved.operandsOf(op, storage);
      std::optional<SmallVector<Interval>> accumulators =
          accumulatorRanges(op, info);
      if (!accumulators || accumulators->empty())
        return;
      Interval hull = accumulators->front();
      for (const Interval &c : *accumulators)
        hull = hull.hull(c);
      unsigned needed = signedBitsNeeded(hull);
      unsigned width = minWidth;
      while (width < needed)
        width *= 2;
      if (needed == 0 || width >= accType.getWidth()) {
        if (remarksForKept)
          op->emitRemark() << "accumulator kept at " << accType
                           << ": partial sums within " << intervalText(hull)
                           << " need "
                           << (needed ? std::to_string(needed) + " bits"
                                      : std::string("unbounded bits"));
        return;
      }
      plans.push_back({op, width, hull});
    });

    for (const Plan &plan : plans) {
      linalg::LinalgOp op = plan.op;
      OpBuilder b(op);
      Location loc = op->getLoc();
      auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
      auto narrowType = resultType.clone(b.getIntegerType(plan.width));
      Value init = op.getDpsInits()[0];
      Value narrowInit = arith::TruncIOp::create(b, loc, narrowType, init);
      SmallVector<Value> inputs(op.getDpsInputs());
      SmallVector<NamedAttribute> attrs;
      for (NamedAttribute attr : op->getAttrs())
        if (attr.getName() != "operandSegmentSizes")
          attrs.push_back(attr);
      Operation *narrow;
      if (isa<linalg::Conv2DNchwFchwOp>(op.getOperation()))
        narrow = linalg::Conv2DNchwFchwOp::create(
            b, loc, TypeRange{narrowType}, inputs, ValueRange{narrowInit},
            attrs);
      else
        narrow = linalg::MatmulOp::create(b, loc, TypeRange{narrowType}, inputs,
                                          ValueRange{narrowInit}, attrs);
      Value widened =
          arith::ExtSIOp::create(b, loc, resultType, narrow->getResult(0));
      op->emitRemark() << "accumulator narrowed from "
                       << resultType.getElementType() << " to i" << plan.width
                       << ": partial sums within " << intervalText(plan.hull)
                       << " need " << signedBitsNeeded(plan.hull) << " bits";
      op->getResult(0).replaceAllUsesWith(widened);
      op->erase();
      ++numNarrowed;
    }
  }
};

} // namespace
