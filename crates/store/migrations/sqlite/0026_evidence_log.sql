-- Issue 16: the evidence log (存证日志), an RFC 9162 Merkle tree in the C2SP
-- tlog-tiles layout (SHA-256, tile height 8) over every audit event, every stored
-- file (blob) and every signed document, with signed checkpoints (C2SP signed
-- notes, Ed25519 and SM2), witnesses' cosignatures and the public keys of this
-- installation and of the installations it trusts.

-- What waits to be appended, written by trigger in the same transaction as the
-- record itself (no write path can forget it; a crash loses nothing). The
-- sequencer appends the rows in id order and deletes them in its transaction.
CREATE TABLE log_queue (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('audit', 'blob', 'document')),
    ref   TEXT NOT NULL
);

-- The leaves in log order: which record each is (kind, ref), its RFC 9162 leaf
-- hash SHA-256(0x00 || entry) and its SM3 twin (GB/T 39786). The entry itself is
-- rebuilt from the record, so a record changed behind pocnet's back no longer
-- matches its leaf.
CREATE TABLE log_leaves (
    idx           INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    ref           TEXT NOT NULL,
    leaf_hash     BLOB NOT NULL,
    sm3           BLOB NOT NULL,
    sequenced_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX log_leaves_ref ON log_leaves (kind, ref);
CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'log_leaves is append-only'); END;
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'log_leaves is append-only'); END;

-- The tree's tiles: at level L, tile N holds the hashes of the subtrees of 256^L
-- leaves numbered 256N … 256N+255, 32 bytes each; the right edge's tiles are
-- partial and grow (each version a prefix of the next).
CREATE TABLE log_tiles (
    level   INTEGER NOT NULL,
    idx     BIGINT  NOT NULL,
    hashes  BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- The tree now: its size and root (one row, locked by the sequencer).
CREATE TABLE log_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        BIGINT NOT NULL,
    root        BLOB   NOT NULL,
    updated_at  TEXT   NOT NULL
);
INSERT INTO log_head (id, size, root, updated_at)
VALUES (1, 0, X'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '1970-01-01T00:00:00Z');

-- Signed checkpoints (C2SP tlog-checkpoint as a signed note), one per size.
CREATE TABLE log_checkpoints (
    size       BIGINT PRIMARY KEY,
    root       BLOB   NOT NULL,
    note       TEXT   NOT NULL,
    signed_at  TEXT   NOT NULL
);
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'log_checkpoints is append-only'); END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
BEGIN SELECT RAISE(ABORT, 'log_checkpoints is append-only'); END;

-- This installation's public keys (vkey form), current and retired: published at
-- the well-known address so that old checkpoints and documents still verify.
CREATE TABLE log_keys (
    vkey        TEXT PRIMARY KEY,
    alg         TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);

-- Witnesses the bureau accepts cosignatures from (another bureau, the province …).
CREATE TABLE log_witnesses (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    vkey        TEXT NOT NULL UNIQUE,
    note        TEXT NOT NULL DEFAULT '',
    added_by    BIGINT REFERENCES users (id),
    added_at    TEXT NOT NULL,
    removed_at  TEXT
);

-- Their cosignatures (C2SP tlog-cosignature v1 lines), one per checkpoint and witness.
CREATE TABLE log_cosignatures (
    checkpoint_size  BIGINT NOT NULL REFERENCES log_checkpoints (size),
    witness_id       BIGINT NOT NULL REFERENCES log_witnesses (id),
    line             TEXT   NOT NULL,
    cosigned_at      BIGINT NOT NULL,
    received_at      TEXT   NOT NULL,
    PRIMARY KEY (checkpoint_size, witness_id)
);
CREATE INDEX log_cosignatures_witness ON log_cosignatures (witness_id, checkpoint_size);

-- Other installations whose signed documents this one accepts (互认的信任列表):
-- the log origin and its public keys, as the bureau entered them.
CREATE TABLE trusted_logs (
    id          INTEGER PRIMARY KEY,
    origin      TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    vkeys       TEXT NOT NULL,
    added_by    BIGINT REFERENCES users (id),
    added_at    TEXT NOT NULL,
    removed_at  TEXT
);

-- Documents issued signed (verification reports, certificates, evaluation results,
-- data registrations): the canonical JSON that was signed and logged, its SHA-256
-- and the signatures (JSON array).
CREATE TABLE signed_documents (
    id            INTEGER PRIMARY KEY,
    kind          TEXT   NOT NULL,
    subject_type  TEXT   NOT NULL,
    subject_id    TEXT   NOT NULL,
    number        TEXT   NOT NULL,
    title         TEXT   NOT NULL,
    canonical     TEXT   NOT NULL,
    sha256        TEXT   NOT NULL UNIQUE,
    signatures    TEXT   NOT NULL,
    issued_by     BIGINT REFERENCES users (id),
    issued_at     TEXT   NOT NULL
);
CREATE INDEX signed_documents_subject ON signed_documents (subject_type, subject_id, id);
CREATE INDEX signed_documents_kind ON signed_documents (kind, id);
CREATE TRIGGER signed_documents_no_update BEFORE UPDATE ON signed_documents
BEGIN SELECT RAISE(ABORT, 'signed_documents is append-only'); END;
CREATE TRIGGER signed_documents_no_delete BEFORE DELETE ON signed_documents
BEGIN SELECT RAISE(ABORT, 'signed_documents is append-only'); END;

-- Every record the log covers is queued as it is written …
CREATE TRIGGER log_queue_audit AFTER INSERT ON audit_events BEGIN
    INSERT INTO log_queue (kind, ref) VALUES ('audit', CAST(NEW.id AS TEXT));
END;
CREATE TRIGGER log_queue_blob AFTER INSERT ON blobs BEGIN
    INSERT INTO log_queue (kind, ref) VALUES ('blob', NEW.sha256);
END;
CREATE TRIGGER log_queue_document AFTER INSERT ON signed_documents BEGIN
    INSERT INTO log_queue (kind, ref) VALUES ('document', CAST(NEW.id AS TEXT));
END;

-- … and what was written before this migration is queued now, oldest first.
INSERT INTO log_queue (kind, ref) SELECT 'blob', sha256 FROM blobs ORDER BY created_at, sha256;
INSERT INTO log_queue (kind, ref) SELECT 'audit', CAST(id AS TEXT) FROM audit_events ORDER BY id;
