-- One-time invitations a coach makes for an athlete of their team: the athlete
-- opens the link, sets a password and has their account. Only the SHA-256 hash of
-- the code is stored, like a session's.
CREATE TABLE invites (
    code_hash TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX invites_athlete ON invites (athlete_id);
