#!/usr/bin/env python3
"""Speaker accuracy by person on a PolNeAR split: a companion to eval_quotes.py's name_acc.

The shared yardstick's name_acc asks that the system's speaker name hold the last capitalised
word of the whole gold Source span. PolNeAR's Source spans keep their appositions ("Kenneth
Baer, a former administration official who runs Crosscut Strategies"), so a system that names
the right person ("Kenneth Baer") is scored wrong whenever an apposition follows the name.

This script scores the same pairs (found direct quotes whose gold attribution has a named,
non-pronoun source, as eval_quotes.py selects them) by person instead: a pair is right when the
last word of the system's speaker name occurs as a word in the gold Source span. It imports the
yardstick's readers, regexes and overlap helpers; the pair selection, which the yardstick keeps
inside its score(), is restated here, and it also reports the yardstick's name_acc on its pairs
so that .ci/gates.py can check both select the same pairs (same count, same name_acc).

usage: speaker_people.py POLNEAR_SPLIT_DIR --cmd "target/release/quotewire enrich" [--shared ../shared] [--json] [--misses N]
"""
import argparse
import json
import re
import sys
from pathlib import Path


def load_yardstick(shared):
    sys.path.insert(0, str(Path(shared).resolve() / "eval"))
    import eval_quotes  # noqa: E402  (the shared yardstick)
    from enrich_client import enrich  # noqa: E402

    return eval_quotes, enrich


def words(text):
    return {w.lower().strip("’'.") for w in re.findall(r"[\w'’.-]+", text)}


def score(split_dir, command, shared, show=0):
    yard, enrich = load_yardstick(shared)
    split = Path(split_dir)
    articles, golds = [], {}
    for path in sorted((split / "text").glob("*.txt")):
        anns = sorted((split / "attributions").glob(path.stem + "_*.ann"))
        if anns:
            articles.append({"id": path.stem, "text": path.read_text(encoding="utf-8")})
            golds[path.stem] = yard.read_ann(anns[0])
    events = enrich(command, articles)
    n = dict(named=0, by_yardstick=0, by_person=0)
    misses = []
    for art in articles:
        text = art["text"]
        quotes = [q for q in events[art["id"]].get("quotes", []) if isinstance(q.get("start"), int)]
        for a in golds[art["id"]]:
            segments = [
                (m.start(), m.end()) for m in yard.QUOTED.finditer(text)
                if len(text[m.start():m.end()].split()) >= 4 and yard.covered((m.start(), m.end()), a["content"]) * 2 >= m.end() - m.start()
            ]
            for seg in segments:
                match = max(quotes, key=lambda q: yard.overlap(seg, (q["start"], q["end"])), default=None)
                if match is None or yard.overlap(seg, (match["start"], match["end"])) * 2 < seg[1] - seg[0] or not a["source"]:
                    continue
                source = " ".join(text[s:e] for s, e in a["source"])
                expected = yard.head_name(source)
                if source.lower().strip() in yard.PRONOUNS or not expected:
                    continue
                name = str((match.get("speaker") or {}).get("name") or "")
                n["named"] += 1
                n["by_yardstick"] += expected.lower() in name.lower()
                last = name.split()[-1].lower().strip("’'.") if name.split() else ""
                right = bool(last) and last in words(source)
                n["by_person"] += right
                if not right and len(misses) < show:
                    misses.append((art["id"], source, name))
    ratio = lambda a, b: round(a / b, 4) if b else 0.0
    return {
        "named": n["named"],
        "name_acc": ratio(n["by_yardstick"], n["named"]),
        "person_acc": ratio(n["by_person"], n["named"]),
        "misses": misses,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split_dir")
    ap.add_argument("--cmd", required=True)
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--misses", type=int, default=0)
    args = ap.parse_args()
    r = score(args.split_dir, args.cmd, args.shared, args.misses)
    if args.json:
        print(json.dumps(r))
        return
    for art, source, name in r.pop("misses"):
        print(f"miss {art}: gold {source!r} got {name!r}")
    print(f"named sources {r['named']}: yardstick name_acc {r['name_acc']:.4f}, by person {r['person_acc']:.4f}")


if __name__ == "__main__":
    main()
