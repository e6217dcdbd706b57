#!/usr/bin/python3
"""ONNX backend node-test conformance for `quant import` + `quant run`.

Two steps, each a ctest test (the first is a fixture of the others):

  onnx_node_tests.py generate DIR
      Writes every ONNX backend node test case of Debian's python3-onnx
      (generated with its own reference implementations) as
      DIR/<case>/model.onnx plus input_<j>.npy / output_<j>.npy.

  onnx_node_tests.py run DIR --quant PATH --op OP [--op OP ...] [--jobs N]
      Runs the single-node cases of the given ops through
      `quant import` and `quant run --whole`, compares with the expected
      outputs (rtol 1e-4, atol 1e-5), prints a table and a closing line
      'N passed, N failed, N skipped', and exits non-zero on any failure.

Cases whose tensors are not float32 are skipped (fxp imports float32
networks). Integer inputs (shapes, axes) and Clip's min/max inputs are folded
into initializers, as they are in exported models; the importer requires
them to be constant. Known gaps are listed in KNOWN_GAPS with the reason;
they are reported as skipped, never silently.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

RTOL = 1e-4
ATOL = 1e-5

# case name -> reason it is not expected to import. Keep this list short and
# honest: every entry is a missing feature, not a numerical failure.
KNOWN_GAPS = {
    "test_averagepool_1d_default": "only 2-D pooling (NCHW) is imported",
    "test_averagepool_3d_default": "only 2-D pooling (NCHW) is imported",
    "test_maxpool_1d_default": "only 2-D pooling (NCHW) is imported",
    "test_maxpool_3d_default": "only 2-D pooling (NCHW) is imported",
    "test_batchnorm_epsilon_training_mode":
        "BatchNormalization in training mode (running-stat outputs)",
    "test_batchnorm_example_training_mode":
        "BatchNormalization in training mode (running-stat outputs)",
    "test_reshape_allowzero_reordered": "empty (size-0) tensors",
}


def restore_numpy_aliases():
    # python3-onnx 1.12's generators use aliases removed in numpy 1.24.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, value in [("float", float), ("int", int), ("bool", bool),
                            ("object", object), ("complex", complex),
                            ("str", str)]:
            if not hasattr(np, name):
                setattr(np, name, value)


def generate(out_dir):
    restore_numpy_aliases()
    import onnx
    import onnx.backend.test.case.node as node_test

    os.makedirs(out_dir, exist_ok=True)
    count = 0
    for case in node_test.collect_testcases(None):
        if not case.model or not case.data_sets:
            continue
        case_dir = os.path.join(out_dir, case.name)
        shutil.rmtree(case_dir, ignore_errors=True)
        os.makedirs(case_dir)
        inputs, outputs = case.data_sets[0]
        with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        ok = True
        for kind, values in (("input", inputs), ("output", outputs)):
            for j, value in enumerate(values):
                # Numpy scalars (e.g. Clip bounds) are rank-0 tensors.
                if isinstance(value, np.generic):
                    value = np.asarray(value)
                if not isinstance(value, np.ndarray) or value.dtype == object:
                    ok = False
                    break
                np.save(os.path.join(case_dir, f"{kind}_{j}.npy"), value)
        if not ok:
            open(os.path.join(case_dir, "NOT_TENSORS"), "w").close()
        count += 1
    with open(os.path.join(out_dir, "GENERATED"), "w") as f:
        f.write(f"{count}\n")
    print(f"generated {count} ONNX node test cases in {out_dir}")


def prepare_model(case_dir, work_dir):
    """Folds integer inputs and Clip bounds into initializers. Returns the
    model path and the input files still fed at run time, or a skip reason."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(os.path.join(case_dir, "model.onnx"))
    graph = model.graph
    fed = []
    folded = []
    clip_bounds = set()
    for node in graph.node:
        if node.op_type == "Clip":
            clip_bounds.update(node.input[1:])
    for j, value_info in enumerate(graph.input):
        path = os.path.join(case_dir, f"input_{j}.npy")
        value = np.load(path)
        if value.dtype == np.float32 and value_info.name not in clip_bounds:
            fed.append(path)
            continue
        if value.dtype in (np.int64, np.int32) or value_info.name in clip_bounds:
            graph.initializer.append(
                numpy_helper.from_array(value, value_info.name))
            folded.append(value_info.name)
            continue
        return None, None, f"input dtype {value.dtype}"
    for j, _ in enumerate(graph.output):
        value = np.load(os.path.join(case_dir, f"output_{j}.npy"))
        if value.dtype != np.float32:
            return None, None, f"output dtype {value.dtype}"
    if folded:
        kept = [vi for vi in graph.input if vi.name not in folded]
        del graph.input[:]
        graph.input.extend(kept)
    model_path = os.path.join(work_dir, "model.onnx")
    onnx.save(model, model_path)
    return model_path, fed, None


