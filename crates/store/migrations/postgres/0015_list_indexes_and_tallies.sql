-- Issue 13: lists and dashboards that serve a province.
--
-- 1. Every sort order a list offers has an index ending in the id, so a page
--    is read in order "after this row" (keyset) instead of sorting and
--    skipping the whole table.
-- 2. Counts the dashboards and list totals show are kept in `tallies`,
--    maintained by triggers in the same transaction as the write that
--    changes them (so every write path — forms, API, imports, the demo —
--    keeps them, and a crash never leaves one behind its rows). Each trigger
--    touches its tally rows in one order (name, then key), so two
--    transactions moving results in opposite directions wait for each other
--    instead of deadlocking.

-- The results list (store::results): its five sort orders, and the state tabs in the default order.
CREATE INDEX research_results_submitted_id ON research_results (submitted_on, id);
CREATE INDEX research_results_title_id ON research_results (title, id);
CREATE INDEX research_results_trl_id ON research_results (trl, id);
CREATE INDEX research_results_state_id ON research_results (state, id);
CREATE INDEX research_results_field_id ON research_results (field, id);
CREATE INDEX research_results_state_submitted ON research_results (state, submitted_on, id);
-- A center's library in any order is small; its rows are found by center.
CREATE INDEX research_results_center_submitted ON research_results (center_id, submitted_on, id);

-- A county's centers (its dashboard).
CREATE INDEX centers_region_name ON centers (region, name);

-- The expert library (store::experts), by name.
CREATE INDEX experts_name_id ON experts (name, id);
-- The audit trail of one actor, newest first.
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);

-- One row per (tally, key): e.g. ('results.state', 'verified') = 1234.
--   results.state         key = state
--   results.field_state   key = field '|' state
--   results.region_state  key = region '|' state, a result counting in the region of its
--                         owner and in the region of its center (once when they agree),
--                         as store::results::ResultScope::Region lists them
--   experts.kind          key = kind
--   organisations         key = ''
--   users.active          key = ''   (accounts that may sign in)
CREATE TABLE tallies (
    name TEXT   NOT NULL,
    key  TEXT   NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (name, key)
);

INSERT INTO tallies (name, key, n) SELECT 'results.state', state, COUNT(*) FROM research_results GROUP BY state;
INSERT INTO tallies (name, key, n) SELECT 'results.field_state', field || '|' || state, COUNT(*) FROM research_results GROUP BY field, state;
INSERT INTO tallies (name, key, n)
    SELECT 'results.region_state', region || '|' || state, COUNT(*) FROM (
        SELECT r.id, o.region, r.state FROM research_results r JOIN organisations o ON o.id = r.owner_org_id
        UNION
        SELECT r.id, c.region, r.state FROM research_results r JOIN centers c ON c.id = r.center_id
    ) AS regions GROUP BY region, state;
INSERT INTO tallies (name, key, n) SELECT 'experts.kind', kind, COUNT(*) FROM experts GROUP BY kind;
INSERT INTO tallies (name, key, n) SELECT 'organisations', '', COUNT(*) FROM organisations;
INSERT INTO tallies (name, key, n) SELECT 'users.active', '', COUNT(*) FROM users WHERE is_active;

