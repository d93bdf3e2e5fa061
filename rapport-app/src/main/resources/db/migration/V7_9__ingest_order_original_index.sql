-- Date triggers on purchases leave out a product its order returned or cancelled: a return names the sale it undoes
-- (source, original_order). Without this index every candidate sale line scanned the orders for its returns.
CREATE INDEX ingest_order_original ON ingest_order (source, original_order);
