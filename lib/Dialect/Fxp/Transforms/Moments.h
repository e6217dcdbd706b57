//===- Moments.h - data-free activation moments ------------------*- C++
//-*-===//
//
// Part of the fxp project.
//
// Propagates a per-channel mean and variance from an input prior through the
// matched network nodes of an instrumented float program (conv, matmul,
// residual add, global average pooling, fused ReLU), assuming independent
// inputs to every sum. Used by the data-free `moments` policy of
// fxp-select-formats and by fxp-correct-bias (docs/RangeAnalysis.md).
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_DIALECT_FXP_TRANSFORMS_MOMENTS_H
#define FXP_LIB_DIALECT_FXP_TRANSFORMS_MOMENTS_H

#include "NetworkPatterns.h"

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace mlir::fxp::moments {

struct Moment {
  double mean = 0;
  double variance = 0;
  double sigma() const;
};

/// Moments per channel (dimension 1; one entry for tensors without
/// channels) at every observer the propagation reaches.
using MomentTable = llvm::DenseMap<Operation *, std::vector<Moment>>;

/// Propagates `input` (the prior of every function argument's elements)
/// through `func`.
MomentTable propagate(func::FuncOp func, Moment input);

/// Moments of max(x, 0) for x ~ N(mean, variance).
Moment rectified(Moment x);

/// The float values of a weight or bias observer's constant (empty when
/// it observes no float constant).
std::vector<double> constantValues(ObserveOp observer);

/// The fraction of a conv node's zero-padded input that is padding (0 for
/// other nodes and dynamic spatial sizes).
double paddedFraction(const patterns::Node &node);

} // namespace mlir::fxp::moments

#endif // FXP_LIB_DIALECT_FXP_TRANSFORMS_MOMENTS_H
