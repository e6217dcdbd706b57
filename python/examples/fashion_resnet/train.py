#!/usr/bin/python3
"""Train the fxp reference model: a small residual CNN on Fashion-MNIST.

Architecture (CIFARNet-20-16 style, adapted to 1x28x28 inputs):
  stem: conv3x3(1->16) - BN - ReLU                               28x28
  stage1: N units, 16 ch                                          28x28
  stage2: N units, 32 ch (unit1: stride 2, 1x1 conv+BN shortcut)  14x14
  stage3: N units, 64 ch (unit1: stride 2, 1x1 conv+BN shortcut)   7x7
  unit: conv3x3-BN-ReLU-conv3x3-BN, + shortcut, ReLU
  head: global average pool, fc 64->10

Defaults reproduce the committed artifacts in models/fashion-resnet:
  /usr/bin/python3 python/examples/fashion_resnet/train.py
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_mnist  # noqa: E402

SEED = 20240601
DEFAULT_UNITS = 2
DEFAULT_EPOCHS = 6
BATCH = 128
N_REF = 256


# ----------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------
class ConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class Unit(nn.Module):
    """conv3x3-BN-ReLU-conv3x3-BN, add shortcut, ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = ConvBN(cin, cout, 1, stride) if (stride != 1 or cin != cout) else None
        self.relu2 = nn.ReLU()

    def forward(self, x):
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return self.relu2(y + s)


