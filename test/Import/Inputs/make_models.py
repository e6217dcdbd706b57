#!/usr/bin/env python3
# ===- make_models.py - tiny ONNX models for the importer's lit tests -----=== #
#
# Part of the fxp project.
#
# usage: make_models.py NAME OUT.onnx
#
# Builds the model NAME with onnx.helper (python3-onnx) and writes it to
# OUT.onnx. Each model exercises one op family; node names are chosen so the
# tests can check the NameLoc of every emitted op. Weights are small and
# deterministic (arange-based), so the checks do not depend on a random seed.
#
# ===---------------------------------------------------------------------=== #

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def weights(name, shape, scale=0.1, offset=0.0):
    count = int(np.prod(shape))
    data = (np.arange(count, dtype=np.float32) * scale + offset).reshape(shape)
    return numpy_helper.from_array(data.astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(nodes, inputs, outputs, inits=(), opset=13, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def tensor(name, shape):
    return helper.make_tensor_value_info(name, F, shape)


# --- Conv and pooling ------------------------------------------------------ #


def conv():
    """Conv with bias, explicit asymmetric pads and strides; dynamic batch."""
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv1",
                            pads=[1, 0, 2, 1], strides=[2, 1])
    return model([node], [tensor("x", ["N", 3, 8, 8])],
                 [tensor("y", ["N", 4, 5, 7])],
                 [weights("w", [4, 3, 3, 3]), weights("b", [4])])


def conv_same():
    """Conv without bias, auto_pad SAME_LOWER, dilations; static batch."""
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv_same",
                            auto_pad="SAME_LOWER", dilations=[2, 2],
                            strides=[2, 2], kernel_shape=[3, 3])
    return model([node], [tensor("x", [1, 2, 8, 8])],
                 [tensor("y", [1, 2, 4, 4])], [weights("w", [2, 2, 3, 3])])


def conv_depthwise():
    """group == C_in == C_out: depthwise."""
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="dw",
                            group=3, pads=[1, 1, 1, 1])
    return model([node], [tensor("x", ["N", 3, 6, 6])],
                 [tensor("y", ["N", 3, 6, 6])],
                 [weights("w", [3, 1, 3, 3]), weights("b", [3])])


def conv_group():
    """group == 2 with 4 input and 6 output channels."""
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="gconv",
                            group=2)
    return model([node], [tensor("x", ["N", 4, 5, 5])],
                 [tensor("y", ["N", 6, 3, 3])],
                 [weights("w", [6, 2, 3, 3]), weights("b", [6])])


def conv_bn():
    """Conv followed by an inference BatchNormalization: folded."""
    conv = helper.make_node("Conv", ["x", "w"], ["c"], name="conv_bn")
    bn = helper.make_node("BatchNormalization",
                          ["c", "gamma", "beta", "mean", "var"], ["y"],
                          name="bn", epsilon=1e-3)
    return model([conv, bn], [tensor("x", [1, 2, 4, 4])],
                 [tensor("y", [1, 2, 2, 2])],
                 [weights("w", [2, 2, 3, 3]), weights("gamma", [2], 1.0, 1.0),
                  weights("beta", [2], 0.5), weights("mean", [2], 0.25),
                  weights("var", [2], 1.0, 1.0)])


def conv_bn_shared():
    """Conv whose result is also read by a Relu: the BN is not folded."""
    conv = helper.make_node("Conv", ["x", "w"], ["c"], name="conv_shared")
    bn = helper.make_node("BatchNormalization",
                          ["c", "gamma", "beta", "mean", "var"], ["y"],
                          name="bn")
    relu = helper.make_node("Relu", ["c"], ["r"], name="relu")
    return model([conv, bn, relu], [tensor("x", [1, 2, 4, 4])],
                 [tensor("y", [1, 2, 2, 2]), tensor("r", [1, 2, 2, 2])],
                 [weights("w", [2, 2, 3, 3]), weights("gamma", [2], 1.0, 1.0),
                  weights("beta", [2], 0.5), weights("mean", [2], 0.25),
                  weights("var", [2], 1.0, 1.0)])


