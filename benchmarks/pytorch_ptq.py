#!/usr/bin/python3
"""PyTorch's own static post-training quantization (PTQ) of the bundled
reference model: the side-by-side peer for fxp's int8 result.

    /usr/bin/python3 benchmarks/pytorch_ptq.py [--json out.json] [--limit N]
                                               [--per-channel] [--batch 64]
                                               [--threads 2] [--repeats 3]

What it does (eager-mode static PTQ, Debian's CPU-only torch 1.13):

* model: models/fashion-resnet/model.pt (a FashionResNet state_dict saved by
  python/examples/fashion_resnet/train.py; the class is imported from there,
  not copied). Inputs are normalized like fxp's `--normalize mean,std`:
  (x/255 - mean) / std with mean/std from metrics.json (0.286 / 0.353).
* quantizable twin: the same modules and state_dict, with QuantStub/DeQuantStub
  around the network, and each residual unit's `relu2(y + s)` done by a
  FloatFunctional `add_relu` (one quantized add+ReLU, as in torchvision's
  quantizable ResNet). Fused in eval mode: stem conv+bn+relu,
  conv1+bn1+relu1, conv2+bn2, shortcut conv+bn (BN folded into conv weights
  and a new float bias). train.py is not modified; the Unit instances get a
  subclass (`__class__` swap) that only overrides forward.
* qconfig: torch.backends.quantized.engine = 'qnnpack' and
  get_default_qconfig('qnnpack'): HistogramObserver (quint8, reduce_range off)
  for activations, per-tensor symmetric MinMaxObserver (qint8) for weights.
  `--per-channel` swaps the weight observer for the per-channel symmetric
  one (default_per_channel_weight_observer); qnnpack in torch 1.13 has
  per-channel quantized conv/linear kernels, so this runs on the same engine.
* calibration: the FIRST 200 training images (the same images fxp calibrates
  on: `quant calibrate ... train-images ... --limit 200`), in batches of
  --calib-batch (default 200: one batch, so the histograms are not merged
  across batches).
* validation: the full 10,000-image test set (or the first --limit images),
  batch --batch, torch.set_num_threads(--threads) (default 2). Throughput is
  the fastest of --repeats (default 3) timed passes over those images (one
  warm-up batch first; predictions must agree across passes), so a busy
  shared machine disturbs it less. Calibration time = the forward passes of
  the 200 images through the observed model (prepare and convert excluded;
  convert is reported on its own).

Each measured model (float, int8) runs in a fresh process (this script
re-invoked with an internal --_worker flag), so observers, packed weights and
thread pools do not leak from one measurement into the other.

Output: a table (implementation | top-1 | learnable parameter bytes |
images/s), the calibration time and the int8 throughput; `--json PATH` writes
{"float": {...}, "int8": {...}, "engine": "qnnpack", "observer":
"HistogramObserver", "calibration_images": 200, ...}.

Parameter bytes: float = 4 bytes x every learnable parameter (conv weights,
BN gamma/beta, fc weight/bias; BN running statistics are buffers and are not
counted), i.e. metrics.json's param_bytes_float32. int8: see
int8_param_bytes().
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE_DIR = os.path.join(ROOT, "python", "examples", "fashion_resnet")
DATASET = "/usr/share/datasets/fashion-mnist"
CALIBRATION_IMAGES = 200


# ----------------------------------------------------------------------------
# Data and model
# ----------------------------------------------------------------------------
def load_images(split, count, mean, std, data_dir):
    """First `count` images (None: all) of split 'train'/'t10k', normalized."""
    import fashion_mnist
    images = fashion_mnist.read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = fashion_mnist.read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    if count is not None:
        images, labels = images[:count], labels[:count]
    x = (images.astype(np.float32) / np.float32(255.0) - np.float32(mean)) / np.float32(std)
    return x.reshape(-1, 1, 28, 28).astype(np.float32), labels.astype(np.int64)


def load_float_model(model_dir, metrics):
    import torch
    from train import FashionResNet
    model = FashionResNet(units=metrics["units_per_stage"])
    model.load_state_dict(torch.load(os.path.join(model_dir, "model.pt")))
    model.eval()  # BN uses running statistics; required for reproduction
    return model


def make_quantizable(model):
    """Turn a loaded, eval-mode FashionResNet into a fused, quantizable twin
    (same weights) and return it."""
    import torch
    import torch.nn as nn
    from torch.ao.quantization import DeQuantStub, QuantStub, fuse_modules
    import train

    class QuantizableUnit(train.Unit):
        # Same computation as train.Unit.forward; the residual add and the final
        # ReLU become one quantized add_relu (the ReLU cannot be fused into a
        # conv because it follows the add).
        def forward(self, x):
            y = self.relu1(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            s = x if self.shortcut is None else self.shortcut(x)
            return self.skip_add_relu.add_relu(y, s)

    class QuantizableFashionResNet(nn.Module):
        def __init__(self, net):
            super().__init__()
            self.quant = QuantStub()
            self.net = net
            self.dequant = DeQuantStub()

        def forward(self, x):
            return self.dequant(self.net(self.quant(x)))

    groups = [["stem.conv", "stem.bn", "stem.relu"]]
    for name, m in model.named_modules():
        if isinstance(m, train.Unit):
            m.__class__ = QuantizableUnit
            m.skip_add_relu = torch.nn.quantized.FloatFunctional()
            m.relu2 = nn.Identity()  # folded into skip_add_relu
            groups.append([f"{name}.conv1", f"{name}.bn1", f"{name}.relu1"])
            groups.append([f"{name}.conv2", f"{name}.bn2"])
            if m.shortcut is not None:
                groups.append([f"{name}.shortcut.conv", f"{name}.shortcut.bn"])
    model.eval()
    fuse_modules(model, groups, inplace=True)
    leftover = [n for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d)]
    if leftover:
        raise RuntimeError(f"unfused BatchNorm2d: {leftover}")
    return QuantizableFashionResNet(model).eval()


def float_param_bytes(model):
    return 4 * sum(p.numel() for p in model.parameters())


def int8_param_bytes(qmodel):
    """Learnable-parameter bytes of the converted model, as PyTorch stores them.

    Rule: for every quantized conv/linear (nnq.Conv2d, nniq.ConvReLU2d,
    nnq.Linear, ...; BN is already folded into them) count the packed weight
    as 1 byte per int8 element (`m.weight()` unpacks the qint8 tensor; the
    qnnpack pack holds the same count of 8-bit values) plus the bias as stored:
    float32 (4 bytes per element; quantized conv/linear keep an fp32 bias and
    quantize it to int32 on the fly). Per-tensor/per-channel scales and zero
    points and activation qparams are metadata and reported separately
    (qparam_bytes: 8 bytes per scale/zero-point pair: fp32 scale + int32 zp),
    not included in param_bytes. BN gamma/beta no longer exist (folded).
    """
    import torch
    import torch.nn.quantized as nnq
    weight_bytes = bias_bytes = qparam_bytes = 0
    layers = 0
    for _, m in qmodel.named_modules():
        # nnq.Conv2d also covers the fused nniq.ConvReLU2d (a subclass); nnq.Linear,
        # not its LinearPackedParams child (that would count the fc twice).
        if not isinstance(m, (nnq.Conv2d, nnq.Linear)):
            continue
        w, b = m._weight_bias()
        if not w.is_quantized or w.dtype != torch.qint8:
            raise RuntimeError(f"unexpected weight dtype {w.dtype} in {type(m).__name__}")
        layers += 1
        weight_bytes += w.numel() * 1
        if w.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
            qparam_bytes += 8 * w.q_per_channel_scales().numel()
        else:
            qparam_bytes += 8
        if b is not None:
            bias_bytes += b.numel() * b.element_size()
    return {"param_bytes": weight_bytes + bias_bytes, "weight_bytes": weight_bytes,
            "bias_bytes": bias_bytes, "weight_qparam_bytes": qparam_bytes,
            "quantized_layers": layers}


def validate(model, x, y, batch, repeats):
    """Top-1 over (x, y) and the throughput of the timed loop (one warm-up batch
    outside the timing). The loop runs `repeats` times (same predictions each
    time, checked); the fastest pass is reported, since the machine may be shared."""
    import torch
    xt = torch.from_numpy(x)
    times, corrects = [], []
    with torch.no_grad():
        model(xt[:batch])
        for _ in range(max(1, repeats)):
            correct = 0
            start = time.perf_counter()
            for begin in range(0, xt.shape[0], batch):
                logits = model(xt[begin:begin + batch])
                correct += int((logits.argmax(1).numpy() == y[begin:begin + batch]).sum())
            times.append(time.perf_counter() - start)
            corrects.append(correct)
    if len(set(corrects)) != 1:
        raise RuntimeError(f"non-deterministic top-1 across passes: {corrects}")
    seconds = min(times)
    return {"top1": correct / xt.shape[0], "correct": correct, "count": int(xt.shape[0]),
            "run_seconds": seconds, "images_per_second": xt.shape[0] / seconds,
            "pass_seconds": times}


# ----------------------------------------------------------------------------
# Workers (one fresh process each)
# ----------------------------------------------------------------------------
def worker(args, metrics):
    import torch
    torch.set_num_threads(args.threads)
    result = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    xte, yte = load_images("t10k", args.limit, metrics["mean"], metrics["std"], args.data)
    model = load_float_model(args.model_dir, metrics)

    if args._worker == "float":
        result["param_bytes"] = float_param_bytes(model)
        result.update(validate(model, xte, yte, args.batch, args.repeats))
        return result

    from torch.ao.quantization import (QConfig, convert, default_per_channel_weight_observer,
                                       get_default_qconfig, prepare)
    torch.backends.quantized.engine = "qnnpack"
    qconfig = get_default_qconfig("qnnpack")
    if args.per_channel:
        qconfig = QConfig(activation=qconfig.activation,
                          weight=default_per_channel_weight_observer)
    result["engine"] = torch.backends.quantized.engine
    result["activation_observer"] = repr(qconfig.activation())
    result["weight_observer"] = repr(qconfig.weight())

    # BN folding check: the fused float twin must match the original closely.
    xcal, _ = load_images("train", CALIBRATION_IMAGES, metrics["mean"], metrics["std"],
                          args.data)
    xcal_t = torch.from_numpy(xcal)
    with torch.no_grad():
        ref = model(xcal_t)
    qmodel = make_quantizable(model)
    with torch.no_grad():
        result["fused_float_max_abs_diff"] = float((qmodel(xcal_t) - ref).abs().max())

    qmodel.qconfig = qconfig
    prepare(qmodel, inplace=True)
    start = time.perf_counter()
    with torch.no_grad():
        for begin in range(0, xcal_t.shape[0], args.calib_batch):
            qmodel(xcal_t[begin:begin + args.calib_batch])
    result["calibration_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    convert(qmodel, inplace=True)
    result["convert_seconds"] = time.perf_counter() - start
    result.update(int8_param_bytes(qmodel))
    result.update(validate(qmodel, xte, yte, args.batch, args.repeats))
    return result


def run_worker(kind, args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        cmd = [sys.executable, os.path.abspath(__file__), "--_worker", kind, "--_result", out,
               "--model-dir", args.model_dir, "--data", args.data,
               "--batch", str(args.batch), "--calib-batch", str(args.calib_batch),
               "--threads", str(args.threads), "--repeats", str(args.repeats)]
        if args.limit is not None:
            cmd += ["--limit", str(args.limit)]
        if args.per_channel:
            cmd.append("--per-channel")
        subprocess.run(cmd, check=True)
        with open(out) as f:
            return json.load(f)


# ----------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default=os.path.join(ROOT, "models", "fashion-resnet"))
    parser.add_argument("--data", default=DATASET)
    parser.add_argument("--limit", type=int, default=None,
                        help="validate on the first N test images (default: all 10,000)")
    parser.add_argument("--batch", type=int, default=64, help="validation batch")
    parser.add_argument("--calib-batch", type=int, default=CALIBRATION_IMAGES,
                        help="calibration batch (default: all 200 images in one batch)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed validation passes per model; the fastest is reported")
    parser.add_argument("--per-channel", action="store_true",
                        help="per-channel symmetric int8 weights (default: per-tensor)")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--_worker", choices=["float", "int8"], help=argparse.SUPPRESS)
    parser.add_argument("--_result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, EXAMPLE_DIR)
    with open(os.path.join(args.model_dir, "metrics.json")) as f:
        metrics = json.load(f)

    if args._worker:
        result = worker(args, metrics)
        with open(args._result, "w") as f:
            json.dump(result, f)
        return

    t0 = time.perf_counter()
    res_float = run_worker("float", args)
    res_int8 = run_worker("int8", args)
    wall = time.perf_counter() - t0

    weights = "per-channel" if args.per_channel else "per-tensor"
    count = res_float["count"]
    print(f"PyTorch {res_float['torch']} static PTQ, eager mode, engine qnnpack; "
          f"HistogramObserver activations, {weights} symmetric int8 weights; "
          f"calibration: first {CALIBRATION_IMAGES} training images; validation: "
          f"{count} test images, batch {args.batch}, {res_float['threads']} threads")
    rows = [("PyTorch float", res_float), (f"PyTorch int8 (qnnpack, {weights})", res_int8)]
    print(f"{'implementation':36s} | {'top-1':>19s} | {'param bytes':>11s} | {'images/s':>9s}")
    print(f"{'-' * 36}-+-{'-' * 19}-+-{'-' * 11}-+-{'-' * 9}")
    for name, r in rows:
        top1 = f"{r['top1']:.4f} ({r['correct']}/{r['count']})"
        print(f"{name:36s} | {top1:>19s} | {r['param_bytes']:11d} | "
              f"{r['images_per_second']:9.0f}")
    print(f"int8 param bytes = {res_int8['weight_bytes']} int8 weight bytes + "
          f"{res_int8['bias_bytes']} fp32 bias bytes over {res_int8['quantized_layers']} "
          f"quantized conv/linear layers (+{res_int8['weight_qparam_bytes']} bytes of "
          f"weight scales/zero points, not counted)")
    print(f"calibration: {res_int8['calibration_seconds']:.2f} s for {CALIBRATION_IMAGES} "
          f"images (batch {args.calib_batch}); convert {res_int8['convert_seconds']:.2f} s; "
          f"fused-float vs float max|diff| {res_int8['fused_float_max_abs_diff']:.2e}")
    print(f"int8 inference: {res_int8['images_per_second']:.0f} images/s "
          f"(best of {len(res_int8['pass_seconds'])} passes: {res_int8['run_seconds']:.2f} s "
          f"for {count} images); float: "
          f"{res_float['images_per_second']:.0f} images/s; int8/float "
          f"{res_int8['images_per_second'] / res_float['images_per_second']:.2f}x; "
          f"wall {wall:.1f} s")
    if args.limit is None and res_float["correct"] != metrics["correct"]:
        print(f"WARNING: float top-1 {res_float['correct']}/{count} does not reproduce "
              f"metrics.json ({metrics['correct']}/{metrics['test_count']})", file=sys.stderr)

    if args.json:
        keep = ("top1", "correct", "count", "param_bytes", "images_per_second", "run_seconds",
                "pass_seconds")
        out = {
            "float": {k: res_float[k] for k in keep},
            "int8": {k: res_int8[k] for k in keep + (
                "weight_bytes", "bias_bytes", "weight_qparam_bytes", "quantized_layers",
                "calibration_seconds", "convert_seconds", "fused_float_max_abs_diff")},
            "engine": "qnnpack",
            "observer": "HistogramObserver",
            "weights": weights,
            "calibration_images": CALIBRATION_IMAGES,
            "calibration_batch": args.calib_batch,
            "batch": args.batch,
            "threads": res_float["threads"],
            "repeats": args.repeats,
            "torch": res_float["torch"],
        }
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
