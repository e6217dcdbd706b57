"""Self-test of fxp_reference.integer_reference (plain asserts).

Run:  /usr/bin/python3 python/fxp_reference/test_integer_reference.py
(exits non-zero when a test fails; also collectable by pytest).
"""

import copy
import io
import json
import os
import sys
import tempfile
import time
import traceback
from contextlib import redirect_stdout
from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

_HERE = Path(__file__).resolve().parent
if str(_HERE.parent) not in sys.path:
    sys.path.insert(0, str(_HERE.parent))

from fxp_reference import integer_reference as ir  # noqa: E402

REPO = _HERE.parents[1]
FASHION_MODEL = REPO / "models" / "fashion-resnet" / "model.onnx"
FASHION_IMAGES = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")


try:  # under pytest a Skip is a real skip; as a script it is counted as skipped
    import pytest
    Skip = pytest.skip.Exception
except ImportError:  # pragma: no cover
    class Skip(Exception):
        pass


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def fmt(width, fl, signed=True, axis=None):
    fl = list(fl) if isinstance(fl, (list, tuple)) else [fl]
    return {"signed": signed, "width": width, "fraction_lengths": fl, "axis": axis}


def entry(name, kind, f, quantized=True):
    return {"name": name, "kind": kind, "format": f, "quantized": quantized}


