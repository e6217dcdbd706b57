#!/usr/bin/python3
"""End-to-end checks of mixed-precision search on the bundled reference model.

  search.py frontier --quant PATH --model-dir DIR
      `quant search --budget-ratio 0.15` (sensitivities on 64 calibration
      images, a fresh cache directory), validated with the integer kernels on
      the full Fashion-MNIST test set. The chosen point reduces learnable
      memory by at least 85% at most 1 pp below float top-1; the exact optimum
      at the bytes of uniform w8a8 and of uniform w4a8 is at least as accurate
      as those uniform points; the cost model's bytes equal the bytes of every
      compiled point; the exact optimum's objective is at most the greedy
      one's; search.json, frontier.svg, annotated.mlir and quantized.mlir are
      written. A second run finds the sensitivities in the cache (its timing
      is printed, not asserted: benchmarks/search_timing.py measures it).

  search.py bit-exact --quant PATH --model-dir DIR [--reference PYDIR]
      `quant quantize --mixed-precision formats=...` with 4-bit (packed),
      8-bit and 16-bit weights and 8/16-bit activations: the compiled integer
      network's logits EQUAL the numpy integer reference's on 512 test images,
      4-bit weights are stored packed in the integer program, the report's
      learnable bytes count them at half a byte, and the range analysis
      proves the whole integer network (unpacking included) overflow-free.

  search.py errors --quant PATH --model-dir DIR
      Bad inputs end `quant search` / `quant quantize --mixed-precision` with
      a non-zero exit status and a message naming the problem.

Closing line: 'N passed, N failed'.
"""
import argparse
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (NORMALIZE, TEST_IMAGES, TEST_LABELS,  # noqa: E402
                    TRAIN_IMAGES, Checks)
import quantize  # noqa: E402
from quantize import run_quant as run  # noqa: E402

BUDGET_RATIO = 0.15
MIN_REDUCTION = 0.85
MAX_DROP = 0.01
# Calibration, 97 measurement runs and 7 validations of 10,000 images.
SEARCH_TIMEOUT = 2400


def search_command(args, out_dir, cache_dir, *extra):
    return [args.quant, "search", os.path.join(args.model_dir, "model.onnx"),
            "--calibration", TRAIN_IMAGES, "--normalize", NORMALIZE,
            "--cache-dir", cache_dir, "-o", out_dir, *extra]


