-- Behaviour-window counts read (event_type, dimension, dim_value, event_day) ranges and need the customer and the
-- count: with both in the index, PostgreSQL answers a window from the index alone (index-only scan) instead of
-- visiting the table for every counter row. Replaces the narrower index of V4 (its columns are this one's prefix).
DROP INDEX IF EXISTS segment_behaviour_day_type;
CREATE INDEX segment_behaviour_day_window ON segment_behaviour_day (event_type, dimension, dim_value, event_day,
    customer_id, event_count, amount);