def make_model(nodes, inits, in_shape, out_shape, out_name="y", in_name="x"):
    graph = helper.make_graph(
        nodes, "t",
        [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_shape)],
        initializer=[numpy_helper.from_array(np.asarray(v, dtype=np.float32), name=k)
                     for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def ref_round_shift(a: int, s: int) -> int:
    """The definition, with exact rationals."""
    if s <= 0:
        return a * 2 ** (-s)
    q = Fraction(a, 2 ** s)
    r = int(abs(q) + Fraction(1, 2))  # floor(|q| + 1/2)
    return r if q >= 0 else -r


def ref_div(p: int, q: int) -> int:
    v = Fraction(p, q)
    r = int(abs(v) + Fraction(1, 2))
    return r if v >= 0 else -r


# ---------------------------------------------------------------------------
# primitives
# ---------------------------------------------------------------------------

def test_round_away_ties():
    got = ir.round_away([2.5, -2.5, 0.5, -0.5, 1.5, -1.5, 1.49, -1.51, 0.0, 3.0, -7.0])
    assert got.tolist() == [3, -3, 1, -1, 2, -2, 1, -2, 0, 3, -7], got
    assert ir.round_away(2.5) == 3 and ir.round_away(-2.5) == -3 and ir.round_away(0.5) == 1
    # np.round would give 2, -2, 0: make sure we are not ties-to-even
    assert np.round(2.5) == 2.0 and ir.round_away(2.5) == 3.0
    # huge values are returned unchanged (no +0.5 rounding artefacts)
    big = 2.0 ** 53 + 2
    assert ir.round_away(big) == big and ir.round_away(-big) == -big


def test_round_shift_ties():
    assert ir.round_shift(5, 1) == 3
    assert ir.round_shift(-5, 1) == -3
    assert ir.round_shift(np.array([4, -4, 6, -6, 7, -7, 1, -1, 3, -3]), 1).tolist() == \
        [2, -2, 3, -3, 4, -4, 1, -1, 2, -2]
    assert ir.round_shift(np.array([6, -6, 5, -5, 2, -2, 1, -1]), 2).tolist() == \
        [2, -2, 1, -1, 1, -1, 0, 0]
    assert ir.round_shift(np.array([5, -5, 0]), 0).tolist() == [5, -5, 0]
    assert ir.round_shift(np.array([5, -5]), -3).tolist() == [40, -40]
    # per-channel (broadcast) shifts with mixed signs, last axis = channel
    a = np.array([[5, 5, 5, -5], [-6, 6, -6, 6]])
    s = np.array([1, 0, -2, 2])
    assert ir.round_shift(a, s).tolist() == [[3, 5, 20, -1], [-3, 6, -24, 2]]


def test_round_shift_bruteforce():
    rng = np.random.default_rng(1)
    vals = np.concatenate([np.arange(-70, 71), rng.integers(-2 ** 40, 2 ** 40, 500),
                           rng.integers(-2 ** 12, 2 ** 12, 500)])
    for s in [-5, -1, 0, 1, 2, 3, 5, 13, 31, 40]:
        got = ir.round_shift(vals, s)
        want = [ref_round_shift(int(v), s) for v in vals]
        assert [int(g) for g in got] == want, s
    # object (Python int) path: huge values and shifts beyond int64
    big = np.array([2 ** 61 + 3, -(2 ** 61) - 3, 2 ** 62 - 1, -(2 ** 62) + 1, 7, -7], dtype=object)
    for s in [-4, 1, 3, 61, 62, 70]:
        got = ir.round_shift(big, s)
        assert [int(g) for g in got] == [ref_round_shift(int(v), s) for v in big], s
    # max_abs hint must not change results
    assert ir.round_shift(vals, 3, max_abs=2 ** 41).tolist() == ir.round_shift(vals, 3).tolist()


def test_saturate():
    a = np.array([200, -200, 127, -128, 0, 128, -129])
    assert ir.saturate(a, 8, True).tolist() == [127, -128, 127, -128, 0, 127, -128]
    assert ir.saturate(np.array([-5, 300, 255, 0]), 8, False).tolist() == [0, 255, 255, 0]
    assert ir.saturate(np.array([2 ** 40, -(2 ** 40)]), 32).tolist() == [2 ** 31 - 1, -(2 ** 31)]
    assert ir.saturate(np.array([2 ** 70], dtype=object), 16).tolist() == [32767]
    assert ir.format_range(4, True) == (-8, 7) and ir.format_range(4, False) == (0, 15)


def test_quantize():
    x = np.array([0.3, 0.015625, -0.015625, 0.046875, -0.046875, 100.0, -100.0,
                  np.nan, np.inf, -np.inf], dtype=np.float32)
    # F=5: 9.6->10, 0.5->1, -0.5->-1, 1.5->2, -1.5->-2, sat, sat, NaN->0, sat, sat
    assert ir.quantize(x, 5, 8).tolist() == [10, 1, -1, 2, -2, 127, -128, 0, 127, -128]
    assert ir.quantize(x[:3], 5, 8, signed=False).tolist() == [10, 1, 0]
    # per-channel along axis 0 and axis 1
    w = np.array([[0.5, -0.25], [0.5, -0.25]], dtype=np.float32)
    assert ir.quantize(w, [1, 3], 8, axis=0).tolist() == [[1, -1], [4, -2]]   # -0.5 -> -1
    assert ir.quantize(w, [1, 3], 8, axis=1).tolist() == [[1, -2], [1, -2]]
    # float32 input is scaled exactly: 2^-20 * 2^20 == 1
    assert ir.quantize(np.float32(2.0 ** -20), 20, 16).tolist() == 1
    assert ir.dequantize(np.array([10, -3]), 5).tolist() == [0.3125, -0.09375]


def test_quantize_row0_tie():
    # row 0 of the per-channel case above: -0.25 * 2^1 = -0.5 -> -1 (ties away)
    w = np.array([-0.25], dtype=np.float32)
    assert ir.quantize(w, 1, 8).tolist() == [-1]


def test_round_away_div():
    cases = [(5, 2, 3), (-5, 2, -3), (7, 4, 2), (6, 4, 2), (-6, 4, -2), (5, 4, 1),
             (1, 3, 0), (2, 3, 1), (3, 2, 2), (-3, 2, -2), (0, 7, 0), (-1, 2, -1)]
    for p, q, want in cases:
        assert int(ir.round_away_div(np.array(p), q)) == want, (p, q)
    rng = np.random.default_rng(2)
    p = rng.integers(-10 ** 6, 10 ** 6, 400)
    for q in [1, 2, 3, 4, 9, 49, 196, 784, 1 << 20]:
        got = ir.round_away_div(p, q)
        assert [int(g) for g in got] == [ref_div(int(v), q) for v in p], q


def test_exact_int_matmul():
    rng = np.random.default_rng(3)
    for lim_a, lim_b, k in [(128, 128, 576), (2 ** 15, 2 ** 15, 300), (2 ** 31, 2 ** 15, 40),
                            (2 ** 40, 2 ** 30, 3)]:
        a = rng.integers(-lim_a, lim_a, (17, k)).astype(object if lim_a > 2 ** 31 else np.int64)
        b = rng.integers(-lim_b, lim_b, (k, 5)).astype(np.int64)
        want = np.asarray(a, dtype=object).dot(np.asarray(b, dtype=object))
        for backend in ("auto", "int64"):
            got = ir.exact_int_matmul(a, b, backend)
            assert np.array_equal(np.asarray(got, dtype=object), want), (lim_a, lim_b, backend)
    # the float32 path is taken only where exact: worst case K * 128 * 128 < 2^24
    assert ir._plan_matmul(576, 128, 128, "auto") == "f32"
    assert ir._plan_matmul(1025, 128, 128, "auto") == "f64"
    assert ir._plan_matmul(576, 2 ** 15, 2 ** 15, "auto") == "f64"


# ---------------------------------------------------------------------------
# small graphs with hand-computed results
# ---------------------------------------------------------------------------

def _conv1x1_model(with_relu):
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c" if with_relu else "y"], name="conv",
                              kernel_shape=[1, 1])]
    if with_relu:
        nodes.append(helper.make_node("Relu", ["c"], ["y"], name="relu"))
    return make_model(nodes, {"W": np.array([0.5, -0.25]).reshape(2, 1, 1, 1),
                              "B": [0.125, 0.0625]}, [1, 1, 2, 2], [1, 2, 2, 2])


