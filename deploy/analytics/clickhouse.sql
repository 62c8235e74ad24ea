-- quotewire events in ClickHouse: a Kafka-engine table reads the output topic, materialized
-- views split each event into `events`, `quotes` and `entities` (MergeTree tables).
--
--   clickhouse-client --multiquery < deploy/analytics/clickhouse.sql
--
-- Edit the broker list, topic and consumer group below. The worker delivers at least once by
-- default, so the tables are ReplacingMergeTree keyed by article (and quote/entity position):
-- a duplicate event collapses on merge; query with FINAL for exact counts before merges.
-- Offsets are Unicode code points into the article text (schema/event.schema.json).

CREATE DATABASE IF NOT EXISTS quotewire;

-- One String per Kafka record; malformed records land in _error (kafka_handle_error_mode).
CREATE TABLE IF NOT EXISTS quotewire.events_queue
(
    raw String
)
ENGINE = Kafka
SETTINGS
    kafka_broker_list = 'kafka-bootstrap.kafka.svc:9092',
    kafka_topic_list = 'articles.enriched',
    kafka_group_name = 'clickhouse-quotewire',
    kafka_format = 'JSONAsString',
    kafka_num_consumers = 1,
    kafka_handle_error_mode = 'stream';

CREATE TABLE IF NOT EXISTS quotewire.events
(
    id String,
    schema_version UInt16,
    title Nullable(String),
    source Nullable(String),
    published_at Nullable(DateTime64(3, 'UTC')),
    language LowCardinality(Nullable(String)),
    processed_at DateTime64(3, 'UTC'),
    quotes UInt16,
    entities UInt16,
    raw String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree(processed_at)
ORDER BY id;

CREATE TABLE IF NOT EXISTS quotewire.quotes
(
    article_id String,
    published_at Nullable(DateTime64(3, 'UTC')),
    quote_index UInt16,
    kind LowCardinality(String),
    text String,
    start UInt32,
    `end` UInt32,
    speaker Nullable(String),
    speaker_label LowCardinality(Nullable(String)),
    cluster Nullable(String),
    resolution LowCardinality(String),
    confidence Float32,
    processed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(processed_at)
ORDER BY (article_id, quote_index);

CREATE TABLE IF NOT EXISTS quotewire.entities
(
    article_id String,
    published_at Nullable(DateTime64(3, 'UTC')),
    text String,
    label LowCardinality(String),
    start UInt32,
    `end` UInt32,
    score Float32,
    processed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(processed_at)
ORDER BY (article_id, start, label);

CREATE MATERIALIZED VIEW IF NOT EXISTS quotewire.events_mv TO quotewire.events AS
SELECT
    JSONExtractString(raw, 'id') AS id,
    JSONExtractUInt(raw, 'schema_version') AS schema_version,
    JSONExtract(raw, 'article', 'title', 'Nullable(String)') AS title,
    JSONExtract(raw, 'article', 'source', 'Nullable(String)') AS source,
    parseDateTime64BestEffortOrNull(JSONExtractString(raw, 'article', 'published_at'), 3, 'UTC') AS published_at,
    JSONExtract(raw, 'article', 'language', 'Nullable(String)') AS language,
    parseDateTime64BestEffort(JSONExtractString(raw, 'processed_at'), 3, 'UTC') AS processed_at,
    length(JSONExtractArrayRaw(raw, 'quotes')) AS quotes,
    length(JSONExtractArrayRaw(raw, 'entities')) AS entities,
    raw
FROM quotewire.events_queue
WHERE length(_error) = 0;

CREATE MATERIALIZED VIEW IF NOT EXISTS quotewire.quotes_mv TO quotewire.quotes AS
SELECT
    JSONExtractString(raw, 'id') AS article_id,
    parseDateTime64BestEffortOrNull(JSONExtractString(raw, 'article', 'published_at'), 3, 'UTC') AS published_at,
    toUInt16(i - 1) AS quote_index,
    JSONExtractString(q, 'kind') AS kind,
    JSONExtractString(q, 'text') AS text,
    JSONExtractUInt(q, 'start') AS start,
    JSONExtractUInt(q, 'end') AS `end`,
    JSONExtract(q, 'speaker', 'name', 'Nullable(String)') AS speaker,
    nullIf(JSONExtractString(arrayFirst(s -> JSONExtractString(s, 'id') = JSONExtractString(q, 'speaker', 'entity'), JSONExtractArrayRaw(raw, 'speakers')), 'label'), '') AS speaker_label,
    JSONExtract(q, 'speaker', 'entity', 'Nullable(String)') AS cluster,
    if(JSONHas(q, 'speaker', 'resolution'), JSONExtractString(q, 'speaker', 'resolution'), 'unresolved') AS resolution,
    JSONExtractFloat(q, 'confidence') AS confidence,
    parseDateTime64BestEffort(JSONExtractString(raw, 'processed_at'), 3, 'UTC') AS processed_at
FROM quotewire.events_queue
ARRAY JOIN
    JSONExtractArrayRaw(raw, 'quotes') AS q,
    arrayEnumerate(JSONExtractArrayRaw(raw, 'quotes')) AS i
WHERE length(_error) = 0;

CREATE MATERIALIZED VIEW IF NOT EXISTS quotewire.entities_mv TO quotewire.entities AS
SELECT
    JSONExtractString(raw, 'id') AS article_id,
    parseDateTime64BestEffortOrNull(JSONExtractString(raw, 'article', 'published_at'), 3, 'UTC') AS published_at,
    JSONExtractString(x, 'text') AS text,
    JSONExtractString(x, 'label') AS label,
    JSONExtractUInt(x, 'start') AS start,
    JSONExtractUInt(x, 'end') AS `end`,
    JSONExtractFloat(x, 'score') AS score,
    parseDateTime64BestEffort(JSONExtractString(raw, 'processed_at'), 3, 'UTC') AS processed_at
FROM quotewire.events_queue
ARRAY JOIN JSONExtractArrayRaw(raw, 'entities') AS x
WHERE length(_error) = 0;

-- Most quoted people:
--   SELECT speaker, count() AS quotes, uniqExact(article_id) AS articles
--   FROM quotewire.quotes FINAL WHERE speaker_label = 'PER'
--   GROUP BY speaker ORDER BY quotes DESC LIMIT 10;
--
-- Organisations and places in the articles that quote a speaker:
--   SELECT any(e.text) AS entity, e.label, uniqExact(e.article_id) AS articles
--   FROM quotewire.entities AS e FINAL
--   WHERE e.label IN ('ORG', 'LOC', 'MISC')
--     AND e.article_id IN (SELECT article_id FROM quotewire.quotes FINAL WHERE speaker = 'Ada Brennan')
--   GROUP BY lower(e.text), e.label ORDER BY articles DESC LIMIT 10;
