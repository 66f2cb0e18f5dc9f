-- Issue 4: the expert library (专家库) — contact, availability, declared
-- conflicts, active flag — and the bureau's blacklist. Lists are JSON text.
ALTER TABLE experts ADD COLUMN unavailable TEXT NOT NULL DEFAULT '[]';
ALTER TABLE experts ADD COLUMN conflict_orgs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE experts ADD COLUMN conflict_people TEXT NOT NULL DEFAULT '[]';
ALTER TABLE experts ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE experts ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE experts ADD COLUMN active BIGINT NOT NULL DEFAULT 1;
CREATE INDEX experts_kind_name ON experts (kind, name);

-- Experts the bureau excludes from every panel (黑名单), with the reason.
CREATE TABLE expert_blacklist (
    expert_id  BIGINT NOT NULL PRIMARY KEY REFERENCES experts (id),
    reason     TEXT   NOT NULL,
    added_by   BIGINT REFERENCES users (id),
    added_at   TEXT   NOT NULL
);

-- Conflicts are checked before an expert sees an application's materials:
-- the expert first declares no conflict and accepts the confidentiality
-- pledge (conflict_status no_conflict), or recuses with a reason that is kept.
-- Structured scores per dimension (JSON) and their weighted total in
-- hundredths of a point; `score` stays the rounded total.
ALTER TABLE panel_reviews ADD COLUMN conflict_status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE panel_reviews ADD COLUMN recusal_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE panel_reviews ADD COLUMN declared_at TEXT;
ALTER TABLE panel_reviews ADD COLUMN scores_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE panel_reviews ADD COLUMN total_hundredths BIGINT;

-- Panel assignment runs (智能组建专家组): the solver's input and output and the
-- seed of any random draw, kept so the bureau can replay and prove a draw.
CREATE TABLE assignment_runs (
    id              INTEGER PRIMARY KEY,
    call_id         BIGINT NOT NULL REFERENCES calls (id),
    input_json      TEXT   NOT NULL,
    output_json     TEXT   NOT NULL,
    seed            BIGINT,
    objective_micro BIGINT NOT NULL,
    bound_micro     BIGINT NOT NULL,
    status          TEXT   NOT NULL,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT   NOT NULL,
    confirmed_at    TEXT
);
CREATE INDEX assignment_runs_call ON assignment_runs (call_id, id);
