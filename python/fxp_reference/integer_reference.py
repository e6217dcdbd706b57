"""Independent integer reference for fxp-quantized networks (numpy + onnx only).

Given an ONNX model and the ``report.json`` written by ``quant quantize``, this
module evaluates the network the way fxp's integer (fixed-point) network is
specified to compute it, so that the compiled network can be compared against
it bit-exactly.  It shares no code with fxp.

Contract implemented here (all rounding is "nearest, ties away from zero";
``sat`` clamps to the representable range of the target format):

* ``quantize(x, F, W)``  = sat(round_away(x * 2^F)), computed in float64 (the
  product of a float32 value and a power of two is exact); NaN -> 0.
* input: float32 image, normalized as
  ``((img.astype(f32) / f32(255)) - f32(mean)) / f32(std)``, then quantized with
  the format of the report's ``"input"`` entry.
* weights: quantized per output channel with that channel's fraction length.
* biases of Conv/Gemm: sat32(round_away(b * 2^(Fx + Fw[c]))); the report's
  bias fraction lengths must equal Fx + Fw[c] (checked, ValueError otherwise).
* ``round_shift(a, s)``: s > 0 -> round_away(a / 2^s) (exact integer
  arithmetic); s <= 0 -> a * 2^-s.
* Conv / Gemm: acc = exact integer sum + bias; y = sat(round_shift(acc,
  Fx + Fw[c] - Fy)).
* Add: Fm = max(Fa, Fb); y = sat(round_shift(a*2^(Fm-Fa) + b*2^(Fm-Fb), Fm - Fy)).
* Relu fusion: a Conv / Gemm / Add whose output is consumed only by one Relu
  node (and is not a graph output) is computed directly in the Relu's format
  and then clamped at 0 (``max(y, 0)``); that Relu is then a no-op.
* standalone Relu: y = sat(round_shift(max(x, 0), Fx - Fy)).
* GlobalAveragePool: s = exact sum over H, W; n = H*W;
  Fy >= Fx: y = sat(round_away_div(s * 2^(Fy-Fx), n)),
  else      y = sat(round_away_div(s, n * 2^(Fx-Fy))),
  round_away_div(p, q) = sign(p) * floor((2|p| + q) / (2q)).
* Flatten / Reshape / Identity / Dropout / MaxPool: data movement (MaxPool pads
  with the most negative stored integer); the format passes through unchanged.
* Only fully quantized networks: an entry with ``"quantized": false`` raises
  NotImplementedError.

Decisions where the contract is silent (all loud rather than silent):

* ANY report entry with ``"quantized": false`` is rejected, even one the
  reference would not read (e.g. the own entry of a Conv fused into a Relu).
* A Relu is fused only if the producer's output is not also a graph output.
  The fused producer's own report entry is ignored.
* A data-movement node that has its own report entry must carry its input's
  format (same signedness, width, single F); otherwise ValueError.
* Bias: the entry, when present, must be s32 with F == Fx + Fw[c]; a missing
  bias entry is allowed (the contract fixes the bias format anyway).  A weight
  entry with one fraction length applies to all channels; a per-channel one
  must have axis 0 (Conv, OIHW) / 1 (Gemm, K x N) or null.
* Activations must be per-tensor (one F); Conv supports group=1, 2-D, pads
  with auto_pad NOTSET/VALID; Gemm needs alpha = beta = 1 and constant B/C
  with one bias per output feature; MaxPool needs ceil_mode=0.

Exactness of the products: integer matrix products (im2col for Conv) are
computed in floating point ONLY when a rigorous bound (K * max|x| * max|w|)
proves that every partial sum, in any summation order, is an integer the type
represents exactly (< 2^24 for float32, < 2^53 for float64); otherwise int64
(or Python object integers) are used.  ``backend="int64"`` forces int64
products everywhere (slower; for cross-checking).  Internally 4-D activations
are kept NHWC; everything visible (results, intermediates) is NCHW.

CLI::

    PYTHONPATH=python /usr/bin/python3 -m fxp_reference.integer_reference \
        MODEL.onnx REPORT.json --input X.npy|IMAGES-idx3-ubyte.gz \
        [--normalize MEAN,STD] [--limit N] [--output OUT.npy] [--labels L.gz]
"""

import argparse
import gzip
import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx
from numpy.lib.stride_tricks import as_strided
from onnx import numpy_helper

# Fashion-MNIST normalization constants (used when --normalize is not given).
DEFAULT_MEAN = 0.286
DEFAULT_STD = 0.353

_I64_SAFE = 1 << 62  # magnitudes below this leave headroom for one add / shift


# --------------------------------------------------------------------------
# Scalar / elementwise primitives
# --------------------------------------------------------------------------

def format_range(width: int, signed: bool) -> Tuple[int, int]:
    """Representable stored-integer range of a (width, signed) format."""
    width = int(width)
    if width < 1:
        raise ValueError(f"bad width {width}")
    if signed:
        return -(1 << (width - 1)), (1 << (width - 1)) - 1
    return 0, (1 << width) - 1


def _maxabs(a) -> int:
    """max |a| as a Python int (0 for an empty array)."""
    a = np.asarray(a)
    if a.size == 0:
        return 0
    if a.dtype == object:
        return int(max(abs(int(v)) for v in a.ravel()))
    return max(abs(int(a.max())), abs(int(a.min())))


def _as_int_array(a) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype == object:
        return a
    if not np.issubdtype(a.dtype, np.integer):
        raise TypeError(f"expected an integer array, got {a.dtype}")
    if a.dtype == np.uint64:
        return a.astype(object)
    return a.astype(np.int64, copy=False)


def round_away(x) -> np.ndarray:
    """Round float values to the nearest integer, ties away from zero.

    Returns float64 (integral values).  NOT np.round (that is ties-to-even).
    """
    v = np.asarray(x, dtype=np.float64)
    mag = np.abs(v)
    r = np.sign(v) * np.floor(mag + 0.5)
    # |v| >= 2^52: v is already an integer and mag + 0.5 might round; keep v.
    return np.where(mag >= 2.0 ** 52, v, r)


def saturate(a, width: int, signed: bool = True, inplace: bool = False) -> np.ndarray:
    """Clamp integers to the representable range; returns int64 (width <= 63).

    ``inplace=True`` clamps an int64 array in place (internal fast path).
    """
    lo, hi = format_range(width, signed)
    a = _as_int_array(a)
    if a.dtype == object or width > 63:
        out = np.minimum(np.maximum(a, lo), hi)
        return out.astype(np.int64) if width <= 63 else out
    if not inplace:
        return np.minimum(np.maximum(a, lo), hi)
    np.maximum(a, lo, out=a)
    np.minimum(a, hi, out=a)
    return a


