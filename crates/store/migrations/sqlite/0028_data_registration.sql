-- Issue 16: data registration (数据登记·确权, 000 二(十), 001 概念验证 13): a data set
-- produced in verification, registered by its center with the file's hash (the
-- bytes are kept as a blob, so they are in the evidence log), access terms, and
-- its rights holders (the research unit, the center, the enterprise, per the
-- agreement). Every change of the holders is a new version, never an edit;
-- each version is issued as a signed registration certificate.
CREATE TABLE data_sets (
    id             INTEGER PRIMARY KEY,
    center_id      BIGINT NOT NULL REFERENCES centers (id),
    result_id      BIGINT REFERENCES research_results (id),
    title          TEXT   NOT NULL,
    description    TEXT   NOT NULL DEFAULT '',
    filename       TEXT   NOT NULL,
    sha256         TEXT   NOT NULL REFERENCES blobs (sha256),
    size           BIGINT NOT NULL,
    access_terms   TEXT   NOT NULL,
    rights_version INTEGER NOT NULL DEFAULT 1,
    registered_by  BIGINT REFERENCES users (id),
    registered_at  TEXT   NOT NULL
);
CREATE INDEX data_sets_center ON data_sets (center_id, id);

CREATE TABLE data_set_rights (
    id            INTEGER PRIMARY KEY,
    data_set_id   BIGINT  NOT NULL REFERENCES data_sets (id),
    version       INTEGER NOT NULL,
    holders_json  TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    recorded_by   BIGINT  REFERENCES users (id),
    recorded_at   TEXT    NOT NULL,
    UNIQUE (data_set_id, version)
);
CREATE TRIGGER data_set_rights_no_update BEFORE UPDATE ON data_set_rights
BEGIN SELECT RAISE(ABORT, 'data_set_rights is append-only'); END;
CREATE TRIGGER data_set_rights_no_delete BEFORE DELETE ON data_set_rights
BEGIN SELECT RAISE(ABORT, 'data_set_rights is append-only'); END;
