#!/usr/bin/env python3
"""Quality gates: the shared yardsticks on the dev splits, failing under the bars.

Runs ../shared/eval/{eval_ner.py, eval_quotes.py, check_example.py} against the release
binary and compares with BARS. Prints every figure, then exits 1 if any gate fails.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

# The bars of issue #3 (NER) and #4 (quotes). Every bar the project meets is enforced; the
# speaker name and pronoun bars are reported but not yet enforced (issue #4 is open: see the
# README's figures and why). Move a bar into ENFORCED when it is met.
NER_F1 = 0.93
ENFORCED = {("indirect", "recall"), ("precision",), ("direct", "f1")}
QUOTE_BARS = {
    ("speaker", "name_acc"): 0.85,
    ("speaker", "pronoun_acc"): 0.75,
    ("indirect", "recall"): 0.60,
    ("precision",): 0.90,
    ("direct", "f1"): 0.97,
}


def run(cmd):
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(proc.stderr[-3000:])
    return proc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--cmd", default="target/release/quotewire enrich")
    args = ap.parse_args()
    failures = []

    ner = run([sys.executable, str(args.shared / "eval/eval_ner.py"), str(args.shared / "data/conll2003/dev.txt"), "--cmd", args.cmd, "--json"])
    if ner.returncode != 0:
        failures.append("eval_ner.py failed")
    else:
        r = json.loads(ner.stdout)
        print(f"NER CoNLL-2003 dev: P {r['precision']:.4f} R {r['recall']:.4f} F1 {r['f1']:.4f} (bar {NER_F1}), bad offsets {r['bad_offsets']}")
        if r["f1"] < NER_F1:
            failures.append(f"NER dev F1 {r['f1']:.4f} < {NER_F1}")
        if r["bad_offsets"]:
            failures.append(f"{r['bad_offsets']} entities whose offsets do not match their text")

    quotes = run([sys.executable, str(args.shared / "eval/eval_quotes.py"), str(args.shared / "data/polnear/dev"), "--cmd", args.cmd, "--json"])
    if quotes.returncode != 0:
        failures.append("eval_quotes.py failed")
    else:
        r = json.loads(quotes.stdout)
        for path, bar in QUOTE_BARS.items():
            value = r
            for key in path:
                value = value[key]
            name = ".".join(path)
            print(f"PolNeAR dev {name}: {value:.4f} (bar {bar})")
            if value < bar and path in ENFORCED:
                failures.append(f"PolNeAR dev {name} {value:.4f} < {bar}")
            elif value < bar:
                print("  (not enforced yet: under the bar of issue #4)")

    example = run([sys.executable, str(args.shared / "eval/check_example.py"), str(args.shared / "examples/kazinform-2019-10-09.txt"), "--cmd", args.cmd, "--strict"])
    print(example.stdout)
    if example.returncode != 0:
        failures.append("check_example.py --strict failed")

    if failures:
        print("GATES FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("all quality gates passed")


if __name__ == "__main__":
    main()
