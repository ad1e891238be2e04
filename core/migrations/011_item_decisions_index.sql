-- xray:move item_decisions
-- The decisions sorted by item, with their codecs chosen by measurement (bench/README.md,
-- "Storage"): sorted by item, the run and step ids are random, but each item's runs and steps repeat
-- within a part, so under ZSTD(3) the hex ids cost about 2 B per row (binary would save 0.3). The
-- payload reference stays in decision_events only.
-- Built from decision_events, which also fills it for decisions stored before the item table
-- existed (migration 006 did not copy them).
CREATE TABLE IF NOT EXISTS item_decisions_next
(
    project_id     LowCardinality(String),
    item_id        String CODEC(ZSTD(3)),
    run_id         String CODEC(ZSTD(3)),
    step_id        String CODEC(ZSTD(3)),
    seq            UInt32 CODEC(ZSTD(3)),
    outcome        Enum8('kept' = 1, 'eliminated' = 2, 'scored' = 3) CODEC(ZSTD(1)),
    reason         String CODEC(ZSTD(3)),
    reason_code    LowCardinality(String),
    score          Nullable(Float64) CODEC(ZSTD(3)),
    important      Bool CODEC(ZSTD(1)),
    timestamp      DateTime64(9, 'UTC') CODEC(ZSTD(3)),
    retention_days UInt16 DEFAULT 30
)
ENGINE = ReplacingMergeTree
PARTITION BY (retention_days, toYYYYMM(timestamp))
ORDER BY (project_id, item_id, run_id, step_id, seq)
TTL toDate(timestamp) + toIntervalDay(retention_days + 1)
SETTINGS non_replicated_deduplication_window = 10000, merge_with_ttl_timeout = 43200;

INSERT INTO item_decisions_next
SELECT project_id, item_id, run_id, step_id, seq, outcome, reason, reason_code, score, important, timestamp, retention_days
FROM decision_events FINAL
