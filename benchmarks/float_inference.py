#!/usr/bin/python3
"""Float inference throughput: `quant run` (CPU JIT) vs PyTorch, same model,
same images, same machine, same run.

    /usr/bin/python3 benchmarks/float_inference.py --quant build/bin/quant

Runs the bundled reference model (models/fashion-resnet) over the first
--images Fashion-MNIST test images with batch --batch on --threads threads,
and prints one table: images/s, top-1 on those images, compile time (fxp;
excluded from the throughput) and the fxp/PyTorch throughput ratio.
Debian's torch is CPU-only (1.13, reference BLAS for float matmul).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASET = "/usr/share/datasets/fashion-mnist"


def run_fxp(args, metrics):
    cmd = [args.quant, "run", os.path.join(args.model_dir, "model.onnx"),
           "--input", os.path.join(DATASET, "t10k-images-idx3-ubyte.gz"),
           "--labels", os.path.join(DATASET, "t10k-labels-idx1-ubyte.gz"),
           "--normalize", f"{metrics['mean']},{metrics['std']}",
           "--batch", str(args.batch), "--num-threads", str(args.threads),
           "--limit", str(args.images), "--json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def run_torch(args, metrics):
    import torch
    sys.path.insert(0, os.path.join(ROOT, "python", "examples", "fashion_resnet"))
    import fashion_mnist
    from train import FashionResNet

    torch.set_num_threads(args.threads)
    model = FashionResNet(units=metrics["units_per_stage"])
    model.load_state_dict(torch.load(os.path.join(args.model_dir, "model.pt")))
    model.eval()
    images = fashion_mnist.read_idx(os.path.join(DATASET, "t10k-images-idx3-ubyte.gz"))
    labels = fashion_mnist.read_idx(os.path.join(DATASET, "t10k-labels-idx1-ubyte.gz"))
    x = (images[: args.images].astype(np.float32) / 255.0 - metrics["mean"]) / metrics["std"]
    x = torch.from_numpy(x.reshape(-1, 1, 28, 28).astype(np.float32))
    y = labels[: args.images]
    correct = 0
    with torch.no_grad():
        model(x[: args.batch])  # warm-up
        start = time.perf_counter()
        for begin in range(0, x.shape[0], args.batch):
            logits = model(x[begin: begin + args.batch])
            correct += int((logits.argmax(1).numpy() == y[begin: begin + args.batch]).sum())
        seconds = time.perf_counter() - start
    return {"samples_per_second": x.shape[0] / seconds, "top1": correct / x.shape[0],
            "run_seconds": seconds, "torch": torch.__version__}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quant", default=os.path.join(ROOT, "build", "bin", "quant"))
    parser.add_argument("--model-dir", default=os.path.join(ROOT, "models", "fashion-resnet"))
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--images", type=int, default=10000)
    args = parser.parse_args()
    with open(os.path.join(args.model_dir, "metrics.json")) as f:
        metrics = json.load(f)

    fxp = run_fxp(args, metrics)
    torch_result = run_torch(args, metrics)
    ratio = fxp["samples_per_second"] / torch_result["samples_per_second"]
    print(f"float inference, {args.images} Fashion-MNIST test images, batch "
          f"{args.batch}, {args.threads} threads, model units/stage "
          f"{metrics['units_per_stage']}")
    print(f"{'implementation':<28}{'images/s':>10}{'top-1':>9}{'compile s':>11}")
    print(f"{'fxp quant run (JIT, CPU)':<28}{fxp['samples_per_second']:>10.0f}"
          f"{fxp['top1'] * 100:>8.2f}%{fxp['compile_seconds']:>11.2f}")
    print(f"{'PyTorch ' + torch_result['torch'] + ' (CPU)':<28}"
          f"{torch_result['samples_per_second']:>10.0f}"
          f"{torch_result['top1'] * 100:>8.2f}%{'-':>11}")
    print(f"throughput ratio fxp / PyTorch: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