def _pow2_array(k, use_obj: bool):
    """2**k elementwise for a non-negative integer array k."""
    k = np.asarray(k)
    if use_obj:
        return np.asarray(np.frompyfunc(lambda e: 1 << int(e), 1, 1)(k), dtype=object)
    return np.left_shift(np.int64(1), k.astype(np.int64))


def round_shift(a, s, max_abs: Optional[int] = None) -> np.ndarray:
    """s > 0: round_away(a / 2^s) exactly; s <= 0: a * 2^-s.  No saturation.

    ``s`` may be a scalar or an integer array broadcastable against ``a``
    (per-channel shifts).  Returns int64, or an object array when int64 could
    overflow.  ``max_abs`` is an optional known bound on |a| (saves a pass).
    """
    a = _as_int_array(a)
    s = np.asarray(s, dtype=np.int64)
    left = np.maximum(-s, 0)
    right = np.maximum(s, 0)
    max_left = int(left.max()) if left.size else 0
    max_right = int(right.max()) if right.size else 0
    m = _maxabs(a) if max_abs is None or a.dtype == object else int(max_abs)
    use_obj = (a.dtype == object or max_right > 61 or max_left > 62
               or (m << max_left) + (1 << max(max_right - 1, 0)) >= _I64_SAFE)
    if use_obj:
        # Sign-magnitude form with Python integers (the definition itself):
        # sign(a) * floor((|a| * 2^left + 2^(right-1)) / 2^right).
        a = a.astype(object)
        shifted = a * _pow2_array(left, True)
        half = _pow2_array(right, True) // 2          # 0 where right == 0
        mag = np.abs(shifted)
        r = np.frompyfunc(lambda v, k: int(v) >> int(k), 2, 1)(mag + half, right)
        r = np.asarray(r, dtype=object)
        return np.where(shifted < 0, -r, r)
    # int64 fast path.  With h = 2^(s-1) and an arithmetic (flooring) shift:
    #   a >= 0: round_away(a / 2^s) = floor((a + h) / 2^s)       = (a + h) >> s
    #   a <  0: round_away(a / 2^s) = -floor((-a + h) / 2^s)
    #                               = ceil((a - h) / 2^s)
    #                               = floor((a - h + 2^s - 1) / 2^s) = (a + h - 1) >> s
    # (checked against the Python-int definition in the self-test).
    y = np.left_shift(a, left)                     # fresh array (broadcast shape)
    if max_right == 0:
        return y
    pos = right > 0
    h = np.where(pos, np.left_shift(np.int64(1), np.maximum(right - 1, 0)), 0)
    neg = y < 0
    if not pos.all():
        neg &= pos
    y += h
    y -= neg
    y >>= right
    return y


def round_away_div(p, q) -> np.ndarray:
    """sign(p) * floor((2|p| + q) / (2q)) for q > 0: p / q rounded, ties away."""
    p = _as_int_array(p)
    q_arr = np.asarray(q)
    if np.any(q_arr <= 0):
        raise ValueError("round_away_div: q must be positive")
    mq = _maxabs(q_arr)
    use_obj = p.dtype == object or q_arr.dtype == object or \
        2 * _maxabs(p) + mq >= _I64_SAFE or 2 * mq >= _I64_SAFE
    if use_obj:
        p = p.astype(object)
        q_arr = q_arr.astype(object)
    else:
        q_arr = q_arr.astype(np.int64)
    mag = np.abs(p)
    r = (2 * mag + q_arr) // (2 * q_arr)
    return np.where(p < 0, -r, r)


def _shift_left(a, k: int) -> np.ndarray:
    """Exact a * 2^k for k >= 0 (object dtype if int64 would overflow)."""
    if k < 0:
        raise ValueError("negative left shift")
    a = _as_int_array(a)
    if k == 0:
        return a
    if a.dtype != object and (k > 62 or (_maxabs(a) << k) >= _I64_SAFE):
        a = a.astype(object)
    return a * (1 << k)


def quantize(x, fraction_lengths, width: int, signed: bool = True,
             axis: Optional[int] = None) -> np.ndarray:
    """sat(round_away(x * 2^F)) computed in float64; NaN -> 0.

    ``fraction_lengths`` is a scalar or a per-channel sequence indexed along
    ``axis`` of ``x``.  Returns int64.
    """
    if width > 53:
        raise NotImplementedError("quantize: width > 53 is not supported")
    v = np.asarray(x)
    if not np.issubdtype(v.dtype, np.floating):
        v = v.astype(np.float64)
    v = v.astype(np.float64)
    f = np.asarray(fraction_lengths, dtype=np.int64)
    if f.ndim == 0 or f.size == 1:
        f = f.reshape(())
    else:
        if axis is None:
            raise ValueError("per-channel fraction lengths need an axis")
        ax = axis % v.ndim
        if v.shape[ax] != f.size:
            raise ValueError(f"{f.size} fraction lengths for axis {axis} of "
                             f"shape {v.shape}")
        shape = [1] * v.ndim
        shape[ax] = f.size
        f = f.reshape(shape)
    p = np.ldexp(v, f.astype(np.int32))            # exact (power-of-two scaling)
    p = np.where(np.isnan(p), 0.0, p)
    lo, hi = format_range(width, signed)
    r = np.clip(round_away(p), float(lo), float(hi))  # also handles +-inf
    return r.astype(np.int64)


def dequantize(ints, fraction_length, dtype=np.float32) -> np.ndarray:
    """ints * 2^-F (exact in float32 while |ints| < 2^24)."""
    a = np.asarray(ints)
    if a.dtype == object:
        a = a.astype(np.float64)
    f = np.asarray(fraction_length, dtype=np.int32)
    return np.ldexp(a.astype(np.float64), -f).astype(dtype)


# --------------------------------------------------------------------------
# Formats and the report
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Format:
    signed: bool
    width: int
    fraction_lengths: Tuple[int, ...]
    axis: Optional[int] = None

    @staticmethod
    def from_json(d: dict) -> "Format":
        fl = d.get("fraction_lengths")
        if fl is None and "fraction_length" in d:
            fl = [d["fraction_length"]]
        if fl is None:
            raise ValueError(f"format without fraction_lengths: {d}")
        return Format(bool(d["signed"]), int(d["width"]),
                      tuple(int(v) for v in fl), d.get("axis"))

    @property
    def lo(self) -> int:
        return format_range(self.width, self.signed)[0]

    @property
    def hi(self) -> int:
        return format_range(self.width, self.signed)[1]

    @property
    def per_tensor(self) -> bool:
        return len(self.fraction_lengths) == 1

    def f(self, what: str = "tensor") -> int:
        """The single fraction length of a per-tensor format."""
        if len(set(self.fraction_lengths)) != 1:
            raise NotImplementedError(
                f"{what}: per-channel activation formats are not supported "
                f"({self})")
        return self.fraction_lengths[0]

    def same_as(self, other: "Format") -> bool:
        return (self.signed == other.signed and self.width == other.width
                and set(self.fraction_lengths) == set(other.fraction_lengths)
                and len(set(self.fraction_lengths)) == 1)

    def __str__(self):
        fl = ",".join(map(str, self.fraction_lengths))
        return (f"{'s' if self.signed else 'u'}{self.width}[F={fl}"
                f"{'' if self.axis is None else f' axis={self.axis}'}]")


