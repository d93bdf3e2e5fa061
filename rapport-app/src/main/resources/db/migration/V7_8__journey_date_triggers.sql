-- Journeys: what the trigger knew about an entry (the product of a maintenance or warranty date, its purchase day),
-- as JSON, offered to the journey's messages as variables.
ALTER TABLE journey_instance ADD COLUMN context VARCHAR(2000);

-- Date triggers on purchases ("12 months after buying", "warranty end minus 30 days") look up the sale lines of
-- given days once a day: by day rather than by scanning every order.
CREATE INDEX ingest_order_day ON ingest_order (order_day, kind);
