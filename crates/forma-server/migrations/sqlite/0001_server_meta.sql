-- Facts about this installation itself. Portable SQL: runs on SQLite and PostgreSQL.
CREATE TABLE server_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
