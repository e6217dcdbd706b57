#!/usr/bin/python3
"""End-to-end check of the bundled reference model on the CPU JIT path.

  reference_model.py logits --quant PATH --model-dir DIR
      `quant run` on the 256 normalized test images PyTorch saw; the logits
      must match PyTorch's within max |diff| <= 1e-4 (and argmax agree).

      With --onnx model_bn.onnx the same check runs on the export that keeps
      BatchNormalization nodes (the importer folds them into the convs).

  reference_model.py accuracy --quant PATH --model-dir DIR
      `quant run` on the full Fashion-MNIST test set (IDX .gz, normalized as
      in training); top-1 must equal PyTorch's float top-1 exactly.

  reference_model.py calibration --quant PATH --model-dir DIR
      `quant calibrate` on 200 training images: every conv, relu, weight and
      bias is calibrated and the statistics file names the same tensors.

Closing line: 'N passed, N failed'.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

DATASET = "/usr/share/datasets/fashion-mnist"
TOLERANCE = 1e-4


def check_logits(args):
    ref = np.load(os.path.join(args.model_dir, "reference_logits_256.npy"))
    inputs = os.path.join(args.model_dir, "reference_logits_256_input.npy")
    with tempfile.TemporaryDirectory(prefix="fxp-ref-") as work:
        out = os.path.join(work, "logits.npy")
        cmd = [args.quant, "run", os.path.join(args.model_dir, args.onnx),
               "--input", inputs, "--output", out, "--batch", "64"]
        subprocess.run(cmd, check=True)
        got = np.load(out)
    diff = float(np.max(np.abs(got.astype(np.float64) - ref)))
    agree = int(np.sum(np.argmax(got, 1) == np.argmax(ref, 1)))
    print(f"{args.onnx}: logits vs PyTorch on {ref.shape[0]} images: max |diff| {diff:.3g} "
          f"(limit {TOLERANCE}), argmax agrees on {agree}/{ref.shape[0]}")
    return got.shape == ref.shape and diff <= TOLERANCE and agree == ref.shape[0]


def check_accuracy(args):
    with open(os.path.join(args.model_dir, "metrics.json")) as f:
        metrics = json.load(f)
    cmd = [args.quant, "run", os.path.join(args.model_dir, "model.onnx"),
           "--input", os.path.join(DATASET, "t10k-images-idx3-ubyte.gz"),
           "--labels", os.path.join(DATASET, "t10k-labels-idx1-ubyte.gz"),
           "--normalize", f"{metrics['mean']},{metrics['std']}",
           "--batch", "64", "--json"]
    result = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                       text=True).stdout)
    correct = round(result["top1"] * result["count"])
    print(f"full test set: fxp top-1 {result['top1']:.4f} ({correct}/"
          f"{result['count']}), PyTorch {metrics['float_top1']:.4f} "
          f"({metrics['correct']}/10000); {result['samples_per_second']:.0f} "
          f"images/s, compile {result['compile_seconds']:.2f} s")
    return result["count"] == 10000 and correct == metrics["correct"]


def check_calibration(args):
    with open(os.path.join(args.model_dir, "metrics.json")) as f:
        metrics = json.load(f)
    with tempfile.TemporaryDirectory(prefix="fxp-cal-") as work:
        stats = os.path.join(work, "stats.json")
        cmd = [args.quant, "calibrate", os.path.join(args.model_dir, "model.onnx"),
               "--input", os.path.join(DATASET, "train-images-idx3-ubyte.gz"),
               "--normalize", f"{metrics['mean']},{metrics['std']}",
               "--limit", "200", "-o", stats, "--json"]
        table = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                          text=True).stdout)
        with open(stats) as f:
            written = {t["name"] for t in json.load(f)["tensors"]}
    rows = table["tensors"]
    learnables = [r for r in rows if r["kind"] == "learnables"]
    relus = [r for r in rows if r["name"].endswith("/Relu")]
    convs = [r for r in rows if r["name"].endswith("/Conv")]
    ok = (table["samples"] == 200 and written == {r["name"] for r in rows}
          and len(convs) == 15 and len(relus) == 13
          # A weight and a bias per conv and for the Gemm.
          and sum(r["name"].endswith("/weight") for r in learnables) == 16
          and sum(r["name"].endswith("/bias") for r in learnables) == 16
          and all(r["min"] <= r["max"] for r in rows)
          and all(r["min"] >= 0 for r in relus)
          and all(r["count"] > 0 for r in rows))
    print(f"calibration on 200 images: {len(rows)} tensors ({len(learnables)} "
          f"learnables, {len(convs)} conv outputs, {len(relus)} relu outputs)")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["logits", "accuracy", "calibration"])
    parser.add_argument("--quant", required=True)
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--onnx", default="model.onnx",
                        help="model file in --model-dir (model_bn.onnx keeps "
                             "BatchNormalization nodes)")
    args = parser.parse_args()
    ok = {"logits": check_logits, "accuracy": check_accuracy,
          "calibration": check_calibration}[args.check](args)
    print(f"{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