def _conv1x1_report(out_f, out_w=8, relu_f=None):
    t = [entry("x", "input", fmt(8, 2)),
         entry("conv/weight", "weight", fmt(8, [1, 2], axis=0)),
         entry("conv/bias", "bias", fmt(32, [3, 4], axis=0)),
         entry("conv", "activation", fmt(out_w, out_f))]
    if relu_f is not None:
        t.append(entry("relu", "activation", fmt(8, relu_f)))
    return {"tensors": t}


X_CONV = np.array([[1.25, -1.75], [3.0, -3.0]], dtype=np.float32).reshape(1, 1, 2, 2)


def test_conv1x1_hand():
    # x_int = x * 4 = [[5,-7],[12,-12]]; ch0: w=0.5*2=1, b=0.125*8=1;
    # ch1: w=-0.25*4=-1, b=0.0625*16=1.
    # ch0 acc=[[6,-6],[13,-11]], shift 2+1-1=2 -> [[1.5,-1.5],[3.25,-2.75]] -> [[2,-2],[3,-3]]
    # ch1 acc=[[-4,8],[-11,13]], shift 2+2-1=3 -> [[-0.5,1],[-1.375,1.625]] -> [[-1,1],[-1,2]]
    ref = ir.IntegerReference(_conv1x1_model(False), _conv1x1_report(1))
    res = ref.run(X_CONV, keep_intermediates=True)
    want = [[[[2, -2], [3, -3]], [[-1, 1], [-1, 2]]]]
    assert res.ints.tolist() == want, res.ints.tolist()
    assert res.fraction_length == 1
    assert res.dequantized().tolist() == (np.array(want) / 2.0).tolist()
    assert res.by_entry()["x"][0].tolist() == [[[[5, -7], [12, -12]]]]
    # the same with an s3 F=2 output: saturation to [-4, 3]
    # ch0 shift 1: [[3,-3],[6.5,-5.5]] -> [[3,-3],[7,-6]] -> sat [[3,-3],[3,-4]]
    # ch1 shift 2: [[-1,2],[-2.75,3.25]] -> [[-1,2],[-3,3]]
    res = ir.IntegerReference(_conv1x1_model(False), _conv1x1_report(2, out_w=3)).run(X_CONV)
    assert res.ints.tolist() == [[[[3, -3], [3, -4]], [[-1, 2], [-3, 3]]]], res.ints.tolist()


