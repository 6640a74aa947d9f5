-- apidiff store schema, version 2: live-source leases for watchers that share one store, and
-- their poll log. Idempotent like 0001; one column or constraint per line (the schema check
-- reads this file too).

CREATE TABLE IF NOT EXISTS watch_sources (
    source text NOT NULL,
    holder text,
    expires_at timestamptz,
    claimed_at timestamptz,
    due_at timestamptz NOT NULL DEFAULT now(),
    polled_at timestamptz,
    etag text,
    last_modified text,
    content_hash text,
    CONSTRAINT watch_sources_pkey PRIMARY KEY (source)
);

CREATE TABLE IF NOT EXISTS watch_polls (
    source text NOT NULL,
    holder text NOT NULL,
    polled_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    outcome text NOT NULL
);

CREATE INDEX IF NOT EXISTS watch_sources_due_at_idx ON watch_sources (due_at);
CREATE INDEX IF NOT EXISTS watch_polls_polled_at_idx ON watch_polls (polled_at);
CREATE INDEX IF NOT EXISTS watch_polls_source_idx ON watch_polls (source, polled_at);
