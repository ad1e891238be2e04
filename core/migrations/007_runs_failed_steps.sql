-- Runs whose steps failed although the caller caught the error and ended the run `ok`: the SDK
-- counts them (xray.run.failed_step_count), so the run list can find them.
ALTER TABLE runs
    ADD COLUMN IF NOT EXISTS failed_steps UInt32 AFTER total_steps
