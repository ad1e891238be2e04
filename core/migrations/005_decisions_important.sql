-- Decisions the caller marked important (always recorded, whatever the sampling).
ALTER TABLE decision_events
    ADD COLUMN IF NOT EXISTS important Bool AFTER score
