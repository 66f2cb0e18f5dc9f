-- Issue 15: the search index follows the database through an outbox. Every
-- insert, update or delete of a searchable record appends a row here in the
-- same transaction (by trigger, so no write path can forget it); each web node
-- applies the rows after the last one its index has committed, so a crash loses
-- nothing and several nodes stay current from the same table.
CREATE TABLE search_outbox (
    id         INTEGER PRIMARY KEY,
    kind       TEXT   NOT NULL,
    entity_id  BIGINT NOT NULL,
    created_at TEXT   NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TRIGGER search_outbox_result_insert AFTER INSERT ON research_results BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('result', NEW.id);
END;
CREATE TRIGGER search_outbox_result_update AFTER UPDATE ON research_results BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('result', NEW.id);
END;
CREATE TRIGGER search_outbox_result_delete AFTER DELETE ON research_results BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('result', OLD.id);
END;

CREATE TRIGGER search_outbox_center_insert AFTER INSERT ON centers BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('center', NEW.id);
END;
CREATE TRIGGER search_outbox_center_update AFTER UPDATE ON centers BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('center', NEW.id);
END;
CREATE TRIGGER search_outbox_center_delete AFTER DELETE ON centers BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('center', OLD.id);
END;

CREATE TRIGGER search_outbox_expert_insert AFTER INSERT ON experts BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('expert', NEW.id);
END;
CREATE TRIGGER search_outbox_expert_update AFTER UPDATE ON experts BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('expert', NEW.id);
END;
CREATE TRIGGER search_outbox_expert_delete AFTER DELETE ON experts BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('expert', OLD.id);
END;

-- Who may see a result includes the experts invited to screen it.
CREATE TRIGGER search_outbox_seat_insert AFTER INSERT ON panel_seats WHEN NEW.subject_kind = 'result' BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('result', NEW.subject_id);
END;
CREATE TRIGGER search_outbox_seat_delete AFTER DELETE ON panel_seats WHEN OLD.subject_kind = 'result' BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('result', OLD.subject_id);
END;