def test_conv1x1_fused_relu():
    # Conv's only consumer is a Relu: computed in the Relu's format (F=1), then max(.,0).
    # The Conv's own entry (F=0 here) must be ignored.
    ref = ir.IntegerReference(_conv1x1_model(True), _conv1x1_report(0, relu_f=1))
    assert "conv" in ref.fused
    res = ref.run(X_CONV)
    assert res.ints.tolist() == [[[[2, 0], [3, 0]], [[0, 1], [0, 2]]]], res.ints.tolist()
    assert res.format.fraction_lengths == (1,)


def test_unfused_relu_and_add_alignment():
    # c = Conv(x) is consumed by Relu AND Add -> no fusion.
    # x = [[1.25,-1.75],[0.625,-0.375]] -> x_int (F=2) = [[5,-7],[3,-2]] (2.5->3, -1.5->-2)
    # w = 1.0 at F=6 -> 64; acc = [[320,-448],[192,-128]]; shift 2+6-1=7:
    #   [[2.5,-3.5],[1.5,-1]] -> c = [[3,-4],[2,-1]] (F=1)
    # relu (F=3): max(c,0) * 2^(3-1) = [[12,0],[8,0]]
    # add (F=0): Fm=3: c*4 + r = [[24,-16],[16,-4]]; shift 3: [[3,-2],[2,-0.5]] -> [[3,-2],[2,-1]]
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv", kernel_shape=[1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("Add", ["c", "r"], ["y"], name="add")]
    model = make_model(nodes, {"W": np.ones((1, 1, 1, 1)), "B": [0.0]}, [1, 1, 2, 2],
                       [1, 1, 2, 2])
    rep = {"tensors": [entry("x", "input", fmt(8, 2)),
                       entry("conv/weight", "weight", fmt(8, [6], axis=0)),
                       entry("conv/bias", "bias", fmt(32, [8], axis=0)),
                       entry("conv", "activation", fmt(8, 1)),
                       entry("relu", "activation", fmt(8, 3)),
                       entry("add", "activation", fmt(8, 0))]}
    ref = ir.IntegerReference(model, rep)
    assert not ref.fused
    x = np.array([[1.25, -1.75], [0.625, -0.375]], dtype=np.float32).reshape(1, 1, 2, 2)
    res = ref.run(x, keep_intermediates=True)
    by = res.by_entry()
    assert by["x"][0].tolist() == [[[[5, -7], [3, -2]]]]
    assert by["conv"][0].tolist() == [[[[3, -4], [2, -1]]]]
    assert by["relu"][0].tolist() == [[[[12, 0], [8, 0]]]]
    assert res.ints.tolist() == [[[[3, -2], [2, -1]]]], res.ints.tolist()


def test_add_fused_relu():
    # Add -> only-consumer Relu: Add computed in the Relu's format, then max(.,0).
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv", kernel_shape=[1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("Add", ["c", "r"], ["s"], name="add"),
             helper.make_node("Relu", ["s"], ["y"], name="relu2")]
    model = make_model(nodes, {"W": np.ones((1, 1, 1, 1)), "B": [0.0]}, [1, 1, 2, 2],
                       [1, 1, 2, 2])
    rep = {"tensors": [entry("x", "input", fmt(8, 2)),
                       entry("conv/weight", "weight", fmt(8, [6], axis=0)),
                       entry("conv/bias", "bias", fmt(32, [8], axis=0)),
                       entry("conv", "activation", fmt(8, 1)),
                       entry("relu", "activation", fmt(8, 3)),
                       entry("add", "activation", fmt(8, 5)),      # ignored (fused)
                       entry("relu2", "activation", fmt(8, 0))]}
    ref = ir.IntegerReference(model, rep)
    assert set(ref.fused) == {"add"}
    x = np.array([[1.25, -1.75], [0.625, -0.375]], dtype=np.float32).reshape(1, 1, 2, 2)
    # as above, the Add result at F=0 is [[3,-2],[2,-1]]; relu -> [[3,0],[2,0]]
    assert ref.run(x).ints.tolist() == [[[[3, 0], [2, 0]]]]


def _gap_model_report(fy):
    model = make_model([helper.make_node("GlobalAveragePool", ["x"], ["y"], name="gap")],
                       {}, [1, 2, 2, 2], [1, 2, 1, 1])
    rep = {"tensors": [entry("x", "input", fmt(8, 2)), entry("gap", "activation", fmt(8, fy))]}
    return model, rep


