-- Issue 15: sharing the network's resources (000 二(九) 验证能力互补清单 and
-- 仪器设备共享; 001 中试 16 服务资源目录清单; 004 四(一) 四张清单): what a center
-- or pilot platform offers others, with conditions and fees; requests to use
-- them; and the supporting policies (配套政策) the bureau lists.
CREATE TABLE service_offers (
    id              INTEGER PRIMARY KEY,
    center_id       BIGINT NOT NULL REFERENCES centers (id),
    kind            TEXT   NOT NULL,
    name            TEXT   NOT NULL,
    field           TEXT   NOT NULL,
    description     TEXT   NOT NULL,
    conditions      TEXT   NOT NULL,
    fee_terms       TEXT   NOT NULL,
    qualifications  TEXT   NOT NULL,
    state           TEXT   NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL
);
-- The lists' orders and filters, each ending in the id (keyset pages).
CREATE INDEX service_offers_updated ON service_offers (updated_at, id);
CREATE INDEX service_offers_kind ON service_offers (kind, updated_at, id);
CREATE INDEX service_offers_field ON service_offers (field, updated_at, id);
CREATE INDEX service_offers_center ON service_offers (center_id, updated_at, id);
CREATE INDEX service_offers_name ON service_offers (name, id);

CREATE TABLE resource_requests (
    id                INTEGER PRIMARY KEY,
    offer_id          BIGINT NOT NULL REFERENCES service_offers (id),
    center_id         BIGINT NOT NULL REFERENCES centers (id),
    requester_org_id  BIGINT NOT NULL REFERENCES organisations (id),
    requested_by      BIGINT REFERENCES users (id),
    purpose           TEXT   NOT NULL,
    description       TEXT   NOT NULL,
    wanted_from       TEXT   NOT NULL,
    wanted_to         TEXT   NOT NULL,
    state             TEXT   NOT NULL,
    reason            TEXT   NOT NULL,
    note              TEXT   NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT   NOT NULL,
    updated_at        TEXT   NOT NULL
);
-- One open request (awaiting an answer or accepted) per unit and offer, even
-- when two are sent at once.
CREATE UNIQUE INDEX resource_requests_open ON resource_requests (offer_id, requester_org_id) WHERE state IN ('requested', 'accepted');
CREATE INDEX resource_requests_center ON resource_requests (center_id, updated_at, id);
CREATE INDEX resource_requests_requester ON resource_requests (requester_org_id, updated_at, id);
CREATE INDEX resource_requests_state ON resource_requests (state, updated_at, id);
CREATE INDEX resource_requests_updated ON resource_requests (updated_at, id);
CREATE INDEX resource_requests_offer ON resource_requests (offer_id, updated_at, id);

CREATE TABLE support_policies (
    id          INTEGER PRIMARY KEY,
    title       TEXT   NOT NULL,
    issuer      TEXT   NOT NULL,
    issued_on   TEXT   NOT NULL,
    article     TEXT   NOT NULL,
    summary     TEXT   NOT NULL,
    field       TEXT   NOT NULL,
    state       TEXT   NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL
);
CREATE INDEX support_policies_issued ON support_policies (issued_on, id);
CREATE INDEX support_policies_state ON support_policies (state, issued_on, id);

CREATE TRIGGER search_outbox_offer_insert AFTER INSERT ON service_offers BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('offer', NEW.id);
END;
CREATE TRIGGER search_outbox_offer_update AFTER UPDATE ON service_offers BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('offer', NEW.id);
END;
CREATE TRIGGER search_outbox_offer_delete AFTER DELETE ON service_offers BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('offer', OLD.id);
END;

-- The lists built from the offers (the coverage of the 验证能力互补清单, the
-- 服务领域 list) are cached by the server with the registry's: an offer's
-- change counts as a change of the registry ('centers.generation', 0016).
CREATE TRIGGER service_offers_generation_insert AFTER INSERT ON service_offers BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
END;
CREATE TRIGGER service_offers_generation_update AFTER UPDATE ON service_offers BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
END;
CREATE TRIGGER service_offers_generation_delete AFTER DELETE ON service_offers BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'centers.generation' AND key = '';
END;