def load_report(report) -> Dict[str, dict]:
    """report.json path / dict / list of entries -> {name: entry}."""
    if isinstance(report, (str, os.PathLike)):
        with open(report) as fh:
            report = json.load(fh)
    entries = report["tensors"] if isinstance(report, dict) else report
    out: Dict[str, dict] = {}
    for e in entries:
        name = e["name"]
        if name in out:
            raise ValueError(f"report: duplicate entry {name!r}")
        out[name] = e
    return out


# --------------------------------------------------------------------------
# Exact integer matrix products
# --------------------------------------------------------------------------

def _plan_matmul(k_terms: int, max_x: int, max_w: int, backend: str) -> str:
    """Pick an exact dtype for sum_k x*w with |x| <= max_x, |w| <= max_w.

    Floating point is used only when every partial sum (bounded by
    K * max|x| * max|w|, whatever the summation order) is an integer that the
    format represents exactly, so the result is exact.
    """
    bound = k_terms * max_x * max_w
    if backend == "int64":
        return "i64" if bound < _I64_SAFE else "obj"
    if backend != "auto":
        raise ValueError(f"unknown backend {backend!r}")
    if bound < (1 << 24):
        return "f32"
    if bound < (1 << 53):
        return "f64"
    if bound < _I64_SAFE:
        return "i64"
    return "obj"


_DTYPE_OF = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "obj": object}


def _matmul_nt(a: np.ndarray, bt: np.ndarray, strategy: str) -> np.ndarray:
    """a @ bt.T for a: M x K, bt: N x K (both already in the strategy's dtype).

    numpy's einsum with both operands contiguous along K uses SIMD dot
    products and is ~2x faster than the reference BLAS shipped on Debian.
    Exactness does not depend on the summation order (see _plan_matmul).
    """
    if strategy == "obj":
        prod = a.dot(bt.T)
        return np.asarray(prod, dtype=object)
    prod = np.einsum("ij,kj->ik", a, bt)
    return prod.astype(np.int64)


def exact_int_matmul(a: np.ndarray, b: np.ndarray, backend: str = "auto") -> np.ndarray:
    """Exact integer a @ b (a: M x K, b: K x N), int64 result (object if huge)."""
    a = _as_int_array(a)
    b = _as_int_array(b)
    strategy = _plan_matmul(a.shape[-1], _maxabs(a), _maxabs(b), backend)
    dt = _DTYPE_OF[strategy]
    return _matmul_nt(np.ascontiguousarray(a, dtype=dt),
                      np.ascontiguousarray(b.T, dtype=dt), strategy)


# --------------------------------------------------------------------------
# Windows (shared by the integer and the float paths)
# --------------------------------------------------------------------------

def _pool_geometry(h, w, kh, kw, pads, strides, dilations):
    pt, pl, pb, pr = pads
    sh, sw = strides
    dh, dw = dilations
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (w + pl + pr - dw * (kw - 1) - 1) // sw + 1
    if oh <= 0 or ow <= 0:
        raise ValueError("empty output window")
    return oh, ow


def _windows_nhwc(x_nhwc: np.ndarray, kh, kw, pads, strides, dilations,
                  dtype, pad_value) -> Tuple[np.ndarray, int, int]:
    """Strided view [N, OH, OW, kh, kw, C] over the padded NHWC tensor."""
    n, h, w, c = x_nhwc.shape
    pt, pl, pb, pr = pads
    oh, ow = _pool_geometry(h, w, kh, kw, pads, strides, dilations)
    if pads == (0, 0, 0, 0) and x_nhwc.dtype == np.dtype(dtype):
        xp = np.ascontiguousarray(x_nhwc)
    else:
        xp = np.full((n, h + pt + pb, w + pl + pr, c), pad_value, dtype=dtype)
        xp[:, pt:pt + h, pl:pl + w, :] = x_nhwc
    s_n, s_h, s_w, s_c = xp.strides
    sh, sw = strides
    dh, dw = dilations
    view = as_strided(xp, (n, oh, ow, kh, kw, c),
                      (s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c),
                      writeable=False)
    return view, oh, ow


def _conv_attrs(node, w_shape):
    at = _attrs(node)
    if int(at.get("group", 1)) != 1:
        raise NotImplementedError(f"{node.name}: grouped convolution (group != 1)")
    if len(w_shape) != 4:
        raise NotImplementedError(f"{node.name}: only 2-D convolutions are supported")
    ks = list(at.get("kernel_shape", w_shape[2:]))
    if tuple(ks) != tuple(w_shape[2:]):
        raise ValueError(f"{node.name}: kernel_shape {ks} != weight shape {w_shape}")
    pads, strides, dil = _window_attrs(node, at)
    return pads, strides, dil


def _window_attrs(node, at):
    auto_pad = at.get("auto_pad", b"NOTSET")
    auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad
    if auto_pad not in ("NOTSET", "VALID"):
        raise NotImplementedError(f"{node.name}: auto_pad={auto_pad}")
    pads = list(at.get("pads", [0, 0, 0, 0])) if auto_pad == "NOTSET" else [0, 0, 0, 0]
    if len(pads) != 4 or min(pads) < 0:
        raise NotImplementedError(f"{node.name}: pads {pads}")
    # ONNX: [y_begin, x_begin, y_end, x_end] -> (top, left, bottom, right)
    pads = (int(pads[0]), int(pads[1]), int(pads[2]), int(pads[3]))
    strides = tuple(int(v) for v in at.get("strides", [1, 1]))
    dil = tuple(int(v) for v in at.get("dilations", [1, 1]))
    return pads, strides, dil


def _attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv_plan(w_int: np.ndarray, max_x: int, backend: str):
    """(strategy, F x (ky,kx,c) weight matrix in its dtype, bound on |acc|)."""
    f, c, kh, kw = w_int.shape
    max_w = _maxabs(w_int)
    strategy = _plan_matmul(c * kh * kw, max_x, max_w, backend)
    wmat = np.ascontiguousarray(w_int.transpose(0, 2, 3, 1).reshape(f, kh * kw * c),
                                dtype=_DTYPE_OF[strategy])
    return strategy, wmat, c * kh * kw * max_x * max_w


