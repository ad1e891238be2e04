-- xray:move runs
-- Runs keep their project's retention (retention_days, stamped by the processor): a TTL removes
-- each day's rows in merges once the day has expired, and whole (retention, month) partitions are
-- dropped once all of them have (see core/src/storage/retention.ts); codecs chosen by measurement
-- (bench/README.md, "Storage").
-- Rows written before this migration take the deployment's default retention (XRAY_RETENTION_DAYS);
-- a writer that does not stamp a row gets DEFAULT_RETENTION_DAYS (core/src/model/retention.ts).
CREATE TABLE IF NOT EXISTS runs_next
(
    project_id        LowCardinality(String),
    run_id            String CODEC(ZSTD(1)),
    pipeline          LowCardinality(String),
    status            LowCardinality(String),
    started_at        DateTime64(9, 'UTC') CODEC(ZSTD(1)),
    ended_at          DateTime64(9, 'UTC') CODEC(ZSTD(1)),
    total_steps       UInt32 CODEC(ZSTD(1)),
    failed_steps      UInt32 CODEC(ZSTD(1)),
    input_count       UInt64 CODEC(ZSTD(1)),
    output_count      UInt64 CODEC(ZSTD(1)),
    elimination_ratio Float64 CODEC(ZSTD(1)),
    error_message     String CODEC(ZSTD(1)),
    payload_key       String CODEC(ZSTD(1)),
    payload_offset    UInt64 CODEC(ZSTD(1)),
    payload_length    UInt32 CODEC(ZSTD(1)),
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(ZSTD(1)),
    retention_days    UInt16 DEFAULT 30
)
ENGINE = ReplacingMergeTree
PARTITION BY (retention_days, toYYYYMM(started_at))
ORDER BY (project_id, run_id)
TTL toDate(started_at) + toIntervalDay(retention_days + 1)
SETTINGS non_replicated_deduplication_window = 10000, merge_with_ttl_timeout = 43200;

INSERT INTO runs_next
SELECT project_id, run_id, pipeline, status, started_at, ended_at, total_steps, failed_steps, input_count,
       output_count, elimination_ratio, error_message, payload_key, payload_offset, payload_length, ingested_at,
       {retentionDays:UInt16}
FROM runs
