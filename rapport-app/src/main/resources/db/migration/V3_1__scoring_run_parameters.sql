-- scoring: a run's parameters (fitted models, settings, notes, the churn model's evaluation) outgrew 4,000 characters
-- when every note is present. SET DATA TYPE is standard SQL: PostgreSQL and H2 both accept it.
ALTER TABLE scoring_run ALTER COLUMN parameters SET DATA TYPE VARCHAR(20000);
