#!/usr/bin/env python3
"""Compiles the kernels gpu_bench times, with fxp, on a machine with `quant`.

  make_kernels.py --quant build/bin/quant -o DIR [--batch 256]
                  [--gpu-options "chip=sm_90 tile-m=64 tile-n=64"]
                  [--model quantized.mlir]

DIR receives gemm.so (int8 4096^3, B given as N x K), conv_<layer>.so for
each distinct convolution of the reference model (NCHW, padded input) with
shapes.txt describing them, and, with --model, model.so (the whole
quantized network, host interface). The kernel libraries are compiled with
device-arguments (they take device pointers) and repeat their kernel as
often as their last argument says. The whole folder is what travels to the
GPU machine; gpu_bench there needs only the CUDA toolkit.
"""
import argparse
import os
import subprocess
import sys

# The reference model's convolutions (models/fashion-resnet): name, input
# channels, height, width, filters, kernel, stride, padding, count.
CONVS = [
    ("stem", 1, 28, 28, 16, 3, 1, 1, 1),
    ("s1_3x3", 16, 28, 28, 16, 3, 1, 1, 4),
    ("s2_down", 16, 28, 28, 32, 3, 2, 1, 1),
    ("s2_3x3", 32, 14, 14, 32, 3, 1, 1, 3),
    ("s2_skip", 16, 28, 28, 32, 1, 2, 0, 1),
    ("s3_down", 32, 14, 14, 64, 3, 2, 1, 1),
    ("s3_3x3", 64, 7, 7, 64, 3, 1, 1, 3),
    ("s3_skip", 32, 14, 14, 64, 1, 2, 0, 1),
]

GEMM = """func.func @gemm(%a: memref<{m}x{k}xi8>, %b: memref<{n}x{k}xi8>,
                 %c: memref<{m}x{n}xi32>, %reps: index) {{
  %z = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %reps step %c1 {{
    linalg.fill ins(%z : i32) outs(%c : memref<{m}x{n}xi32>)
    linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                                   affine_map<(d0, d1, d2) -> (d1, d2)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : memref<{m}x{k}xi8>, memref<{n}x{k}xi8>)
      outs(%c : memref<{m}x{n}xi32>)
  }}
  return
}}
"""

CONV = """func.func @conv(%x: memref<{b}x{c}x{hp}x{wp}xi8>, %w: memref<{f}x{c}x{k}x{k}xi8>,
                 %y: memref<{b}x{f}x{oh}x{ow}xi32>, %reps: index) {{
  %z = arith.constant 0 : i32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %reps step %c1 {{
    linalg.fill ins(%z : i32) outs(%y : memref<{b}x{f}x{oh}x{ow}xi32>)
    linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>,
                              strides = dense<{s}> : tensor<2xi64>}}
      ins(%x, %w : memref<{b}x{c}x{hp}x{wp}xi8>, memref<{f}x{c}x{k}x{k}xi8>)
      outs(%y : memref<{b}x{f}x{oh}x{ow}xi32>)
  }}
  return
}}
"""


def compile_library(args, source, entry, out, device_arguments=True):
    options = args.gpu_options + (" device-arguments" if device_arguments else "")
    cmd = [args.quant, "compile", source, "--target=cuda", "--entry", entry,
           f"--gpu-options={options.strip()}", "-o", out]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    print(f"  {os.path.basename(out)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quant", required=True)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--gpu-options", default="")
    parser.add_argument("--model", help="quantized.mlir of the reference model")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    src = os.path.join(args.output, "src")
    os.makedirs(src, exist_ok=True)
    print(f"compiling into {args.output} (gpu options: '{args.gpu_options}')")

    path = os.path.join(src, "gemm.mlir")
    with open(path, "w") as f:
        f.write(GEMM.format(m=4096, n=4096, k=4096))
    compile_library(args, path, "gemm", os.path.join(args.output, "gemm.so"))

    lines = ["# name batch C H W F KH KW stride pad OH OW count"]
    for name, c, h, w, fl, k, s, p, count in CONVS:
        oh = (h + 2 * p - k) // s + 1
        ow = (w + 2 * p - k) // s + 1
        path = os.path.join(src, f"conv_{name}.mlir")
        with open(path, "w") as f:
            f.write(CONV.format(b=args.batch, c=c, hp=h + 2 * p, wp=w + 2 * p,
                                f=fl, k=k, s=s, oh=oh, ow=ow))
        compile_library(args, path, "conv", os.path.join(args.output, f"conv_{name}.so"))
        lines.append(f"{name} {args.batch} {c} {h} {w} {fl} {k} {k} {s} {p} {oh} {ow} {count}")
    with open(os.path.join(args.output, "shapes.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    if args.model:
        compile_library(args, args.model, "main", os.path.join(args.output, "model.so"),
                        device_arguments=False)


if __name__ == "__main__":
    main()
