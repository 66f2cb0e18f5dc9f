-- Issue 13: the results list filtered by field in its default order reads
-- that field's rows in order (instead of sorting all of them), and the
-- registry's figures are cached by the server for as long as no center (nor
-- a host unit's kind) changes: `tallies` ('centers.generation', '') counts
-- those changes, in the same transaction as each.
CREATE INDEX research_results_field_submitted ON research_results (field, submitted_on, id);

INSERT INTO tallies (name, key, n) VALUES ('centers.generation', '', 1);

CREATE FUNCTION centers_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
    RETURN NULL;
END;
$$;
CREATE TRIGGER centers_generation AFTER INSERT OR UPDATE OR DELETE ON centers
FOR EACH STATEMENT EXECUTE FUNCTION centers_generation();
CREATE TRIGGER organisations_generation AFTER UPDATE OF kind, name ON organisations
FOR EACH STATEMENT EXECUTE FUNCTION centers_generation();
