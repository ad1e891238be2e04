-- Capture levels (not every decision is recorded as an event) and steps nested in steps.
ALTER TABLE steps
    ADD COLUMN IF NOT EXISTS recorded_count UInt64 AFTER decision_count,
    ADD COLUMN IF NOT EXISTS capture LowCardinality(String) AFTER recorded_count,
    ADD COLUMN IF NOT EXISTS parent_step_id String AFTER step_index