def _conv_int(x: np.ndarray, w_int: np.ndarray, pads, strides, dil,
              backend: str = "auto", plan=None) -> np.ndarray:
    """Exact integer convolution (no bias); x int64 NHWC, w int64 OIHW -> NHWC.

    ``plan`` = _conv_plan(w_int, bound on |x|, backend); computed if omitted.
    """
    n, h, wd, c = x.shape
    f, cw, kh, kw = w_int.shape
    if cw != c:
        raise ValueError(f"conv: input has {c} channels, weight expects {cw}")
    if plan is None:
        plan = _conv_plan(w_int, _maxabs(x), backend)
    strategy, wmat, _ = plan
    view, oh, ow = _windows_nhwc(x, kh, kw, pads, strides, dil, _DTYPE_OF[strategy], 0)
    cols = view.reshape(n * oh * ow, kh * kw * c)                 # im2col (copy)
    return _matmul_nt(cols, wmat, strategy).reshape(n, oh, ow, f)


def _fmt_maxabs(fmt: "Format") -> int:
    """Bound on |stored value| of a saturated tensor of this format."""
    return max(-fmt.lo, fmt.hi)


def _to_nchw(a: np.ndarray) -> np.ndarray:
    return a.transpose(0, 3, 1, 2) if a.ndim == 4 else a


def _to_nhwc(a: np.ndarray) -> np.ndarray:
    return a.transpose(0, 2, 3, 1) if a.ndim == 4 else a


# --------------------------------------------------------------------------
# Graph utilities
# --------------------------------------------------------------------------

def _load_model(model) -> onnx.ModelProto:
    if isinstance(model, onnx.ModelProto):
        return model
    return onnx.load(str(model))


def _topo_order(graph, known: set) -> List[onnx.NodeProto]:
    nodes = list(graph.node)
    avail = set(known) | {""}
    done = [False] * len(nodes)
    order = []
    progress = True
    while progress and len(order) < len(nodes):
        progress = False
        for i, nd in enumerate(nodes):
            if not done[i] and all(t in avail for t in nd.input):
                done[i] = True
                order.append(nd)
                avail.update(nd.output)
                progress = True
    if len(order) != len(nodes):
        missing = [nd.name or nd.op_type for i, nd in enumerate(nodes) if not done[i]]
        raise ValueError(f"graph is not a DAG or has undefined inputs: {missing[:5]}")
    return order


def _graph_parts(model: onnx.ModelProto):
    g = model.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    inputs = [i.name for i in g.input if i.name not in inits]
    if len(inputs) != 1:
        raise NotImplementedError(f"expected exactly one graph input, got {inputs}")
    outputs = [o.name for o in g.output]
    if len(outputs) != 1:
        raise NotImplementedError(f"expected exactly one graph output, got {outputs}")
    for nd in g.node:
        if nd.op_type == "Constant":
            at = _attrs(nd)
            if "value" not in at:
                raise NotImplementedError(f"{nd.name}: Constant without 'value'")
            inits[nd.output[0]] = numpy_helper.to_array(at["value"])
    order = [nd for nd in _topo_order(g, set(inits) | set(inputs))
             if nd.op_type != "Constant"]
    return inits, inputs[0], outputs[0], order


def _reshape_target(in_shape, shape):
    shape = [int(v) for v in shape]
    out = [in_shape[i] if v == 0 else v for i, v in enumerate(shape)]
    if out.count(-1) > 1:
        raise ValueError("Reshape: more than one -1")
    if -1 in out:
        known = int(np.prod([v for v in out if v != -1]))
        out[out.index(-1)] = int(np.prod(in_shape)) // known
    return tuple(out)


def _flatten_shape(in_shape, axis):
    axis = axis % len(in_shape) if axis < 0 else axis
    return (int(np.prod(in_shape[:axis], dtype=np.int64)),
            int(np.prod(in_shape[axis:], dtype=np.int64)))


def _gemm_weight_matrix(node, inits) -> Tuple[np.ndarray, dict]:
    at = _attrs(node)
    if float(at.get("alpha", 1.0)) != 1.0 or float(at.get("beta", 1.0)) != 1.0:
        raise NotImplementedError(f"{node.name}: Gemm with alpha/beta != 1")
    if node.input[1] not in inits:
        raise NotImplementedError(f"{node.name}: Gemm B must be an initializer")
    b = inits[node.input[1]]
    return (b.T if int(at.get("transB", 0)) else b), at


def _bias_vector(node, inits, n_out) -> Optional[np.ndarray]:
    if len(node.input) < 3 or node.input[2] == "":
        return None
    if node.input[2] not in inits:
        raise NotImplementedError(f"{node.name}: bias must be an initializer")
    b = np.asarray(inits[node.input[2]])
    if b.size != n_out or (b.ndim == 2 and b.shape[0] != 1) or b.ndim > 2:
        raise NotImplementedError(
            f"{node.name}: bias of shape {b.shape} (only one value per output "
            f"feature is supported)")
    return b.reshape(n_out)


# --------------------------------------------------------------------------
# The integer reference
# --------------------------------------------------------------------------

@dataclass
class IntegerResult:
    ints: np.ndarray                 # int64 stored integers of the graph output
    format: Format                   # their format
    tensors: Optional[Dict[str, np.ndarray]] = None   # ONNX tensor -> ints
    formats: Optional[Dict[str, Format]] = None       # ONNX tensor -> format
    entry_of: Optional[Dict[str, str]] = None          # ONNX tensor -> report entry

    @property
    def fraction_length(self) -> int:
        return self.format.f("output")

    def dequantized(self) -> np.ndarray:
        return dequantize(self.ints, self.fraction_length)

    def by_entry(self) -> Dict[str, Tuple[np.ndarray, Format]]:
        """Intermediates keyed by report entry name ("input", node names)."""
        if self.tensors is None:
            raise ValueError("run with keep_intermediates=True")
        return {self.entry_of[t]: (v, self.formats[t])
                for t, v in self.tensors.items() if t in self.entry_of}


