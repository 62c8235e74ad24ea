-- quotewire events in DuckDB: tables of events, quotes, entities and speakers, and two
-- example queries. From the DuckDB CLI:
--
--   SET VARIABLE events_path = 'events.jsonl';     -- `quotewire enrich` output or a topic dump
--   SET VARIABLE speaker = 'Ada Brennan';
--   .read deploy/analytics/duckdb.sql
--
-- or `python deploy/analytics/duckdb_report.py events.jsonl --speaker "Ada Brennan"`.
-- The columns follow schema/event.schema.json; offsets are Unicode code points into the
-- article text. Statements are separated by lines starting with "-- name:" so the report
-- script can run them one by one.

-- name: events
CREATE OR REPLACE TABLE events AS
SELECT * FROM read_json(
    getvariable('events_path'),
    format = 'newline_delimited',
    maximum_object_size = 67108864,
    columns = {
        id: 'VARCHAR',
        schema_version: 'INTEGER',
        article: 'STRUCT(title VARCHAR, source VARCHAR, published_at TIMESTAMPTZ, language VARCHAR)',
        entities: 'STRUCT(text VARCHAR, label VARCHAR, start BIGINT, "end" BIGINT, score DOUBLE)[]',
        quotes: 'STRUCT(text VARCHAR, start BIGINT, "end" BIGINT, kind VARCHAR, cue STRUCT(text VARCHAR, start BIGINT, "end" BIGINT), speaker STRUCT(name VARCHAR, text VARCHAR, start BIGINT, "end" BIGINT, entity VARCHAR, resolution VARCHAR), confidence DOUBLE)[]',
        speakers: 'STRUCT(id VARCHAR, name VARCHAR, label VARCHAR, mentions STRUCT(text VARCHAR, start BIGINT, "end" BIGINT)[], titles VARCHAR[])[]',
        processed_at: 'TIMESTAMPTZ'
    }
);

-- name: quotes
-- One row per quote; `cluster` is the speaker's cluster id within its article.
CREATE OR REPLACE VIEW quotes AS
SELECT e.id AS article_id, e.article.published_at AS published_at, q.kind, q.text, q.start, q."end",
       q.speaker.name AS speaker, q.speaker.entity AS cluster, q.speaker.resolution AS resolution, q.confidence
FROM events e, unnest(e.quotes) AS t(q);

-- name: entities
CREATE OR REPLACE VIEW entities AS
SELECT e.id AS article_id, x.text, x.label, x.start, x."end", x.score
FROM events e, unnest(e.entities) AS t(x);

-- name: speakers
-- One row per speaker cluster (a person or organisation) of an article.
CREATE OR REPLACE VIEW speakers AS
SELECT e.id AS article_id, s.id AS cluster, s.name, s.label, s.titles, len(s.mentions) AS mentions
FROM events e, unnest(e.speakers) AS t(s);

-- name: most_quoted_people
-- Most quoted people: quotes and articles per resolved person.
SELECT q.speaker, count(*) AS quotes, count(DISTINCT q.article_id) AS articles
FROM quotes q
JOIN speakers s ON s.article_id = q.article_id AND s.cluster = q.cluster
WHERE s.label = 'PER'
GROUP BY q.speaker
ORDER BY quotes DESC, articles DESC, q.speaker
LIMIT 10;

-- name: cooccurring_entities
-- Organisations, places and other names in the articles that quote getvariable('speaker'),
-- by the number of such articles (spellings folded by case: "RIVERTON" datelines count).
WITH quoted AS (
    SELECT DISTINCT article_id FROM quotes WHERE speaker = getvariable('speaker')
)
SELECT max(x.text) AS entity, x.label, count(DISTINCT x.article_id) AS articles
FROM entities x
JOIN quoted USING (article_id)
WHERE x.label IN ('ORG', 'LOC', 'MISC')
GROUP BY lower(x.text), x.label
ORDER BY articles DESC, entity
LIMIT 10;
