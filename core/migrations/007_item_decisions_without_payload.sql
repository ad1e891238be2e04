-- item_decisions answers "where did item X die" from the item, run, step, outcome and reason; a
-- decision's payload is found through decision_events (by step and seq). The payload reference,
-- scattered by the item sort order, was about half of this table's bytes. The processor sends
-- both tables the same rows; this one skips the fields it no longer has.
ALTER TABLE item_decisions
    DROP COLUMN IF EXISTS payload_key,
    DROP COLUMN IF EXISTS payload_offset,
    DROP COLUMN IF EXISTS payload_length
