-- Issue 18: concept-verification competitions (概念验证竞赛, 004 四(四)). The bureau announces a
-- competition with its entry window and prizes; researchers' teams and enterprises enter; the
-- bureau closes the entries, records the jury's scores and announces the prizes down the ranking.
CREATE TABLE competitions (
    id            INTEGER PRIMARY KEY,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    field         TEXT    NOT NULL DEFAULT '',
    opens_on      TEXT    NOT NULL,
    closes_on     TEXT    NOT NULL,
    prize_first   INTEGER NOT NULL DEFAULT 0,
    prize_second  INTEGER NOT NULL DEFAULT 0,
    prize_third   INTEGER NOT NULL DEFAULT 0,
    prize_merit   INTEGER NOT NULL DEFAULT 0,
    state         TEXT    NOT NULL,
    entries       INTEGER NOT NULL DEFAULT 0,
    scored        INTEGER NOT NULL DEFAULT 0,
    announced_on  TEXT,
    version       BIGINT  NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    CHECK (closes_on >= opens_on),
    CHECK (entries >= 0 AND scored >= 0)
);
CREATE INDEX competitions_state ON competitions (state, id);

CREATE TABLE competition_entries (
    id              INTEGER PRIMARY KEY,
    competition_id  BIGINT  NOT NULL REFERENCES competitions (id),
    org_id          BIGINT  NOT NULL REFERENCES organisations (id),
    entered_by      BIGINT  REFERENCES users (id),
    title           TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    team            TEXT    NOT NULL,
    scenario        TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL,
    score           INTEGER,
    prize           TEXT,
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (competition_id, org_id, title),
    CHECK (score IS NULL OR score BETWEEN 0 AND 100)
);
CREATE INDEX competition_entries_competition ON competition_entries (competition_id, id);
CREATE INDEX competition_entries_org ON competition_entries (org_id, id);
