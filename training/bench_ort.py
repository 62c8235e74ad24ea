#!/usr/bin/env python3
"""Python ONNX Runtime baseline for `quotewire bench`: bare model calls on the same windows.

Tokenizes each article with the model's tokenizer.json (as the Rust side does), cuts the same
128-token windows, and times only `InferenceSession.run` over batches of them, so the Rust
end-to-end figure (tokenize, window, run, decode) can be compared with Python's model time.
Prints one Markdown table row per measurement.

usage: bench_ort.py --model models/minilm-conll-cased --threads 1 ARTICLES.jsonl
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def windows(ids, content_len=126, overlap=32):
    stride = max(1, content_len - overlap)
    start = 0
    while start < len(ids):
        end = min(start + content_len, len(ids))
        yield ids[start:end]
        if end == len(ids):
            break
        start += stride


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("articles", type=Path)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-articles", type=int, default=16)
    args = ap.parse_args()

    config = json.loads((args.model / "config.json").read_text())
    tok = Tokenizer.from_file(str(args.model / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    texts = [json.loads(line)["text"] for line in args.articles.read_text(encoding="utf-8").splitlines() if line.strip()]
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    per_article = []
    tokens = 0
    for text in texts:
        ids = tok.encode(text, add_special_tokens=False).ids
        tokens += len(ids)
        per_article.append([[cls] + w + [sep] for w in windows(ids, config["max_length"] - 2)])

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(str(args.model / "model.onnx"), opts, providers=["CPUExecutionProvider"])

    def run(batch):
        width = max(len(w) for w in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, w in enumerate(batch):
            ids[i, : len(w)] = w
            mask[i, : len(w)] = 1
        session.run(["logits"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})

    run(per_article[0])  # warm-up
    # throughput: windows of batch_articles articles, longest first, as the Rust side batches them
    total = 0.0
    for i in range(0, len(per_article), args.batch_articles):
        batch = sorted((w for a in per_article[i:i + args.batch_articles] for w in a), key=len, reverse=True)
        for j in range(0, len(batch), 64):
            started = time.perf_counter()
            run(batch[j:j + 64])
            total += time.perf_counter() - started
    latencies = []
    for windows_of_article in per_article:
        started = time.perf_counter()
        run(windows_of_article)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p50 = latencies[int(round((len(latencies) - 1) * 0.5))]
    p99 = latencies[int(round((len(latencies) - 1) * 0.99))]
    print(f"| python onnxruntime (model calls only) | {args.threads} | {len(texts) / total:.1f} | {tokens / total:.0f} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
