-- The model registry: at most one active model at a time (the database enforces
-- it), and every activation kept, so "roll back" knows what was active before.
CREATE UNIQUE INDEX model_versions_one_active ON model_versions (active) WHERE active = 1;

CREATE TABLE model_activations (
    id TEXT PRIMARY KEY NOT NULL,
    -- Order of activations (times can tie).
    seq INTEGER NOT NULL UNIQUE,
    model_id TEXT NOT NULL REFERENCES model_versions (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    -- 'activate', 'rollback' or 'first_model'.
    kind TEXT NOT NULL
);
