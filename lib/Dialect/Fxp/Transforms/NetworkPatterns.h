//===- NetworkPatterns.h - float network patterns ---------------*- C++ -*-===//
//
// Part of the fxp project.
//
// Recognizes the quantizable nodes of an instrumented float program (the
// linalg form `quant import` produces, after fxp-insert-observers): conv and
// matmul kernels with their weight, bias and input observers, residual adds,
// global average pooling, and a ReLU that directly follows one of them.
// fxp-select-formats and fxp-quantize share these matchers.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_LIB_DIALECT_FXP_TRANSFORMS_NETWORKPATTERNS_H
#define FXP_LIB_DIALECT_FXP_TRANSFORMS_NETWORKPATTERNS_H

#include "fxp/Dialect/Fxp/IR/Fxp.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace mlir::fxp::patterns {

/// The observer whose result `value` is, looking through shape-only ops
/// (collapse/expand shape, tensor.cast); null if there is none.
ObserveOp findObserver(Value value);

/// The float constant an observer watches, or null.
DenseFPElementsAttr getObservedConstant(ObserveOp observer);

/// A node output and, when it is directly followed by a ReLU node, that ReLU
/// and its observer (the ReLU is then fused into the producer).
struct NodeOutput {
  ObserveOp output;
  Operation *relu = nullptr;
  ObserveOp reluOutput;
  /// The observer whose format the fused node produces.
  ObserveOp final() const { return reluOutput ? reluOutput : output; }
};

enum class NodeKind { Conv, Matmul, Add, GlobalAvgPool };
/// "conv", "matmul", "add", "pool".
StringRef stringifyNodeKind(NodeKind kind);

/// One quantizable node.
struct Node {
  NodeKind kind;
  /// The linalg op that computes the node (conv, matmul, add generic, the
  /// dividing generic of the pooling).
  Operation *root = nullptr;
  /// Float inputs (one, or two for Add) and their observers.
  SmallVector<Value, 2> inputs;
  SmallVector<ObserveOp, 2> inputObservers;
  /// Conv: [top, left, bottom, right] padding taken from a zero tensor.pad.
  SmallVector<int64_t, 4> padding = {0, 0, 0, 0};
  SmallVector<int64_t, 2> strides = {1, 1};
  SmallVector<int64_t, 2> dilations = {1, 1};
  /// Conv / Matmul: the weight and (optional) bias observers.
  ObserveOp weight;
  ObserveOp bias;
  NodeOutput output;
};

/// Matches the node rooted at `op`, if `op` is the root of one. With
/// `fuseRelu`, a ReLU node that is the output's only user is included.
std::optional<Node> matchNode(Operation *op, bool fuseRelu = true);

/// The weight channel axis of a weight observer: 0 when it feeds a conv,
/// 1 when it feeds a matmul, nullopt otherwise.
std::optional<unsigned> getWeightChannelAxis(ObserveOp weight);

/// The node whose bias `bias` is, if any.
std::optional<Node> findBiasUser(ObserveOp bias);

/// Is `op` an element-wise ReLU (`linalg.generic` yielding
/// `arith.maximumf %in, 0.0`)?
bool isReluOp(Operation *op);

/// The users of `value` that read its elements (`tensor.dim` excluded).
SmallVector<Operation *> getDataUsers(Value value);

} // namespace mlir::fxp::patterns

#endif // FXP_LIB_DIALECT_FXP_TRANSFORMS_NETWORKPATTERNS_H
