-- Performance tests (a time trial's power, a jump height; higher is better): what
-- the Plan page fits Banister's fitness-fatigue model to.
CREATE TABLE performance_tests (
    id TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    date TEXT NOT NULL,
    value REAL NOT NULL,
    author_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX performance_tests_athlete ON performance_tests (athlete_id, date);
