-- Athletes a coach archived stay with all their data but leave the team page,
-- the label queue and training; NULL means active.
ALTER TABLE athletes ADD COLUMN archived_at TEXT;

-- The day a coach closed an injury or illness (the athlete cleared to train);
-- NULL while it is open by the episode rule.
ALTER TABLE events ADD COLUMN closed_on TEXT;
