-- A webhook call about a customer asks consent on a contact channel no outbox channel stands for (a journey's
-- webhook step for marketing by phone, by email ...): kept so the dispatcher asks again right before each attempt.
ALTER TABLE channel_outbox ADD COLUMN consent_channel VARCHAR(20);
