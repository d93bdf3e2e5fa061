-- What the event that started an absence watch knew (its plain properties: the product viewed, the cart's sku), so
-- the customer enters with it when the watch expires, like an event trigger's entry.
ALTER TABLE journey_watch ADD COLUMN context VARCHAR(2000);
