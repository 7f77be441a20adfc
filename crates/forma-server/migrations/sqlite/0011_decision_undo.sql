-- A decision its author undid within the undo window stays in the history, marked
-- with when and by whom; the day's standing decision is the newest one not undone.
ALTER TABLE recommendation_decisions ADD COLUMN withdrawn_at TEXT;
ALTER TABLE recommendation_decisions ADD COLUMN withdrawn_by TEXT;
