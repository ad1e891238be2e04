-- xray:move decision_events
-- Decisions keep their project's retention and expire like runs (008), with
-- codecs chosen by measurement on bench:questions' 10M decisions (bench/README.md, "Storage"):
-- ZSTD(3) on text and scores, Delta before ZSTD(1) on what grows along the sort key (seq, time,
-- frame offset); 18.0 -> 7.7 B per row. Gorilla doubled the scores' bytes, DoubleDelta gained nothing.
CREATE TABLE IF NOT EXISTS decision_events_next
(
    project_id     LowCardinality(String),
    run_id         String CODEC(ZSTD(3)),
    step_id        String CODEC(ZSTD(3)),
    seq            UInt32 CODEC(Delta, ZSTD(1)),
    item_id        String CODEC(ZSTD(3)),
    outcome        Enum8('kept' = 1, 'eliminated' = 2, 'scored' = 3) CODEC(ZSTD(1)),
    reason         String CODEC(ZSTD(3)),
    reason_code    LowCardinality(String),
    score          Nullable(Float64) CODEC(ZSTD(3)),
    important      Bool CODEC(ZSTD(1)),
    timestamp      DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
    payload_key    String CODEC(ZSTD(3)),
    payload_offset UInt64 CODEC(Delta, ZSTD(1)),
    payload_length UInt32 CODEC(ZSTD(1)),
    retention_days UInt16 DEFAULT 30,
    event_id       String ALIAS concat(step_id, '-', toString(seq)),
    INDEX idx_item_id item_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY (retention_days, toYYYYMM(timestamp))
ORDER BY (project_id, step_id, seq)
TTL toDate(timestamp) + toIntervalDay(retention_days + 1)
SETTINGS non_replicated_deduplication_window = 10000, merge_with_ttl_timeout = 43200;

INSERT INTO decision_events_next
SELECT project_id, run_id, step_id, seq, item_id, outcome, reason, reason_code, score, important, timestamp,
       payload_key, payload_offset, payload_length, {retentionDays:UInt16}
FROM decision_events
