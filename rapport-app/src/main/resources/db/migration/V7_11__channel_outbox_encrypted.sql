-- Recipient, subject and body are stored AES-GCM encrypted when encryption is on (enc:<key>:<base64>, about 4/3 of
-- the UTF-8 bytes plus 40 characters): the columns are widened to hold the longest value the sender accepts.
ALTER TABLE channel_outbox ALTER COLUMN recipient SET DATA TYPE VARCHAR(2000);
ALTER TABLE channel_outbox ALTER COLUMN subject SET DATA TYPE VARCHAR(4000);
ALTER TABLE channel_outbox ALTER COLUMN body SET DATA TYPE VARCHAR(500000);
