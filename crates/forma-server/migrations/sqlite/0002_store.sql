-- Forma's store. Portable SQL: TEXT, INTEGER and REAL columns only, dates as
-- 'YYYY-MM-DD' text, times as RFC 3339 UTC text, ids made by the application, JSON
-- as text. The PostgreSQL schema (migrations/postgres) mirrors this file.

CREATE TABLE teams (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- The day the team's figures are computed for, when fixed (an archived or demo
    -- team); NULL means each athlete's today.
    as_of TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE athletes (
    id TEXT PRIMARY KEY NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams (id),
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    sex TEXT CHECK (sex IN ('female', 'male')),
    birth_year INTEGER,
    sport TEXT,
    hr_max REAL,
    hr_rest REAL,
    -- Bumped on every change to the athlete's data; recommendations are cached by it.
    data_version INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX athletes_team ON athletes (team_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'coach', 'athlete')),
    athlete_id TEXT REFERENCES athletes (id),
    created_at TEXT NOT NULL
);

CREATE TABLE team_coaches (
    team_id TEXT NOT NULL REFERENCES teams (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (team_id, user_id)
);

-- One row per file or request that brought data in.
CREATE TABLE imports (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    team_id TEXT REFERENCES teams (id),
    added INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A session's id is derived from its content (and its place among identical rows of
-- one file), so importing the same file twice adds nothing.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    date TEXT NOT NULL,
    sport TEXT,
    duration_min REAL,
    rpe REAL,
    load REAL NOT NULL,
    distance_km REAL,
    avg_hr REAL,
    source TEXT,
    import_id TEXT REFERENCES imports (id),
    created_at TEXT NOT NULL
);
CREATE INDEX sessions_athlete_date ON sessions (athlete_id, date);

CREATE TABLE wellness (
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    date TEXT NOT NULL,
    sleep_h REAL,
    sleep_quality REAL,
    fatigue REAL,
    soreness REAL,
    stress REAL,
    mood REAL,
    readiness REAL,
    hrv_rmssd_ms REAL,
    resting_hr REAL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (athlete_id, date)
);

CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('injury', 'illness')),
    severity TEXT,
    body_part TEXT,
    days_lost INTEGER,
    import_id TEXT REFERENCES imports (id),
    created_at TEXT NOT NULL
);
CREATE INDEX events_athlete_date ON events (athlete_id, date);

-- Coach labels; the id is made by the client so a retried write is harmless.
CREATE TABLE labels (
    id TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    date TEXT NOT NULL,
    end_date TEXT,
    session_id TEXT REFERENCES sessions (id),
    code TEXT NOT NULL,
    vocabulary_version TEXT NOT NULL,
    note TEXT,
    author_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX labels_athlete_date ON labels (athlete_id, date);

CREATE TABLE model_versions (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    feature_schema_hash TEXT NOT NULL,
    artifact TEXT NOT NULL,
    card TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    activated_at TEXT
);

CREATE TABLE recommendations (
    id TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    date TEXT NOT NULL,
    data_version INTEGER NOT NULL,
    model_version TEXT,
    policy_version TEXT NOT NULL,
    action TEXT NOT NULL,
    confidence REAL NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX recommendations_cache
    ON recommendations (athlete_id, date, data_version, model_version, policy_version);

CREATE TABLE recommendation_decisions (
    id TEXT PRIMARY KEY NOT NULL,
    recommendation_id TEXT NOT NULL REFERENCES recommendations (id),
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'override')),
    action TEXT NOT NULL,
    reason_code TEXT,
    note TEXT,
    author_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX decisions_athlete ON recommendation_decisions (athlete_id, created_at);

CREATE TABLE plans (
    id TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    start_date TEXT NOT NULL,
    days TEXT NOT NULL,
    explanation TEXT,
    author_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX plans_athlete ON plans (athlete_id, created_at);

-- Every write: who, when, what, and the record before and after (JSON).
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    athlete_id TEXT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_athlete ON audit_log (athlete_id, at);
