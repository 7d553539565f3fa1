#!/usr/bin/python3
"""Bench helpers run by tasks/bench.ts with Debian's python3 (torch 1.13 + OpenBLAS).

    make  <dir> <vocab> <dim> <layers> <heads> <samples> <seed>   build + export the bench model and samples
    score <dir> <batch_tokens> <reps>                             PyTorch eager timing (prints one JSON line);
                                                                  batch_tokens 0 = batch size 1, no padding (the
                                                                  subnet's compute_reference_loss)
    peak  <n> <reps>                                              torch matmul GFLOP/s (one JSON line)

The model is the GPT-style TinyGpt of tests/fixtures/make_fixtures.py at a larger size with random
weights (head scaled so logits are peaky). Timings exclude process start and model load.
"""
import json
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures"))
from make_fixtures import TinyGpt  # noqa: E402

torch.set_num_threads(1)  # with OPENBLAS_NUM_THREADS=2: the best 2-core setup (research/runtime.md §2)


def build(cfg):
    return TinyGpt(vocab=cfg["vocab_size"], d=cfg["n_embd"], layers=cfg["n_layer"], heads=cfg["n_head"],
                   max_len=cfg["n_positions"])


def make(directory, vocab, dim, layers, heads, n_samples, seed):
    torch.manual_seed(seed)
    cfg = {"model_type": "gpt2", "vocab_size": vocab, "n_embd": dim, "n_layer": layers, "n_head": heads,
           "n_positions": 1024}
    model = build(cfg).eval()
    with torch.no_grad():
        model.head.weight.mul_(8.0)
    os.makedirs(os.path.join(directory, "onnx"), exist_ok=True)
    ids = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
    torch.onnx.export(model, (ids, torch.ones_like(ids)), os.path.join(directory, "onnx", "model.onnx"),
                      opset_version=17, input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                    "attention_mask": {0: "batch", 1: "sequence"},
                                    "logits": {0: "batch", 1: "sequence"}})
    torch.save(model.state_dict(), os.path.join(directory, "weights.pt"))
    cfg["parameters"] = sum(p.numel() for p in model.parameters())
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f)
    rng = random.Random(seed)
    with open(os.path.join(directory, "samples.jsonl"), "w") as f:
        for _ in range(n_samples):
            c = [rng.randrange(vocab) for _ in range(rng.randint(64, 192))]
            r = [rng.randrange(vocab) for _ in range(rng.randint(64, 256))]
            f.write(json.dumps({"context_ids": c, "reference_ids": r}) + "\n")


def plan(lengths, budget):
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches, cur, length = [], [], 0
    for i in order:
        if cur and (len(cur) + 1) * length > budget:
            batches.append(cur)
            cur = []
        if not cur:
            length = lengths[i]
        cur.append(i)
    if cur:
        batches.append(cur)
    return batches


def score(directory, budget, reps):
    cfg = json.load(open(os.path.join(directory, "config.json")))
    model = build(cfg)
    model.load_state_dict(torch.load(os.path.join(directory, "weights.pt")))
    model.eval()
    samples = [json.loads(line) for line in open(os.path.join(directory, "samples.jsonl"))]
    lengths = [len(s["context_ids"]) + len(s["reference_ids"]) for s in samples]
    batches = plan(lengths, budget) if budget > 0 else [[i] for i in range(len(samples))]
    total = sum(lengths)

    def one_pass():
        losses = [0.0] * len(samples)
        with torch.inference_mode():
            for b in batches:
                t = max(lengths[i] for i in b)
                ids = torch.zeros(len(b), t, dtype=torch.long)
                mask = torch.zeros(len(b), t, dtype=torch.long)
                for row, i in enumerate(b):
                    x = samples[i]["context_ids"] + samples[i]["reference_ids"]
                    ids[row, : len(x)] = torch.tensor(x)
                    mask[row, : len(x)] = 1
                logp = F.log_softmax(model(ids, mask), dim=-1)
                for row, i in enumerate(b):
                    c, r = len(samples[i]["context_ids"]), samples[i]["reference_ids"]
                    lp = logp[row, c - 1: c - 1 + len(r)].gather(1, torch.tensor(r)[:, None])
                    losses[i] = float(-lp.mean())
        return losses

    one_pass()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        losses = one_pass()
        times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    print(json.dumps({"tokens_per_second": total / median, "seconds": median, "tokens": total, "losses": losses,
                      "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS")}))


def peak(n, reps):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    dt = time.perf_counter() - t0
    print(json.dumps({"gflops": 2 * n ** 3 * reps / dt / 1e9}))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        make(args[0], *[int(x) for x in args[1:]])
    elif cmd == "score":
        score(args[0], int(args[1]), int(args[2]))
    elif cmd == "peak":
        peak(int(args[0]), int(args[1]))
    else:
        raise SystemExit(f"unknown command {cmd}")
