-- xray:move steps
-- Steps keep their project's retention and expire like runs (008).
CREATE TABLE IF NOT EXISTS steps_next
(
    project_id        LowCardinality(String),
    run_id            String CODEC(ZSTD(1)),
    step_id           String CODEC(ZSTD(1)),
    step_index        UInt32 CODEC(ZSTD(1)),
    parent_step_id    String CODEC(ZSTD(1)),
    name              LowCardinality(String),
    type              LowCardinality(String),
    status            LowCardinality(String),
    started_at        DateTime64(9, 'UTC') CODEC(ZSTD(1)),
    ended_at          DateTime64(9, 'UTC') CODEC(ZSTD(1)),
    input_count       UInt64 CODEC(ZSTD(1)),
    output_count      UInt64 CODEC(ZSTD(1)),
    kept_count        UInt64 CODEC(ZSTD(1)),
    eliminated_count  UInt64 CODEC(ZSTD(1)),
    scored_count      UInt64 CODEC(ZSTD(1)),
    decision_count    UInt64 CODEC(ZSTD(1)),
    recorded_count    UInt64 CODEC(ZSTD(1)),
    capture           LowCardinality(String),
    elimination_ratio Float64 CODEC(ZSTD(1)),
    error_message     String CODEC(ZSTD(1)),
    payload_key       String CODEC(ZSTD(1)),
    payload_offset    UInt64 CODEC(ZSTD(1)),
    payload_length    UInt32 CODEC(ZSTD(1)),
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(ZSTD(1)),
    retention_days    UInt16 DEFAULT 30,
    INDEX idx_step_id step_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY (retention_days, toYYYYMM(started_at))
ORDER BY (project_id, run_id, step_id)
TTL toDate(started_at) + toIntervalDay(retention_days + 1)
SETTINGS non_replicated_deduplication_window = 10000, merge_with_ttl_timeout = 43200;

INSERT INTO steps_next
SELECT project_id, run_id, step_id, step_index, parent_step_id, name, type, status, started_at, ended_at,
       input_count, output_count, kept_count, eliminated_count, scored_count, decision_count, recorded_count,
       capture, elimination_ratio, error_message, payload_key, payload_offset, payload_length, ingested_at,
       {retentionDays:UInt16}
FROM steps
