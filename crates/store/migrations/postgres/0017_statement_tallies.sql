-- Issue 13: PostgreSQL keeps the tallies once per statement, not once per row.
-- A row-level trigger updates the same tally row once for every row a bulk
-- insert writes; inside one transaction each update leaves a row version the
-- next one must step over, so a 100,000-row import slowed quadratically (30 s
-- per 1,000 rows near the end). Statement-level triggers read the statement's
-- rows from transition tables and add one delta per tally key.

DROP TRIGGER research_results_tally_insert ON research_results;
DROP TRIGGER research_results_tally_update ON research_results;
DROP FUNCTION research_results_tally();
DROP TRIGGER experts_tally_insert ON experts;
DROP TRIGGER experts_tally_update ON experts;
DROP FUNCTION experts_tally();
DROP TRIGGER organisations_tally ON organisations;
DROP FUNCTION organisations_tally();
DROP TRIGGER users_tally_insert ON users;
DROP TRIGGER users_tally_update ON users;
DROP FUNCTION users_tally();

-- Research results: +1 per new row, -1 per old row, for each of its keys.
CREATE FUNCTION research_results_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO tallies (name, key, n)
        SELECT d.name, d.key, SUM(d.n) FROM (
            SELECT 'results.state' AS name, r.state AS key, 1 AS n FROM new_rows r
            UNION ALL SELECT 'results.field_state', r.field || '|' || r.state, 1 FROM new_rows r
            UNION ALL SELECT 'results.region_state', g.region || '|' || r.state, 1
                FROM new_rows r CROSS JOIN LATERAL result_regions(r.owner_org_id, r.center_id) g
        ) AS d GROUP BY d.name, d.key ORDER BY d.name, d.key
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO tallies (name, key, n)
        SELECT d.name, d.key, SUM(d.n) FROM (
            SELECT 'results.state' AS name, r.state AS key, -1 AS n FROM old_rows r
            UNION ALL SELECT 'results.field_state', r.field || '|' || r.state, -1 FROM old_rows r
            UNION ALL SELECT 'results.region_state', g.region || '|' || r.state, -1
                FROM old_rows r CROSS JOIN LATERAL result_regions(r.owner_org_id, r.center_id) g
        ) AS d GROUP BY d.name, d.key ORDER BY d.name, d.key
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    ELSE
        -- Only rows whose counted columns changed; nothing is written when none did.
        INSERT INTO tallies (name, key, n)
        SELECT d.name, d.key, SUM(d.n) FROM (
            SELECT 'results.state' AS name, r.state AS key, -1 AS n FROM old_rows r JOIN new_rows x USING (id) WHERE (r.state, r.field, r.owner_org_id, r.center_id) IS DISTINCT FROM (x.state, x.field, x.owner_org_id, x.center_id)
            UNION ALL SELECT 'results.field_state', r.field || '|' || r.state, -1 FROM old_rows r JOIN new_rows x USING (id) WHERE (r.state, r.field, r.owner_org_id, r.center_id) IS DISTINCT FROM (x.state, x.field, x.owner_org_id, x.center_id)
            UNION ALL SELECT 'results.region_state', g.region || '|' || r.state, -1
                FROM old_rows r JOIN new_rows x USING (id) CROSS JOIN LATERAL result_regions(r.owner_org_id, r.center_id) g
                WHERE (r.state, r.field, r.owner_org_id, r.center_id) IS DISTINCT FROM (x.state, x.field, x.owner_org_id, x.center_id)
            UNION ALL SELECT 'results.state', x.state, 1 FROM old_rows r JOIN new_rows x USING (id) WHERE (r.state, r.field, r.owner_org_id, r.center_id) IS DISTINCT FROM (x.state, x.field, x.owner_org_id, x.center_id)
            UNION ALL SELECT 'results.field_state', x.field || '|' || x.state, 1 FROM old_rows r JOIN new_rows x USING (id) WHERE (r.state, r.field, r.owner_org_id, r.center_id) IS DISTINCT FROM (x.state, x.field, x.owner_org_id, x.center_id)
            UNION ALL SELECT 'results.region_state', g.region || '|' || x.state, 1
                FROM old_rows r JOIN new_rows x USING (id) CROSS JOIN LATERAL result_regions(x.owner_org_id, x.center_id) g
                WHERE (r.state, r.field, r.owner_org_id, r.center_id) IS DISTINCT FROM (x.state, x.field, x.owner_org_id, x.center_id)
        ) AS d GROUP BY d.name, d.key HAVING SUM(d.n) <> 0 ORDER BY d.name, d.key
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER research_results_tally_insert AFTER INSERT ON research_results
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION research_results_tally_rows();
CREATE TRIGGER research_results_tally_update AFTER UPDATE ON research_results
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION research_results_tally_rows();
CREATE TRIGGER research_results_tally_delete AFTER DELETE ON research_results
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION research_results_tally_rows();

-- Experts by kind.
CREATE FUNCTION experts_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO tallies (name, key, n) SELECT 'experts.kind', kind, COUNT(*) FROM new_rows GROUP BY kind ORDER BY kind
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO tallies (name, key, n) SELECT 'experts.kind', kind, -COUNT(*) FROM old_rows GROUP BY kind ORDER BY kind
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    ELSE
        INSERT INTO tallies (name, key, n)
        SELECT 'experts.kind', d.kind, SUM(d.n) FROM (
            SELECT o.kind, -1 AS n FROM old_rows o JOIN new_rows x USING (id) WHERE o.kind IS DISTINCT FROM x.kind
            UNION ALL SELECT x.kind, 1 FROM old_rows o JOIN new_rows x USING (id) WHERE o.kind IS DISTINCT FROM x.kind
        ) AS d GROUP BY d.kind HAVING SUM(d.n) <> 0 ORDER BY d.kind
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER experts_tally_insert AFTER INSERT ON experts
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION experts_tally_rows();
CREATE TRIGGER experts_tally_update AFTER UPDATE ON experts
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION experts_tally_rows();
CREATE TRIGGER experts_tally_delete AFTER DELETE ON experts
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION experts_tally_rows();

-- Organisations.
CREATE FUNCTION organisations_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO tallies (name, key, n) SELECT 'organisations', '', COUNT(*) FROM new_rows HAVING COUNT(*) > 0
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    ELSE
        INSERT INTO tallies (name, key, n) SELECT 'organisations', '', -COUNT(*) FROM old_rows HAVING COUNT(*) > 0
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER organisations_tally_insert AFTER INSERT ON organisations
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION organisations_tally_rows();
CREATE TRIGGER organisations_tally_delete AFTER DELETE ON organisations
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION organisations_tally_rows();

-- Accounts that may sign in.
CREATE FUNCTION users_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta BIGINT := 0;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT COUNT(*) INTO delta FROM new_rows WHERE is_active;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT -COUNT(*) INTO delta FROM old_rows WHERE is_active;
    ELSE
        SELECT COALESCE(SUM(CASE WHEN x.is_active THEN 1 ELSE 0 END - CASE WHEN o.is_active THEN 1 ELSE 0 END), 0) INTO delta
        FROM old_rows o JOIN new_rows x USING (id);
    END IF;
    IF delta <> 0 THEN
        INSERT INTO tallies (name, key, n) VALUES ('users.active', '', delta)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER users_tally_insert AFTER INSERT ON users
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_tally_rows();
CREATE TRIGGER users_tally_update AFTER UPDATE ON users
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_tally_rows();
CREATE TRIGGER users_tally_delete AFTER DELETE ON users
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION users_tally_rows();