def run_case(quant, case_dir, op):
    name = os.path.basename(case_dir)
    if name in KNOWN_GAPS:
        return name, op, "skip", f"known gap: {KNOWN_GAPS[name]}"
    if os.path.exists(os.path.join(case_dir, "NOT_TENSORS")):
        return name, op, "skip", "non-tensor inputs/outputs"
    with tempfile.TemporaryDirectory(prefix="fxp-conf-") as work:
        model_path, fed, reason = prepare_model(case_dir, work)
        if reason:
            return name, op, "skip", reason
        mlir_path = os.path.join(work, "model.mlir")
        imp = subprocess.run([quant, "import", model_path, "-o", mlir_path],
                             capture_output=True, text=True)
        if imp.returncode != 0:
            return name, op, "fail", "import: " + imp.stderr.strip().splitlines()[-1] if imp.stderr.strip() else "import failed"
        n_out = len([f for f in os.listdir(case_dir) if f.startswith("output_")])
        outs = [os.path.join(work, f"out_{j}.npy") for j in range(n_out)]
        cmd = [quant, "run", mlir_path, "--whole"]
        for path in fed:
            cmd += ["--input", path]
        for path in outs:
            cmd += ["--output", path]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            lines = run.stderr.strip().splitlines()
            return name, op, "fail", "run: " + (lines[-1] if lines else "failed")
        for j, path in enumerate(outs):
            expected = np.load(os.path.join(case_dir, f"output_{j}.npy"))
            actual = np.load(path)
            if actual.shape != expected.shape:
                return name, op, "fail", f"output {j}: shape {actual.shape} != {expected.shape}"
            if not np.allclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
                err = np.max(np.abs(actual.astype(np.float64) - expected))
                return name, op, "fail", f"output {j}: max abs error {err:.3g}"
    return name, op, "pass", ""


def case_op(case_dir):
    import onnx
    model = onnx.load(os.path.join(case_dir, "model.onnx"), load_external_data=False)
    ops = [node.op_type for node in model.graph.node]
    return ops[0] if len(ops) == 1 else None


def run(args):
    if not os.path.exists(os.path.join(args.data, "GENERATED")):
        print(f"error: {args.data} holds no generated cases; run 'generate' first")
        return 2
    cases = []
    for name in sorted(os.listdir(args.data)):
        case_dir = os.path.join(args.data, name)
        if not os.path.isdir(case_dir):
            continue
        op = case_op(case_dir)
        if op in args.op:
            cases.append((case_dir, op))
    if not cases:
        print(f"error: no single-node cases for {', '.join(args.op)}")
        return 2
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(args.quant, c[0], c[1]), cases))
    counts = {"pass": 0, "fail": 0, "skip": 0}
    per_op = {}
    for name, op, status, detail in results:
        counts[status] += 1
        per_op.setdefault(op, {"pass": 0, "fail": 0, "skip": 0})[status] += 1
        if status != "pass":
            print(f"{status.upper():4} {name}: {detail}")
    print(f"{'op':<22}{'passed':>8}{'failed':>8}{'skipped':>9}")
    for op in sorted(per_op):
        c = per_op[op]
        print(f"{op:<22}{c['pass']:>8}{c['fail']:>8}{c['skip']:>9}")
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("out")
    r = sub.add_parser("run")
    r.add_argument("data")
    r.add_argument("--quant", required=True)
    r.add_argument("--op", action="append", required=True)
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.out)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