def bn():
    """BatchNormalization without a Conv: per-channel affine."""
    relu = helper.make_node("Relu", ["x"], ["r"], name="relu0")
    bn = helper.make_node("BatchNormalization",
                          ["r", "gamma", "beta", "mean", "var"], ["y"],
                          name="bn")
    return model([relu, bn], [tensor("x", ["N", 2, 3, 3])],
                 [tensor("y", ["N", 2, 3, 3])],
                 [weights("gamma", [2], 1.0, 1.0), weights("beta", [2], 0.5),
                  weights("mean", [2], 0.25), weights("var", [2], 1.0, 1.0)])


def bn_inputs():
    """BatchNormalization whose parameters are graph inputs."""
    bn = helper.make_node("BatchNormalization",
                          ["x", "gamma", "beta", "mean", "var"], ["y"],
                          name="bn_dyn")
    return model([bn], [tensor("x", [2, 3, 4]), tensor("gamma", [3]),
                        tensor("beta", [3]), tensor("mean", [3]),
                        tensor("var", [3])],
                 [tensor("y", [2, 3, 4])])


def pool():
    """MaxPool (pads, strides), AveragePool (count_include_pad, ceil_mode),
    GlobalAveragePool."""
    maxpool = helper.make_node("MaxPool", ["x"], ["m"], name="maxpool",
                               kernel_shape=[3, 3], strides=[2, 2],
                               pads=[1, 1, 1, 1])
    avgpool = helper.make_node("AveragePool", ["m"], ["a"], name="avgpool",
                               kernel_shape=[2, 2], pads=[1, 1, 0, 0],
                               count_include_pad=1)
    ceilpool = helper.make_node("AveragePool", ["a"], ["c"], name="ceilpool",
                                kernel_shape=[3, 3], strides=[2, 2],
                                ceil_mode=1)
    gap = helper.make_node("GlobalAveragePool", ["x"], ["g"], name="gap")
    return model([maxpool, avgpool, ceilpool, gap],
                 [tensor("x", ["N", 2, 8, 8])],
                 [tensor("c", ["N", 2, 2, 2]), tensor("g", ["N", 2, 1, 1])])


# --- Gemm and MatMul -------------------------------------------------------- #


def gemm():
    """Gemm with transB, alpha, beta and a 1-D bias (a Linear layer)."""
    node = helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc",
                            transB=1, alpha=0.5, beta=2.0)
    return model([node], [tensor("x", ["N", 4])], [tensor("y", ["N", 3])],
                 [weights("w", [3, 4]), weights("b", [3])])


def gemm_inputs():
    """Gemm with transA on graph inputs: linalg.transpose, epilogue scaling."""
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], name="gemm_dyn",
                            transA=1, alpha=2.0, beta=0.5)
    return model([node], [tensor("a", [4, 2]), tensor("b", [4, 3]),
                          tensor("c", [2, 1])], [tensor("y", [2, 3])])


def matmul():
    """MatMul 2-D x 2-D, 3-D x 2-D (broadcast), 3-D x 3-D."""
    mm2 = helper.make_node("MatMul", ["a", "w"], ["p"], name="mm2d")
    mm3 = helper.make_node("MatMul", ["x", "w"], ["q"], name="mm3d")
    bmm = helper.make_node("MatMul", ["x", "z"], ["r"], name="bmm")
    return model([mm2, mm3, bmm],
                 [tensor("a", [2, 4]), tensor("x", [5, 2, 4]),
                  tensor("z", [5, 4, 6])],
                 [tensor("p", [2, 3]), tensor("q", [5, 2, 3]),
                  tensor("r", [5, 2, 6])], [weights("w", [4, 3])])


# --- Elementwise ------------------------------------------------------------ #


