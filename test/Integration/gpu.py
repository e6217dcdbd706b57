#!/usr/bin/env python3
"""Ahead-of-time artifacts and the CUDA target on the bundled reference model.

  gpu.py artifacts --quant PATH --model-dir DIR
      `quant quantize` (200 calibration images), then `quant compile
      --target=cpu` and `--target=cuda` of quantized.mlir. A C program built
      against each generated header runs the shared library on 256 test
      images: the CPU library's logits must equal `quant run`'s bit for bit.
      The CUDA library must link, export the runtime, and either (on a GPU)
      give the same logits or (without one) stop with the runtime's reason;
      under the mock driver (test/GPU/Inputs/mock_cuda.c) its host side must
      launch every kernel and free every buffer.

  gpu.py cuda-run --quant PATH --model-dir DIR
      `quant run --target=cuda` of the quantized model on 1024 test images
      against the CPU path, bit for bit, and the timing of both. Without a
      usable GPU the check is skipped (exit 77) after proving the clean
      failure.

Closing line: 'N passed, N failed'.
"""
import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (NORMALIZE, TEST_IMAGES, TEST_LABELS,  # noqa: E402
                    TRAIN_IMAGES, Checks)
from quantize import run_quant  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


def gpu_usable():
    """(usable, reason) for GPU 0 through the driver library."""
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError as error:
        return False, f"no CUDA driver ({error})"
    count = ctypes.c_int(0)
    if cuda.cuInit(0) != 0 or cuda.cuDeviceGetCount(ctypes.byref(count)) != 0:
        return False, "the CUDA driver does not initialize"
    return count.value > 0, f"{count.value} CUDA devices"


def quantized_model(args, work):
    out_dir = os.path.join(work, "q")
    _, seconds = run_quant([args.quant, "quantize",
                            os.path.join(args.model_dir, "model.onnx"),
                            "--calibration", TRAIN_IMAGES, "--calibration-limit", "200",
                            "--validation", TEST_IMAGES, "--labels", TEST_LABELS,
                            "--limit", "64", "--normalize", NORMALIZE, "-o", out_dir])
    print(f"quant quantize (200 calibration images): {seconds:.1f} s")
    return os.path.join(out_dir, "quantized.mlir")


def test_images(work, count):
    """The first `count` normalized test images as (float32 NCHW array, raw
    file, npy file)."""
    import gzip
    with gzip.open(TEST_IMAGES, "rb") as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16)
    mean, std = (float(v) for v in NORMALIZE.split(","))
    images = ((raw[:count * 784].astype(np.float32) / 255.0 - mean) / std)
    images = images.reshape(count, 1, 28, 28).astype(np.float32)
    raw_path = os.path.join(work, f"images{count}.f32")
    images.tofile(raw_path)
    npy_path = os.path.join(work, f"images{count}.npy")
    np.save(npy_path, images)
    return images, raw_path, npy_path


def cpu_logits(args, model, npy_path, work):
    out = os.path.join(work, "cpu.npy")
    _, seconds = run_quant([args.quant, "run", model, "--input", npy_path,
                            "--output", out])
    return np.load(out), seconds


