-- privacy: a data-subject request's deadline may be extended once where the regime allows it (GDPR art. 12(3):
-- two further months; CCPA §1798.130(a)(2): 45 more days; PIPL: no extension), with the reason told to the person.
ALTER TABLE privacy_request ADD COLUMN original_due_on DATE;
ALTER TABLE privacy_request ADD COLUMN extended_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE privacy_request ADD COLUMN extended_by VARCHAR(100);
ALTER TABLE privacy_request ADD COLUMN extension_reason VARCHAR(500);
