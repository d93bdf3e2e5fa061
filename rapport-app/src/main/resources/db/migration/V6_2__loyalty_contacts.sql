-- Contacts a member gave the programme (phone, postal address at sign-up), kept only as fingerprints: privacy's keyed
-- blind index of the normalised value when encryption is configured (a SHA-256 otherwise). Referral anti-abuse compares
-- the fingerprints of inviter and invitee; no plain value is stored or compared.
CREATE TABLE loyalty_contact (
    customer_id    BIGINT NOT NULL,
    kind           VARCHAR(10) NOT NULL,
    fingerprint    VARCHAR(100) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (customer_id, kind, fingerprint)
);
CREATE INDEX loyalty_contact_fingerprint ON loyalty_contact (fingerprint);