def build_harness(lib_dir, cuda):
    """Compiles run_model.c against lib_dir/model.h and model.so."""
    exe = os.path.join(lib_dir, "run_model")
    cmd = ["cc", "-O1", "-o", exe, os.path.join(HERE, "Inputs", "run_model.c"),
           "-I", lib_dir, os.path.join(lib_dir, "model.so"),
           f"-Wl,-rpath,{lib_dir}"] + (["-DFXP_CUDA"] if cuda else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return exe if proc.returncode == 0 else None, proc.stderr


def run_harness(checks, name, exe, raw_path, expected, out):
    """Runs the C program on the 256 images and expects `expected`."""
    start = time.monotonic()
    run = subprocess.run([exe, raw_path, "256", "1", "28", "28", out],
                         capture_output=True, text=True)
    seconds = time.monotonic() - start
    got = (np.fromfile(out, np.float32).reshape(expected.shape)
           if run.returncode == 0 else None)
    checks.expect(name, got is not None and np.array_equal(got, expected),
                  f"exit {run.returncode}, {seconds:.2f} s"
                  + (f", {int(np.count_nonzero(got != expected))} differ"
                     if got is not None else f": {run.stderr.strip()}"))


def check_artifacts(args, checks):
    usable, reason = gpu_usable()
    with tempfile.TemporaryDirectory(prefix="fxp-gpu-") as work:
        model = quantized_model(args, work)
        images, raw_path, npy_path = test_images(work, 256)
        expected, _ = cpu_logits(args, model, npy_path, work)

        # CPU shared library.
        cpu_dir = os.path.join(work, "cpu")
        proc, seconds = run_quant([args.quant, "compile", model, "--target=cpu",
                                   "-o", os.path.join(cpu_dir, "model.so")])
        checks.expect("quant compile --target=cpu", proc.returncode == 0,
                      f"{seconds:.1f} s")
        exe, err = build_harness(cpu_dir, cuda=False)
        checks.expect("C program builds against the CPU header", exe is not None,
                      err.strip()[-300:])
        if exe:
            run_harness(checks, "CPU library logits == quant run (256 images)",
                        exe, raw_path, expected, os.path.join(work, "cpu.f32"))

        # CUDA shared library: cubin when ptxas is there, else PTX.
        cuda_dir = os.path.join(work, "cuda")
        fmt = "fatbin" if os.path.exists("/usr/local/cuda/bin/ptxas") else "isa"
        proc, seconds = run_quant([args.quant, "compile", model, "--target=cuda",
                                   f"--gpu-options=format={fmt}",
                                   "-o", os.path.join(cuda_dir, "model.so")],
                                  check=False)
        checks.expect(f"quant compile --target=cuda (format={fmt})",
                      proc.returncode == 0,
                      f"{seconds:.1f} s" + (f": {proc.stderr.strip()[-300:]}"
                                            if proc.returncode else ""))
        if proc.returncode:
            return
        symbols = subprocess.run(["nm", "-D", "--defined-only",
                                  os.path.join(cuda_dir, "model.so")],
                                 capture_output=True, text=True).stdout
        needed = ["_mlir_ciface_main", "mgpuLaunchKernel", "mgpuModuleLoad",
                  "fxpCudaTakeError"]
        checks.expect("CUDA library exports the entry point and the runtime",
                      all(f" T {name}\n" in symbols for name in needed),
                      ", ".join(n for n in needed if f" T {n}\n" not in symbols))
        undefined = subprocess.run(["nm", "-D", "--undefined-only",
                                    os.path.join(cuda_dir, "model.so")],
                                   capture_output=True, text=True).stdout
        checks.expect("CUDA library needs no libcuda symbol at link time",
                      " cu" not in undefined.replace("__cxa", ""),
                      "libcuda is opened at run time")
        exe, err = build_harness(cuda_dir, cuda=True)
        checks.expect("C program builds against the CUDA header", exe is not None,
                      err.strip()[-300:])
        if not exe:
            return
        out = os.path.join(work, "cuda.f32")
        if usable:
            run_harness(checks, "CUDA library logits == CPU logits (256 images)",
                        exe, raw_path, expected, out)
        else:
            run = subprocess.run([exe, raw_path, "256", "1", "28", "28", out],
                                 capture_output=True, text=True)
            checks.expect("CUDA library without a GPU stops with the reason",
                          run.returncode == 3 and "no GPU: no CUDA" in run.stderr,
                          f"exit {run.returncode}: {run.stderr.strip()} "
                          f"(this machine: {reason})")
        check_under_mock_driver(checks, work, exe, raw_path, out)


def check_under_mock_driver(checks, work, exe, raw_path, out):
    """The CUDA library's host side under the mock driver (kernels checked
    and counted, not run): every kernel of the network launches with valid
    parameters and every device buffer is freed."""
    mock = os.path.join(work, "libmockcuda.so")
    build = subprocess.run(["cc", "-shared", "-fPIC", "-o", mock,
                            os.path.join(HERE, os.pardir, "GPU", "Inputs", "mock_cuda.c")],
                           capture_output=True, text=True)
    if build.returncode:
        checks.expect("mock CUDA driver builds", False, build.stderr.strip()[-300:])
        return
    env = dict(os.environ, FXP_CUDA_DRIVER=mock)
    run = subprocess.run([exe, raw_path, "256", "1", "28", "28", out],
                         capture_output=True, text=True, env=env)
    line = next((l for l in run.stderr.splitlines() if l.startswith("mock-cuda:")), "")
    numbers = dict((key, int(value)) for value, key in
                   re.findall(r"(\d+) (kernels|launches|allocs|frees|copies|bad calls)", line))
    checks.expect("CUDA library under the mock driver: all kernels launch, "
                  "buffers balanced",
                  run.returncode == 0 and numbers.get("launches", 0) > 16
                  and numbers.get("launches") == numbers.get("kernels")
                  and numbers.get("allocs") == numbers.get("frees")
                  and numbers.get("bad calls") == 0,
                  f"exit {run.returncode}: {line or run.stderr.strip()[-300:]}")


def check_cuda_run(args, checks):
    usable, reason = gpu_usable()
    with tempfile.TemporaryDirectory(prefix="fxp-gpu-") as work:
        images, raw_path, npy_path = test_images(work, 1024 if usable else 8)
        if not usable:
            proc = subprocess.run([args.quant, "run", os.path.join(HERE, os.pardir,
                                   "GPU", "Inputs", "tiny-int8.mlir"),
                                   "--target=cuda", "--input", npy_path],
                                  capture_output=True, text=True)
            ok = checks.expect("quant run --target=cuda fails cleanly without a GPU",
                               proc.returncode == 1 and "--target=cuda: no CUDA"
                               in proc.stderr, proc.stderr.strip())
            print(f"skipped: the GPU comparison needs a CUDA device ({reason})")
            return SKIP if ok else None
        model = quantized_model(args, work)
        expected, cpu_seconds = cpu_logits(args, model, npy_path, work)
        out = os.path.join(work, "gpu.npy")
        proc, gpu_seconds = run_quant([args.quant, "run", model, "--target=cuda",
                                       "--input", npy_path, "--output", out],
                                      check=False)
        got = np.load(out) if proc.returncode == 0 else None
        checks.expect("quant run --target=cuda logits == CPU (1024 images)",
                      got is not None and np.array_equal(got, expected),
                      f"CPU {cpu_seconds:.1f} s, GPU {gpu_seconds:.1f} s (both "
                      "including compilation)"
                      + (f", {int(np.count_nonzero(got != expected))} differ"
                         if got is not None else f": {proc.stderr.strip()[-400:]}"))
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["artifacts", "cuda-run"])
    parser.add_argument("--quant", required=True)
    parser.add_argument("--model-dir", required=True)
    args = parser.parse_args()
    if shutil.which("cc") is None:
        print("FAIL: no C compiler 'cc' to build the harness")
        return 1
    checks = Checks()
    status = {"artifacts": check_artifacts,
              "cuda-run": check_cuda_run}[args.check](args, checks)
    code = checks.finish() if checks.passed > 0 or checks.failed > 0 else 1
    return SKIP if status == SKIP and code == 0 else code


if __name__ == "__main__":
    sys.exit(main())
