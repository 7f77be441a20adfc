-- Where each stored wellness value came from, as a JSON object from item name to
-- source ("athlete", "coach", "pmdata:fitbit", "file:NAME", ...). NULL for days
-- written before sources were kept: their sources are unknown.
ALTER TABLE wellness ADD COLUMN sources TEXT;
