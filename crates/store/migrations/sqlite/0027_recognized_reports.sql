-- Issue 16: mutual recognition of another installation's verification report
-- (验证报告互认, 000 二(三), 002 三(三)): a center accepts a signed report issued
-- by a pocnet installation on its bureau's trust list instead of repeating the
-- verification; the accepted report is kept in the center's library with the
-- bundle it was checked from.
CREATE TABLE recognized_reports (
    id               INTEGER PRIMARY KEY,
    center_id        BIGINT  NOT NULL REFERENCES centers (id),
    origin           TEXT    NOT NULL,
    log_index        BIGINT  NOT NULL,
    document_sha256  TEXT    NOT NULL,
    report_no        TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    issuer           TEXT    NOT NULL,
    trl_after        INTEGER,
    recommendation   TEXT    NOT NULL,
    bundle           TEXT    NOT NULL,
    note             TEXT    NOT NULL DEFAULT '',
    accepted_by      BIGINT  REFERENCES users (id),
    accepted_at      TEXT    NOT NULL,
    UNIQUE (center_id, document_sha256)
);
CREATE INDEX recognized_reports_center ON recognized_reports (center_id, id);
