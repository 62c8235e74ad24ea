"""Trains the pronoun referent scorer of quotewire (`models/speaker-model.json`).

For every pronoun speaker ("..., he said") the Rust rules propose a referent; `quotewire
speaker-features` prints, per pronoun, the people and organisations the article made salient
before it with the features the Rust side computes (src/nlp/quotes/speakers.rs,
`pronoun_candidates`). PolNeAR's Source spans say which pronoun speaks and `referents.jsonl` whom
it names; a candidate is right when its name names that referent (the rule of the speaker
yardstick: the referent's key name, or two or more of its words in a row).

The model is a conditional logit (one weight per feature, softmax over a pronoun's candidates),
fitted by gradient descent with an L2 penalty. Train is evidence only through cross-validation:
the script reports 5-fold figures by article on train (the model's pick against the rules'),
then fits on all of train and, if given, scores dev (never trained on).

    python training/train_speaker_model.py --binary target/release/quotewire \\
        --train ../shared/data/polnear/train --dev ../shared/data/polnear/dev \\
        --out models/speaker-model.json

Needs numpy only (training/requirements.txt). Deterministic: the same features give the same
weights.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

FORMAT = "quotewire-speaker-model-1"


def words(name):
    return [w.lower().strip(".'’").removesuffix("’s").removesuffix("'s") for w in re.findall(r"[\w'’.-]+", name or "")]


def names_referent(name, label):
    """Does a candidate's name name the labelled referent (the speaker yardstick's rule)?"""
    got = words(name)
    if not got:
        return False
    if label["key_name"].lower() in got:
        return True
    ref, n = words(label["referent"]), len(got)
    return n >= 2 and any(ref[i:i + n] == got for i in range(len(ref) - n + 1))


def articles_of(split: Path):
    """The split's articles as quotewire input lines (those with an attribution file)."""
    lines = []
    for path in sorted((split / "text").glob("*.txt")):
        if list((split / "attributions").glob(path.stem + "_*.ann")):
            lines.append(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}))
    return "\n".join(lines) + "\n"


