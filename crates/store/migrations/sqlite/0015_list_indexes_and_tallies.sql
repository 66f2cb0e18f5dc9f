-- Issue 13: lists and dashboards that serve a province.
--
-- 1. Every sort order a list offers has an index ending in the id, so a page
--    is read in order "after this row" (keyset) instead of sorting and
--    skipping the whole table.
-- 2. Counts the dashboards and list totals show are kept in `tallies`,
--    maintained by triggers in the same transaction as the write that
--    changes them (so every write path — forms, API, imports, the demo —
--    keeps them, and a crash never leaves one behind its rows).

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
    ) GROUP BY region, state;
INSERT INTO tallies (name, key, n) SELECT 'experts.kind', kind, COUNT(*) FROM experts GROUP BY kind;
INSERT INTO tallies (name, key, n) SELECT 'organisations', '', COUNT(*) FROM organisations;
INSERT INTO tallies (name, key, n) SELECT 'users.active', '', COUNT(*) FROM users WHERE is_active = 1;

-- Research results.
CREATE TRIGGER research_results_tally_insert AFTER INSERT ON research_results BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('results.state', NEW.state, 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n) VALUES ('results.field_state', NEW.field || '|' || NEW.state, 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', region || '|' || NEW.state, 1 FROM (
            SELECT region FROM organisations WHERE id = NEW.owner_org_id
            UNION SELECT region FROM centers WHERE id = NEW.center_id
        ) WHERE true
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;

CREATE TRIGGER research_results_tally_delete AFTER DELETE ON research_results BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('results.state', OLD.state, -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n) VALUES ('results.field_state', OLD.field || '|' || OLD.state, -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', region || '|' || OLD.state, -1 FROM (
            SELECT region FROM organisations WHERE id = OLD.owner_org_id
            UNION SELECT region FROM centers WHERE id = OLD.center_id
        ) WHERE true
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;

CREATE TRIGGER research_results_tally_update AFTER UPDATE OF state, field, owner_org_id, center_id ON research_results
WHEN OLD.state IS NOT NEW.state OR OLD.field IS NOT NEW.field
  OR OLD.owner_org_id IS NOT NEW.owner_org_id OR OLD.center_id IS NOT NEW.center_id
BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('results.state', OLD.state, -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n) VALUES ('results.state', NEW.state, 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n) VALUES ('results.field_state', OLD.field || '|' || OLD.state, -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n) VALUES ('results.field_state', NEW.field || '|' || NEW.state, 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', region || '|' || OLD.state, -1 FROM (
            SELECT region FROM organisations WHERE id = OLD.owner_org_id
            UNION SELECT region FROM centers WHERE id = OLD.center_id
        ) WHERE true
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', region || '|' || NEW.state, 1 FROM (
            SELECT region FROM organisations WHERE id = NEW.owner_org_id
            UNION SELECT region FROM centers WHERE id = NEW.center_id
        ) WHERE true
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;

-- An organisation that moves region moves its results' owner region (unless their center keeps them there).
CREATE TRIGGER organisations_region_tally AFTER UPDATE OF region ON organisations
WHEN OLD.region IS NOT NEW.region
BEGIN
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', OLD.region || '|' || r.state, -COUNT(*) FROM research_results r
        LEFT JOIN centers c ON c.id = r.center_id
        WHERE r.owner_org_id = OLD.id AND (c.region IS NULL OR c.region <> OLD.region) GROUP BY r.state
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', NEW.region || '|' || r.state, COUNT(*) FROM research_results r
        LEFT JOIN centers c ON c.id = r.center_id
        WHERE r.owner_org_id = NEW.id AND (c.region IS NULL OR c.region <> NEW.region) GROUP BY r.state
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;

-- A center that moves region moves the region of the results it handles (unless their owner keeps them there).
CREATE TRIGGER centers_region_tally AFTER UPDATE OF region ON centers
WHEN OLD.region IS NOT NEW.region
BEGIN
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', OLD.region || '|' || r.state, -COUNT(*) FROM research_results r
        JOIN organisations o ON o.id = r.owner_org_id
        WHERE r.center_id = OLD.id AND o.region <> OLD.region GROUP BY r.state
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n)
        SELECT 'results.region_state', NEW.region || '|' || r.state, COUNT(*) FROM research_results r
        JOIN organisations o ON o.id = r.owner_org_id
        WHERE r.center_id = NEW.id AND o.region <> NEW.region GROUP BY r.state
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;

-- Experts by kind.
CREATE TRIGGER experts_tally_insert AFTER INSERT ON experts BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('experts.kind', NEW.kind, 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;
CREATE TRIGGER experts_tally_delete AFTER DELETE ON experts BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('experts.kind', OLD.kind, -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;
CREATE TRIGGER experts_tally_update AFTER UPDATE OF kind ON experts WHEN OLD.kind IS NOT NEW.kind BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('experts.kind', OLD.kind, -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
    INSERT INTO tallies (name, key, n) VALUES ('experts.kind', NEW.kind, 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;

-- Organisations.
CREATE TRIGGER organisations_tally_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('organisations', '', 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;
CREATE TRIGGER organisations_tally_delete AFTER DELETE ON organisations BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('organisations', '', -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;

-- Accounts that may sign in.
CREATE TRIGGER users_tally_insert AFTER INSERT ON users WHEN NEW.is_active = 1 BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('users.active', '', 1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;
CREATE TRIGGER users_tally_delete AFTER DELETE ON users WHEN OLD.is_active = 1 BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('users.active', '', -1)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;
CREATE TRIGGER users_tally_update AFTER UPDATE OF is_active ON users WHEN OLD.is_active IS NOT NEW.is_active BEGIN
    INSERT INTO tallies (name, key, n) VALUES ('users.active', '', CASE WHEN NEW.is_active = 1 THEN 1 ELSE -1 END)
        ON CONFLICT (name, key) DO UPDATE SET n = tallies.n + excluded.n;
END;
