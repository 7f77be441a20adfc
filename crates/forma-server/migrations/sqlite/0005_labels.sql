-- Labels, second form. The author's email is kept with each label, so an exported
-- labels file imports into another database, where that account may not exist
-- (author_id is then empty). Undo keeps the label, with when and by whom it was
-- taken back, so a late retry of the same client-made id cannot bring it back.
CREATE TABLE labels_v2 (
    id TEXT PRIMARY KEY NOT NULL,
    athlete_id TEXT NOT NULL REFERENCES athletes (id),
    date TEXT NOT NULL,
    end_date TEXT,
    session_id TEXT REFERENCES sessions (id),
    code TEXT NOT NULL,
    vocabulary_version TEXT NOT NULL,
    note TEXT,
    author_id TEXT REFERENCES users (id),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);

INSERT INTO labels_v2 (id, athlete_id, date, end_date, session_id, code, vocabulary_version,
                       note, author_id, author, created_at)
SELECT l.id, l.athlete_id, l.date, l.end_date, l.session_id, l.code, l.vocabulary_version,
       l.note, l.author_id,
       COALESCE((SELECT u.email FROM users u WHERE u.id = l.author_id), l.author_id),
       l.created_at
FROM labels l;

DROP TABLE labels;
ALTER TABLE labels_v2 RENAME TO labels;
CREATE INDEX labels_athlete_date ON labels (athlete_id, date);
