-- Issue 10 §3, the policies as written.

-- 000 指引 五 "自条件变化年度起取消其认定资格": the day from which a center's
-- current status holds (a revocation after a major change takes effect from
-- the first day of the change's year, not the day of the decision).
ALTER TABLE centers ADD COLUMN status_from TEXT;

-- Re-evaluations due (001 中试 五 两年一复评) are listed overdue first.
CREATE INDEX centers_reevaluation_due ON centers (reevaluation_due);

-- The State Council publishes next year's holidays each autumn; the bureau
-- uploads the schedule in the web UI. Each upload is kept (who, when, what);
-- the calendar in effect is the shipped schedule overlaid by the uploads'
-- years, the newest upload of a year winning.
CREATE TABLE calendar_uploads (
    id           INTEGER PRIMARY KEY,
    filename     TEXT   NOT NULL,
    content      TEXT   NOT NULL,
    sha256       TEXT   NOT NULL,
    years        TEXT   NOT NULL,
    uploaded_by  BIGINT REFERENCES users (id),
    uploaded_at  TEXT   NOT NULL
);