-- Adds the deltas (tally, key, delta) to the tallies, in (tally, key) order.
CREATE FUNCTION tally_add(deltas_names TEXT[], deltas_keys TEXT[], deltas_n BIGINT[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO tallies (name, key, n)
    SELECT d.name, d.key, SUM(d.n) FROM unnest(deltas_names, deltas_keys, deltas_n) AS d (name, key, n)
    GROUP BY d.name, d.key HAVING SUM(d.n) <> 0 ORDER BY d.name, d.key
    ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + EXCLUDED.n
$$;

-- The regions a result counts in: its owner's and its center's.
CREATE FUNCTION result_regions(owner BIGINT, center BIGINT) RETURNS TABLE (region TEXT) LANGUAGE sql STABLE AS $$
    SELECT o.region FROM organisations o WHERE o.id = owner
    UNION SELECT c.region FROM centers c WHERE c.id = center
$$;

CREATE FUNCTION research_results_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    names TEXT[] := '{}';
    keys  TEXT[] := '{}';
    ns    BIGINT[] := '{}';
    reg   TEXT;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        names := names || ARRAY['results.state', 'results.field_state'];
        keys := keys || ARRAY[OLD.state, OLD.field || '|' || OLD.state];
        ns := ns || ARRAY[-1, -1]::BIGINT[];
        FOR reg IN SELECT region FROM result_regions(OLD.owner_org_id, OLD.center_id) LOOP
            names := names || 'results.region_state'::TEXT;
            keys := keys || (reg || '|' || OLD.state);
            ns := ns || (-1)::BIGINT;
        END LOOP;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        names := names || ARRAY['results.state', 'results.field_state'];
        keys := keys || ARRAY[NEW.state, NEW.field || '|' || NEW.state];
        ns := ns || ARRAY[1, 1]::BIGINT[];
        FOR reg IN SELECT region FROM result_regions(NEW.owner_org_id, NEW.center_id) LOOP
            names := names || 'results.region_state'::TEXT;
            keys := keys || (reg || '|' || NEW.state);
            ns := ns || 1::BIGINT;
        END LOOP;
    END IF;
    PERFORM tally_add(names, keys, ns);
    RETURN NULL;
END;
$$;
CREATE TRIGGER research_results_tally_insert AFTER INSERT OR DELETE ON research_results
FOR EACH ROW EXECUTE FUNCTION research_results_tally();
CREATE TRIGGER research_results_tally_update AFTER UPDATE OF state, field, owner_org_id, center_id ON research_results
FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.field IS DISTINCT FROM NEW.field
                OR OLD.owner_org_id IS DISTINCT FROM NEW.owner_org_id OR OLD.center_id IS DISTINCT FROM NEW.center_id)
EXECUTE FUNCTION research_results_tally();

-- An organisation that moves region moves its results' owner region (unless their center keeps them there).
CREATE FUNCTION organisations_region_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_add(array_agg(name), array_agg(key), array_agg(n)) FROM (
        SELECT 'results.region_state'::TEXT AS name, OLD.region || '|' || r.state AS key, -COUNT(*) AS n
        FROM research_results r LEFT JOIN centers c ON c.id = r.center_id
        WHERE r.owner_org_id = OLD.id AND (c.region IS NULL OR c.region <> OLD.region) GROUP BY r.state
        UNION ALL
        SELECT 'results.region_state'::TEXT, NEW.region || '|' || r.state, COUNT(*)
        FROM research_results r LEFT JOIN centers c ON c.id = r.center_id
        WHERE r.owner_org_id = NEW.id AND (c.region IS NULL OR c.region <> NEW.region) GROUP BY r.state
    ) AS d;
    RETURN NULL;
END;
$$;
CREATE TRIGGER organisations_region_tally AFTER UPDATE OF region ON organisations
FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region) EXECUTE FUNCTION organisations_region_tally();

-- A center that moves region moves the region of the results it handles (unless their owner keeps them there).
CREATE FUNCTION centers_region_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_add(array_agg(name), array_agg(key), array_agg(n)) FROM (
        SELECT 'results.region_state'::TEXT AS name, OLD.region || '|' || r.state AS key, -COUNT(*) AS n
        FROM research_results r JOIN organisations o ON o.id = r.owner_org_id
        WHERE r.center_id = OLD.id AND o.region <> OLD.region GROUP BY r.state
        UNION ALL
        SELECT 'results.region_state'::TEXT, NEW.region || '|' || r.state, COUNT(*)
        FROM research_results r JOIN organisations o ON o.id = r.owner_org_id
        WHERE r.center_id = NEW.id AND o.region <> NEW.region GROUP BY r.state
    ) AS d;
    RETURN NULL;
END;
$$;
CREATE TRIGGER centers_region_tally AFTER UPDATE OF region ON centers
FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region) EXECUTE FUNCTION centers_region_tally();

-- Experts by kind.
CREATE FUNCTION experts_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tally_add(ARRAY['experts.kind'], ARRAY[NEW.kind], ARRAY[1]::BIGINT[]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tally_add(ARRAY['experts.kind'], ARRAY[OLD.kind], ARRAY[-1]::BIGINT[]);
    ELSE
        PERFORM tally_add(ARRAY['experts.kind', 'experts.kind'], ARRAY[OLD.kind, NEW.kind], ARRAY[-1, 1]::BIGINT[]);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER experts_tally_insert AFTER INSERT OR DELETE ON experts FOR EACH ROW EXECUTE FUNCTION experts_tally();
CREATE TRIGGER experts_tally_update AFTER UPDATE OF kind ON experts
FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION experts_tally();

-- Organisations.
CREATE FUNCTION organisations_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_add(ARRAY['organisations'], ARRAY[''], ARRAY[CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END]::BIGINT[]);
    RETURN NULL;
END;
$$;
CREATE TRIGGER organisations_tally AFTER INSERT OR DELETE ON organisations FOR EACH ROW EXECUTE FUNCTION organisations_tally();

-- Accounts that may sign in.
CREATE FUNCTION users_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta BIGINT := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.is_active THEN
        delta := delta - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.is_active THEN
        delta := delta + 1;
    END IF;
    IF delta <> 0 THEN
        PERFORM tally_add(ARRAY['users.active'], ARRAY[''], ARRAY[delta]);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER users_tally_insert AFTER INSERT OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION users_tally();
CREATE TRIGGER users_tally_update AFTER UPDATE OF is_active ON users
FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active) EXECUTE FUNCTION users_tally();
