-- Sign-in sessions. Only the SHA-256 hash of the cookie's token is stored, so a copy
-- of the database does not let anyone sign in. Portable SQL, times as RFC 3339 text.
CREATE TABLE auth_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Slides forward while the session is used; see auth::SESSION_IDLE.
    expires_at TEXT NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
