-- Issue 13: the results list filtered by field in its default order reads
-- that field's rows in order (instead of sorting all of them), and the
-- registry's figures are cached by the server for as long as no center (nor
-- a host unit's kind) changes: `tallies` ('centers.generation', '') counts
-- those changes, in the same transaction as each.
CREATE INDEX research_results_field_submitted ON research_results (field, submitted_on, id);

INSERT INTO tallies (name, key, n) VALUES ('centers.generation', '', 1);

CREATE TRIGGER centers_generation_insert AFTER INSERT ON centers BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
END;
CREATE TRIGGER centers_generation_update AFTER UPDATE ON centers BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
END;
CREATE TRIGGER centers_generation_delete AFTER DELETE ON centers BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
END;
CREATE TRIGGER organisations_generation_update AFTER UPDATE OF kind, name ON organisations BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
END;
