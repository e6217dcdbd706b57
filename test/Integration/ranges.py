#!/usr/bin/python3
"""Range analysis on the bundled reference model.

  ranges.py soundness --quant PATH --model-dir DIR [--samples N]
      Property test of the range analysis: N random inputs inside the input
      interval (uniform, plus constant, checkerboard and +-extreme images
      that push the bounds) and the first N real test images (normalized,
      hence inside the same interval) go through `quant calibrate`; every
      observed [min, max] of all 69 tensors (inputs, weights, biases,
      activations) must lie inside the interval `quant ranges` analyses for
      it. Prints the tightness (analysed width / observed width) per layer.

  ranges.py overflow --quant PATH --quant-opt PATH --model-dir DIR
      `quant quantize` (msb, 200 calibration images) writes the integer
      network and reports its overflow proof in report.json (17 proven
      accumulators, no overflow); `convert-fxp-to-arith` + `fxp-verify-no-overflow` must prove
      every accumulator and addition overflow-free (exit 0, one proven
      accumulator per conv/matmul and the pooling sum), and
      `fxp-narrow-accumulators` reports
      the bits each accumulator needs (printed as a table).

  ranges.py data-free --quant PATH --model-dir DIR
      `quant quantize --data-free --input-range LO,HI` (no calibration data)
      on the first 1000 test images: every activation format must cover the
      interval `quant ranges` analyses for it (largest stored value >= the
      interval's magnitude, and no format twice as wide as needed); prints
      data-free vs float top-1. Then `--data-free --input-moments 0,1`
      (propagated moments, 6 sigmas): top-1 within 1 pp of float on the
      same images. Missing priors are errors.

  ranges.py equalize --quant PATH --quant-opt PATH --model-dir DIR
      `fxp-equalize-weights` on the imported float model equalizes the six
      conv1 -> ReLU -> conv2 pairs of the residual units (remarks) and leaves
      the function unchanged: the logits of the first 256 test images agree
      with the original model's to float rounding (max |diff| < 1e-4 of the
      logit range) and every top-1 prediction is the same.

Closing line: 'N passed, N failed'.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (NORMALIZE, TEST_IMAGES, TEST_LABELS,  # noqa: E402
                    TRAIN_IMAGES, Checks)

MEAN, STD = 0.2860, 0.3530
# Normalized pixels in [0, 1] lie in this interval (rounded outward).
INPUT_LO = round((0.0 - MEAN) / STD - 5e-5, 4)
INPUT_HI = round((1.0 - MEAN) / STD + 5e-5, 4)
TIMEOUT = 600


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)


def random_inputs(samples, seed=0):
    """Random images inside [INPUT_LO, INPUT_HI], float32 NCHW."""
    rng = np.random.default_rng(seed)
    lo, hi = np.float32(INPUT_LO), np.float32(INPUT_HI)
    # The nearest float32 may lie just outside the (double) interval.
    if lo < INPUT_LO:
        lo = np.nextafter(lo, np.float32(1))
    if hi > INPUT_HI:
        hi = np.nextafter(hi, np.float32(-1))
    uniform = rng.uniform(lo, hi, size=(samples, 1, 28, 28)).astype(np.float32)
    extremes = [np.full((28, 28), lo), np.full((28, 28), hi)]
    checker = (np.indices((28, 28)).sum(axis=0) % 2).astype(bool)
    extremes += [np.where(checker, hi, lo), np.where(checker, lo, hi)]
    for _ in range(4):
        extremes.append(np.where(rng.random((28, 28)) < 0.5, lo, hi))
    extremes = np.stack(extremes)[:, None].astype(np.float32)
    return np.concatenate([uniform, extremes])


def soundness(args, checks):
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "random.npy")
        np.save(data, random_inputs(args.samples))
        model = os.path.join(args.model_dir, "model.onnx")
        interval = f"--input-range={INPUT_LO},{INPUT_HI}"
        for label, calibrate in [
            ("random", [args.quant, "calibrate", model, "--input", data]),
            ("real", [args.quant, "calibrate", model, "--input", TEST_IMAGES,
                      "--normalize", NORMALIZE, "--limit", str(args.samples)]),
        ]:
            stats = os.path.join(work, f"{label}.json")
            result = run(calibrate + ["-o", stats])
            checks.expect(f"{label}: quant calibrate", result.returncode == 0,
                          result.stderr[-400:])
            if result.returncode:
                continue
            result = run([args.quant, "ranges", model, interval,
                          "--statistics", stats, "--json"])
            checks.expect(f"{label}: quant ranges exit 0 (all inside)",
                          result.returncode == 0, result.stderr[-400:])
            try:
                rows = json.loads(result.stdout)
            except json.JSONDecodeError as error:
                checks.expect(f"{label}: JSON table", False, str(error))
                continue
            checks.expect(f"{label}: 69 tensors with statistics",
                          len(rows) == 69 and all("inside" in r for r in rows),
                          f"{len(rows)} rows")
            bad = [r["name"] for r in rows
                   if not (r["lo"] <= r["observed_min"]
                           and r["observed_max"] <= r["hi"])]
            checks.expect(f"{label}: every observed range inside its interval",
                          not bad, ", ".join(bad[:5]))
            print(f"  tightness on {label} data (analysed width / observed "
                  f"width), activations:")
            for r in rows:
                if r["name"].endswith(("weight", "bias")) or "width_ratio" not in r:
                    continue
                print(f"    {r['name']:<32} [{r['lo']:.4g}, {r['hi']:.4g}] vs "
                      f"[{r['observed_min']:.4g}, {r['observed_max']:.4g}]: "
                      f"x{r['width_ratio']:.3g}")
        # A range that does not contain the data is caught.
        stats = os.path.join(work, "random.json")
        result = run([args.quant, "ranges", model, "--input-range=0,0.5",
                      "--statistics", stats])
        checks.expect("too narrow an input range is reported (exit 1)",
                      result.returncode == 1
                      and "outside their analysed intervals" in result.stderr,
                      result.stderr[-300:])
        result = run([args.quant, "ranges", model, "--input-range=1,0"])
        checks.expect("bad --input-range is an error",
                      result.returncode == 1 and "expected LO,HI" in result.stderr,
                      result.stderr[-300:])


def overflow(args, checks):
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "q")
        result = run([args.quant, "quantize",
                      os.path.join(args.model_dir, "model.onnx"),
                      "--calibration", TRAIN_IMAGES, "--calibration-limit", "200",
                      "--validation", TEST_IMAGES, "--labels", TEST_LABELS,
                      "--normalize", NORMALIZE, "--limit", "64", "-o", out])
        checks.expect("quant quantize", result.returncode == 0, result.stderr[-400:])
        if result.returncode:
            return
        with open(os.path.join(out, "report.json")) as f:
            proof = json.load(f).get("overflow_proof", {})
        checks.expect("report.json: overflow_proof with 17 accumulators, 0 overflows",
                      proof.get("proven_accumulators") == 17
                      and proof.get("overflows") == 0
                      and 0 < proof.get("accumulator_bits_max", 0) <= 32,
                      str(proof))
        quantized = os.path.join(out, "quantized.mlir")
        result = run([args.quant_opt, quantized, "--convert-fxp-to-arith",
                      "--fxp-verify-no-overflow=remarks=true",
                      "--mlir-print-op-on-diagnostic=false", "-o", os.devnull])
        proven = re.findall(r"remark: accumulator proven within \[(-?\d+), (-?\d+)\]: "
                            r"needs (\d+) bits", result.stderr)
        checks.expect("the integer network verifies overflow-free (exit 0)",
                      result.returncode == 0 and "error" not in result.stderr,
                      result.stderr[-600:])
        checks.expect("17 accumulators proven (15 conv, 1 matmul, the pooling sum)",
                      len(proven) == 17, f"{len(proven)} proven")
        result = run([args.quant_opt, quantized, "--convert-fxp-to-arith",
                      "--fxp-narrow-accumulators=remarks-for-kept=true",
                      "--mlir-print-op-on-diagnostic=false", "-o", os.devnull])
        lines = re.findall(r"^(.*?): remark: accumulator (kept at|narrowed from) "
                           r"'(i\d+)'.*?within \[(-?\d+), (-?\d+)\] need (\d+) bits",
                           result.stderr, re.M)
        checks.expect("fxp-narrow-accumulators reports every accumulator",
                      result.returncode == 0 and len(lines) == 16,
                      f"{len(lines)} reports; {result.stderr[-300:]}")
        print("  accumulator bits needed (partial sums, full-range 8-bit inputs):")
        for where, action, acc, lo, hi, bits in lines:
            print(f"    {where:<48} [{lo}, {hi}] {bits:>2} bits "
                  f"({'narrowed' if action.startswith('narrowed') else 'kept ' + acc})")


def format_max(fmt):
    """Largest real value of a report.json per-tensor format."""
    width, fraction = fmt["width"], fmt["fraction_lengths"][0]
    top = 2 ** (width - 1) - 1 if fmt["signed"] else 2 ** width - 1
    return top * 2.0 ** -fraction


def data_free(args, checks):
    model = os.path.join(args.model_dir, "model.onnx")
    interval = f"--input-range={INPUT_LO},{INPUT_HI}"
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "q")
        result = run([args.quant, "quantize", model, "--data-free", interval,
                      "--validation", TEST_IMAGES, "--labels", TEST_LABELS,
                      "--normalize", NORMALIZE, "--limit", "1000", "-o", out])
        checks.expect("quant quantize --data-free", result.returncode == 0,
                      result.stderr[-400:])
        if result.returncode:
            return
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        result = run([args.quant, "ranges", model, interval, "--json"])
        analysed = {r["name"]: r for r in json.loads(result.stdout)}
        activations = [t for t in report["tensors"]
                       if t["kind"] in ("activation", "input") and t.get("format")]
        bad = []
        for t in activations:
            r = analysed[t["name"]]
            magnitude = max(abs(r["lo"]), abs(r["hi"]))
            top = format_max(t["format"])
            if not (top >= magnitude and top < 2 * magnitude + 2 ** -t["format"]["fraction_lengths"][0]):
                bad.append(f"{t['name']} {t['format_text']} vs {magnitude:.4g}")
        checks.expect(f"{len(activations)} activation formats cover their analysed "
                      "intervals tightly", activations and not bad, "; ".join(bad[:4]))
        print(f"  data-free top-1 {report['quantized']['top1']:.4f} vs float "
              f"{report['float']['top1']:.4f} on 1000 test images")
        result = run([args.quant, "quantize", model, "--data-free",
                      "--input-moments", "0,1",
                      "--validation", TEST_IMAGES, "--labels", TEST_LABELS,
                      "--normalize", NORMALIZE, "--limit", "1000", "-o", out])
        checks.expect("quant quantize --data-free --input-moments 0,1",
                      result.returncode == 0, result.stderr[-400:])
        if result.returncode == 0:
            with open(os.path.join(out, "report.json")) as f:
                report = json.load(f)
            drop = report["float"]["top1"] - report["quantized"]["top1"]
            checks.expect("data-free (moments) top-1 within 1 pp of float",
                          drop <= 0.01,
                          f"{report['quantized']['top1']:.4f} vs "
                          f"{report['float']['top1']:.4f}")
        for flags, needle in [(["--data-free"], "--input-range LO,HI or"),
                              (["--data-free", "--input-moments", "0,-1"],
                               "STD >= 0"),
                              (["--calibration", TRAIN_IMAGES, "--bias-correction"],
                               "--bias-correction needs --input-moments")]:
            wrong = run([args.quant, "quantize", model] + flags +
                        ["--validation", TEST_IMAGES, "--labels", TEST_LABELS,
                         "-o", out])
            checks.expect(f"{' '.join(flags[-2:])}: clear error",
                          wrong.returncode == 1 and needle in wrong.stderr,
                          wrong.stderr[-300:])


def equalize(args, checks):
    model = os.path.join(args.model_dir, "model.onnx")
    with tempfile.TemporaryDirectory() as work:
        original = os.path.join(work, "float.mlir")
        equalized = os.path.join(work, "equalized.mlir")
        result = run([args.quant, "import", model, "-o", original])
        checks.expect("quant import", result.returncode == 0, result.stderr[-300:])
        result = run([args.quant_opt, original, "--pass-pipeline="
                      "builtin.module(func.func(fxp-equalize-weights{remarks=true}))",
                      "--mlir-print-op-on-diagnostic=false", "-o", equalized])
        pairs = re.findall(r"remark: .*equalized with the conv", result.stderr)
        checks.expect("six conv-ReLU-conv pairs equalized",
                      result.returncode == 0 and len(pairs) == 6,
                      f"{len(pairs)} remarks; {result.stderr[-300:]}")
        logits = {}
        for name, path in [("original", original), ("equalized", equalized)]:
            out = os.path.join(work, f"{name}.npy")
            result = run([args.quant, "run", path, "--input", TEST_IMAGES,
                          "--normalize", NORMALIZE, "--limit", "256",
                          "--output", out])
            checks.expect(f"quant run {name}", result.returncode == 0,
                          result.stderr[-300:])
            if result.returncode:
                return
            logits[name] = np.load(out)
        a, b = logits["original"], logits["equalized"]
        diff = float(np.max(np.abs(a - b)))
        scale = float(np.max(a) - np.min(a))
        checks.expect("equalized logits equal the original's to rounding",
                      a.shape == b.shape and diff < 1e-4 * scale,
                      f"max |diff| {diff:.3g}, logit range {scale:.3g}")
        checks.expect("same top-1 on every image",
                      bool(np.all(a.argmax(axis=1) == b.argmax(axis=1))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("check", choices=["soundness", "overflow", "data-free",
                                          "equalize"])
    parser.add_argument("--quant", required=True)
    parser.add_argument("--quant-opt")
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--samples", type=int, default=256)
    args = parser.parse_args()
    checks = Checks()
    if args.check == "soundness":
        soundness(args, checks)
    elif args.check == "overflow":
        overflow(args, checks)
    elif args.check == "data-free":
        data_free(args, checks)
    else:
        equalize(args, checks)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
