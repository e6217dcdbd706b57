#!/usr/bin/python3
"""Compare fxp's six format-selection policies (and PyTorch's static PTQ) on
the bundled reference model, from ONE set of calibration statistics.

    /usr/bin/python3 benchmarks/quantize_policies.py [--quant build/bin/quant]
        [--limit N] [--policies msb,msb-mse,minmax,percentile,entropy,mse]
        [--no-pytorch] [--json rows.json] [--work-dir DIR]

What it runs (models/fashion-resnet/model.onnx, Fashion-MNIST, inputs
normalized with --normalize 0.2860,0.3530):

1. `quant quantize --policy P` for every policy in --policies, in order. The
   first run calibrates on the first 200 training images
   (`--calibration-limit 200`) and writes OUTDIR/stats.json; every later run
   gets `--statistics <that stats.json>` (calibration skipped), so all policies
   select formats from identical statistics. Each run quantizes to int8
   (8-bit words, the tool's default per-channel weights) and validates both
   the float model and the fixed-point model on the first --limit test images
   (default: all 10,000), writing OUTDIR/report.json. The float top-1 is thus
   measured once per run; it must be identical in every run (asserted).
2. Unless --no-pytorch: benchmarks/pytorch_ptq.py in a subprocess (PyTorch
   eager static PTQ, qnnpack, HistogramObserver activations, per-tensor int8
   weights, the same 200 calibration images and the same --limit test images;
   see its docstring). Its own table goes to stderr.

Progress (including quant's and pytorch_ptq.py's own output) goes to stderr;
stdout gets exactly one table. Columns:

* implementation / policy: "fxp float" (the float reference measured by the
  quant runs), "fxp int8 <policy>", "PyTorch float", "PyTorch int8 (...)".
* top-1: accuracy on the validation images (correct/count).
* drop vs float (pp): float top-1 minus this row's top-1, in percentage
  points, against the SAME implementation's float model (positive = worse).
* learnable bytes: bytes of learnable parameters as each implementation
  reports them (report.json float/quantized.param_bytes; pytorch_ptq.py's
  param_bytes: PyTorch's float count includes the unfolded BN gamma/beta,
  fxp's ONNX model has BN folded into conv biases).
* memory reduction %: 100 * (1 - bytes / float bytes of the same
  implementation).
* mean act. overflow % / mean underflow %: the mean, over the report's
  tensors of kind "activation", of the predicted overflow / underflow
  fraction of the calibration values under the selected format (report.json
  tensors[].overflow/underflow, x100). "-" for PyTorch and float rows.
* wall s: wall-clock seconds of the subprocess that produced the row: a whole
  `quant quantize` run (float + fixed-point validation; the first policy's
  run also includes calibration) or the whole pytorch_ptq.py run (float and
  int8 workers, each validating --pytorch-repeats times). "-" for float rows.

--json PATH writes {"rows": [...], "limit", "policies", "statistics",
"quant_sha256", "total_wall_seconds", ...} with every row's numbers. The
quant binary is hashed before and after every run; if it changes mid-way
(relinked by a concurrent build) the script stops rather than mix binaries.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASET = "/usr/share/datasets/fashion-mnist"
MODEL = os.path.join(ROOT, "models", "fashion-resnet", "model.onnx")
NORMALIZE = "0.2860,0.3530"
CALIBRATION_IMAGES = 200
POLICIES = ["msb", "msb-mse", "minmax", "percentile", "entropy", "mse"]


def log(message):
    print(f"quantize_policies: {message}", file=sys.stderr, flush=True)


def wait_for_binary(path, attempts=30, delay=10.0):
    """The binary may be being relinked by someone else: wait for it."""
    for attempt in range(attempts):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            try:
                subprocess.run([path, "quantize", "--help"], check=True, capture_output=True)
                return
            except (OSError, subprocess.CalledProcessError):
                pass
        log(f"{path} not usable yet; retrying in {delay:.0f} s ({attempt + 1}/{attempts})")
        time.sleep(delay)
    sys.exit(f"quantize_policies: {path} is missing or not runnable")


def binary_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def mean_percent(tensors, field):
    values = [t[field] for t in tensors if t.get(field) is not None]
    return 100.0 * sum(values) / len(values) if values else None


def run_quant(args, policy, outdir, statistics):
    cmd = [args.quant, "quantize", args.model,
           "--validation", os.path.join(args.data, "t10k-images-idx3-ubyte.gz"),
           "--labels", os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"),
           "--normalize", NORMALIZE, "--policy", policy, "-o", outdir]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    if statistics is not None:
        cmd += ["--statistics", statistics]
    else:
        cmd += ["--calibration", os.path.join(args.data, "train-images-idx3-ubyte.gz"),
                "--calibration-limit", str(CALIBRATION_IMAGES)]
    log(f"policy {policy}: {' '.join(cmd)}")
    digest = binary_digest(args.quant)
    if digest != args.quant_digest:
        raise RuntimeError(f"{args.quant} changed since the first run (relinked?); "
                           "the rows would not come from one binary: rerun")
    start = time.perf_counter()
    # quant's progress (stderr) passes through; its summary table (stdout)
    # also goes to stderr so that stdout carries only this script's table.
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    wall = time.perf_counter() - start
    if binary_digest(args.quant) != args.quant_digest:
        raise RuntimeError(f"{args.quant} changed during the {policy} run (relinked?): rerun")
    with open(os.path.join(outdir, "report.json")) as f:
        report = json.load(f)
    if report.get("policy") != policy:
        raise RuntimeError(f"report.json policy {report.get('policy')!r} != {policy!r}")
    log(f"policy {policy}: float {report['float']['top1']:.4f}, int8 "
        f"{report['quantized']['top1']:.4f}, {wall:.1f} s")
    return report, wall


def run_pytorch(args, workdir):
    out = os.path.join(workdir, "pytorch_ptq.json")
    cmd = [sys.executable, os.path.join(ROOT, "benchmarks", "pytorch_ptq.py"), "--json", out,
           "--repeats", str(args.pytorch_repeats)]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    log(f"PyTorch: {' '.join(cmd)}")
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    wall = time.perf_counter() - start
    with open(out) as f:
        result = json.load(f)
    log(f"PyTorch: float {result['float']['top1']:.4f}, int8 {result['int8']['top1']:.4f}, "
        f"{wall:.1f} s")
    return result, wall


def make_row(name, top1, correct, count, float_top1, nbytes, float_bytes, overflow=None,
             underflow=None, wall=None, **extra):
    row = {"name": name, "top1": top1, "correct": correct, "count": count,
           "drop_pp": 100.0 * (float_top1 - top1), "param_bytes": nbytes,
           "float_param_bytes": float_bytes,
           "memory_reduction_percent": 100.0 * (1.0 - nbytes / float_bytes),
           "mean_activation_overflow_percent": overflow,
           "mean_activation_underflow_percent": underflow, "wall_seconds": wall}
    row.update(extra)
    return row


def print_table(rows, header):
    def opt(value, fmt):
        return "-" if value is None else format(value, fmt)

    cols = ["implementation / policy", "top-1", "drop vs float (pp)", "learnable bytes",
            "memory reduction %", "mean act. overflow %", "mean underflow %", "wall s"]
    cells = []
    for r in rows:
        cells.append([r["name"], f"{r['top1']:.4f} ({r['correct']}/{r['count']})",
                      f"{r['drop_pp']:+.2f}", str(r["param_bytes"]),
                      f"{r['memory_reduction_percent']:.2f}",
                      opt(r["mean_activation_overflow_percent"], ".4f"),
                      opt(r["mean_activation_underflow_percent"], ".4f"),
                      opt(r["wall_seconds"], ".1f")])
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    print(header)
    print(" | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                     for i, (c, w) in enumerate(zip(cols, widths))))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths))))
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quant", default=os.path.join(ROOT, "build", "bin", "quant"),
                        help="quant binary (default: build/bin/quant)")
    parser.add_argument("--model", default=MODEL, help=argparse.SUPPRESS)
    parser.add_argument("--data", default=DATASET, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=None,
                        help="validate on the first N test images (default: all 10,000)")
    parser.add_argument("--policies", default=",".join(POLICIES),
                        help="comma-separated policies, in run order; the first one "
                             "calibrates (default: %(default)s)")
    parser.add_argument("--pytorch", action=argparse.BooleanOptionalAction, default=True,
                        help="also run benchmarks/pytorch_ptq.py (default: on)")
    parser.add_argument("--pytorch-repeats", type=int, default=3,
                        help="pytorch_ptq.py --repeats (timed validation passes per model)")
    parser.add_argument("--json", metavar="PATH", help="write all rows as JSON")
    parser.add_argument("--work-dir", metavar="DIR",
                        help="keep each run's OUTDIR under DIR (default: a temporary "
                             "directory, removed at the end)")
    args = parser.parse_args()

    policies = [p.strip() for p in args.policies.split(",") if p.strip()]
    unknown = [p for p in policies if p not in POLICIES]
    if not policies or unknown:
        parser.error(f"--policies: unknown {unknown}; choose from {','.join(POLICIES)}")
    if len(set(policies)) != len(policies):
        parser.error("--policies: duplicates")
    args.quant = os.path.abspath(args.quant)
    wait_for_binary(args.quant)
    args.quant_digest = binary_digest(args.quant)

    if args.work_dir:
        workdir = os.path.abspath(args.work_dir)
        os.makedirs(workdir, exist_ok=True)
    else:
        workdir = tempfile.mkdtemp(prefix="quantize_policies.")
    t0 = time.perf_counter()
    try:
        statistics = None
        reports = []
        for policy in policies:
            outdir = os.path.join(workdir, policy)
            report, wall = run_quant(args, policy, outdir, statistics)
            if statistics is None:
                statistics = os.path.join(workdir, "stats.json")
                shutil.copyfile(os.path.join(outdir, "stats.json"), statistics)
            else:
                with open(statistics, "rb") as a, \
                        open(os.path.join(outdir, "stats.json"), "rb") as b:
                    if a.read() != b.read():
                        raise RuntimeError(f"{policy}: stats.json differs from the "
                                           "first run's")
            reports.append((policy, report, wall))
        torch_result = run_pytorch(args, workdir) if args.pytorch else None
        total_wall = time.perf_counter() - t0
    finally:
        if not args.work_dir:
            shutil.rmtree(workdir, ignore_errors=True)

    # The float model is validated by every quant run: it must not change.
    floats = {(r["float"]["correct"], r["validation"]["samples"], r["float"]["param_bytes"])
              for _, r, _ in reports}
    assert len(floats) == 1, f"float top-1 differs across quant runs: {floats}"
    first = reports[0][1]
    f_correct, count, f_bytes = floats.pop()
    f_top1 = first["float"]["top1"]

    rows = [make_row("fxp float", f_top1, f_correct, count, f_top1, f_bytes, f_bytes,
                     implementation="fxp", kind="float")]
    for policy, r, wall in reports:
        acts = [t for t in r["tensors"] if t.get("kind") == "activation"]
        q = r["quantized"]
        rows.append(make_row(
            f"fxp int8 {policy}", q["top1"], q["correct"], count, f_top1, q["param_bytes"],
            f_bytes, mean_percent(acts, "overflow"), mean_percent(acts, "underflow"), wall,
            implementation="fxp", kind="int8", policy=policy, activation_tensors=len(acts),
            weights=r.get("weights"), word_length=r.get("word_length")))
    if torch_result is not None:
        res, wall = torch_result
        tf, ti = res["float"], res["int8"]
        if tf["count"] != count:
            raise RuntimeError(f"PyTorch validated {tf['count']} images, fxp {count}")
        rows.append(make_row("PyTorch float", tf["top1"], tf["correct"], tf["count"],
                             tf["top1"], tf["param_bytes"], tf["param_bytes"],
                             implementation="pytorch", kind="float"))
        rows.append(make_row(
            f"PyTorch int8 ({res['engine']}, {res['weights']})", ti["top1"], ti["correct"],
            ti["count"], tf["top1"], ti["param_bytes"], tf["param_bytes"], wall=wall,
            implementation="pytorch", kind="int8", engine=res["engine"],
            observer=res["observer"], weights=res["weights"], torch=res["torch"]))
        if tf["correct"] != f_correct:
            log(f"note: PyTorch float top-1 {tf['correct']}/{count} differs from fxp float "
                f"{f_correct}/{count}")

    header = (f"fashion-resnet, int8, calibration: first {CALIBRATION_IMAGES} training images "
              f"(one stats.json shared by all policies); validation: {count} test images; "
              f"total wall {total_wall:.1f} s")
    print_table(rows, header)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "limit": args.limit, "validation_images": count,
                       "policies": policies, "calibration_images": CALIBRATION_IMAGES,
                       "normalize": NORMALIZE, "model": os.path.relpath(args.model, ROOT),
                       "quant": args.quant, "quant_sha256": args.quant_digest,
                       "statistics": "first policy's calibration, shared via --statistics",
                       "total_wall_seconds": total_wall}, f, indent=2)
            f.write("\n")
        log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
