-- One row per step span; run_id is denormalised so "steps of a run" reads one table.
CREATE TABLE IF NOT EXISTS steps
(
    project_id        LowCardinality(String),
    run_id            String,
    step_id           String,
    step_index        UInt32,
    name              LowCardinality(String),
    type              LowCardinality(String),
    status            LowCardinality(String),
    started_at        DateTime64(9, 'UTC'),
    ended_at          DateTime64(9, 'UTC'),
    input_count       UInt64,
    output_count      UInt64,
    kept_count        UInt64,
    eliminated_count  UInt64,
    scored_count      UInt64,
    decision_count    UInt64,
    elimination_ratio Float64,
    error_message     String,
    payload_key       String,
    payload_offset    UInt64,
    payload_length    UInt32,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_step_id step_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (project_id, run_id, step_id)
SETTINGS non_replicated_deduplication_window = 10000