def features_of(binary: str, split: Path, cache: Path = None):
    """Pronoun choices of the rules alone (the model off), per article id; kept in `cache`
    (a folder) when given, and read from there when already made."""
    cached = cache / f"{split.name}.jsonl" if cache else None
    if cached and cached.exists():
        return [json.loads(line) for line in cached.read_text(encoding="utf-8").splitlines() if line.strip()]
    env = dict(os.environ, QUOTEWIRE_QUOTES_SPEAKER_MODEL="none")
    run = subprocess.run([binary, "speaker-features"], input=articles_of(split), capture_output=True, text=True, env=env)
    if run.returncode != 0:
        sys.exit(f"{binary} speaker-features failed ({run.returncode}): {run.stderr[-2000:]}")
    if cached:
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(run.stdout, encoding="utf-8")
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def labelled(split: Path, articles):
    """(article id, features [candidates x features], right [candidates], cascade index) per
    pronoun whose gold Source holds it and names someone."""
    spans = {}
    for line in (split / "referents.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        if d["category"] == "none":
            continue
        art, start, end = d["key"].rsplit(":", 2)
        spans.setdefault(art, []).append((int(start), int(end), d))
    out = []
    for a in articles:
        for choice in a["choices"]:
            if not choice["candidates"]:
                continue
            label = next((d for s, e, d in spans.get(a["id"], []) if s <= choice["start"] < e), None)
            if label is None:
                continue
            x = np.array([c["features"] for c in choice["candidates"]], dtype=np.float64)
            y = np.array([names_referent(c["name"], label) for c in choice["candidates"]])
            out.append((a["id"], x, y, choice["cascade"]))
    return out


def fit(data, n_features, l2=0.01, steps=1500, lr=0.05):
    """Conditional logit by full-batch gradient descent with Adam; pronouns with no right
    candidate teach nothing and are skipped."""
    data = [(x, y) for _, x, y, _ in data if y.any()]
    x = np.concatenate([x for x, _ in data])
    target = np.concatenate([y / y.sum() for _, y in data])
    starts = np.cumsum([0] + [len(y) for _, y in data])[:-1]
    group = np.repeat(np.arange(len(data)), [len(y) for _, y in data])
    w = np.zeros(n_features)
    m, v = np.zeros(n_features), np.zeros(n_features)
    for t in range(1, steps + 1):
        s = x @ w
        s = np.exp(s - np.maximum.reduceat(s, starts)[group])
        p = s / np.add.reduceat(s, starts)[group]
        grad = x.T @ (p - target) / len(data) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def accuracy(data, w=None):
    """Share of labelled pronouns whose pick is right: the model's (w) or the rules' (None)."""
    if not data:
        return 0.0
    right = 0
    for _, x, y, cascade in data:
        if w is None:
            pick = cascade
        else:
            s = x @ w
            pick = int(np.flatnonzero(s == s.max())[0])
        right += pick is not None and bool(y[pick])
    return right / len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="target/release/quotewire")
    ap.add_argument("--train", type=Path, default=Path("../shared/data/polnear/train"))
    ap.add_argument("--dev", type=Path, default=Path("../shared/data/polnear/dev"))
    ap.add_argument("--out", type=Path, default=Path("models/speaker-model.json"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=0.01)
    ap.add_argument("--cache", type=Path, default=None,
                    help="folder keeping the binary's features per split (delete it after changing the features)")
    args = ap.parse_args()

    started = time.time()
    train = features_of(args.binary, args.train, args.cache)
    names = feature_names(train)
    data = labelled(args.train, train)
    print(f"train: {len(data)} labelled pronouns ({sum(y.any() for _, _, y, _ in data)} with the referent among the candidates)")

    # 5-fold cross-validation by article
    ids = sorted({a for a, *_ in data})
    fold_of = {a: i % args.folds for i, a in enumerate(ids)}
    cv_model, cv_rules = [], []
    for k in range(args.folds):
        held = [d for d in data if fold_of[d[0]] == k]
        w = fit([d for d in data if fold_of[d[0]] != k], len(names), args.l2)
        cv_model.append(accuracy(held, w) * len(held))
        cv_rules.append(accuracy(held) * len(held))
    cv = {"model": round(sum(cv_model) / len(data), 4), "rules": round(sum(cv_rules) / len(data), 4), "pronouns": len(data)}
    print(f"train {args.folds}-fold cross-validated pronoun referent accuracy: model {cv['model']:.4f}, rules {cv['rules']:.4f}")

    w = fit(data, len(names), args.l2)
    about = {"made_by": "training/train_speaker_model.py", "trained_on": "PolNeAR train pronoun sources",
             "l2": args.l2, f"train_{args.folds}_fold_cv_accuracy": cv}
    if args.dev and args.dev.exists():
        dev = labelled(args.dev, features_of(args.binary, args.dev, args.cache))
        about["dev_accuracy"] = {"model": round(accuracy(dev, w), 4), "rules": round(accuracy(dev), 4), "pronouns": len(dev)}
        print(f"dev pronoun referent accuracy: model {about['dev_accuracy']['model']:.4f}, rules {about['dev_accuracy']['rules']:.4f} ({len(dev)} pronouns)")
    args.out.write_text(json.dumps({"format": FORMAT, "features": names, "weights": [round(float(x), 5) for x in w], "about": about}, indent=2) + "\n")
    for name, weight in zip(names, w):
        print(f"  {name:28} {weight:+.3f}")
    print(f"wrote {args.out} in {time.time() - started:.0f} s")


def feature_names(articles):
    """The feature names the binary computes (every line of `speaker-features` says them)."""
    names = {tuple(a["features"]) for a in articles}
    if len(names) != 1:
        sys.exit(f"speaker-features gave {len(names)} different feature lists")
    return list(names.pop())


if __name__ == "__main__":
    main()
