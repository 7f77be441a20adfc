-- Models per team: each team has its own active model and its own history of
-- activations, and a version records the teams whose data it learnt from, so a
-- coach manages only the models of their teams and one team's change of model
-- never changes another team's recommendations.
ALTER TABLE model_versions ADD COLUMN teams TEXT NOT NULL DEFAULT '[]';
-- Versions trained before models were per team learnt from every team.
UPDATE model_versions
SET teams = (SELECT json_group_array(id) FROM (SELECT id FROM teams ORDER BY id));

CREATE TABLE team_models (
    team_id TEXT PRIMARY KEY NOT NULL REFERENCES teams (id),
    model_id TEXT NOT NULL REFERENCES model_versions (id),
    activated_at TEXT NOT NULL
);

-- The one model that was active served every team.
INSERT INTO team_models (team_id, model_id, activated_at)
SELECT t.id, v.id, COALESCE(v.activated_at, v.created_at)
FROM teams t CROSS JOIN model_versions v
WHERE v.active = 1;

CREATE TABLE team_model_activations (
    id TEXT PRIMARY KEY NOT NULL,
    -- Order of activations (times can tie).
    seq INTEGER NOT NULL UNIQUE,
    team_id TEXT NOT NULL REFERENCES teams (id),
    model_id TEXT NOT NULL REFERENCES model_versions (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    -- 'activate', 'rollback' or 'first_model'.
    kind TEXT NOT NULL
);
CREATE INDEX team_model_activations_by_team ON team_model_activations (team_id, seq);

-- Every earlier activation happened to every team.
INSERT INTO team_model_activations (id, seq, team_id, model_id, at, actor, kind)
SELECT a.id || ':' || t.id, ROW_NUMBER() OVER (ORDER BY a.seq, t.id), t.id, a.model_id,
       a.at, a.actor, a.kind
FROM model_activations a CROSS JOIN teams t;

DROP TABLE model_activations;
DROP INDEX model_versions_one_active;
ALTER TABLE model_versions DROP COLUMN active;
ALTER TABLE model_versions DROP COLUMN activated_at;
