//===- InterchangeReductions.cpp - reductions out of the inner loops ------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "fxp-interchange-reductions"

namespace mlir::fxp {
#define GEN_PASS_DEF_INTERCHANGEREDUCTIONS
#include "fxp/Transforms/Passes.h.inc"
} // namespace mlir::fxp

using namespace mlir;

namespace {

/// The loop order `leading parallel, reductions, trailing output dims`, or
/// nothing when `op` does not qualify or is already in that order.
std::optional<SmallVector<unsigned>> computeLoopOrder(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
    return std::nullopt;
  AffineMap output = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  unsigned rank = output.getNumResults();
  if (rank == 0 || !output.isProjectedPermutation())
    return std::nullopt;

  unsigned trailingCount = rank >= 3 ? 2 : 1;
  SmallVector<unsigned> trailing;
  for (unsigned i = rank - trailingCount; i < rank; ++i)
    trailing.push_back(output.getDimPosition(i));
  unsigned innermost = trailing.back();

  // Every input that uses the innermost dimension must use it in its last,
  // contiguous index; otherwise the reorder would make the inner loop stride.
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.getNumResults() == 0 || !map.isFunctionOfDim(innermost))
      continue;
    for (unsigned i = 0, e = map.getNumResults(); i + 1 < e; ++i)
      if (map.getResult(i).isFunctionOfDim(innermost))
        return std::nullopt;
    if (!map.getResult(map.getNumResults() - 1).isFunctionOfDim(innermost))
      return std::nullopt;
  }

  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> order;
  for (unsigned dim = 0, e = iterators.size(); dim < e; ++dim)
    if (iterators[dim] == utils::IteratorType::parallel &&
        !llvm::is_contained(trailing, dim))
      order.push_back(dim);
  for (unsigned dim = 0, e = iterators.size(); dim < e; ++dim)
    if (iterators[dim] == utils::IteratorType::reduction)
      order.push_back(dim);
  order.append(trailing.begin(), trailing.end());
  if (order.size() != iterators.size())
    return std::nullopt;
  for (unsigned i = 0, e = order.size(); i < e; ++i)
    if (order[i] != i)
      return order;
  return std::nullopt;
}

struct InterchangeReductionsPass
    : public fxp::impl::InterchangeReductionsBase<InterchangeReductionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) { candidates.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      std::optional<SmallVector<unsigned>> order = computeLoopOrder(op);
      if (!order)
        continue;
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      if (failed(linalg::interchangeGenericOp(rewriter, generic, *order)))
        continue;
      LLVM_DEBUG(llvm::dbgs() << "reordered " << generic << "\n");
      ++numInterchanged;
    }
  }
};

} // namespace