def check_frontier(args, checks):
    with tempfile.TemporaryDirectory(prefix="fxp-search-") as work:
        cache = os.path.join(work, "cache")
        out = os.path.join(work, "out")
        proc, seconds = run(search_command(
            args, out, cache, "--budget-ratio", str(BUDGET_RATIO),
            "--validation", TEST_IMAGES, "--labels", TEST_LABELS),
            timeout=SEARCH_TIMEOUT)
        print(proc.stdout)
        with open(os.path.join(out, "search.json")) as f:
            report = json.load(f)
        timing = report["timing"]
        print(f"quant search (measure + validate {len(report['points'])} points on "
              f"10000 images): {seconds:.1f} s; sensitivities "
              f"{timing['sensitivity_seconds']:.1f} s, search "
              f"{timing['search_seconds']:.4f} s")
        float_top1 = report["float"]["top1"]
        float_bytes = report["float"]["param_bytes"]
        points = {point["label"]: point for point in report["points"]}
        checks.expect("not cached on the first run", timing["cached"] is False)
        checks.expect("every point validated",
                      all("measured" in p for p in report["points"]),
                      f"{sum('measured' in p for p in report['points'])}/"
                      f"{len(report['points'])}")

        exact = points["exact"]
        reduction = 1 - exact["param_bytes"] / float_bytes
        drop = float_top1 - exact["measured"]["top1"]
        checks.expect(f"chosen point: >= {MIN_REDUCTION:.0%} less learnable memory",
                      reduction >= MIN_REDUCTION,
                      f"{exact['param_bytes']} of {float_bytes} bytes (-{reduction:.2%})")
        checks.expect(f"chosen point: top-1 drop <= {MAX_DROP * 100:.1f} pp",
                      drop <= MAX_DROP,
                      f"float {float_top1:.2%}, chosen {exact['measured']['top1']:.2%}")
        for uniform in ("w8a8", "w4a8"):
            ref = points[f"uniform {uniform}"]
            at = points[f"exact @{uniform} cost"]
            checks.expect(f"frontier at uniform {uniform} bytes is at least as accurate",
                          at["param_bytes"] <= ref["param_bytes"]
                          and at["measured"]["top1"] >= ref["measured"]["top1"],
                          f"exact {at['measured']['top1']:.2%} at {at['param_bytes']} "
                          f"bytes, uniform {ref['measured']['top1']:.2%} at "
                          f"{ref['param_bytes']} bytes")
        mismatched = [p["label"] for p in report["points"]
                      if p["param_bytes"] != p["measured"]["param_bytes"]]
        checks.expect("cost model bytes equal the compiled points' bytes",
                      not mismatched, f"differ: {mismatched}" if mismatched else
                      f"{len(report['points'])} points")
        checks.expect("exact objective <= greedy objective at the budget",
                      exact["objective"] <= points["greedy"]["objective"] + 1e-15,
                      f"exact {exact['objective']:.3e}, greedy "
                      f"{points['greedy']['objective']:.3e}")
        frontier = report["frontier"]
        checks.expect("frontier sorted: bytes rise, objective falls",
                      all(a["param_bytes"] < b["param_bytes"]
                          and a["objective"] > b["objective"]
                          for a, b in zip(frontier, frontier[1:])),
                      f"{len(frontier)} points")
        files = ["search.json", "frontier.svg", "annotated.mlir", "quantized.mlir"]
        missing = [f for f in files if not os.path.isfile(os.path.join(out, f))]
        checks.expect("outputs written", not missing, f"missing {missing}")
        with open(os.path.join(out, "quantized.mlir")) as f:
            checks.expect("the chosen point's program holds packed-able 4-bit weights",
                          "xi4> as !fxp.fixed<s4" in f.read())

        # The cached run: no calibration, no measurement.
        proc, seconds = run(search_command(
            args, os.path.join(work, "again"), cache, "--budget-ratio",
            str(BUDGET_RATIO)))
        with open(os.path.join(work, "again", "search.json")) as f:
            again = json.load(f)
        checks.expect("second run uses the cache", again["timing"]["cached"] is True,
                      f"{seconds:.2f} s wall, search "
                      f"{again['timing']['search_seconds']:.4f} s")
        same = ({k: v for k, v in again["points"][0]["choices"].items()}
                == exact["choices"])
        checks.expect("cached run chooses the same point", same)


# A plan without float layers mixing every supported word length.
BIT_EXACT_PLAN = {
    "/stem/conv/Conv": "w8a16",
    "/stage1/unit1/conv1/Conv": "w4a8",
    "/stage1/unit1/conv2/Conv": "w4a16",
    "/stage1/unit2/conv1/Conv": "w16a16",
    "/stage1/unit2/conv2/Conv": "w4a8",
    "/stage2/unit1/conv1/Conv": "w4a16",
    "/stage2/unit1/conv2/Conv": "w8a8",
    "/stage2/unit1/shortcut/conv/Conv": "w16a8",
    "/stage2/unit2/conv1/Conv": "w4a8",
    "/stage2/unit2/conv2/Conv": "w4a8",
    "/stage3/unit1/conv1/Conv": "w4a8",
    "/stage3/unit1/conv2/Conv": "w8a16",
    "/stage3/unit1/shortcut/conv/Conv": "w4a8",
    "/stage3/unit2/conv1/Conv": "w4a8",
    "/stage3/unit2/conv2/Conv": "w4a8",
    "/fc/Gemm": "w8a8",
}