def test_gap_rounding():
    # ch0 ints [1,2,3,5] (sum 11), ch1 [-1,-2,-3,-4] (sum -10), n = 4, Fx = 2
    x = (np.array([[1, 2], [3, 5], [-1, -2], [-3, -4]], dtype=np.float32) / 4).reshape(1, 2, 2, 2)
    want = {2: [3, -3],    # 2.75 -> 3, -2.5 -> -3
            3: [6, -5],    # 22/4 = 5.5 -> 6, -20/4 = -5
            1: [1, -1],    # 11/8 = 1.375, -10/8 = -1.25
            0: [1, -1],    # 11/16 = 0.6875, -10/16 = -0.625
            -1: [0, 0]}    # 11/32, -10/32
    for fy, w in want.items():
        model, rep = _gap_model_report(fy)
        res = ir.IntegerReference(model, rep).run(x)
        assert res.ints.reshape(-1).tolist() == w, (fy, res.ints.reshape(-1).tolist())
    # saturation after the division: F=6 -> 11*16/4 = 44 ... F=8 -> 176 -> 127
    model, rep = _gap_model_report(8)
    assert ir.IntegerReference(model, rep).run(x).ints.reshape(-1).tolist() == [127, -128]


def test_maxpool_padding_and_passthrough():
    nodes = [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2],
                              pads=[1, 1, 1, 1], strides=[1, 1])]
    model = make_model(nodes, {}, [1, 1, 2, 2], [1, 1, 3, 3])
    rep = {"tensors": [entry("x", "input", fmt(8, 0)), entry("pool", "activation", fmt(8, 0))]}
    x = np.array([[-5, -3], [-7, -1]], dtype=np.float32).reshape(1, 1, 2, 2)
    res = ir.IntegerReference(model, rep).run(x)
    # padding is the most negative stored integer, so no 0 ever appears
    assert res.ints.tolist() == [[[[-5, -3, -3], [-5, -1, -1], [-7, -1, -1]]]], res.ints.tolist()
    rep2 = copy.deepcopy(rep)
    rep2["tensors"][1]["format"] = fmt(8, 3)
    try:
        ir.IntegerReference(model, rep2)
    except ValueError as e:
        assert "moves data only" in str(e)
    else:
        raise AssertionError("format change on MaxPool not detected")
    assert np.array_equal(ir.run_float(model, x), [[[[-5, -3, -3], [-5, -1, -1], [-7, -1, -1]]]])


def test_report_checks():
    model = _conv1x1_model(False)
    bad = _conv1x1_report(1)
    bad["tensors"][2]["format"]["fraction_lengths"] = [3, 3]     # should be Fx+Fw = [3, 4]
    try:
        ir.IntegerReference(model, bad)
    except ValueError as e:
        assert "conv/bias" in str(e) and "[3, 4]" in str(e), e
    else:
        raise AssertionError("bias fraction mismatch not detected")
    unq = _conv1x1_report(1)
    unq["tensors"][3]["quantized"] = False
    try:
        ir.IntegerReference(model, unq)
    except NotImplementedError as e:
        assert "fully quantized" in str(e)
    else:
        raise AssertionError("quantized=false not rejected")
    missing = _conv1x1_report(1)
    del missing["tensors"][3]
    try:
        ir.IntegerReference(model, missing)
    except KeyError as e:
        assert "conv" in str(e)
    else:
        raise AssertionError("missing activation entry not detected")
    # run_stored rejects integers outside the input format
    ref = ir.IntegerReference(model, _conv1x1_report(1))
    try:
        ref.run_stored(np.full((1, 1, 2, 2), 300))
    except ValueError:
        pass
    else:
        raise AssertionError("out-of-range stored input not rejected")


# ---------------------------------------------------------------------------
# end to end: tiny Conv+Relu+GAP+Flatten+Gemm with wide formats vs float
# ---------------------------------------------------------------------------

