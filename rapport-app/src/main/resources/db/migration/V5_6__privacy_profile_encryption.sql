-- privacy: field encryption of the profile's name and birthday (see docs/privacy.md "Encryption at rest").
-- With encryption configured, name and birthday stay NULL and their AES-GCM ciphertexts live in name_cipher and
-- birthday_cipher; name_index is the blind index (keyed hash) of the normalised name for exact-match search.
-- Derived, generalised columns keep birthday rules working without the full date in plain text:
--   birth_year       the year alone (age conditions count the age reached this calendar year when encrypted);
--   birth_month_day  'MM-DD' without encryption, the blind index of 'MM-DD' with it (birthday trigger/conditions).
-- Without encryption the plain columns are used as before and the derived ones are kept beside them.
ALTER TABLE customer_profile ADD COLUMN name_cipher VARCHAR(1200);
ALTER TABLE customer_profile ADD COLUMN name_index VARCHAR(64);
ALTER TABLE customer_profile ADD COLUMN birthday_cipher VARCHAR(200);
ALTER TABLE customer_profile ADD COLUMN birth_year SMALLINT;
ALTER TABLE customer_profile ADD COLUMN birth_month_day VARCHAR(64);
UPDATE customer_profile SET birth_year = EXTRACT(YEAR FROM birthday),
    birth_month_day = LPAD(CAST(EXTRACT(MONTH FROM birthday) AS VARCHAR(2)), 2, '0') || '-'
        || LPAD(CAST(EXTRACT(DAY FROM birthday) AS VARCHAR(2)), 2, '0')
    WHERE birthday IS NOT NULL;
CREATE INDEX customer_profile_name_index ON customer_profile (name_index);
CREATE INDEX customer_profile_birth_month_day ON customer_profile (birth_month_day);
