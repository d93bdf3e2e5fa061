-- The brand's charity accrual names the order it came from, so a return reverses the order's accrual in proportion
-- (kind 'brand-return', a negative amount). Accruals written before this migration carry no order and are not reversed.
ALTER TABLE loyalty_charity ADD COLUMN order_ref VARCHAR(200);
CREATE INDEX loyalty_charity_order ON loyalty_charity (order_ref);
