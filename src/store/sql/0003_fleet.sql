-- apidiff store schema, version 3: what replicas of `apidiff serve` share. (Version 2 is left to
-- the watch leases.) Every statement is idempotent, one column or constraint per line, like 0001.

-- Claims on alerts: a replica inserts its claim before it delivers, so one alert is sent once
-- however many replicas see its trigger. `until` bounds the claim of a replica that dies while
-- delivering; `sent` keeps a delivered alert's claim for good.
CREATE TABLE IF NOT EXISTS alert_claims (
    key text NOT NULL,
    holder text NOT NULL,
    until timestamptz NOT NULL,
    sent boolean NOT NULL DEFAULT false,
    CONSTRAINT alert_claims_pkey PRIMARY KEY (key)
);

-- Keyset pages of the history, newest first: `ORDER BY time DESC, id DESC LIMIT n` (with or
-- without one module) is an index scan whose cost does not grow with the number of entries.
-- Byte order ("C"), whatever the database's collation, as the folder and S3 stores sort.
CREATE INDEX IF NOT EXISTS diffs_time_id_idx ON diffs (time COLLATE "C", id COLLATE "C");
CREATE INDEX IF NOT EXISTS diffs_module_time_id_idx ON diffs (module, time COLLATE "C", id COLLATE "C");
