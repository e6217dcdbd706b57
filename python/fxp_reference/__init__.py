"""Independent numpy + onnx reference implementations for fxp.

Nothing in this package imports or calls fxp code: it re-implements the
integer semantics of a quantized network from an ONNX model plus the
``report.json`` written by ``quant quantize``, so that the network fxp compiles
can be compared against it bit-exactly.

See :mod:`fxp_reference.integer_reference` (also a CLI:
``python3 -m fxp_reference.integer_reference --help``).
"""

# Names are resolved lazily (PEP 562) so that running the submodule with
# ``python3 -m fxp_reference.integer_reference`` does not import it twice.
_EXPORTS = (
    "Format",
    "IntegerReference",
    "IntegerResult",
    "dequantize",
    "exact_int_matmul",
    "load_images",
    "load_labels",
    "load_report",
    "make_synthetic_report",
    "normalize_images",
    "quantize",
    "read_idx",
    "round_away",
    "round_away_div",
    "round_shift",
    "run_float",
    "saturate",
)

__all__ = list(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        from . import integer_reference
        return getattr(integer_reference, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
