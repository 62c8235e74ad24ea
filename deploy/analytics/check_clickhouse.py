#!/usr/bin/env python3
"""Runs clickhouse.sql in embedded ClickHouse (PyPI `chdb`, optional: pip install chdb==4.4.0)
on quotewire events, with the Kafka-engine table replaced by a Memory table, and prints the
example queries. A check of the DDL and the materialized views without a ClickHouse server:

    quotewire enrich examples/newsroom.jsonl > /tmp/events.jsonl
    python deploy/analytics/check_clickhouse.py /tmp/events.jsonl
"""
import re, sys
from chdb import session
sql = open(__import__('pathlib').Path(__file__).with_name('clickhouse.sql')).read()
# the Kafka engine needs a broker: stand in a Memory table with the same columns (+ _error)
sql = re.sub(r"CREATE TABLE IF NOT EXISTS quotewire.events_queue.*?kafka_handle_error_mode = 'stream';",
             "CREATE TABLE IF NOT EXISTS quotewire.events_queue (raw String, _error String) ENGINE = Memory;", sql, flags=re.S)
s = session.Session()
stmts = [x.strip() for x in re.sub(r"^--.*$", "", sql, flags=re.M).split(';') if x.strip()]
for st in stmts:
    s.query(st)
rows = [l.strip() for l in open(sys.argv[1]) if l.strip()]
for r in rows:
    esc = r.replace("\\", "\\\\").replace("'", "\\'")
    s.query(f"INSERT INTO quotewire.events_queue VALUES ('{esc}', '')")
print(s.query("SELECT count() FROM quotewire.events", "CSV"))
print(s.query("SELECT speaker, count() AS quotes, uniqExact(article_id) AS articles FROM quotewire.quotes FINAL WHERE speaker_label = 'PER' GROUP BY speaker ORDER BY quotes DESC, speaker LIMIT 10", "PrettyCompact"))
print(s.query("SELECT any(e.text) AS entity, e.label, uniqExact(e.article_id) AS articles FROM quotewire.entities AS e FINAL WHERE e.label IN ('ORG','LOC','MISC') AND e.article_id IN (SELECT article_id FROM quotewire.quotes FINAL WHERE speaker = 'Ada Brennan') GROUP BY lower(e.text), e.label ORDER BY articles DESC, entity LIMIT 10", "PrettyCompact"))
print(s.query("SELECT article_id, quote_index, kind, speaker, speaker_label, resolution, start, `end` FROM quotewire.quotes ORDER BY article_id, quote_index LIMIT 5", "PrettyCompact"))
