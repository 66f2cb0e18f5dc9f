-- Issue 18: Shanghai's early-result pools and seed lists (004 三(二)). A researcher of a
-- university, research institute or hospital pools an early concept (TRL 1–3) with a PoC
-- platform; the platform opens a batch over what waits in its pool (定期、批量组织论证), its
-- review group scores each concept on technology and market and gives a verdict, and the
-- published batch is the seed list: each seed enters the platform's project library.
CREATE TABLE seed_batches (
    id                 INTEGER PRIMARY KEY,
    center_id          BIGINT  NOT NULL REFERENCES centers (id),
    title              TEXT    NOT NULL,
    review_on          TEXT    NOT NULL,
    panel              TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    concepts_total     INTEGER NOT NULL DEFAULT 0,
    concepts_assessed  INTEGER NOT NULL DEFAULT 0,
    seeds              INTEGER NOT NULL DEFAULT 0,
    published_on       TEXT,
    opened_by          BIGINT  REFERENCES users (id),
    version            BIGINT  NOT NULL DEFAULT 1,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    CHECK (concepts_assessed <= concepts_total),
    CHECK (seeds <= concepts_total)
);
CREATE INDEX seed_batches_center ON seed_batches (center_id, id);
CREATE INDEX seed_batches_state ON seed_batches (state, id);

CREATE TABLE early_concepts (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT  NOT NULL REFERENCES organisations (id),
    center_id       BIGINT  NOT NULL REFERENCES centers (id),
    proposed_by     BIGINT  REFERENCES users (id),
    title           TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    secret_summary  TEXT    NOT NULL DEFAULT '',
    field           TEXT    NOT NULL,
    sub_field       TEXT    NOT NULL DEFAULT '',
    team            TEXT    NOT NULL DEFAULT '',
    trl             INTEGER NOT NULL,
    demand          TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL,
    batch_id        BIGINT  REFERENCES seed_batches (id),
    tech_score      INTEGER,
    market_score    INTEGER,
    verdict         TEXT,
    opinion         TEXT    NOT NULL DEFAULT '',
    result_id       BIGINT  REFERENCES research_results (id),
    published_on    TEXT,
    version         BIGINT  NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CHECK (trl BETWEEN 1 AND 3),
    CHECK (tech_score IS NULL OR tech_score BETWEEN 0 AND 100),
    CHECK (market_score IS NULL OR market_score BETWEEN 0 AND 100)
);
-- A platform's pool (what waits, oldest first, for the next batch; its to-do count).
CREATE INDEX early_concepts_center ON early_concepts (center_id, state, id);
-- A researcher's own concepts.
CREATE INDEX early_concepts_proposer ON early_concepts (proposed_by, id);
-- A batch's concepts.
CREATE INDEX early_concepts_batch ON early_concepts (batch_id, id);
-- The bureau's list by state and the public seed list (state 'seeded'), newest first.
CREATE INDEX early_concepts_state ON early_concepts (state, id);
-- The seed list by field.
CREATE INDEX early_concepts_field ON early_concepts (field, state, id);