def elementwise():
    """Broadcasting arithmetic and activations."""
    nodes = [
        helper.make_node("Add", ["x", "bias"], ["a"], name="add"),
        helper.make_node("Sub", ["a", "x"], ["s"], name="sub"),
        helper.make_node("Mul", ["s", "scale"], ["m"], name="mul"),
        helper.make_node("Div", ["m", "row"], ["d"], name="div"),
        helper.make_node("Relu", ["d"], ["r"], name="relu"),
        helper.make_node("LeakyRelu", ["r"], ["l"], name="leaky", alpha=0.2),
        helper.make_node("Sigmoid", ["l"], ["g"], name="sigmoid"),
        helper.make_node("Tanh", ["g"], ["t"], name="tanh"),
        helper.make_node("Clip", ["t", "lo", "hi"], ["y"], name="relu6"),
    ]
    return model(nodes, [tensor("x", ["N", 3, 2, 2]), tensor("row", [2])],
                 [tensor("y", ["N", 3, 2, 2])],
                 [weights("bias", [3, 1, 1]), weights("scale", [1], 1.0, 2.0),
                  numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
                  numpy_helper.from_array(np.array(6.0, np.float32), "hi")])


def clip_attrs():
    """Clip with min/max attributes (opset 10)."""
    node = helper.make_node("Clip", ["x"], ["y"], name="clip10", min=-1.0,
                            max=1.0)
    return model([node], [tensor("x", [2, 2])], [tensor("y", [2, 2])],
                 opset=10)


def softmax13():
    """Softmax at opset 13: only `axis` is reduced."""
    node = helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=1)
    return model([node], [tensor("x", ["N", 3, 4])],
                 [tensor("y", ["N", 3, 4])])


def softmax11():
    """Softmax at opset 11: coerced to 2-D at `axis` (dims 1 and 2 reduced)."""
    node = helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=1)
    return model([node], [tensor("x", ["N", 3, 4])],
                 [tensor("y", ["N", 3, 4])], opset=11)


# --- Shape ops --------------------------------------------------------------- #


def shape_ops():
    """Flatten, Reshape (0 / -1), Unsqueeze/Squeeze (axes input, opset 13),
    Transpose, Concat, Identity, Dropout, Constant."""
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], name="flatten", axis=1),
        helper.make_node("Reshape", ["f", "shape"], ["r"], name="reshape"),
        helper.make_node("Unsqueeze", ["r", "axes"], ["u"], name="unsqueeze"),
        helper.make_node("Squeeze", ["u", "axes"], ["s"], name="squeeze"),
        helper.make_node("Transpose", ["s"], ["t"], name="transpose",
                         perm=[0, 2, 1]),
        helper.make_node("Constant", [], ["k"], name="const",
                         value=numpy_helper.from_array(
                             np.ones([1, 4, 3], np.float32))),
        helper.make_node("Concat", ["t", "t"], ["c"], name="concat", axis=1),
        helper.make_node("Identity", ["c"], ["i"], name="identity"),
        helper.make_node("Dropout", ["i"], ["y"], name="dropout"),
        helper.make_node("Add", ["t", "k"], ["z"], name="addk"),
    ]
    return model(nodes, [tensor("x", ["N", 3, 2, 2])],
                 [tensor("y", ["N", 8, 3]), tensor("z", ["N", 4, 3])],
                 [ints("shape", [0, 3, -1]), ints("axes", [1])])


def shape_ops11():
    """Squeeze/Unsqueeze with the axes attribute (opset 11)."""
    nodes = [
        helper.make_node("Unsqueeze", ["x"], ["u"], name="unsqueeze",
                         axes=[0, 3]),
        helper.make_node("Squeeze", ["u"], ["y"], name="squeeze", axes=[0]),
    ]
    return model(nodes, [tensor("x", [2, 3])], [tensor("y", [2, 3, 1])],
                 opset=11)


