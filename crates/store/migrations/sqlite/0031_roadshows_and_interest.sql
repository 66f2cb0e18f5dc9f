-- Issue 17: roadshows and investors' interest (000 二(十一) 验证成果专项路演、市科创基金优先;
-- 002 三(五)(九) 产业需求专场路演). A roadshow (路演) is scheduled by the bureau or a
-- center, shows verified projects (their public face only), invites investors, funds,
-- banks and 链主 enterprises and records who came. An investor's interest in a
-- project (表达意向) needs the owner unit and the center to accept; then the investor
-- signs the confidentiality pledge (保密承诺, and only then reads the trade secrets) and
-- follows up to a term sheet and an investment, with amounts. The yearly tally keeps
-- the network's figures for the bureau's dashboard without summing the table.
CREATE TABLE roadshows (
    id                INTEGER PRIMARY KEY,
    kind              TEXT    NOT NULL,
    theme             TEXT    NOT NULL,
    field             TEXT    NOT NULL,
    held_on           TEXT    NOT NULL,
    mode              TEXT    NOT NULL,
    place             TEXT    NOT NULL,
    organiser_org_id  BIGINT  NOT NULL REFERENCES organisations (id),
    center_id         BIGINT  REFERENCES centers (id),
    note              TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    reason            TEXT    NOT NULL DEFAULT '',
    projects          BIGINT  NOT NULL DEFAULT 0,
    invitees          BIGINT  NOT NULL DEFAULT 0,
    attended          BIGINT  NOT NULL DEFAULT 0,
    created_by        BIGINT  REFERENCES users (id),
    version           BIGINT  NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    CHECK (projects >= 0 AND invitees >= 0 AND attended >= 0 AND attended <= invitees)
);
CREATE INDEX roadshows_day ON roadshows (held_on, id);
CREATE INDEX roadshows_organiser ON roadshows (organiser_org_id, held_on);

CREATE TABLE roadshow_projects (
    roadshow_id  BIGINT NOT NULL REFERENCES roadshows (id),
    result_id    BIGINT NOT NULL REFERENCES research_results (id),
    added_at     TEXT   NOT NULL,
    PRIMARY KEY (roadshow_id, result_id)
);
CREATE INDEX roadshow_projects_result ON roadshow_projects (result_id, roadshow_id);

CREATE TABLE roadshow_invitees (
    roadshow_id  BIGINT NOT NULL REFERENCES roadshows (id),
    org_id       BIGINT NOT NULL REFERENCES organisations (id),
    kind         TEXT   NOT NULL,
    attendance   TEXT   NOT NULL,
    invited_at   TEXT   NOT NULL,
    PRIMARY KEY (roadshow_id, org_id)
);
CREATE INDEX roadshow_invitees_org ON roadshow_invitees (org_id, roadshow_id);

CREATE TABLE investor_interests (
    id                INTEGER PRIMARY KEY,
    result_id         BIGINT  NOT NULL REFERENCES research_results (id),
    center_id         BIGINT  NOT NULL REFERENCES centers (id),
    owner_org_id      BIGINT  NOT NULL REFERENCES organisations (id),
    investor_org_id   BIGINT  NOT NULL REFERENCES organisations (id),
    roadshow_id       BIGINT  REFERENCES roadshows (id),
    expressed_by      BIGINT  REFERENCES users (id),
    message           TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    owner_accepted    INTEGER NOT NULL DEFAULT 0,
    center_accepted   INTEGER NOT NULL DEFAULT 0,
    pledged_by        BIGINT  REFERENCES users (id),
    pledged_at        TEXT,
    term_sheet_yuan   BIGINT,
    invested_yuan     BIGINT,
    invested_on       TEXT,
    reason            TEXT    NOT NULL DEFAULT '',
    version           BIGINT  NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    CHECK (term_sheet_yuan IS NULL OR term_sheet_yuan > 0),
    CHECK (invested_yuan IS NULL OR invested_yuan > 0)
);
CREATE UNIQUE INDEX investor_interests_open ON investor_interests (result_id, investor_org_id)
    WHERE state IN ('expressed', 'accepted', 'pledged', 'due_diligence', 'term_sheet');
CREATE INDEX investor_interests_result ON investor_interests (result_id, investor_org_id, state);
CREATE INDEX investor_interests_investor ON investor_interests (investor_org_id, id);
CREATE INDEX investor_interests_owner ON investor_interests (owner_org_id, id);
CREATE INDEX investor_interests_center ON investor_interests (center_id, id);
CREATE INDEX investor_interests_state ON investor_interests (state, id);
CREATE INDEX investor_interests_invested ON investor_interests (invested_on, center_id);

-- Every step of an interest, in order (who, what, the amount, the reason).
CREATE TABLE interest_steps (
    id           INTEGER PRIMARY KEY,
    interest_id  BIGINT NOT NULL REFERENCES investor_interests (id),
    step         TEXT   NOT NULL,
    party        TEXT   NOT NULL,
    user_id      BIGINT REFERENCES users (id),
    amount_yuan  BIGINT,
    note         TEXT   NOT NULL,
    at           TEXT   NOT NULL
);
CREATE INDEX interest_steps_interest ON interest_steps (interest_id, id);

-- The network's yearly figures (路演、意向、投资意向书、投资), kept with each change.
CREATE TABLE investment_tallies (
    year             INTEGER PRIMARY KEY,
    roadshows        BIGINT NOT NULL DEFAULT 0,
    interests        BIGINT NOT NULL DEFAULT 0,
    accepted         BIGINT NOT NULL DEFAULT 0,
    term_sheets      BIGINT NOT NULL DEFAULT 0,
    term_sheet_yuan  BIGINT NOT NULL DEFAULT 0,
    deals            BIGINT NOT NULL DEFAULT 0,
    invested_yuan    BIGINT NOT NULL DEFAULT 0
);