class Stem(nn.Module):
    def __init__(self, cout):
        super().__init__()
        self.conv = nn.Conv2d(1, cout, 3, stride=1, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class Stage(nn.Module):
    def __init__(self, cin, cout, units, stride):
        super().__init__()
        for i in range(units):
            self.add_module(f"unit{i + 1}", Unit(cin if i == 0 else cout, cout,
                                                 stride if i == 0 else 1))

    def forward(self, x):
        for m in self.children():
            x = m(x)
        return x


class FashionResNet(nn.Module):
    def __init__(self, units=DEFAULT_UNITS, width=16, classes=10):
        super().__init__()
        self.stem = Stem(width)
        self.stage1 = Stage(width, width, units, 1)
        self.stage2 = Stage(width, 2 * width, units, 2)
        self.stage3 = Stage(2 * width, 4 * width, units, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4 * width, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        # Zero-init the last BN of each residual branch (unit starts as identity-ish).
        for m in self.modules():
            if isinstance(m, Unit):
                nn.init.zeros_(m.bn2.weight)

    def forward(self, x):
        x = self.stem(x)
        x = self.stage1(x)
        x = self.stage2(x)
        x = self.stage3(x)
        x = torch.flatten(self.pool(x), 1)
        return self.fc(x)


# ----------------------------------------------------------------------------
# Training helpers
# ----------------------------------------------------------------------------
def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def augment(xb, gen):
    """Random horizontal flip + random crop (padding 2, zero = normalized background)."""
    n = xb.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
    bg = (0.0 - fashion_mnist.MEAN) / fashion_mnist.STD
    padded = F.pad(xb, (2, 2, 2, 2), value=bg)
    dx = torch.randint(0, 5, (n,), generator=gen)
    dy = torch.randint(0, 5, (n,), generator=gen)
    out = torch.empty_like(xb)
    for i in range(5):
        for j in range(5):
            sel = (dy == i) & (dx == j)
            if sel.any():
                out[sel] = padded[sel, :, i:i + 28, j:j + 28]
    return out


@torch.no_grad()
def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    for i in range(0, x.shape[0], batch):
        logits = model(x[i:i + batch])
        correct += int((logits.argmax(1) == y[i:i + batch]).sum())
    return correct


def count_ops(path):
    import onnx
    m = onnx.load(path)
    counts = {}
    for n in m.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return m, dict(sorted(counts.items()))


def rename_folded_initializers(path):
    """Give the BN-folded Conv weights/biases (exported as 'onnx::Conv_<n>') readable
    names derived from the Conv node ('/stage1/unit1/conv1/Conv' ->
    'stage1.unit1.conv1.weight' / '.bias'). Graph semantics are unchanged."""
    import onnx
    m = onnx.load(path)
    inits = {i.name: i for i in m.graph.initializer}
    uses = {}
    for n in m.graph.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    mapping = {}
    for n in m.graph.node:
        if n.op_type != "Conv":
            continue
        scope = n.name.strip("/").rsplit("/", 1)[0].replace("/", ".")
        for slot, suffix in ((1, "weight"), (2, "bias")):
            if len(n.input) > slot and n.input[slot].startswith("onnx::") \
                    and n.input[slot] in inits and uses[n.input[slot]] == 1:
                new = f"{scope}.{suffix}"
                if new not in inits and new not in mapping.values():
                    mapping[n.input[slot]] = new
    for old, new in mapping.items():
        inits[old].name = new
    for n in m.graph.node:
        for k, i in enumerate(n.input):
            if i in mapping:
                n.input[k] = mapping[i]
    onnx.save(m, path)
    return len(mapping)


# ----------------------------------------------------------------------------
# A tiny numpy evaluator for the exported graphs (python3-onnx 1.12 has no
# onnx.reference and Debian has no onnxruntime). Covers exactly the op types
# this network exports to; anything else raises.
# ----------------------------------------------------------------------------
def _conv2d(x, w, b, strides, pads, group, dilations):
    if group != 1 or any(d != 1 for d in dilations):
        raise NotImplementedError("conv group/dilation")
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    pt, pl, pb, pr = pads
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    sh, sw = strides
    oh = (h + pt + pb - kh) // sh + 1
    ow = (wd + pl + pr - kw) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
    y = np.einsum("nckhij,mckh->nmij", cols.reshape(n, c, kh, kw, oh, ow), w,
                  optimize=True)
    if b is not None:
        y = y + b[None, :, None, None]
    return y


def run_onnx_numpy(model, feeds):
    import onnx
    from onnx import numpy_helper
    env = {k: v.astype(np.float64) for k, v in feeds.items()}
    for init in model.graph.initializer:
        a = numpy_helper.to_array(init)
        env[init.name] = a.astype(np.float64) if a.dtype.kind == "f" else a
    for node in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            k = ins[1].shape[2:]
            out = _conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                          attrs.get("strides", [1, 1]), attrs.get("pads", [0, 0, 0, 0]),
                          attrs.get("group", 1), attrs.get("dilations", [1, 1]))
            assert tuple(attrs.get("kernel_shape", k)) == tuple(k)
        elif op == "BatchNormalization":
            if len(node.output) != 1 or attrs.get("training_mode", 0):
                raise ValueError("training-mode BatchNormalization")
            x, s, b, mu, var = ins
            eps = attrs.get("epsilon", 1e-5)
            sh = (1, -1, 1, 1)
            out = (x - mu.reshape(sh)) / np.sqrt(var.reshape(sh) + eps) * s.reshape(sh) \
                + b.reshape(sh)
        elif op == "Identity":
            out = ins[0]
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = attrs.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            a, b = ins[0], ins[1]
            if attrs.get("transA", 0):
                a = a.T
            if attrs.get("transB", 0):
                b = b.T
            out = attrs.get("alpha", 1.0) * (a @ b)
            if len(ins) > 2 and ins[2] is not None:
                out = out + attrs.get("beta", 1.0) * ins[2]
        else:
            raise NotImplementedError(f"numpy evaluator: op {op}")
        env[node.output[0]] = out
    return [env[o.name] for o in model.graph.output]


# ----------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    ap.add_argument("--units", type=int, default=DEFAULT_UNITS,
                    help="residual units per stage (2: ResNet-14, 3: ResNet-20)")
    ap.add_argument("--out", default="models/fashion-resnet")
    ap.add_argument("--data", default=fashion_mnist.DEFAULT_DIR)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--time-only", type=int, default=0, metavar="STEPS",
                    help="only time STEPS training steps and exit (for sizing N)")
    args = ap.parse_args()

    t_start = time.time()
    torch.set_num_threads(args.threads)
    seed_everything(SEED)
    torch.use_deterministic_algorithms(True)

    xtr_u8, ytr = fashion_mnist.load("train", args.data)
    xte_u8, yte = fashion_mnist.load("t10k", args.data)
    xtr = torch.from_numpy(fashion_mnist.normalize(xtr_u8))
    xte = torch.from_numpy(fashion_mnist.normalize(xte_u8))
    ytr_t = torch.from_numpy(ytr)
    yte_t = torch.from_numpy(yte)

    model = FashionResNet(args.units)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"FashionResNet units/stage={args.units} params={n_params} "
          f"torch={torch.__version__} threads={torch.get_num_threads()}", flush=True)

    steps_per_epoch = (xtr.shape[0] + BATCH - 1) // BATCH
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                          weight_decay=5e-4)
    total = max(1, args.epochs * steps_per_epoch)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=args.lr, total_steps=total, pct_start=0.25,
        anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0)
    gen = torch.Generator().manual_seed(SEED)

    t_train = time.time()
    for epoch in range(args.epochs if not args.time_only else 1):
        model.train()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        t0 = time.time()
        loss_sum, seen, corr = 0.0, 0, 0
        for step in range(steps_per_epoch):
            idx = perm[step * BATCH:(step + 1) * BATCH]
            xb = augment(xtr[idx], gen)
            yb = ytr_t[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += float(loss) * yb.shape[0]
            seen += yb.shape[0]
            corr += int((logits.argmax(1) == yb).sum())
            if args.time_only and step + 1 == args.time_only:
                dt = time.time() - t0
                print(f"timed {step + 1} steps: {dt:.1f}s -> est. epoch "
                      f"{dt / (step + 1) * steps_per_epoch:.0f}s", flush=True)
                return
        te = time.time() - t0
        c = evaluate(model, xte, yte_t)
        print(f"epoch {epoch + 1}/{args.epochs} loss {loss_sum / seen:.4f} "
              f"train_acc {corr / seen:.4f} test_acc {c / xte.shape[0]:.4f} "
              f"lr {sched.get_last_lr()[0]:.4f} epoch_time {te:.0f}s "
              f"elapsed {time.time() - t_start:.0f}s", flush=True)
    train_seconds = time.time() - t_train

    model.eval()
    correct = evaluate(model, xte, yte_t)
    top1 = correct / xte.shape[0]
    print(f"final float test top-1: {top1:.4f} ({correct}/{xte.shape[0]}), "
          f"train {train_seconds:.0f}s", flush=True)

    # ------------------------------------------------------------------ export
    import onnx
    os.makedirs(args.out, exist_ok=True)
    p_onnx = os.path.join(args.out, "model.onnx")
    p_bn = os.path.join(args.out, "model_bn.onnx")
    p_pt = os.path.join(args.out, "model.pt")
    p_ref = os.path.join(args.out, "reference_logits_256.npy")
    p_in = os.path.join(args.out, "reference_logits_256_input.npy")
    p_metrics = os.path.join(args.out, "metrics.json")

    ref_in = xte[:N_REF].contiguous()
    with torch.no_grad():
        ref_logits = model(ref_in).numpy().astype(np.float32)
    np.save(p_in, ref_in.numpy().astype(np.float32))
    np.save(p_ref, ref_logits)
    torch.save(model.state_dict(), p_pt)

    export_kw = dict(opset_version=13, input_names=["input"], output_names=["logits"],
                     dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    dummy = torch.zeros(1, 1, 28, 28)
    with torch.no_grad():
        torch.onnx.export(model, dummy, p_onnx, **export_kw)
        torch.onnx.export(model, dummy, p_bn, training=torch.onnx.TrainingMode.PRESERVE,
                          do_constant_folding=False, **export_kw)
    model.eval()
    renamed = rename_folded_initializers(p_onnx)
    print(f"model.onnx: renamed {renamed} folded Conv initializers to module names")

    # ------------------------------------------------------------------ checks
    ok = True
    # (1) state_dict round trip into a fresh model: identical logits.
    fresh = FashionResNet(args.units)
    fresh.load_state_dict(torch.load(p_pt))
    fresh.eval()
    with torch.no_grad():
        again = fresh(ref_in).numpy()
    same = np.array_equal(again, ref_logits)
    print(f"check model.pt reload: identical logits = {same}")
    ok &= same

    # (2) ONNX checker, op census, and numpy evaluation of both graphs.
    has_bn_file = True
    for path in (p_onnx, p_bn):
        m, ops = count_ops(path)
        onnx.checker.check_model(m)
        print(f"check {os.path.basename(path)}: onnx.checker ok; ops {ops}")
        if path == p_bn:
            bns = [n for n in m.graph.node if n.op_type == "BatchNormalization"]
            bad = [n.name for n in bns if len(n.output) != 1 or any(
                a.name == "training_mode" and a.i != 0 for a in n.attribute)]
            if not bns or bad or "Dropout" in ops or len(m.graph.output) != 1:
                print(f"model_bn.onnx is not an eval-mode BN graph "
                      f"(bn={len(bns)}, training-mode={bad}); removing it")
                os.remove(path)
                has_bn_file = False
                continue
        (out,) = run_onnx_numpy(m, {"input": ref_in.numpy()})
        err = float(np.abs(out - ref_logits).max())
        agree = int((out.argmax(1) == ref_logits.argmax(1)).sum())
        good = err < 1e-3 and agree == N_REF
        print(f"check {os.path.basename(path)}: numpy evaluator vs torch max|diff| "
              f"{err:.2e}, argmax agree {agree}/{N_REF} -> {'ok' if good else 'FAIL'}")
        ok &= good

    metrics = {
        "float_top1": top1,
        "correct": correct,
        "test_count": int(xte.shape[0]),
        "units_per_stage": args.units,
        "epochs": args.epochs,
        "train_seconds": round(train_seconds, 1),
        "total_seconds": round(time.time() - t_start, 1),
        "threads": torch.get_num_threads(),
        "mean": fashion_mnist.MEAN,
        "std": fashion_mnist.STD,
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "param_count": n_params,
        "param_bytes_float32": 4 * n_params,
        "seed": SEED,
        "reference_count": N_REF,
        "reference_top1": float((ref_logits.argmax(1) == yte[:N_REF]).mean()),
        "model_bn_onnx": has_bn_file,
    }
    with open(p_metrics, "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")

    sizes = {n: os.path.getsize(os.path.join(args.out, n)) for n in sorted(os.listdir(args.out))}
    for n, s in sizes.items():
        print(f"  {n:32s} {s:9d} bytes")
    tot = sum(sizes.values())
    print(f"  total {tot} bytes ({tot / 2**20:.2f} MiB); wall {time.time() - t_start:.0f}s")
    if not ok:
        print("CONSISTENCY CHECKS FAILED", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
