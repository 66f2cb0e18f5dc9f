-- Issue 12 §2: one panel, whatever it judges. The seats of application
-- panels (panel_reviews) and of screening panels (result_reviews) become rows
-- of one table keyed by the subject (domain::panel::seat::PanelSubject:
-- 'application' or 'result'; a center's annual evaluation comes next). The
-- subject is not a foreign key (it names one of several tables); pocnet
-- writes a seat only for a subject it has just read. A seat's score is its
-- weighted total in hundredths; an application seat scored on the old single
-- 0–100 score keeps it as score × 100.
CREATE TABLE panel_seats (
    subject_kind        TEXT   NOT NULL,
    subject_id          BIGINT NOT NULL,
    expert_id           BIGINT NOT NULL REFERENCES experts (id),
    status              TEXT   NOT NULL DEFAULT 'pending',
    reason              TEXT   NOT NULL DEFAULT '',
    declared_at         TEXT,
    scores_json         TEXT   NOT NULL DEFAULT '{}',
    total_hundredths    BIGINT,
    comments            TEXT   NOT NULL DEFAULT '',
    assigned_at         TEXT   NOT NULL,
    scored_at           TEXT,
    replaces_expert_id  BIGINT REFERENCES experts (id),
    due_on              TEXT,
    PRIMARY KEY (subject_kind, subject_id, expert_id)
);
-- An expert's own seats (to-do list, its lists of applications and results).
CREATE INDEX panel_seats_expert ON panel_seats (expert_id, subject_kind, subject_id);

INSERT INTO panel_seats (subject_kind, subject_id, expert_id, status, reason, declared_at, scores_json,
                         total_hundredths, comments, assigned_at, scored_at, replaces_expert_id, due_on)
SELECT 'application', application_id, expert_id, conflict_status, recusal_reason, declared_at, scores_json,
       COALESCE(total_hundredths, score * 100), comments, assigned_at, scored_at, replaces_expert_id, due_on
FROM panel_reviews;

INSERT INTO panel_seats (subject_kind, subject_id, expert_id, status, reason, declared_at, scores_json,
                         total_hundredths, comments, assigned_at, scored_at, replaces_expert_id, due_on)
SELECT 'result', result_id, expert_id, conflict_status, recusal_reason, declared_at, scores_json,
       total_hundredths, comments, assigned_at, scored_at, replaces_expert_id, due_on
FROM result_reviews;

DROP TABLE panel_reviews;
DROP TABLE result_reviews;
