-- apidiff store schema, version 3: what replicas of `apidiff serve` share. (Version 2 is left to
-- the watch leases.) Every statement is idempotent, one column or constraint per line, like 0001.

-- Claims: a replica inserts its claim before it sends an alert (keyed by the alert's id), so one
-- alert is sent once however many replicas see its trigger, and before it runs a rate-limited
-- action (a deep health check: `health-<minute>-<slot>`), so the limit holds for the fleet.
-- `until` bounds the claim of a replica that dies meanwhile; `done` keeps a claim for good.
CREATE TABLE IF NOT EXISTS claims (
    key text NOT NULL,
    holder text NOT NULL,
    until timestamptz NOT NULL,
    done boolean NOT NULL DEFAULT false,
    CONSTRAINT claims_pkey PRIMARY KEY (key)
);

-- Keyset pages of the history, newest first: `ORDER BY time DESC, id DESC LIMIT n` (with or
-- without one module) is an index scan whose cost does not grow with the number of entries.
-- Byte order ("C"), whatever the database's collation, as the folder and S3 stores sort.
CREATE INDEX IF NOT EXISTS diffs_time_id_idx ON diffs (time COLLATE "C", id COLLATE "C");
CREATE INDEX IF NOT EXISTS diffs_module_time_id_idx ON diffs (module, time COLLATE "C", id COLLATE "C");
