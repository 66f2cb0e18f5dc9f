-- Issue 14: the yearly cycle (年度运行报告 → 年度绩效评价 → 动态管理).
--
-- A round is one profile's evaluation of one year. It keeps the plan as it
-- stood when it opened (weights, targets, bands), so editing the profile
-- later does not change a round already under way. Opening a round writes
-- one annual report (draft, with the figures pocnet computed from the
-- records) and one evaluation per center the profile governs.
CREATE TABLE evaluation_rounds (
    id            INTEGER PRIMARY KEY,
    profile_id    TEXT   NOT NULL,
    year          BIGINT NOT NULL,
    window_from   TEXT   NOT NULL,
    window_to     TEXT   NOT NULL,
    report_due    TEXT   NOT NULL,
    state         TEXT   NOT NULL,
    plan_json     TEXT   NOT NULL,
    opened_by     BIGINT REFERENCES users (id),
    opened_at     TEXT   NOT NULL,
    published_on  TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    UNIQUE (profile_id, year)
);
CREATE INDEX evaluation_rounds_year ON evaluation_rounds (year, id);

-- 年度运行报告 (003 六(二)): figures computed from records, the center's
-- corrections with reasons, and the narrative sections.
CREATE TABLE annual_reports (
    id                INTEGER PRIMARY KEY,
    round_id          BIGINT NOT NULL REFERENCES evaluation_rounds (id),
    center_id         BIGINT NOT NULL REFERENCES centers (id),
    state             TEXT   NOT NULL,
    figures_json      TEXT   NOT NULL,
    corrections_json  TEXT   NOT NULL DEFAULT '[]',
    capability        TEXT   NOT NULL DEFAULT '',
    effectiveness     TEXT   NOT NULL DEFAULT '',
    sustainability    TEXT   NOT NULL DEFAULT '',
    social_benefit    TEXT   NOT NULL DEFAULT '',
    next_year_plan    TEXT   NOT NULL DEFAULT '',
    submitted_on      TEXT,
    late              BIGINT NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT   NOT NULL,
    updated_at        TEXT   NOT NULL,
    UNIQUE (round_id, center_id)
);
CREATE INDEX annual_reports_center ON annual_reports (center_id, round_id);
CREATE INDEX annual_reports_round_state ON annual_reports (round_id, state, id);

-- One center's evaluation in a round: the scorecard (every component), the
-- total in hundredths, the grade the bands propose and the one the bureau
-- sets, or the refusal to take part (with or without good cause). The
-- region is the center's, kept for the county's scope and the public list.
CREATE TABLE evaluations (
    id                 INTEGER PRIMARY KEY,
    round_id           BIGINT NOT NULL REFERENCES evaluation_rounds (id),
    center_id          BIGINT NOT NULL REFERENCES centers (id),
    region             TEXT   NOT NULL,
    state              TEXT   NOT NULL,
    scorecard_json     TEXT   NOT NULL DEFAULT '{}',
    total_hundredths   BIGINT,
    proposed_grade     TEXT,
    grade              TEXT,
    grade_reason       TEXT   NOT NULL DEFAULT '',
    refusal_reason     TEXT   NOT NULL DEFAULT '',
    refused_with_cause BIGINT,
    version            BIGINT NOT NULL DEFAULT 1,
    updated_at         TEXT   NOT NULL,
    UNIQUE (round_id, center_id)
);
CREATE INDEX evaluations_center ON evaluations (center_id, round_id);
CREATE INDEX evaluations_round_total ON evaluations (round_id, total_hundredths, id);
CREATE INDEX evaluations_round_region ON evaluations (round_id, region, id);

-- 动态管理: the actions the profile prescribes, proposed by pocnet and each
-- confirmed or dismissed by the bureau with a reason.
CREATE TABLE management_actions (
    id             INTEGER PRIMARY KEY,
    evaluation_id  BIGINT NOT NULL REFERENCES evaluations (id),
    round_id       BIGINT NOT NULL REFERENCES evaluation_rounds (id),
    center_id      BIGINT NOT NULL REFERENCES centers (id),
    kind           TEXT   NOT NULL,
    state          TEXT   NOT NULL,
    article        TEXT   NOT NULL,
    explanation    TEXT   NOT NULL,
    amount_yuan    BIGINT,
    until_year     BIGINT,
    bar_years      BIGINT NOT NULL DEFAULT 0,
    reason         TEXT   NOT NULL DEFAULT '',
    decided_by     BIGINT REFERENCES users (id),
    decided_at     TEXT,
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX management_actions_round ON management_actions (round_id, state, id);
CREATE INDEX management_actions_center ON management_actions (center_id, id);
CREATE INDEX management_actions_evaluation ON management_actions (evaluation_id);

-- Figures of a year read a center's verification reports by day.
CREATE INDEX verification_reports_center_issued ON verification_reports (center_id, issued_on);