class IntegerReference:
    """Integer evaluation of an ONNX model under a ``quant quantize`` report."""

    def __init__(self, model, report, backend: str = "auto"):
        self.model = _load_model(model)
        self.entries = load_report(report)
        self.backend = backend
        unq = [n for n, e in self.entries.items() if e.get("quantized", True) is False]
        if unq:
            raise NotImplementedError(
                "the integer reference covers fully quantized networks only; "
                f"report entries with \"quantized\": false: {unq}")
        inits, self.input_name, self.output_name, order = _graph_parts(self.model)
        self.inits = inits
        self.input_format = self._input_format()
        self.formats: Dict[str, Format] = {self.input_name: self.input_format}
        self.entry_of: Dict[str, str] = {self.input_name: self._input_entry_name}

        consumers: Dict[str, List[onnx.NodeProto]] = {}
        for nd in order:
            for t in nd.input:
                consumers.setdefault(t, []).append(nd)
        producer = {t: nd for nd in order for t in nd.output}
        # Relu fusion decisions: producer node name -> Relu node.
        self.fused: Dict[str, onnx.NodeProto] = {}
        fused_relus = set()
        for nd in order:
            if nd.op_type != "Relu":
                continue
            src = nd.input[0]
            p = producer.get(src)
            if (p is not None and p.op_type in ("Conv", "Gemm", "Add")
                    and len(consumers.get(src, [])) == 1
                    and src != self.output_name):
                self.fused[p.name] = nd
                fused_relus.add(id(nd))
        self.steps = []
        for nd in order:
            if id(nd) in fused_relus:
                # no-op: its output is the fused producer's tensor
                self.steps.append(("alias", nd.input[0], nd.output[0], nd.name))
                self.formats[nd.output[0]] = self.formats[nd.input[0]]
                continue
            self.steps.append(self._plan_node(nd))

    # -- report lookups ---------------------------------------------------
    def _input_format(self) -> Format:
        cands = [n for n, e in self.entries.items() if e.get("kind") == "input"]
        if len(cands) > 1:
            cands = [n for n in cands if n == self.input_name] or cands
        if not cands and self.input_name in self.entries:
            cands = [self.input_name]
        if len(cands) != 1:
            raise ValueError(f"report: cannot identify the input entry (candidates {cands})")
        self._input_entry_name = cands[0]
        return Format.from_json(self.entries[cands[0]]["format"])

    def _entry_format(self, name: str, what: str) -> Format:
        if name not in self.entries:
            raise KeyError(f"report has no entry {name!r} ({what})")
        return Format.from_json(self.entries[name]["format"])

    def _weight_fractions(self, node, n_out: int, expect_axis: int) -> Tuple[Format, np.ndarray]:
        fmt = self._entry_format(node.name + "/weight", "weight")
        fl = np.asarray(fmt.fraction_lengths, dtype=np.int64)
        if fl.size == 1:
            fl = np.full(n_out, int(fl[0]), dtype=np.int64)
        elif fl.size != n_out:
            raise ValueError(f"{node.name}/weight: {fl.size} fraction lengths for "
                             f"{n_out} output channels")
        elif fmt.axis is not None and int(fmt.axis) != expect_axis:
            raise ValueError(f"{node.name}/weight: per-channel axis {fmt.axis}, "
                             f"expected {expect_axis} (output channel/feature)")
        return fmt, fl

    def _bias_ints(self, node, bias, fx: int, fw: np.ndarray) -> Optional[np.ndarray]:
        if bias is None:
            return None
        expect = fx + fw
        name = node.name + "/bias"
        width, signed = 32, True
        if name in self.entries:
            bf = Format.from_json(self.entries[name]["format"])
            got = np.asarray(bf.fraction_lengths, dtype=np.int64)
            if got.size == 1:
                got = np.full(expect.size, int(got[0]), dtype=np.int64)
            if got.size != expect.size or np.any(got != expect):
                raise ValueError(
                    f"{name}: report bias fraction lengths {list(bf.fraction_lengths)} "
                    f"!= Fx + Fw = {fx} + {fw.tolist()} = {expect.tolist()}")
            if bf.width != 32 or not bf.signed:
                raise ValueError(f"{name}: bias format {bf} is not s32")
        return quantize(bias.astype(np.float32), expect, width, signed, axis=0)

    def _out_format(self, node) -> Tuple[Format, bool, str]:
        """(format of the node's result, fused relu?, entry name)."""
        relu = self.fused.get(node.name)
        ename = relu.name if relu is not None else node.name
        fmt = self._entry_format(ename, "activation")
        fmt.f(ename)
        return fmt, relu is not None, ename

    def _passthrough_check(self, node, fmt_in: Format):
        if node.name in self.entries:
            own = Format.from_json(self.entries[node.name]["format"])
            if not own.same_as(fmt_in):
                raise ValueError(
                    f"{node.name} ({node.op_type}) moves data only, but its report "
                    f"format {own} differs from its input's {fmt_in}")

    def _act_format(self, tensor: str, node) -> Format:
        if tensor not in self.formats:
            raise NotImplementedError(
                f"{node.name}: input {tensor!r} is not a quantized activation "
                f"(constant operands are only supported as Conv/Gemm weights/bias)")
        return self.formats[tensor]

    # -- planning ---------------------------------------------------------
    def _plan_node(self, nd):
        op = nd.op_type
        out = nd.output[0]
        if op == "Conv":
            if nd.input[1] not in self.inits:
                raise NotImplementedError(f"{nd.name}: Conv weight must be an initializer")
            w = self.inits[nd.input[1]].astype(np.float32)
            pads, strides, dil = _conv_attrs(nd, w.shape)
            fx = self._act_format(nd.input[0], nd).f(nd.input[0])
            wfmt, fw = self._weight_fractions(nd, w.shape[0], 0)
            w_int = quantize(w, fw, wfmt.width, wfmt.signed, axis=0)
            b_int = self._bias_ints(nd, _bias_vector(nd, self.inits, w.shape[0]), fx, fw)
            yfmt, relu, ename = self._out_format(nd)
            shift = fx + fw - yfmt.f()            # per output channel (last axis, NHWC)
            # |x| is bounded by its (saturated) format: plan the exact product once.
            plan = _conv_plan(w_int, _fmt_maxabs(self.formats[nd.input[0]]), self.backend)
            acc_max = plan[2] + (0 if b_int is None else _maxabs(b_int))
            self._set(out, yfmt, ename)
            return ("conv", nd.input[0], out, dict(w=w_int, b=b_int, shift=shift,
                                                 fmt=yfmt, relu=relu, pads=pads,
                                                 strides=strides, dil=dil, plan=plan,
                                                 acc_max=acc_max))
        if op == "Gemm":
            wmat, at = _gemm_weight_matrix(nd, self.inits)
            wmat = wmat.astype(np.float32)
            fx = self._act_format(nd.input[0], nd).f(nd.input[0])
            n_out = wmat.shape[1]
            wfmt, fw = self._weight_fractions(nd, n_out, 1)
            w_int = quantize(wmat, fw, wfmt.width, wfmt.signed, axis=1)
            b_int = self._bias_ints(nd, _bias_vector(nd, self.inits, n_out), fx, fw)
            yfmt, relu, ename = self._out_format(nd)
            self._set(out, yfmt, ename)
            acc_max = (wmat.shape[0] * _fmt_maxabs(self.formats[nd.input[0]]) * _maxabs(w_int)
                       + (0 if b_int is None else _maxabs(b_int)))
            return ("gemm", nd.input[0], out, dict(acc_max=acc_max, 
                w=w_int, b=b_int,
                shift=fx + fw - yfmt.f(), fmt=yfmt, relu=relu,
                transA=int(at.get("transA", 0))))
        if op == "Add":
            fa = self._act_format(nd.input[0], nd).f()
            fb = self._act_format(nd.input[1], nd).f()
            yfmt, relu, ename = self._out_format(nd)
            self._set(out, yfmt, ename)
            return ("add", tuple(nd.input[:2]), out, dict(fa=fa, fb=fb, fmt=yfmt, relu=relu))
        if op == "Relu":
            fx = self._act_format(nd.input[0], nd).f()
            yfmt = self._entry_format(nd.name, "activation")
            self._set(out, yfmt, nd.name)
            return ("relu", nd.input[0], out, dict(shift=fx - yfmt.f(nd.name), fmt=yfmt))
        if op == "GlobalAveragePool":
            fx = self._act_format(nd.input[0], nd).f()
            yfmt = self._entry_format(nd.name, "activation")
            self._set(out, yfmt, nd.name)
            return ("gap", nd.input[0], out, dict(fx=fx, fy=yfmt.f(nd.name), fmt=yfmt))
        if op in ("Flatten", "Reshape", "Identity", "Dropout", "MaxPool"):
            fin = self._act_format(nd.input[0], nd)
            self._passthrough_check(nd, fin)
            self._set(out, fin, nd.name)
            if op == "Flatten":
                return ("flatten", nd.input[0], out, dict(axis=int(_attrs(nd).get("axis", 1))))
            if op == "Reshape":
                if nd.input[1] not in self.inits:
                    raise NotImplementedError(f"{nd.name}: dynamic Reshape shape")
                return ("reshape", nd.input[0], out, dict(shape=self.inits[nd.input[1]]))
            if op == "MaxPool":
                at = _attrs(nd)
                if int(at.get("ceil_mode", 0)) != 0:
                    raise NotImplementedError(f"{nd.name}: MaxPool ceil_mode=1")
                if len(nd.output) > 1 and nd.output[1]:
                    raise NotImplementedError(f"{nd.name}: MaxPool indices output")
                ks = [int(v) for v in at["kernel_shape"]]
                if len(ks) != 2:
                    raise NotImplementedError(f"{nd.name}: only 2-D MaxPool")
                pads, strides, dil = _window_attrs(nd, at)
                if "strides" not in at:
                    strides = (1, 1)
                return ("maxpool", nd.input[0], out, dict(k=ks, pads=pads, strides=strides,
                                                        dil=dil, lo=fin.lo))
            return ("alias", nd.input[0], out, nd.name)
        raise NotImplementedError(f"{nd.name}: operator {op} is not supported by "
                                  f"the integer reference")

    def _set(self, tensor, fmt, entry):
        self.formats[tensor] = fmt
        self.entry_of[tensor] = entry

    # -- execution --------------------------------------------------------
    def quantize_input(self, x_float) -> np.ndarray:
        fmt = self.input_format
        return quantize(np.asarray(x_float, dtype=np.float32), fmt.f("input"),
                        fmt.width, fmt.signed)

    @property
    def output_format(self) -> Format:
        return self.formats[self.output_name]

    def _exec(self, x_int: np.ndarray, keep: bool):
        """Run one batch; x_int is NCHW.  Internally 4-D tensors are NHWC."""
        env = {self.input_name: _to_nhwc(np.asarray(x_int, dtype=np.int64))}
        for kind, src, dst, p in self.steps:
            if kind == "alias":
                env[dst] = env[src]
                continue
            if kind == "conv":
                x = env[src]
                if x.ndim != 4:
                    raise ValueError(f"Conv input must be 4-D, got {x.shape}")
                acc = _conv_int(x, p["w"], p["pads"], p["strides"], p["dil"],
                                self.backend, p["plan"])
                y = self._requant(acc, p)
            elif kind == "gemm":
                a = env[src]
                if a.ndim != 2:
                    raise ValueError(f"Gemm input must be 2-D, got {a.shape}")
                if p["transA"]:
                    a = a.T
                acc = exact_int_matmul(a, p["w"], self.backend)
                y = self._requant(acc, p)
            elif kind == "add":
                a, b = env[src[0]], env[src[1]]
                bcast = a.shape != b.shape
                if bcast:  # broadcasting follows the NCHW semantics of ONNX
                    a, b = _to_nchw(a), _to_nchw(b)
                fm = max(p["fa"], p["fb"])
                s = _shift_left(a, fm - p["fa"]) + _shift_left(b, fm - p["fb"])
                y = saturate(round_shift(s, fm - p["fmt"].f()), p["fmt"].width,
                             p["fmt"].signed, inplace=True)
                if p["relu"]:
                    np.maximum(y, 0, out=y)
                if bcast:
                    y = _to_nhwc(y)
            elif kind == "relu":
                x = np.maximum(env[src], 0)
                y = saturate(round_shift(x, p["shift"]), p["fmt"].width, p["fmt"].signed,
                             inplace=True)
            elif kind == "gap":
                x = env[src]
                if x.ndim != 4:
                    raise NotImplementedError("GlobalAveragePool: only 4-D (N, C, H, W)")
                n = x.shape[1] * x.shape[2]
                ssum = x.sum(axis=(1, 2), keepdims=True)    # exact (|x| < 2^32)
                if p["fy"] >= p["fx"]:
                    q = round_away_div(_shift_left(ssum, p["fy"] - p["fx"]), n)
                else:
                    q = round_away_div(ssum, n * (1 << (p["fx"] - p["fy"])))
                y = saturate(q, p["fmt"].width, p["fmt"].signed)
            elif kind == "flatten":
                x = _to_nchw(env[src])
                y = _to_nhwc(x.reshape(_flatten_shape(x.shape, p["axis"])))
            elif kind == "reshape":
                x = _to_nchw(env[src])
                y = _to_nhwc(x.reshape(_reshape_target(x.shape, p["shape"])))
            elif kind == "maxpool":
                x = env[src]
                kh, kw = p["k"]
                view, _, _ = _windows_nhwc(x, kh, kw, p["pads"], p["strides"], p["dil"],
                                           np.int64, p["lo"])
                y = view.max(axis=(3, 4))
            else:  # pragma: no cover
                raise AssertionError(kind)
            env[dst] = y
        out = _to_nchw(env[self.output_name])
        if keep:
            return out, {t: np.ascontiguousarray(_to_nchw(v)) for t, v in env.items()
                         if t in self.formats}
        return np.ascontiguousarray(out), None

    def _requant(self, acc, p):
        """acc (+ bias) -> round_shift per output channel (last axis) -> sat (-> relu)."""
        if p["b"] is not None:
            acc += p["b"]
        y = saturate(round_shift(acc, p["shift"], p["acc_max"]), p["fmt"].width,
                     p["fmt"].signed, inplace=True)
        if p["relu"]:
            np.maximum(y, 0, out=y)
        return y

    def run_stored(self, x_int, batch_size: int = 64, keep_intermediates: bool = False,
                   jobs: int = 1) -> IntegerResult:
        """Run on already-quantized input integers (stored values, NCHW)."""
        x_int = np.asarray(x_int)
        if x_int.size and (int(x_int.min()) < self.input_format.lo
                           or int(x_int.max()) > self.input_format.hi):
            raise ValueError(f"input integers outside the input format {self.input_format}")
        x_int = x_int.astype(np.int64)
        n = x_int.shape[0]
        starts = list(range(0, n, max(1, batch_size)))
        if keep_intermediates or jobs <= 1 or len(starts) <= 1:
            outs, keeps = [], []
            for s0 in starts:
                o, k = self._exec(x_int[s0:s0 + batch_size], keep_intermediates)
                outs.append(o)
                keeps.append(k)
        else:
            outs = _parallel_run(self, x_int, starts, batch_size, jobs)
            keeps = [None]
        ints = np.concatenate(outs, axis=0) if outs else np.zeros((0,), np.int64)
        res = IntegerResult(ints, self.output_format)
        if keep_intermediates:
            res.tensors = {t: np.concatenate([k[t] for k in keeps], axis=0)
                           for t in keeps[0]}
            res.formats = dict(self.formats)
            res.entry_of = dict(self.entry_of)
        return res

    def run(self, x_float, batch_size: int = 64, keep_intermediates: bool = False,
            jobs: int = 1) -> IntegerResult:
        """Quantize float32 (normalized, NCHW) inputs and run the integer network."""
        return self.run_stored(self.quantize_input(x_float), batch_size,
                               keep_intermediates, jobs)


