#!/usr/bin/env python3
"""PyTorch latency of the reference model on the GPU (fp32 and fp16), per
batch, host tensors in and out like fxp's model.so.

  torch_latency.py [--model-dir models/fashion-resnet] [--batch 1 64 256]

Prints one markdown row per precision and batch.
"""
import argparse
import json
import os
import sys
import time

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir)
sys.path.insert(0, os.path.join(ROOT, "python", "examples", "fashion_resnet"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default=os.path.join(ROOT, "models",
                                                            "fashion-resnet"))
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 64, 256])
    args = parser.parse_args()
    from train import FashionResNet  # the reference model's definition
    with open(os.path.join(args.model_dir, "metrics.json")) as f:
        metrics = json.load(f)
    loaded = FashionResNet(units=metrics["units_per_stage"])
    loaded.load_state_dict(torch.load(os.path.join(args.model_dir, "model.pt"),
                                      map_location="cpu"))
    for dtype in (torch.float32, torch.float16):
        model = loaded.to("cuda", dtype).eval()
        for batch in args.batch:
            x = torch.randn(batch, 1, 28, 28)
            with torch.no_grad():
                for _ in range(5):
                    model(x.to("cuda", dtype)).float().cpu()
                times = []
                for _ in range(20):
                    start = time.perf_counter()
                    model(x.to("cuda", dtype)).float().cpu()
                    times.append(time.perf_counter() - start)
            t = sorted(times)[len(times) // 2]
            print(f"| PyTorch {str(dtype).split('.')[-1]} (host in/out) | batch {batch} "
                  f"| {t * 1e3:.3f} ms | {batch / t:.0f} images/s |")


if __name__ == "__main__":
    main()
