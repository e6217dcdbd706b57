//===- RangeAnalysis.cpp - the sparse forward range analysis -------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "RangeTransfer.h"

#include "mlir/IR/TypeUtilities.h"

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/Analysis/DataFlow/ConstantPropagationAnalysis.h"
#include "mlir/Analysis/DataFlow/DeadCodeAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;
using namespace mlir::fxp::transfer;

namespace {

/// The range of a constant: per channel (dimension 1) for static tensors of
/// rank >= 2, the hull otherwise.
TensorRange constantRange(Value value, ArrayRef<double> elements) {
  if (elements.empty())
    return TensorRange::ofType(value.getType());
  auto shaped = dyn_cast<RankedTensorType>(value.getType());
  if (!shaped || shaped.getRank() < 2 || !shaped.hasStaticShape() ||
      shaped.getDimSize(1) > 4096) {
    Interval hull = Interval::point(elements.front());
    for (double v : elements)
      hull = hull.hull(Interval::point(v));
    return TensorRange(hull);
  }
  int64_t channels = shaped.getDimSize(1);
  int64_t inner = shaped.getNumElements() / shaped.getDimSize(0) / channels;
  SmallVector<Interval> ranges(channels);
  SmallVector<bool> seen(channels, false);
  for (int64_t i = 0; i < int64_t(elements.size()); ++i) {
    int64_t c = (i / inner) % channels;
    Interval v = Interval::point(elements[i]);
    ranges[c] = seen[c] ? ranges[c].hull(v) : v;
    seen[c] = true;
  }
  return TensorRange::perChannel(ranges);
}

bool isConstantOp(Operation *op) {
  return isa<arith::ConstantOp, fxp::ConstantOp>(op);
}

std::optional<Interval> argumentRangeAttr(BlockArgument arg) {
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!func || arg.getOwner() != &func.getBody().front())
    return std::nullopt;
  Attribute attr = func.getArgAttr(arg.getArgNumber(), "fxp.range");
  if (auto array = dyn_cast_or_null<DenseF64ArrayAttr>(attr))
    if (array.size() == 2 && array[0] <= array[1])
      return Interval{array[0], array[1]};
  return std::nullopt;
}

} // namespace

std::optional<SmallVector<double>> fxp::readConstantElements(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  SmallVector<double> out;
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    if (std::optional<Interval> point = scalarConstant(c.getValue()))
      return SmallVector<double>{point->lo};
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    if (!dense)
      return std::nullopt;
    Type element = dense.getElementType();
    if (isa<FloatType>(element)) {
      for (const APFloat &v : dense.getValues<APFloat>())
        out.push_back(v.convertToDouble());
    } else if (auto integer = dyn_cast<IntegerType>(element)) {
      bool isBool = integer.getWidth() == 1;
      for (const APInt &v : dense.getValues<APInt>())
        out.push_back(isBool ? double(!v.isZero()) : double(v.getSExtValue()));
    } else {
      return std::nullopt;
    }
    return out;
  }
  if (auto c = dyn_cast<fxp::ConstantOp>(op)) {
    FixedType fixed = getFixedElementType(c.getType());
    Attribute attr = c.getValue();
    if (auto integer = dyn_cast<IntegerAttr>(attr)) {
      FixedFormat format = fixed.getFormat();
      APInt v = integer.getValue();
      return SmallVector<double>{
          toReal(format.isSigned ? v.getSExtValue() : int64_t(v.getZExtValue()),
                 format)};
    }
    auto dense = dyn_cast<DenseIntElementsAttr>(attr);
    auto shaped = dyn_cast<RankedTensorType>(c.getType());
    if (!dense || !shaped || !shaped.hasStaticShape())
      return std::nullopt;
    int64_t inner = 1, slices = 1;
    if (std::optional<int32_t> axis = fixed.getAxis()) {
      slices = shaped.getDimSize(*axis);
      for (int64_t d = *axis + 1; d < shaped.getRank(); ++d)
        inner *= shaped.getDimSize(d);
    }
    int64_t i = 0;
    for (const APInt &v : dense.getValues<APInt>()) {
      FixedFormat format = fixed.getFormat(unsigned((i / inner) % slices));
      out.push_back(
          toReal(format.isSigned ? v.getSExtValue() : int64_t(v.getZExtValue()),
                 format));
      ++i;
    }
    return out;
  }
  return std::nullopt;
}

