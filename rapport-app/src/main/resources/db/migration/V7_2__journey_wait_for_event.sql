-- A wait for an event (with a timeout branch): the event type awaited and the step it leads to, "order>thanks"
-- ("order>" when it leads to the end). The timeout is the instance's ordinary timer (waiting_until).
ALTER TABLE journey_instance ADD COLUMN awaiting VARCHAR(200);