def _tiny_net(trans_b, seed=0):
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, 0.5, (4, 2, 3, 3))
    b1 = rng.normal(0, 0.2, 4)
    fc = rng.normal(0, 0.7, (3, 4))              # [N, K] for transB=1
    fcb = rng.normal(0, 0.2, 3)
    nodes = [helper.make_node("Conv", ["x", "W1", "B1"], ["c1"], name="/conv1/Conv",
                              kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
             helper.make_node("Relu", ["c1"], ["r1"], name="/relu1/Relu"),
             helper.make_node("GlobalAveragePool", ["r1"], ["g"], name="/pool/GlobalAveragePool"),
             helper.make_node("Flatten", ["g"], ["f"], name="/Flatten", axis=1),
             helper.make_node("Gemm", ["f", "FC", "FCB"], ["y"], name="/fc/Gemm",
                              alpha=1.0, beta=1.0, transB=trans_b)]
    inits = {"W1": w1, "B1": b1, "FC": fc if trans_b else fc.T, "FCB": fcb}
    return make_model(nodes, inits, ["N", 2, 6, 6], ["N", 3])


def _tiny_report(act_w=16, act_f=10, w_w=16, w_f=(13, 14, 12, 14), fc_f=(14, 13, 14),
                 in_f=12):
    t = [entry("x", "input", fmt(act_w, in_f)),
         entry("/conv1/Conv/weight", "weight", fmt(w_w, list(w_f), axis=0)),
         entry("/conv1/Conv/bias", "bias", fmt(32, [in_f + f for f in w_f], axis=0)),
         entry("/conv1/Conv", "activation", fmt(act_w, act_f - 1)),   # unused (fused)
         entry("/relu1/Relu", "activation", fmt(act_w, act_f)),
         entry("/pool/GlobalAveragePool", "activation", fmt(act_w, act_f + 1)),
         entry("/Flatten", "activation", fmt(act_w, act_f + 1)),
         entry("/fc/Gemm/weight", "weight", fmt(w_w, list(fc_f), axis=1)),
         entry("/fc/Gemm/bias", "bias", fmt(32, [act_f + 1 + f for f in fc_f], axis=0)),
         entry("/fc/Gemm", "activation", fmt(act_w, act_f))]
    return {"tensors": t}


def test_end_to_end_tiny_vs_float():
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, (20, 2, 6, 6)).astype(np.float32)
    for trans_b in (1, 0):
        model = _tiny_net(trans_b)
        ref = ir.IntegerReference(model, _tiny_report())
        assert set(ref.fused) == {"/conv1/Conv"}
        res = ref.run(x, batch_size=7)
        fl = ir.run_float(model, x)
        err = float(np.abs(res.dequantized() - fl).max())
        assert res.ints.shape == (20, 3) and res.fraction_length == 10
        assert err < 4e-3, err
        assert np.abs(fl).max() > 0.1        # not a trivially-zero network
        # batching and the exact-product backend must not change a single bit
        res2 = ir.IntegerReference(model, _tiny_report(), backend="int64").run(x, batch_size=20)
        assert np.array_equal(res.ints, res2.ints)