def check_bit_exact(args, checks):
    plan = "formats=" + ",".join(f"{k}={v}" for k, v in BIT_EXACT_PLAN.items())
    report, text = quantize.check_bit_exact(args, checks, ("--mixed-precision", plan),
                                            label="mixed precision")
    widths = {}
    for tensor in report["tensors"]:
        if tensor["kind"] == "weight":
            widths[tensor["name"][: -len("/weight")]] = tensor["format"]["width"]
    expected = {k: int(v[1:v.index("a")]) for k, v in BIT_EXACT_PLAN.items()}
    checks.expect("report.json weight widths follow the plan", widths == expected,
                  f"{sum(widths.get(k) == v for k, v in expected.items())}/"
                  f"{len(expected)} layers")
    # Learnable bytes recomputed from the constants of the integer program:
    # payloads of at most 4 bits count half a byte per value.
    total = 0
    for match in re.finditer(r"fxp\.constant .* : tensor<([0-9x]+)xi(\d+)> as", text):
        count = 1
        for dim in match.group(1).split("x"):
            count *= int(dim)
        width = int(match.group(2))
        total += (count + 1) // 2 if width <= 4 else count * ((width + 7) // 8)
    checks.expect("report.json learnable bytes count 4-bit weights packed",
                  total == report["quantized"]["param_bytes"] and total > 0,
                  f"report {report['quantized']['param_bytes']}, constants {total}")
    proof = report["overflow_proof"]
    checks.expect("integer network proven overflow-free (int4 unpacking, i64 "
                  "accumulators included)", proof["overflows"] == 0
                  and proof["proven_accumulators"] > 0,
                  f"{proof['proven_accumulators']} accumulators need "
                  f"{proof['accumulator_bits_min']}-{proof['accumulator_bits_max']} bits, "
                  f"{proof['overflows']} possible overflows")
    checks.expect("4-bit weights appear as i4 payloads",
                  text.count("xi4> as !fxp.fixed<s4") ==
                  sum(1 for v in BIT_EXACT_PLAN.values() if v.startswith("w4")))


def check_errors(args, checks):
    model = os.path.join(args.model_dir, "model.onnx")
    with tempfile.TemporaryDirectory(prefix="fxp-search-") as work:
        cache = os.path.join(work, "cache")

        def search(*extra, calibration=TRAIN_IMAGES):
            return [args.quant, "search", model, "--calibration", calibration,
                    "--normalize", NORMALIZE, "--cache-dir", cache,
                    "-o", os.path.join(work, "out"), *extra]

        cases = [
            ("unknown candidate", search("--candidates", "w4a8,w3x8"),
             "--candidates: 'w3x8' is not a precision"),
            ("two budgets", search("--budget-ratio", "0.2", "--budget-bytes", "1000"),
             "give at most one of --budget-ratio, --budget-bytes and --budget-latency-us"),
            ("unknown context", search("--context", "int8"),
             "--context must be float or default, got 'int8'"),
            ("unknown objective", search("--objective", "mse"),
             "--objective must be nsr, kl or top1, got 'mse'"),
            ("--validation without --labels", search("--validation", TEST_IMAGES),
             "--validation and --labels go together"),
            ("missing calibration data",
             search(calibration=os.path.join(work, "none.idx")),
             "cannot read"),
            ("malformed latency model",
             search("--latency-model", os.path.join(work, "latency.json")),
             "latency.json"),
            ("infeasible budget",
             search("--candidates", "w8a8", "--samples", "16", "--budget-bytes", "1000"),
             "no assignment fits the budget of 1000.0 bytes; the cheapest needs 176120.0"),
            ("quantize: unknown layer in a plan",
             [args.quant, "quantize", model, "--calibration", TRAIN_IMAGES,
              "--calibration-limit", "16", "--validation", TEST_IMAGES,
              "--labels", TEST_LABELS, "--limit", "16", "--normalize", NORMALIZE,
              "--mixed-precision", "formats=/no/such/Conv=w4a8",
              "-o", os.path.join(work, "q")],
             "'/no/such/Conv' is not a conv or matmul layer of the module"),
        ]
        with open(os.path.join(work, "latency.json"), "w") as f:
            f.write('{"int8_TOPS": -1}')
        for name, cmd, message in cases:
            quantize.expect_clean_failure(checks, name, cmd, message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["frontier", "bit-exact", "errors"])
    parser.add_argument("--quant", required=True)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--reference",
                        default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             os.pardir, os.pardir, "python"),
                        help="directory holding the fxp_reference package")
    args = parser.parse_args()
    checks = Checks()
    {"frontier": check_frontier, "bit-exact": check_bit_exact,
     "errors": check_errors}[args.check](args, checks)
    return checks.finish() if checks.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