_WORKER_REF: Optional[IntegerReference] = None
_WORKER_X: Optional[np.ndarray] = None


def _worker_batch(args):
    s0, bs = args
    out, _ = _WORKER_REF._exec(_WORKER_X[s0:s0 + bs], False)
    return out


def _parallel_run(ref, x_int, starts, batch_size, jobs):
    global _WORKER_REF, _WORKER_X
    _WORKER_REF, _WORKER_X = ref, x_int
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            return pool.map(_worker_batch, [(s0, batch_size) for s0 in starts],
                            chunksize=1)
    finally:
        _WORKER_REF, _WORKER_X = None, None


# --------------------------------------------------------------------------
# Float evaluation (for sanity checks; independent of the report)
# --------------------------------------------------------------------------

def run_float(model, x, batch_size: int = 256) -> np.ndarray:
    """Evaluate the ONNX graph in float64 numpy; returns the output as float32."""
    model = _load_model(model)
    inits, in_name, out_name, order = _graph_parts(model)
    x = np.asarray(x, dtype=np.float32)
    outs = []
    for s0 in range(0, x.shape[0], batch_size):
        env = {k: np.asarray(v) for k, v in inits.items()}
        env[in_name] = x[s0:s0 + batch_size].astype(np.float64)
        for nd in order:
            op = nd.op_type
            at = _attrs(nd)
            i0 = env[nd.input[0]]
            if op == "Conv":
                w = env[nd.input[1]].astype(np.float64)
                pads, strides, dil = _conv_attrs(nd, w.shape)
                f, c, kh, kw = w.shape
                view, oh, ow = _windows_nhwc(_to_nhwc(i0), kh, kw, pads, strides, dil, np.float64, 0.0)
                cols = view.reshape(-1, kh * kw * c)
                y = cols @ w.transpose(2, 3, 1, 0).reshape(-1, f)
                y = y.reshape(i0.shape[0], oh, ow, f).transpose(0, 3, 1, 2)
                if len(nd.input) > 2 and nd.input[2]:
                    y = y + env[nd.input[2]].astype(np.float64).reshape(1, -1, 1, 1)
            elif op == "Gemm":
                wmat, at = _gemm_weight_matrix(nd, env)
                a = i0.T if int(at.get("transA", 0)) else i0
                y = a @ wmat.astype(np.float64)
                if len(nd.input) > 2 and nd.input[2]:
                    y = y + env[nd.input[2]].astype(np.float64)
            elif op == "Add":
                y = i0 + env[nd.input[1]]
            elif op == "Relu":
                y = np.maximum(i0, 0.0)
            elif op == "GlobalAveragePool":
                y = i0.mean(axis=tuple(range(2, i0.ndim)), keepdims=True)
            elif op == "Flatten":
                y = i0.reshape(_flatten_shape(i0.shape, int(at.get("axis", 1))))
            elif op == "Reshape":
                y = i0.reshape(_reshape_target(i0.shape, env[nd.input[1]]))
            elif op in ("Identity", "Dropout"):
                y = i0
            elif op == "MaxPool":
                pads, strides, dil = _window_attrs(nd, at)
                if "strides" not in at:
                    strides = (1, 1)
                kh, kw = [int(v) for v in at["kernel_shape"]]
                view, _, _ = _windows_nhwc(_to_nhwc(i0), kh, kw, pads, strides, dil,
                                           np.float64, -np.inf)
                y = view.max(axis=(3, 4)).transpose(0, 3, 1, 2)
            else:
                raise NotImplementedError(f"float path: operator {op}")
            env[nd.output[0]] = y
        outs.append(env[out_name].astype(np.float32))
    return np.concatenate(outs, axis=0)


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4",
              0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed)."""
    with open(path, "rb") as fh:
        head = fh.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    dt = np.dtype(_IDX_TYPES[data[2]])
    off = 4 + 4 * ndim
    count = int(np.prod(dims)) if dims else 1
    if len(data) != off + count * dt.itemsize:
        raise ValueError(f"{path}: size mismatch")
    arr = np.frombuffer(data, dtype=dt, count=count, offset=off).reshape(dims)
    return arr.astype(dt.newbyteorder("="))


def normalize_images(images, mean: float = DEFAULT_MEAN, std: float = DEFAULT_STD) -> np.ndarray:
    """uint8 images -> float32, exactly ((img/255) - mean) / std in float32.

    [N,H,W] gains a channel axis ([N,1,H,W]); [N,C,H,W] is kept.
    """
    img = np.asarray(images)
    x = (img.astype(np.float32) / np.float32(255)) - np.float32(mean)
    x = x / np.float32(std)
    if x.ndim == 3:
        x = x[:, None, :, :]
    return x.astype(np.float32, copy=False)


def load_images(path: str, normalize: Optional[Tuple[float, float]] = None,
                limit: Optional[int] = None) -> np.ndarray:
    """IDX(.gz) or .npy -> float32 NCHW network input.

    uint8 data is normalized with ``normalize`` = (mean, std) (default
    Fashion-MNIST); float data is taken as already normalized.
    """
    arr = np.load(path) if path.endswith(".npy") else read_idx(path)
    if limit is not None:
        arr = arr[:limit]
    if arr.dtype == np.uint8:
        mean, std = normalize if normalize is not None else (DEFAULT_MEAN, DEFAULT_STD)
        return normalize_images(arr, mean, std)
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(f"{path}: expected uint8 images or float arrays, got {arr.dtype}")
    if normalize is not None:
        raise ValueError(f"{path}: float input is taken as already normalized; "
                         f"drop --normalize")
    x = arr.astype(np.float32, copy=False)
    if x.ndim == 3:
        x = x[:, None]
    return x


def load_labels(path: str, limit: Optional[int] = None) -> np.ndarray:
    arr = np.load(path) if path.endswith(".npy") else read_idx(path)
    arr = np.asarray(arr).astype(np.int64).reshape(-1)
    return arr[:limit] if limit is not None else arr


# --------------------------------------------------------------------------
# Synthetic reports (tests / experiments)
# --------------------------------------------------------------------------

def make_synthetic_report(model, act=(True, 16, 10), weight=(True, 16, 14),
                          input_format=None) -> dict:
    """A report with one uniform activation format and per-channel weights.

    ``act`` / ``weight`` / ``input_format`` are (signed, width, F) tuples; biases
    get s32 with F = Fx + Fw (Fx = the uniform activation F, or the input's).
    """
    model = _load_model(model)
    inits, in_name, _, order = _graph_parts(model)
    input_format = input_format or act

    def fmt(sw, fl, axis=None):
        return {"signed": sw[0], "width": sw[1], "fraction_lengths": list(fl), "axis": axis}

    t = [{"name": in_name, "kind": "input", "format": fmt(input_format, [input_format[2]]),
          "quantized": True}]
    act_fmt = {in_name: tuple(input_format)}   # tensor -> (signed, width, F)
    for nd in order:
        fin = act_fmt.get(nd.input[0], tuple(act))
        if nd.op_type in ("Conv", "Gemm"):
            if nd.op_type == "Conv":
                n_out, axis = inits[nd.input[1]].shape[0], 0
            else:
                wmat, _ = _gemm_weight_matrix(nd, inits)
                n_out, axis = wmat.shape[1], 1
            t.append({"name": nd.name + "/weight", "kind": "weight",
                      "format": fmt(weight, [weight[2]] * n_out, axis), "quantized": True})
            if len(nd.input) > 2 and nd.input[2]:
                t.append({"name": nd.name + "/bias", "kind": "bias",
                          "format": fmt((True, 32), [fin[2] + weight[2]] * n_out, 0),
                          "quantized": True})
        # data-movement operators keep their input's format
        out = fin if nd.op_type in ("Flatten", "Reshape", "Identity", "Dropout",
                                    "MaxPool") else tuple(act)
        act_fmt[nd.output[0]] = out
        t.append({"name": nd.name, "kind": "activation", "format": fmt(out, [out[2]]),
                  "quantized": True})
    return {"tensors": t}


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def _parse_normalize(s: Optional[str]):
    if s is None:
        return None
    parts = s.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError("--normalize expects MEAN,STD")
    return float(parts[0]), float(parts[1])


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python3 -m fxp_reference.integer_reference",
        description="Independent integer reference of an fxp-quantized ONNX network.")
    ap.add_argument("model", help="ONNX model")
    ap.add_argument("report", help="report.json written by `quant quantize`")
    ap.add_argument("--input", required=True,
                    help="images: IDX(.gz) or .npy (uint8 images, or normalized float32 NCHW)")
    ap.add_argument("--normalize", default=None,
                    help=f"MEAN,STD for uint8 images (default {DEFAULT_MEAN},{DEFAULT_STD})")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N images")
    ap.add_argument("--output", default=None, help="write dequantized float32 logits (.npy)")
    ap.add_argument("--output-ints", default=None,
                    help="write the stored output integers (int64 .npy)")
    ap.add_argument("--labels", default=None, help="labels IDX(.gz)/.npy: print top-1")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                    help="worker processes (default: min(4, cores))")
    ap.add_argument("--backend", choices=("auto", "int64"), default="auto",
                    help="int64 forces plain int64 matmuls (slower; for cross-checks)")
    ap.add_argument("--float", action="store_true",
                    help="also evaluate the float model and print its top-1 / agreement")
    args = ap.parse_args(argv)

    t0 = time.time()
    x = load_images(args.input, _parse_normalize(args.normalize), args.limit)
    ref = IntegerReference(args.model, args.report, backend=args.backend)
    res = ref.run(x, batch_size=args.batch, jobs=args.jobs)
    logits = res.dequantized()
    dt = time.time() - t0
    print(f"integer reference: {x.shape[0]} inputs, output {ref.output_name!r} "
          f"{tuple(logits.shape)} format {res.format}, {dt:.1f}s")
    if args.output:
        np.save(args.output, logits)
        print(f"wrote {args.output}")
    if args.output_ints:
        np.save(args.output_ints, res.ints)
        print(f"wrote {args.output_ints}")
    pred = logits.reshape(logits.shape[0], -1).argmax(axis=1)
    labels = load_labels(args.labels, args.limit) if args.labels else None
    if labels is not None:
        if labels.shape[0] != pred.shape[0]:
            print(f"error: {labels.shape[0]} labels for {pred.shape[0]} inputs", file=sys.stderr)
            return 2
        correct = int((pred == labels).sum())
        print(f"top-1: {correct}/{labels.shape[0]} = {correct / labels.shape[0]:.4f}")
    if args.float:
        fl = run_float(ref.model, x, args.batch)
        fpred = fl.reshape(fl.shape[0], -1).argmax(axis=1)
        print(f"argmax agreement with float: {int((fpred == pred).sum())}/{pred.shape[0]}")
        if labels is not None:
            print(f"float top-1: {float((fpred == labels).mean()):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
