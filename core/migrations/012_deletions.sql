-- Runs deleted on request (DELETE /v1/runs/{id}): a tombstone written before anything is removed
-- (done = 0) and marked done once every row and payload object is gone, so an interrupted deletion
-- is found and finished, and the query API answers 410 Gone for the run instead of 404. Kept as
-- long as the run's data would have been.
CREATE TABLE IF NOT EXISTS deletions
(
    project_id     LowCardinality(String),
    run_id         String,
    deleted_at     DateTime64(3, 'UTC'),
    done           UInt8,
    retention_days UInt16
)
ENGINE = ReplacingMergeTree(done)
PARTITION BY (retention_days, toYYYYMM(deleted_at))
ORDER BY (project_id, run_id)
TTL toDate(deleted_at) + toIntervalDay(retention_days + 1)
SETTINGS non_replicated_deduplication_window = 10000, merge_with_ttl_timeout = 43200
