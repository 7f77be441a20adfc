-- An admin disables an account: it cannot sign in and its sessions end. NULL
-- means enabled.
ALTER TABLE users ADD COLUMN disabled_at TEXT;

-- One-time links an admin makes to reset an account's password, stored by the
-- SHA-256 hash of their code like sessions and invitations.
CREATE TABLE password_resets (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
