-- privacy: field encryption of personal identifiers (phone, email). When encryption is configured, id_value holds
-- the blind index (keyed hash, for exact-match lookups and the uniqueness constraint) and value_cipher the AES-GCM
-- encrypted value. Without encryption value_cipher stays empty and id_value holds the value as before.
ALTER TABLE customer_identity ADD COLUMN value_cipher VARCHAR(400);
