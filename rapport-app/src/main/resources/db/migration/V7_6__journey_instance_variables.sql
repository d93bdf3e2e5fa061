-- Values steps leave for later steps of the same customer's journey (the coupon a coupon step issued), as a JSON
-- object: {"coupon.code": "7K3M9Q2P", "coupon.expires": "2026-04-30", "coupon.reward": "BDAY-GIFT"}.
ALTER TABLE journey_instance ADD COLUMN variables VARCHAR(2000);
