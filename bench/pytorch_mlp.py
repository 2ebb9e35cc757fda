#!/usr/bin/env python3
"""The PyTorch side of bench:speed's real-GPU comparison (issue 5, item 6).

Trains the same MLP as bench:speed's training table: 784-256-256-10, ReLU,
softmax cross-entropy, momentum SGD (lr 0.01, momentum 0.9, PyTorch's
dampening-free form, as the engine's optimizer.wgsl), fp32, on MNIST from
public/datasets. The training set lives on the GPU and each step gathers its
batch there through a shuffled index, as the engine does. Each batch size is
timed over `--steps` steps after a warm-up, with one synchronisation at the
end of the timed loop, and the rates go to a JSON file that
`bench-speed --pytorch FILE` puts beside the engine's rates from the same card.

Usage (on the GPU machine; scripts/gpu-bench.sh runs it):
  python3 bench/pytorch_mlp.py --out pytorch.json [--data public/datasets]
      [--batches 128,1024] [--steps 200] [--device cuda]
"""
import argparse
import gzip
import json
import os
import platform
import struct
import sys
import time
from datetime import datetime, timezone

SIZES = [784, 256, 256, 10]
LR = 0.01
MOMENTUM = 0.9
WARMUP = 10


def read_idx(path):
    """An IDX file (gzipped) as (dims, raw bytes): MNIST's images and labels."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, kind, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return dims, data[4 + 4 * ndim :]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="JSON file for the rates")
    parser.add_argument("--data", default="public/datasets", help="folder holding mnist-train-*.gz (gzipped IDX)")
    parser.add_argument("--batches", default="128,1024")
    parser.add_argument("--steps", type=int, default=200, help="timed steps at each batch size")
    parser.add_argument("--device", default="cuda", help="cuda (default) or cpu (to check the script)")
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        sys.exit("PyTorch is not installed here: the comparison needs PyTorch with CUDA on the GPU machine.")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        sys.exit("PyTorch sees no CUDA device; pass --device cpu only to check the script.")
    device = torch.device(args.device)
    torch.manual_seed(1)
    # fp32 as the engine: no TF32 tensor-core rounding in the matrix products.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

    (count, rows, cols), images = read_idx(os.path.join(args.data, "mnist-train-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(args.data, "mnist-train-labels-idx1-ubyte.gz"))
    # Uploaded once; the engine's gather divides the bytes by 255 on the GPU too.
    X = torch.frombuffer(bytearray(images), dtype=torch.uint8).to(device).view(count, rows * cols)
    Y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).to(device).long()

    results = []
    for batch in [int(b) for b in args.batches.split(",")]:
        layers = [torch.nn.Linear(a, b) for a, b in zip(SIZES[:-1], SIZES[1:])]
        model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(), layers[2]).to(device)
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(count, device=device)
        steps_per_epoch = count // batch

        def step(s):
            index = order[(s % steps_per_epoch) * batch : (s % steps_per_epoch + 1) * batch]
            x = X[index].float().div_(255.0)
            loss = loss_fn(model(x), Y[index])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            return loss

        first = step(0).item()
        for s in range(1, WARMUP):
            step(s)
        sync(torch, device)
        t0 = time.perf_counter()
        for s in range(WARMUP, WARMUP + args.steps):
            last = step(s)
        sync(torch, device)
        seconds = time.perf_counter() - t0
        results.append({
            "batch": batch,
            "steps": args.steps,
            "samplesPerSec": batch * args.steps / seconds,
            "msPerStep": 1000 * seconds / args.steps,
            "loss": {"first": first, "last": last.item()},
        })
        print(f"batch {batch}: {batch * args.steps / seconds:.0f} samples/s, loss {first:.3f} -> {last.item():.3f}", file=sys.stderr)

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    report = {
        "generatedAt": datetime.now(timezone.utc).isoformat(),
        "device": name,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "network": "-".join(str(s) for s in SIZES),
        "optimizer": f"momentum SGD, lr {LR}, momentum {MOMENTUM}",
        "rates": results,
    }
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)


def sync(torch, device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


if __name__ == "__main__":
    main()
