-- Issue 18: pilot platforms at work (001 中试 8, 10, 16; 000 二(六); 002 三(四)). A pilot project
-- comes from a PoC center's hand-off or an enterprise's or team's direct application; the
-- platform's chief expert reviews its feasibility, the platform writes the plan (milestones with
-- stages, days and fees), the applicant confirms it, the platform books its lines, equipment and
-- test environments on a calendar (each resource has a capacity: places per day) and issues the
-- pilot report with its findings and the needs fed back.
ALTER TABLE service_offers ADD COLUMN capacity INTEGER NOT NULL DEFAULT 1;

CREATE TABLE pilot_projects (
    id                  INTEGER PRIMARY KEY,
    platform_center_id  BIGINT  NOT NULL REFERENCES centers (id),
    source              TEXT    NOT NULL,
    handoff_id          BIGINT  REFERENCES handoffs (id),
    result_id           BIGINT  REFERENCES research_results (id),
    applicant_org_id    BIGINT  NOT NULL REFERENCES organisations (id),
    applied_by          BIGINT  REFERENCES users (id),
    title               TEXT    NOT NULL,
    field               TEXT    NOT NULL,
    goal                TEXT    NOT NULL,
    state               TEXT    NOT NULL,
    reviewer            TEXT    NOT NULL DEFAULT '',
    opinion             TEXT    NOT NULL DEFAULT '',
    reviewed_on         TEXT,
    fee_total_yuan      BIGINT  NOT NULL DEFAULT 0,
    milestones_total    INTEGER NOT NULL DEFAULT 0,
    milestones_done     INTEGER NOT NULL DEFAULT 0,
    mass_production     TEXT,
    market_fit          TEXT,
    summary             TEXT    NOT NULL DEFAULT '',
    needs               TEXT    NOT NULL DEFAULT '',
    reported_on         TEXT,
    reason              TEXT    NOT NULL DEFAULT '',
    version             BIGINT  NOT NULL DEFAULT 1,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    CHECK (milestones_done <= milestones_total),
    CHECK (fee_total_yuan >= 0)
);
CREATE UNIQUE INDEX pilot_projects_handoff ON pilot_projects (handoff_id);
CREATE INDEX pilot_projects_platform ON pilot_projects (platform_center_id, id);
CREATE INDEX pilot_projects_platform_state ON pilot_projects (platform_center_id, state, id);
CREATE INDEX pilot_projects_applicant ON pilot_projects (applicant_org_id, id);
CREATE INDEX pilot_projects_state ON pilot_projects (state, id);
CREATE INDEX pilot_projects_result ON pilot_projects (result_id, id);

CREATE TABLE pilot_milestones (
    id          INTEGER PRIMARY KEY,
    project_id  BIGINT  NOT NULL REFERENCES pilot_projects (id),
    seq         INTEGER NOT NULL,
    stage       TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    due_on      TEXT    NOT NULL,
    fee_yuan    BIGINT  NOT NULL,
    done_on     TEXT,
    note        TEXT    NOT NULL DEFAULT '',
    UNIQUE (project_id, seq),
    CHECK (fee_yuan >= 0)
);

CREATE TABLE pilot_bookings (
    id                  INTEGER PRIMARY KEY,
    offer_id            BIGINT  NOT NULL REFERENCES service_offers (id),
    platform_center_id  BIGINT  NOT NULL REFERENCES centers (id),
    project_id          BIGINT  REFERENCES pilot_projects (id),
    starts_on           TEXT    NOT NULL,
    ends_on             TEXT    NOT NULL,
    units               INTEGER NOT NULL,
    state               TEXT    NOT NULL,
    note                TEXT    NOT NULL DEFAULT '',
    booked_by           BIGINT  REFERENCES users (id),
    created_at          TEXT    NOT NULL,
    cancelled_at        TEXT,
    CHECK (ends_on >= starts_on),
    CHECK (units > 0)
);
-- The calendar of one resource and of one platform: the bookings that end on or after the
-- window's first day, read in that order.
CREATE INDEX pilot_bookings_offer ON pilot_bookings (offer_id, ends_on);
CREATE INDEX pilot_bookings_platform ON pilot_bookings (platform_center_id, ends_on);
CREATE INDEX pilot_bookings_project ON pilot_bookings (project_id, id);
