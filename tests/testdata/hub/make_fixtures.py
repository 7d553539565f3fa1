"""Writes the local-hub fixture repositories and their reference hashes (hashes.json).

Run with Debian's python3 from the repository root:  /usr/bin/python3 tests/testdata/hub/make_fixtures.py
The model hash mirrors the reference validator: os.walk over the snapshot directory (directory names
sorted in place, file names sorted), base64 sha256 of each file, the UTF-8 of those strings fed into
one sha256, base64; the secure hash is base64 sha256 of (model_hash + hotkey). The snapshot directory
holds exactly the files the validator downloads, listed by hand below for each repository.
"""
import base64
import hashlib
import json
import os
import random
import shutil
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPOS = os.path.join(HERE, "repos")
HOTKEYS = ["5F3sa2TJAWMqDhXG6jhV4N8ko9SxwGy8TpaNS1repo5EYjQX", "5Hotkey"]


def blob(seed, size):
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(size))


def write(repo, path, data):
    full = os.path.join(REPOS, repo, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def file_b64_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            h.update(chunk)
    return base64.b64encode(h.digest()).decode("utf-8")


def directory_hash(top):
    running = hashlib.sha256()
    for current, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for name in sorted(filenames):
            running.update(file_b64_sha256(os.path.join(current, name)).encode())
    return base64.b64encode(running.digest()).decode("utf-8")


def with_hotkey(model_hash, hotkey):
    return base64.b64encode(hashlib.sha256((model_hash + hotkey).encode()).digest()).decode("utf-8")


def reference(repo, files):
    tmp = tempfile.mkdtemp()
    try:
        for path in files:
            dest = os.path.join(tmp, path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(os.path.join(REPOS, repo, path), dest)
        model_hash = directory_hash(tmp)
    finally:
        shutil.rmtree(tmp)
    return {
        "files": sorted(files),
        "model_hash": model_hash,
        "secure_hashes": {hotkey: with_hotkey(model_hash, hotkey) for hotkey in HOTKEYS},
    }


def main():
    shutil.rmtree(REPOS, ignore_errors=True)
    attributes = "*.onnx filter=lfs diff=lfs merge=lfs -text\n*.onnx_data filter=lfs diff=lfs merge=lfs -text\n*.safetensors filter=lfs diff=lfs merge=lfs -text\n"

    # An ONNX-layout repository (what the scorer runs) with extra files that are not fetched.
    onnx = "acme/tiny-onnx"
    write(onnx, ".gitattributes", attributes)
    write(onnx, "README.md", "# tiny-onnx\nA fixture for the local hub.\n")
    write(onnx, "config.json", json.dumps({"model_type": "llama", "vocab_size": 32, "hidden_size": 8}, indent=2))
    write(onnx, "tokenizer.json", json.dumps({"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0, "b": 1}}}))
    write(onnx, "tokenizer_config.json", json.dumps({"tokenizer_class": "PreTrainedTokenizerFast", "eos_token": "b"}))
    write(onnx, "generation_config.json", json.dumps({"max_new_tokens": 8}))
    write(onnx, "onnx/model.onnx", blob(1, 3000))
    write(onnx, "onnx/model.onnx_data", blob(2, 70000))
    write(onnx, "onnx/model_quantized.onnx", blob(3, 2000))
    write(onnx, "model.safetensors", blob(4, 5000))

    # A sharded safetensors repository: the reference validator's file set (transformers 4.48.3,
    # LlamaTokenizerFast reads tokenizer.model, not vocab.json/merges.txt; no README/.gitattributes).
    st = "acme/tiny-st"
    write(st, ".gitattributes", attributes)
    write(st, "README.md", "# tiny-st\n")
    write(st, "config.json", json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}))
    write(st, "generation_config.json", json.dumps({"bos_token_id": 1}))
    shards = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    write(st, shards[0], blob(5, 20000))
    write(st, shards[1], blob(6, 12000))
    write(st, "model.safetensors.index.json", json.dumps({
        "metadata": {"total_size": 32000},
        "weight_map": {"a.weight": shards[0], "b.weight": shards[1], "c.weight": shards[0]},
    }))
    write(st, "tokenizer.json", json.dumps({"version": "1.0"}))
    write(st, "tokenizer_config.json", json.dumps({"tokenizer_class": "LlamaTokenizer"}))
    write(st, "special_tokens_map.json", json.dumps({"bos_token": "<s>"}))
    write(st, "tokenizer.model", blob(7, 900))
    write(st, "vocab.json", json.dumps({"x": 1}))
    write(st, "pytorch_model.bin", blob(8, 4000))

    # A dataset for the datasets-server endpoints: two configs, rows one JSON object a line.
    rows = []
    for i in range(230):
        rows.append(json.dumps({
            "messages": [{"role": "user", "content": f"What is {i} + {i}?"},
                         {"role": "assistant", "content": f"<think>add</think> \\boxed{{{2 * i}}}"}],
            "task_type": "verifiable_math" if i % 3 else "code_output_prediction",
            "problem_id": f"p{i:04d}",
            "score": round((i % 10) / 10, 1),
        }))
    write("datasets/acme/tiny-sft", "default/train.jsonl", "\n".join(rows) + "\n")
    write("datasets/acme/tiny-sft", "extra/test.jsonl", "\n".join(rows[:5]) + "\n")

    hashes = {
        onnx: reference(onnx, ["config.json", "tokenizer.json", "tokenizer_config.json",
                               "onnx/model.onnx", "onnx/model.onnx_data"]),
        st: reference(st, ["config.json", "generation_config.json", "model.safetensors.index.json", shards[0], shards[1],
                           "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model"]),
    }
    with open(os.path.join(HERE, "hashes.json"), "w") as f:
        json.dump(hashes, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
