-- apidiff store schema, version 1. Every statement is idempotent: the same text creates a
-- fresh schema and repairs a damaged one. One column or constraint per line; the store's
-- schema check reads this file to know what must exist (docs/store-schema.md describes it).

CREATE TABLE IF NOT EXISTS apidiff_meta (
    key text NOT NULL,
    value text NOT NULL,
    CONSTRAINT apidiff_meta_pkey PRIMARY KEY (key)
);

CREATE TABLE IF NOT EXISTS modules (
    name text NOT NULL,
    first_seen text NOT NULL,
    CONSTRAINT modules_pkey PRIMARY KEY (name)
);

CREATE TABLE IF NOT EXISTS spec_blobs (
    hash text NOT NULL,
    bytes bytea NOT NULL,
    size bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT spec_blobs_pkey PRIMARY KEY (hash)
);

CREATE TABLE IF NOT EXISTS snapshots (
    module text NOT NULL,
    spec text NOT NULL,
    hash text NOT NULL,
    format text NOT NULL,
    first_recorded text NOT NULL,
    CONSTRAINT snapshots_pkey PRIMARY KEY (module, spec, hash),
    CONSTRAINT snapshots_module_fkey FOREIGN KEY (module) REFERENCES modules (name),
    CONSTRAINT snapshots_hash_fkey FOREIGN KEY (hash) REFERENCES spec_blobs (hash)
);

CREATE TABLE IF NOT EXISTS diffs (
    id text NOT NULL,
    key text NOT NULL,
    time text NOT NULL,
    module text NOT NULL,
    spec text NOT NULL,
    format text NOT NULL,
    snapshot text,
    previous text,
    deploy text,
    author text,
    message text,
    risk text NOT NULL,
    breaking integer NOT NULL,
    warnings integer NOT NULL,
    infos integer NOT NULL,
    run text NOT NULL,
    raw bytea NOT NULL,
    CONSTRAINT diffs_pkey PRIMARY KEY (id),
    CONSTRAINT diffs_key_key UNIQUE (key),
    CONSTRAINT diffs_module_fkey FOREIGN KEY (module) REFERENCES modules (name),
    CONSTRAINT diffs_snapshot_fkey FOREIGN KEY (snapshot) REFERENCES spec_blobs (hash),
    CONSTRAINT diffs_previous_fkey FOREIGN KEY (previous) REFERENCES spec_blobs (hash)
);

CREATE TABLE IF NOT EXISTS changes (
    diff_id text NOT NULL,
    ordinal integer NOT NULL,
    rule_id text NOT NULL,
    severity text NOT NULL,
    message text NOT NULL,
    operation text,
    fingerprint text,
    CONSTRAINT changes_pkey PRIMARY KEY (diff_id, ordinal),
    CONSTRAINT changes_diff_id_fkey FOREIGN KEY (diff_id) REFERENCES diffs (id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS dependencies (
    diff_id text NOT NULL,
    dependant text NOT NULL,
    CONSTRAINT dependencies_pkey PRIMARY KEY (diff_id, dependant),
    CONSTRAINT dependencies_diff_id_fkey FOREIGN KEY (diff_id) REFERENCES diffs (id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS annotations (
    id text NOT NULL,
    key text NOT NULL,
    time text NOT NULL,
    diff_id text NOT NULL,
    author text,
    text text NOT NULL,
    raw bytea NOT NULL,
    CONSTRAINT annotations_pkey PRIMARY KEY (id),
    CONSTRAINT annotations_key_key UNIQUE (key),
    CONSTRAINT annotations_diff_id_fkey FOREIGN KEY (diff_id) REFERENCES diffs (id)
);

CREATE TABLE IF NOT EXISTS alerts (
    key text NOT NULL,
    time text,
    raw bytea NOT NULL,
    CONSTRAINT alerts_pkey PRIMARY KEY (key)
);

CREATE TABLE IF NOT EXISTS audit_log (
    id text NOT NULL,
    key text NOT NULL,
    time text NOT NULL,
    actor text,
    action text NOT NULL,
    details jsonb NOT NULL,
    raw bytea NOT NULL,
    CONSTRAINT audit_log_pkey PRIMARY KEY (id),
    CONSTRAINT audit_log_key_key UNIQUE (key)
);

CREATE TABLE IF NOT EXISTS other_records (
    key text NOT NULL,
    raw bytea NOT NULL,
    CONSTRAINT other_records_pkey PRIMARY KEY (key)
);

CREATE INDEX IF NOT EXISTS diffs_module_spec_time_idx ON diffs (module, spec, time);
CREATE INDEX IF NOT EXISTS diffs_time_idx ON diffs (time);
CREATE INDEX IF NOT EXISTS diffs_deploy_idx ON diffs (deploy);
CREATE INDEX IF NOT EXISTS diffs_snapshot_idx ON diffs (snapshot);
CREATE INDEX IF NOT EXISTS snapshots_hash_idx ON snapshots (hash);
CREATE INDEX IF NOT EXISTS changes_rule_id_idx ON changes (rule_id);
CREATE INDEX IF NOT EXISTS changes_fingerprint_idx ON changes (fingerprint);
CREATE INDEX IF NOT EXISTS annotations_diff_id_idx ON annotations (diff_id);
CREATE INDEX IF NOT EXISTS audit_log_time_idx ON audit_log (time);
