#!/usr/bin/env python3
"""Quality gates: the shared yardsticks on the dev splits, failing under the bars.

Runs ../shared/eval/{eval_ner.py, eval_quotes.py, check_example.py} against the release
binary, prints every figure, then exits 1 if any enforced gate fails.

Speakers are scored by eval_quotes.py against the split's referent labels (referents.jsonl):
`speaker.accuracy` over every source that names someone, and by category (named / nominal /
pronoun), for direct quotes and (`speaker.indirect`) for indirect quotes.

ENFORCED holds every bar the project meets today: issue #4's bars on the new yardstick, plus
floors a little under the measured figures so that no change lands that loses ground. TARGETS
are the bars of an open issue (#19's who said what): printed beside each figure, enforced once
they are met (raise ENFORCED to them in the change that meets them).
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

NER_F1 = 0.93

# (path into eval_quotes.py's JSON) -> bar that fails the build
ENFORCED = {
    ("direct", "f1"): 0.975,  # measured 0.9796 (2026-12-08, quotes-rules-14, stage-3 head)
    ("precision",): 0.92,  # measured 0.9271 (issue #19's bar; an interrupted quotation counts once)
    ("indirect", "recall"): 0.86,  # measured 0.8875
    ("speaker", "accuracy"): 0.93,  # measured 0.9478
    ("speaker", "name_acc"): 0.94,  # measured 0.9673
    ("speaker", "pronoun_acc"): 0.92,  # measured 0.9359
    ("speaker", "nominal_acc"): 0.60,  # measured 0.667 (14 of 21)
    ("speaker", "indirect", "accuracy"): 0.89,  # measured 0.9066
    # measured 0.8898 (1,001 of 1,125): issue #19's bar, enforced as it stands. The int8 model's
    # kernels differ between CPUs (the same build measured 3 quotes apart on two machines of
    # this workplace); the margin is 11 quotes
    ("who_said_what", "all"): 0.88,
    ("who_said_what", "indirect"): 0.80,  # measured 0.8306 (issue #19's bar)
}
# issue #19's bars on who said what (printed beside each figure); every other bar is enforced
# above
TARGETS = dict(ENFORCED)
TARGETS[("who_said_what", "all")] = 0.88
TARGETS[("who_said_what", "indirect")] = 0.80


def run(cmd):
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(proc.stderr[-3000:])
    return proc


def run_json(cmd, failures):
    """Runs a scorer with --json; its result, or None with the failure recorded."""
    proc = run(cmd + ["--json"])
    if proc.returncode != 0:
        failures.append(f"{Path(cmd[1]).name} failed (exit {proc.returncode})")
        return None
    return json.loads(proc.stdout)


def lookup(result, path):
    for key in path:
        result = result[key]
    return result


def gate_quotes(quotes, failures):
    for path in sorted(set(ENFORCED) | set(TARGETS)):
        value, name = lookup(quotes, path), ".".join(path)
        bar, target = ENFORCED.get(path), TARGETS.get(path)
        notes = []
        if bar is not None:
            notes.append(f"gate {bar}")
        if target is not None and target != bar:
            notes.append(f"issue #19 target {target}{'' if value >= target else ', not met'}")
        print(f"PolNeAR dev {name}: {value:.4f} ({'; '.join(notes)})")
        if bar is not None and value < bar:
            failures.append(f"PolNeAR dev {name} {value:.4f} < {bar}")
    s = quotes["speaker"]
    print(f"  direct-quote sources: {s['named']} named, {s['nominals']} nominal, {s['pronouns']} pronoun, {s['unnamed']} name no one")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--cmd", default="target/release/quotewire enrich")
    args = ap.parse_args()
    failures = []

    r = run_json([sys.executable, str(args.shared / "eval/eval_ner.py"), str(args.shared / "data/conll2003/dev.txt"), "--cmd", args.cmd], failures)
    if r is not None:
        print(f"NER CoNLL-2003 dev: P {r['precision']:.4f} R {r['recall']:.4f} F1 {r['f1']:.4f} (gate {NER_F1}), bad offsets {r['bad_offsets']}")
        if r["f1"] < NER_F1:
            failures.append(f"NER dev F1 {r['f1']:.4f} < {NER_F1}")
        if r["bad_offsets"]:
            failures.append(f"{r['bad_offsets']} entities whose offsets do not match their text")

    quotes = run_json([sys.executable, str(args.shared / "eval/eval_quotes.py"), str(args.shared / "data/polnear/dev"), "--cmd", args.cmd], failures)
    if quotes is not None:
        gate_quotes(quotes, failures)

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