def torch_view():
    """x.view(x.size(0), -1) as PyTorch exports it: Shape, Gather, Unsqueeze,
    Concat, Reshape on int64, folded at import."""
    nodes = [
        helper.make_node("Shape", ["x"], ["shp"], name="shape"),
        helper.make_node("Constant", [], ["zero"], name="c0",
                         value=numpy_helper.from_array(np.array(0, np.int64))),
        helper.make_node("Gather", ["shp", "zero"], ["n"], name="gather",
                         axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsq"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], name="cat",
                         axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="view"),
    ]
    return model(nodes, [tensor("x", ["N", 2, 3, 4])],
                 [tensor("y", ["N", 24])],
                 [ints("axes", [0]), ints("minus1", [-1])])


def pad():
    """Constant Pad with pads and constant_value as initializers."""
    node = helper.make_node("Pad", ["x", "pads", "value"], ["y"], name="pad")
    return model([node], [tensor("x", ["N", 2, 3, 3])],
                 [tensor("y", ["N", 2, 6, 6])],
                 [ints("pads", [0, 0, 1, 2, 0, 0, 2, 1]),
                  numpy_helper.from_array(np.array(0.5, np.float32),
                                          "value")])


# --- Errors ------------------------------------------------------------------ #


def pad_reflect():
    node = helper.make_node("Pad", ["x", "pads"], ["y"], name="pad_reflect",
                            mode="reflect")
    return model([node], [tensor("x", [1, 4])], [tensor("y", [1, 6])],
                 [ints("pads", [0, 1, 0, 1])])



def unsupported_op():
    node = helper.make_node("LSTM", ["x", "w", "r"], ["y"], name="conv3",
                            hidden_size=2)
    return model([node], [tensor("x", [1, 1, 2])], [tensor("y", [1, 1, 1, 2])],
                 [weights("w", [1, 8, 2]), weights("r", [1, 8, 2])])


def unsupported_attr():
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv_bad",
                            auto_pad="SAME_MIDDLE")
    return model([node], [tensor("x", [1, 1, 4, 4])],
                 [tensor("y", [1, 1, 4, 4])], [weights("w", [1, 1, 3, 3])])


def conv1d():
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv1d")
    return model([node], [tensor("x", [1, 1, 8])], [tensor("y", [1, 1, 6])],
                 [weights("w", [1, 1, 3])])


def truncated_initializer():
    """An initializer whose raw_data is shorter than its dims say."""
    w = weights("w", [2, 3])
    w.raw_data = w.raw_data[:10]
    node = helper.make_node("MatMul", ["x", "w"], ["y"], name="mm_trunc")
    return model([node], [tensor("x", [1, 2])], [tensor("y", [1, 3])], [w])


def int_input():
    node = helper.make_node("Identity", ["x"], ["y"], name="id")
    return model([node],
                 [helper.make_tensor_value_info("x", TensorProto.INT64, [2])],
                 [helper.make_tensor_value_info("y", TensorProto.INT64, [2])])


def symbolic_inner_dim():
    node = helper.make_node("Relu", ["x"], ["y"], name="relu")
    return model([node], [tensor("x", ["N", "C"])], [tensor("y", ["N", "C"])])


def undefined_input():
    """A node reading a value nothing defines."""
    node = helper.make_node("Relu", ["nowhere"], ["y"], name="relu_undef")
    return model([node], [tensor("x", [2])], [tensor("y", [2])])


def dropout_mask():
    """Dropout whose mask output is used."""
    node = helper.make_node("Dropout", ["x"], ["y", "mask"], name="drop")
    relu = helper.make_node("Relu", ["y"], ["r"], name="relu")
    return model([node, relu], [tensor("x", [2])],
                 [tensor("r", [2]),
                  helper.make_tensor_value_info("mask", TensorProto.BOOL,
                                                [2])])


MODELS = {name: fn for name, fn in globals().items()
          if callable(fn) and fn.__module__ == __name__
          and name not in ("weights", "ints", "model", "tensor", "main")}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODELS:
        sys.exit("usage: make_models.py {%s} OUT.onnx" % "|".join(MODELS))
    with open(sys.argv[2], "wb") as f:
        f.write(MODELS[sys.argv[1]]().SerializeToString())


if __name__ == "__main__":
    main()
