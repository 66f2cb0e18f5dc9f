-- Issue 3: the registry's records, calls and applications, the review chain,
-- public notice and objections, supervision (change reports, revocation,
-- re-evaluation), evidence documents and verification outcomes.
-- SQLite twin of postgres/0002_recognition.sql. New yes/no columns are BIGINT
-- 0/1 in both databases so both read them the same without CASE.

ALTER TABLE centers ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE centers ADD COLUMN floor_area_m2 BIGINT;
ALTER TABLE centers ADD COLUMN profile_id TEXT;
ALTER TABLE centers ADD COLUMN certificate_no TEXT;
ALTER TABLE centers ADD COLUMN reevaluation_due TEXT;
CREATE INDEX centers_stage_status ON centers (stage, status);

-- The service team (专业化服务团队).
CREATE TABLE center_staff (
    id            INTEGER PRIMARY KEY,
    center_id     BIGINT  NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    position      TEXT    NOT NULL,
    fulltime      BIGINT  NOT NULL,
    tech_manager  BIGINT  NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX center_staff_center ON center_staff (center_id);

-- Instruments, equipment and software (仪器设备), original value in yuan.
CREATE TABLE center_equipment (
    id          INTEGER PRIMARY KEY,
    center_id   BIGINT  NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    value_yuan  BIGINT  NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX center_equipment_center ON center_equipment (center_id);

-- Money: special funds per year (kind special_funds, year set) and own or
-- partner funds (kind fund, name set), in yuan.
CREATE TABLE center_finances (
    id           INTEGER PRIMARY KEY,
    center_id    BIGINT  NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    year         BIGINT,
    name         TEXT    NOT NULL,
    amount_yuan  BIGINT  NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX center_finances_center ON center_finances (center_id);

-- The advisory expert team (顾问专家团队): library experts.
CREATE TABLE center_advisors (
    center_id  BIGINT NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    expert_id  BIGINT NOT NULL REFERENCES experts (id),
    added_at   TEXT   NOT NULL,
    PRIMARY KEY (center_id, expert_id)
);

-- Answers to the qualitative (declaration) criteria, 1 = yes.
CREATE TABLE center_declarations (
    center_id       BIGINT NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    criterion_code  TEXT   NOT NULL,
    value           BIGINT NOT NULL,
    updated_at      TEXT   NOT NULL,
    PRIMARY KEY (center_id, criterion_code)
);

-- Uploaded files, content-addressed by SHA-256 (one copy however often uploaded).
CREATE TABLE blobs (
    sha256      TEXT   PRIMARY KEY,
    mime        TEXT   NOT NULL,
    size        BIGINT NOT NULL,
    content     BLOB   NOT NULL,
    created_at  TEXT   NOT NULL
);

-- Evidence documents of a center; topic is a fact or criterion code.
CREATE TABLE center_documents (
    id           INTEGER PRIMARY KEY,
    center_id    BIGINT NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    topic        TEXT   NOT NULL,
    filename     TEXT   NOT NULL,
    sha256       TEXT   NOT NULL REFERENCES blobs (sha256),
    uploaded_by  BIGINT REFERENCES users (id),
    uploaded_at  TEXT   NOT NULL
);
CREATE INDEX center_documents_center ON center_documents (center_id, topic);

-- Outcomes of verifications (验证成效), read by the registry's criteria.
CREATE TABLE result_outcomes (
    id           INTEGER PRIMARY KEY,
    result_id    BIGINT NOT NULL REFERENCES research_results (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL,
    achieved_on  TEXT   NOT NULL,
    amount_yuan  BIGINT NOT NULL DEFAULT 0,
    evidence     TEXT   NOT NULL,
    created_at   TEXT   NOT NULL
);
CREATE INDEX result_outcomes_result ON result_outcomes (result_id, kind, amount_yuan);
-- Eligibility counts a center's library by state and joins outcomes by result id:
-- with the id in the index both databases answer from the index alone.
CREATE INDEX research_results_center_state_id ON research_results (center_id, state, id);

-- Calls for applications (申报通知).
CREATE TABLE calls (
    id            INTEGER PRIMARY KEY,
    title         TEXT   NOT NULL,
    profile_id    TEXT   NOT NULL,
    kind          TEXT   NOT NULL,
    body          TEXT   NOT NULL,
    opens_on      TEXT   NOT NULL,
    deadline_at   TEXT   NOT NULL,
    published_by  BIGINT REFERENCES users (id),
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT   NOT NULL
);

-- Applications (申报) of a center under a call; one per center and call.
CREATE TABLE applications (
    id                INTEGER PRIMARY KEY,
    call_id           BIGINT NOT NULL REFERENCES calls (id),
    center_id         BIGINT NOT NULL REFERENCES centers (id),
    host_org_id       BIGINT NOT NULL REFERENCES organisations (id),
    region            TEXT   NOT NULL,
    proposed_name     TEXT   NOT NULL,
    state             TEXT   NOT NULL,
    eligibility_json  TEXT,
    submitted_at      TEXT,
    notice_start      TEXT,
    notice_end        TEXT,
    decided_on        TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT   NOT NULL,
    updated_at        TEXT   NOT NULL,
    UNIQUE (call_id, center_id)
);
CREATE INDEX applications_state ON applications (state, region);

-- The review chain: every step with decision, comments, actor and time.
CREATE TABLE application_steps (
    id              INTEGER PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    action          TEXT   NOT NULL,
    from_state      TEXT   NOT NULL,
    to_state        TEXT   NOT NULL,
    actor_id        BIGINT REFERENCES users (id),
    actor_label     TEXT   NOT NULL,
    actor_kind      TEXT   NOT NULL,
    comments        TEXT   NOT NULL,
    at              TEXT   NOT NULL
);
CREATE INDEX application_steps_application ON application_steps (application_id, id);

-- The manual expert panel of an application and its scores (0–100).
CREATE TABLE panel_reviews (
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    expert_id       BIGINT NOT NULL REFERENCES experts (id),
    score           BIGINT,
    comments        TEXT   NOT NULL DEFAULT '',
    assigned_at     TEXT   NOT NULL,
    scored_at       TEXT,
    PRIMARY KEY (application_id, expert_id)
);
CREATE INDEX panel_reviews_expert ON panel_reviews (expert_id);

-- Site visits (现场考察).
CREATE TABLE site_visits (
    id              INTEGER PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    visited_on      TEXT   NOT NULL,
    visitors        TEXT   NOT NULL,
    findings        TEXT   NOT NULL,
    recorded_by     BIGINT REFERENCES users (id),
    recorded_at     TEXT   NOT NULL
);

-- Objections filed during a public notice (异议), by anyone.
CREATE TABLE objections (
    id              INTEGER PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    name            TEXT   NOT NULL,
    contact         TEXT   NOT NULL,
    content         TEXT   NOT NULL,
    filed_at        TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    resolution      TEXT   NOT NULL DEFAULT '',
    resolved_by     BIGINT REFERENCES users (id),
    resolved_at     TEXT,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX objections_application ON objections (application_id);

-- Every status change of a center, with actor, reason and article.
CREATE TABLE center_events (
    id           INTEGER PRIMARY KEY,
    center_id    BIGINT NOT NULL REFERENCES centers (id),
    at           TEXT   NOT NULL,
    actor_id     BIGINT REFERENCES users (id),
    actor_label  TEXT   NOT NULL,
    action       TEXT   NOT NULL,
    from_value   TEXT   NOT NULL,
    to_value     TEXT   NOT NULL,
    reason       TEXT   NOT NULL,
    article      TEXT   NOT NULL
);
CREATE INDEX center_events_center ON center_events (center_id, id);

-- Major-change reports (重大变化报告).
CREATE TABLE change_reports (
    id               INTEGER PRIMARY KEY,
    center_id        BIGINT NOT NULL REFERENCES centers (id),
    kind             TEXT   NOT NULL,
    change_date      TEXT   NOT NULL,
    due_on           TEXT,
    reported_on      TEXT   NOT NULL,
    overdue          BIGINT NOT NULL,
    description      TEXT   NOT NULL,
    decision         TEXT,
    decision_reason  TEXT   NOT NULL DEFAULT '',
    decided_by       BIGINT REFERENCES users (id),
    decided_at       TEXT,
    created_by       BIGINT REFERENCES users (id),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT   NOT NULL
);
CREATE INDEX change_reports_center ON change_reports (center_id);

-- Revocations (取消资格) and the bar on re-applying they carry.
CREATE TABLE revocations (
    id             INTEGER PRIMARY KEY,
    center_id      BIGINT NOT NULL REFERENCES centers (id),
    host_org_id    BIGINT NOT NULL REFERENCES organisations (id),
    reason_code    TEXT   NOT NULL,
    reason_label   TEXT   NOT NULL,
    article        TEXT   NOT NULL,
    details        TEXT   NOT NULL,
    revoked_on     TEXT   NOT NULL,
    may_apply_from TEXT   NOT NULL,
    created_by     BIGINT REFERENCES users (id),
    created_at     TEXT   NOT NULL
);
CREATE INDEX revocations_host ON revocations (host_org_id, may_apply_from);

-- Re-evaluations of pilot platforms (复评).
CREATE TABLE reevaluations (
    id            INTEGER PRIMARY KEY,
    center_id     BIGINT NOT NULL REFERENCES centers (id),
    evaluated_on  TEXT   NOT NULL,
    result        TEXT   NOT NULL,
    comments      TEXT   NOT NULL,
    next_due      TEXT,
    recorded_by   BIGINT REFERENCES users (id),
    recorded_at   TEXT   NOT NULL
);
CREATE INDEX reevaluations_center ON reevaluations (center_id);
