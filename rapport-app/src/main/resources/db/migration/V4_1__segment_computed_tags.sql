-- segment: the computed tags Rapport keeps up to date itself (see docs/segments.md, "Tags")
INSERT INTO segment_tag (code, name, category, kind, description, created_by, created_at) VALUES
 ('preferred_channel', 'Preferred channel', 'preference', 'computed', 'The sales channel with most of the customer''s orders', 'system', CURRENT_TIMESTAMP),
 ('best_send_hour', 'Best send time', 'preference', 'computed', 'Hour of the week (brand time zone) with most opens, clicks and purchases; the brand''s busiest hour for customers with fewer than 3', 'system', CURRENT_TIMESTAMP),
 ('promotion_sensitivity', 'Promotion sensitivity', 'preference', 'computed', 'high / medium / low: share of sale lines with a discount or coupon (3 lines or more)', 'system', CURRENT_TIMESTAMP),
 ('category_interest', 'Category interest', 'preference', 'computed', 'The category with the highest time-decayed score of views, cart adds and purchases (half-life 30 days, last 365 days)', 'system', CURRENT_TIMESTAMP),
 ('price_band', 'Price band', 'value', 'computed', 'low / mid / high: average net price per unit against the brand''s customers (thirds)', 'system', CURRENT_TIMESTAMP),
 ('value_tier', 'Value tier', 'value', 'computed', 'Spend tier of the latest scoring run', 'system', CURRENT_TIMESTAMP),
 ('rfm_segment', 'RFM segment', 'value', 'computed', 'RFM segment of the latest scoring run', 'system', CURRENT_TIMESTAMP),
 ('lifecycle_stage', 'Lifecycle stage', 'value', 'computed', 'Lifecycle stage of the latest scoring run', 'system', CURRENT_TIMESTAMP);
