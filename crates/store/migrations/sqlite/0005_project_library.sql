-- Issue 5: the project library (项目库) and the verification pipeline.
--
-- A research result's intake fields beyond 0001: the evidence for its
-- technology-readiness level (GB/T 22900-2022), its stage, which parts are
-- trade secrets (JSON list of field names; secret_summary always is), the
-- external reference a spreadsheet gave it (unique per center, so a list
-- imported twice is refused), who entered it, the screening panel's result,
-- the decision, and the level reached after verification.
ALTER TABLE research_results ADD COLUMN trl_evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE research_results ADD COLUMN stage TEXT NOT NULL DEFAULT 'lab';
ALTER TABLE research_results ADD COLUMN secret_parts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE research_results ADD COLUMN ref_no TEXT;
ALTER TABLE research_results ADD COLUMN entered_by BIGINT REFERENCES users (id);
ALTER TABLE research_results ADD COLUMN screening_sheet TEXT NOT NULL DEFAULT 'screening';
ALTER TABLE research_results ADD COLUMN screening_result_json TEXT;
ALTER TABLE research_results ADD COLUMN decision_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE research_results ADD COLUMN decided_on TEXT;
ALTER TABLE research_results ADD COLUMN trl_after BIGINT;
CREATE UNIQUE INDEX research_results_ref ON research_results (center_id, ref_no);
CREATE INDEX research_results_title ON research_results (center_id, title);

-- The pipeline of a result: every transition with actor and reason.
CREATE TABLE result_steps (
    id           INTEGER PRIMARY KEY,
    result_id    BIGINT NOT NULL REFERENCES research_results (id) ON DELETE CASCADE,
    action       TEXT   NOT NULL,
    from_state   TEXT   NOT NULL,
    to_state     TEXT   NOT NULL,
    actor_id     BIGINT REFERENCES users (id),
    actor_label  TEXT   NOT NULL,
    comments     TEXT   NOT NULL,
    at           TEXT   NOT NULL
);
CREATE INDEX result_steps_result ON result_steps (result_id, id);

-- The screening panel (入库评价遴选) of a result: the same declaration before
-- materials, per-dimension scores and weighted total as an application's panel.
CREATE TABLE result_reviews (
    result_id          BIGINT NOT NULL REFERENCES research_results (id) ON DELETE CASCADE,
    expert_id          BIGINT NOT NULL REFERENCES experts (id),
    conflict_status    TEXT   NOT NULL DEFAULT 'pending',
    recusal_reason     TEXT   NOT NULL DEFAULT '',
    declared_at        TEXT,
    scores_json        TEXT   NOT NULL DEFAULT '{}',
    total_hundredths   BIGINT,
    comments           TEXT   NOT NULL DEFAULT '',
    assigned_at        TEXT   NOT NULL,
    scored_at          TEXT,
    replaces_expert_id BIGINT REFERENCES experts (id),
    PRIMARY KEY (result_id, expert_id)
);
CREATE INDEX result_reviews_expert ON result_reviews (expert_id);

-- The verification plan (验证方案) of an admitted project: goal, target
-- level, the project manager (项目经理人, 004 三(五)).
CREATE TABLE verification_plans (
    result_id      BIGINT NOT NULL PRIMARY KEY REFERENCES research_results (id) ON DELETE CASCADE,
    goal           TEXT   NOT NULL,
    trl_target     BIGINT NOT NULL,
    manager_name   TEXT   NOT NULL,
    manager_phone  TEXT   NOT NULL,
    starts_on      TEXT   NOT NULL,
    ends_on        TEXT   NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT   NOT NULL,
    updated_at     TEXT   NOT NULL
);

-- Milestones (里程碑): technical, scenario, commercial verification and
-- Shanghai's market validations; money is released only once accepted.
CREATE TABLE milestones (
    id             INTEGER PRIMARY KEY,
    result_id      BIGINT NOT NULL REFERENCES research_results (id) ON DELETE CASCADE,
    kind           TEXT   NOT NULL,
    title          TEXT   NOT NULL,
    goal           TEXT   NOT NULL,
    due_on         TEXT   NOT NULL,
    budget_yuan    BIGINT NOT NULL,
    status         TEXT   NOT NULL DEFAULT 'planned',
    evidence       TEXT   NOT NULL DEFAULT '',
    evidence_sha256 TEXT,
    submitted_on   TEXT,
    decided_on     TEXT,
    decision_note  TEXT   NOT NULL DEFAULT '',
    released_yuan  BIGINT NOT NULL DEFAULT 0,
    released_on    TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT   NOT NULL
);
CREATE INDEX milestones_result ON milestones (result_id, due_on);

-- The verification report (验证报告) a center issues: findings per
-- milestone, the level reached, and the recommendation.
CREATE TABLE verification_reports (
    result_id       BIGINT NOT NULL PRIMARY KEY REFERENCES research_results (id) ON DELETE CASCADE,
    report_no       TEXT   NOT NULL UNIQUE,
    center_id       BIGINT NOT NULL REFERENCES centers (id),
    summary         TEXT   NOT NULL,
    findings_json   TEXT   NOT NULL,
    trl_after       BIGINT NOT NULL,
    recommendation  TEXT   NOT NULL,
    issued_on       TEXT   NOT NULL,
    issued_by       BIGINT REFERENCES users (id)
);

-- Hand-off to a pilot-scale platform (移交中试, 000 二(六)) and its feedback.
CREATE TABLE handoffs (
    id                  INTEGER PRIMARY KEY,
    result_id           BIGINT NOT NULL REFERENCES research_results (id) ON DELETE CASCADE,
    platform_center_id  BIGINT NOT NULL REFERENCES centers (id),
    state               TEXT   NOT NULL,
    note                TEXT   NOT NULL,
    sent_on             TEXT   NOT NULL,
    responded_on        TEXT,
    response_note       TEXT   NOT NULL DEFAULT '',
    feedback            TEXT   NOT NULL DEFAULT '',
    needs               TEXT   NOT NULL DEFAULT '',
    feedback_on         TEXT,
    version             BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX handoffs_result ON handoffs (result_id);
CREATE INDEX handoffs_platform ON handoffs (platform_center_id, state);

-- Mutual recognition (结果互认, 000 二(三)): another center accepts an issued
-- report instead of verifying again.
CREATE TABLE report_acceptances (
    result_id    BIGINT NOT NULL REFERENCES verification_reports (result_id) ON DELETE CASCADE,
    center_id    BIGINT NOT NULL REFERENCES centers (id),
    note         TEXT   NOT NULL,
    accepted_by  BIGINT REFERENCES users (id),
    accepted_on  TEXT   NOT NULL,
    PRIMARY KEY (result_id, center_id)
);