def test_end_to_end_tiny_8bit_backends_agree():
    rng = np.random.default_rng(8)
    x = rng.normal(0, 1, (16, 2, 6, 6)).astype(np.float32)
    rep = _tiny_report(act_w=8, act_f=4, w_w=8, w_f=(6, 7, 5, 7), fc_f=(6, 6, 7), in_f=5)
    model = _tiny_net(1)
    a = ir.IntegerReference(model, rep).run(x, keep_intermediates=True)
    b = ir.IntegerReference(model, rep, backend="int64").run(x, keep_intermediates=True)
    assert a.tensors.keys() == b.tensors.keys()
    for k in a.tensors:
        assert np.array_equal(a.tensors[k], b.tensors[k]), k
    # the conv intermediate equals a direct (slow, obviously-correct) evaluation
    ref = ir.IntegerReference(model, rep)
    xi = ref.quantize_input(x)
    w1 = numpy_helper.to_array(model.graph.initializer[0])
    b1 = numpy_helper.to_array(model.graph.initializer[1])
    fw = np.array([6, 7, 5, 7])
    wi = ir.quantize(w1, fw, 8, axis=0)
    bi = ir.quantize(b1, 5 + fw, 32, axis=0)
    xp = np.pad(xi, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((16, 4, 3, 3), dtype=np.int64)
    for oy in range(3):
        for ox in range(3):
            patch = xp[:, :, 2 * oy:2 * oy + 3, 2 * ox:2 * ox + 3]
            out[:, :, oy, ox] = np.einsum("nchw,fchw->nf", patch, wi) + bi
    shift = (5 + fw - 4).reshape(1, 4, 1, 1)
    direct = np.maximum(np.clip(np.vectorize(ref_round_shift, otypes=[object])(out, shift)
                                .astype(np.int64), -128, 127), 0)
    assert np.array_equal(a.by_entry()["/relu1/Relu"][0], direct)


# ---------------------------------------------------------------------------
# the real model, synthetic s16 report
# ---------------------------------------------------------------------------

def test_fashion_resnet_synthetic_s16():
    if not FASHION_MODEL.exists() or not FASHION_IMAGES.exists():
        raise Skip(f"needs {FASHION_MODEL} and {FASHION_IMAGES}")
    rep = ir.make_synthetic_report(str(FASHION_MODEL), act=(True, 16, 10),
                                   weight=(True, 16, 14))
    # the report has the expected shape: per-channel weights, biases at Fx+Fw
    names = {e["name"]: e for e in rep["tensors"]}
    assert names["/stem/conv/Conv/weight"]["format"]["fraction_lengths"] == [14] * 16
    assert names["/fc/Gemm/weight"]["format"]["axis"] == 1
    assert names["/fc/Gemm/bias"]["format"]["fraction_lengths"] == [24] * 10
    x = ir.load_images(str(FASHION_IMAGES), normalize=(0.286, 0.353), limit=64)
    assert x.shape == (64, 1, 28, 28) and x.dtype == np.float32
    ref_input = REPO / "models" / "fashion-resnet" / "reference_logits_256_input.npy"
    if ref_input.exists():   # our normalization reproduces the stored one bit-exactly
        assert np.array_equal(np.load(ref_input)[:64], x)
    ref = ir.IntegerReference(str(FASHION_MODEL), rep)
    assert len(ref.fused) == 13    # stem + 6 conv1 (Conv->Relu), 6 Add->Relu
    t0 = time.time()
    res = ref.run(x)
    t_int = time.time() - t0
    fl = ir.run_float(str(FASHION_MODEL), x)
    ref_logits = REPO / "models" / "fashion-resnet" / "reference_logits_256.npy"
    if ref_logits.exists():  # our float path agrees with the exporter's float logits
        assert np.abs(np.load(ref_logits)[:64] - fl).max() < 1e-4
    lg = res.dequantized()
    agree = int((lg.argmax(1) == fl.argmax(1)).sum())
    print(f"    fashion-resnet s16: argmax agreement {agree}/64, max |int - float| "
          f"{np.abs(lg - fl).max():.4f}, integer run {t_int:.2f}s")
    assert agree >= 62, agree

    # the CLI end to end on the same data
    with tempfile.TemporaryDirectory() as d:
        rp, op = os.path.join(d, "report.json"), os.path.join(d, "out.npy")
        with open(rp, "w") as fh:
            json.dump(rep, fh)
        buf = io.StringIO()
        with redirect_stdout(buf):
            rc = ir.main([str(FASHION_MODEL), rp, "--input", str(FASHION_IMAGES),
                          "--limit", "64", "--output", op, "--jobs", "1"])
        assert rc == 0, buf.getvalue()
        assert np.array_equal(np.load(op), lg)
        assert np.load(op).dtype == np.float32 and np.load(op).shape == (64, 10)


# ---------------------------------------------------------------------------

def main() -> int:
    tests = [(k, v) for k, v in sorted(globals().items(), key=lambda kv: kv[1].__code__.co_firstlineno
                                       if callable(kv[1]) and hasattr(kv[1], "__code__") else 0)
             if k.startswith("test_") and callable(v)]
    passed = failed = skipped = 0
    for name, fn in tests:
        t0 = time.time()
        try:
            fn()
        except Skip as e:
            skipped += 1
            print(f"SKIP {name}: {e}")
        except Exception:  # noqa: BLE001
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {name} ({time.time() - t0:.2f}s)")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
