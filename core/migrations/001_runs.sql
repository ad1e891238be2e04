-- One row per pipeline run, written from the run span. Metrics are the SDK's exact counts.
CREATE TABLE IF NOT EXISTS runs
(
    project_id        LowCardinality(String),
    run_id            String,
    pipeline          LowCardinality(String),
    status            LowCardinality(String),
    started_at        DateTime64(9, 'UTC'),
    ended_at          DateTime64(9, 'UTC'),
    total_steps       UInt32,
    input_count       UInt64,
    output_count      UInt64,
    elimination_ratio Float64,
    error_message     String,
    payload_key       String,
    payload_offset    UInt64,
    payload_length    UInt32,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (project_id, run_id)
SETTINGS non_replicated_deduplication_window = 10000
