#!/usr/bin/python3
"""Time `quant search` on the bundled reference model: cold (calibration +
sensitivity measurement into an empty cache) and cached, repeated.

    /usr/bin/python3 benchmarks/search_timing.py [--quant build/bin/quant]
        [--repeat 3] [--samples 64] [--budget-ratio 0.15] [--work-dir DIR]

Targets (issue 6): search with cached sensitivities < 5 s; with the
sensitivity measurement < 60 s on 2 cores. Each row is one `quant search`
process (no validation): wall seconds as measured here, and the
`timing` fields of its search.json (sensitivity_seconds: calibration
excluded, measurement only; search_seconds: frontier + greedy + points).
Progress goes to stderr; stdout gets one table.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
DATA = "/usr/share/datasets/fashion-mnist"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quant", default=os.path.join(ROOT, "build", "bin", "quant"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("--budget-ratio", type=float, default=0.15)
    parser.add_argument("--work-dir")
    args = parser.parse_args()
    work = args.work_dir or tempfile.mkdtemp(prefix="fxp-search-bench-")
    rows = []
    for repeat in range(args.repeat):
        cache = os.path.join(work, f"cache{repeat}")
        shutil.rmtree(cache, ignore_errors=True)
        for mode in ("cold", "cached"):
            out = os.path.join(work, f"out-{repeat}-{mode}")
            cmd = [args.quant, "search",
                   os.path.join(ROOT, "models", "fashion-resnet", "model.onnx"),
                   "--calibration", os.path.join(DATA, "train-images-idx3-ubyte.gz"),
                   "--normalize", "0.2860,0.3530", "--samples", str(args.samples),
                   "--budget-ratio", str(args.budget_ratio),
                   "--cache-dir", cache, "-o", out]
            print("$ " + " ".join(cmd), file=sys.stderr)
            start = time.monotonic()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.monotonic() - start
            if proc.returncode != 0:
                sys.stderr.write(proc.stderr)
                return 1
            with open(os.path.join(out, "search.json")) as f:
                timing = json.load(f)["timing"]
            rows.append((repeat + 1, mode, wall, timing))
    print(f"{'run':>4} {'mode':<7} {'wall s':>8} {'sensitivity s':>14} "
          f"{'search s':>9} {'cached':>7}")
    for repeat, mode, wall, timing in rows:
        print(f"{repeat:>4} {mode:<7} {wall:>8.2f} "
              f"{timing['sensitivity_seconds']:>14.2f} "
              f"{timing['search_seconds']:>9.4f} {str(timing['cached']):>7}")
    if not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
