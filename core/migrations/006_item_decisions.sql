-- The decisions again, sorted by item: "where did item X die" reads one item's rows by the sort key
-- (in one run, or across runs) instead of scanning. The processor writes each decision row to both
-- tables in the same batch. Decisions stored before this migration are not copied here.
CREATE TABLE IF NOT EXISTS item_decisions
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
    important      Bool,
    timestamp      DateTime64(9, 'UTC'),
    payload_key    String,
    payload_offset UInt64,
    payload_length UInt32
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (project_id, item_id, run_id, step_id, seq)
SETTINGS non_replicated_deduplication_window = 10000
