#!/usr/bin/env python3
"""Load quotewire events (JSON lines) into DuckDB and print the example queries.

    python deploy/analytics/duckdb_report.py events.jsonl --speaker "Ada Brennan" [--json] [--db out.duckdb]

The SQL lives in duckdb.sql beside this script (also usable from the DuckDB CLI). With --json
the rows of both queries are printed as one JSON object (what the project's test reads).
Needs the pinned `duckdb` of requirements.txt (deploy/setup.sh installs it into
.runtime/analytics-venv).
"""
import argparse
import json
import re
import sys
from pathlib import Path

import duckdb

SQL = Path(__file__).with_name("duckdb.sql")


def statements(text):
    """The named statements of duckdb.sql, in order: [(name, sql)]."""
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.M)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def run(events, speaker, db=":memory:"):
    con = duckdb.connect(db)
    con.execute("SET VARIABLE events_path = ?", [str(events)])
    con.execute("SET VARIABLE speaker = ?", [speaker])
    results = {}
    for name, sql in statements(SQL.read_text()):
        cur = con.execute(sql)
        if cur.description and not sql.lstrip().upper().startswith("CREATE"):
            cols = [d[0] for d in cur.description]
            results[name] = [dict(zip(cols, row)) for row in cur.fetchall()]
    results["counts"] = dict(zip(["articles", "quotes", "entities"], con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM quotes), (SELECT count(*) FROM entities)").fetchone()))
    return results


def table(rows):
    if not rows:
        return "(no rows)"
    cols = list(rows[0])
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in cols]
    line = lambda vals: "| " + " | ".join(str(v).ljust(w) for v, w in zip(vals, widths)) + " |"
    return "\n".join([line(cols), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line([r[c] for c in cols]) for r in rows])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("events", type=Path, help="quotewire events, one JSON object per line")
    ap.add_argument("--speaker", required=True, help="speaker name for the co-occurrence query")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    ap.add_argument("--db", default=":memory:", help="DuckDB database file to keep the tables in")
    args = ap.parse_args()
    if not args.events.exists():
        sys.exit(f"{args.events}: no such file")
    results = run(args.events, args.speaker, args.db)
    if args.json:
        print(json.dumps(results, default=str))
        return
    c = results["counts"]
    print(f"{c['articles']} articles, {c['quotes']} quotes, {c['entities']} entities\n")
    print("Most quoted people\n" + table(results["most_quoted_people"]) + "\n")
    print(f"Organisations and places in articles quoting {args.speaker}\n" + table(results["cooccurring_entities"]))


if __name__ == "__main__":
    main()