FailureOr<SmallVector<TensorRange>>
fxp::transferRanges(Operation *op, const OperandRanges &operands,
                    const OverflowSink &sink) {
  if (isConstantOp(op) && op->getNumResults() == 1) {
    const SmallVector<double> *elements =
        operands.constantOf ? operands.constantOf(op->getResult(0)) : nullptr;
    if (!elements)
      return SmallVector<TensorRange>{
          TensorRange::ofType(op->getResult(0).getType())};
    return SmallVector<TensorRange>{constantRange(op->getResult(0), *elements)};
  }
  if (isa<linalg::LinalgOp>(op))
    return transferLinalg(op, operands, sink);
  if (op->getDialect() && op->getDialect()->getNamespace() == "fxp")
    return transferFxp(op, operands);
  if (op->getDialect() && op->getDialect()->getNamespace() == "tensor")
    return transferTensor(op, operands);
  if (op->getNumResults() == 1 &&
      !isa<ShapedType>(op->getResult(0).getType())) {
    SmallVector<Interval> in;
    for (const TensorRange &r : operands.ranges)
      in.push_back(r.getWhole());
    TransferContext context{&sink, -1};
    if (std::optional<Interval> r = evaluateScalarOp(op, in, context))
      return SmallVector<TensorRange>{TensorRange(*r)};
  }
  return failure();
}

const SmallVector<double> *ConstantCache::get(Value value) {
  auto [it, inserted] = cache.try_emplace(value);
  if (inserted)
    if (std::optional<SmallVector<double>> elements =
            readConstantElements(value))
      it->second = std::make_unique<SmallVector<double>>(std::move(*elements));
  return it->second.get();
}

LogicalResult
RangeAnalysis::visitOperation(Operation *op,
                              ArrayRef<const RangeLattice *> operands,
                              ArrayRef<RangeLattice *> results) {
  if (results.empty())
    return success();
  SmallVector<TensorRange> in;
  for (const RangeLattice *lattice : operands) {
    if (lattice->getValue().isUninitialized())
      return success(); // revisited once the operand is known
    in.push_back(lattice->getValue());
  }
  OperandRanges info{
      in, [this](Value v) { return constants.get(v); },
      [this, op](Value v) {
        const TensorRange &r =
            getLatticeElementFor(getProgramPointAfter(op), v)->getValue();
        if (r.isUninitialized())
          return TensorRange::ofType(v.getType()).getWhole();
        return r.getWhole();
      }};
  FailureOr<SmallVector<TensorRange>> out = transferRanges(op, info);
  if (failed(out) || out->size() != results.size()) {
    setAllToEntryStates(results);
    return success();
  }
  if (auto observe = dyn_cast<fxp::ObserveOp>(op);
      observe && options.trustStatistics && observe.getStats()) {
    StatsAttr stats = *observe.getStats();
    Interval seen{stats.getMin().getValueAsDouble(),
                  stats.getMax().getValueAsDouble()};
    Interval whole = (*out)[0].getWhole();
    (*out)[0] = TensorRange(
        Interval{std::max(whole.lo, seen.lo), std::min(whole.hi, seen.hi)});
  }
  for (auto [lattice, range] : llvm::zip(results, *out))
    propagateIfChanged(lattice, lattice->join(range));
  return success();
}

void RangeAnalysis::setToEntryState(RangeLattice *lattice) {
  Value value = cast<Value>(lattice->getAnchor());
  TensorRange range = TensorRange::ofType(value.getType());
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (std::optional<Interval> attr = argumentRangeAttr(arg))
      range = TensorRange(*attr);
    else if (options.inputRange &&
             isa<func::FuncOp>(arg.getOwner()->getParentOp()))
      range = TensorRange(*options.inputRange);
  }
  propagateIfChanged(lattice, lattice->join(range));
}

LogicalResult fxp::runRangeAnalysis(DataFlowSolver &solver, Operation *top,
                                    const RangeAnalysisOptions &options) {
  solver.load<dataflow::DeadCodeAnalysis>();
  solver.load<dataflow::SparseConstantPropagation>();
  solver.load<RangeAnalysis>(options);
  return solver.initializeAndRun(top);
}

TensorRange fxp::getRange(DataFlowSolver &solver, Value value) {
  const RangeLattice *lattice = solver.lookupState<RangeLattice>(value);
  if (!lattice || lattice->getValue().isUninitialized())
    return TensorRange::ofType(value.getType());
  return lattice->getValue();
}
