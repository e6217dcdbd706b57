//===- MixedPrecision.h - layers of mixed-precision search ------*- C++ -*-===//
//
// Part of the fxp project.
//
// The IR side of mixed-precision search, shared by fxp-mixed-precision and
// `quant search`: the quantizable layers of an instrumented float function
// (conv and matmul nodes with their weight, bias and output observers), and
// how a precision choice is recorded on those observers.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_TRANSFORMS_MIXEDPRECISION_H
#define FXP_DIALECT_FXP_TRANSFORMS_MIXEDPRECISION_H

#include "fxp/Dialect/Fxp/IR/Fxp.h"
#include "fxp/MixedPrecision/CostModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::fxp {

/// Dictionary attribute on a layer's output observer: measured sensitivity
/// (additive objective, lower is better) per precision name, e.g.
/// `fxp.sensitivity = {w4a8 = 2.5e-03 : f64, w8a8 = 1.0e-04 : f64,
/// float = 0.0 : f64}`. `quant search` writes it; fxp-mixed-precision
/// solves over it.
constexpr StringLiteral kSensitivityAttr = "fxp.sensitivity";

/// One quantizable layer: a conv or matmul node of an instrumented function.
struct MixedPrecisionLayer {
  /// Named after the node's output observer (e.g. "/stage1/unit1/conv1/Conv").
  mixed::LayerShape shape;
  Operation *root = nullptr;
  ObserveOp weight;
  ObserveOp bias;
  /// The node's own output observer: carries `keep_float` and the
  /// sensitivities.
  ObserveOp output;
  /// The observer whose format the (ReLU-fused) node produces: carries the
  /// activation word length.
  ObserveOp final;
};

/// The conv and matmul layers of `func` in program order.
SmallVector<MixedPrecisionLayer> collectLayers(func::FuncOp func);

/// The observers whose formats the integer network uses, as fxp-quantize
/// sees them: the inputs, weights and (ReLU-fused) outputs of every
/// quantizable node (conv, matmul, add, pooling). Biases (32-bit
/// accumulator formats) and outputs a fused ReLU replaces are not among
/// them.
SmallVector<ObserveOp> collectQuantizedObservers(func::FuncOp func);

/// Records `precision` on the layer's observers: `word_length` on the weight
/// and final output observers, or `keep_float` on the output observer.
void applyPrecision(const MixedPrecisionLayer &layer,
                    const mixed::Precision &precision);

/// Residual adds and pooling (nodes without weights) produce the widest
/// activation format among their inputs, so that a 16-bit layer output is
/// not narrowed where it joins another path: each such node whose inputs
/// carry a `word_length` gets the largest input width (inputs without one
/// count as `defaultWidth`) on its output observer. Runs in program order,
/// so chains of joins propagate.
void propagateJoinWidths(func::FuncOp func, unsigned defaultWidth);

} // namespace mlir::fxp

#endif // FXP_DIALECT_FXP_TRANSFORMS_MIXEDPRECISION_H
