-- One row per decision: the reference and the fields people filter on. The full payload
-- (input, output, metadata) is in S3 at payload_key, bytes [payload_offset, +payload_length).
-- Identity is (step_id, seq); event_id is derived from it, so it costs no storage.
CREATE TABLE IF NOT EXISTS decision_events
(
    project_id     LowCardinality(String),
    run_id         String,
    step_id        String,
    seq            UInt32,
    item_id        String,
    outcome        Enum8('kept' = 1, 'eliminated' = 2, 'scored' = 3),
    reason         String,
    reason_code    LowCardinality(String),
    score          Nullable(Float64),
    timestamp      DateTime64(9, 'UTC'),
    payload_key    String,
    payload_offset UInt64,
    payload_length UInt32,
    event_id       String ALIAS concat(step_id, '-', toString(seq)),
    INDEX idx_item_id item_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (project_id, step_id, seq)
SETTINGS non_replicated_deduplication_window = 10000
