-- Issue 15: the search index follows the database through an outbox. Every
-- insert, update or delete of a searchable record appends a row here in the
-- same transaction (by trigger, so no write path can forget it); each web node
-- applies the rows after the last one its index has committed, so a crash loses
-- nothing and several nodes stay current from the same table.
CREATE TABLE search_outbox (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT   NOT NULL,
    entity_id  BIGINT NOT NULL,
    created_at TEXT   NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);

CREATE FUNCTION search_outbox_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_outbox (kind, entity_id) VALUES (TG_ARGV[0], OLD.id);
    ELSE
        INSERT INTO search_outbox (kind, entity_id) VALUES (TG_ARGV[0], NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER search_outbox_result AFTER INSERT OR UPDATE OR DELETE ON research_results
    FOR EACH ROW EXECUTE FUNCTION search_outbox_note('result');
CREATE TRIGGER search_outbox_center AFTER INSERT OR UPDATE OR DELETE ON centers
    FOR EACH ROW EXECUTE FUNCTION search_outbox_note('center');
CREATE TRIGGER search_outbox_expert AFTER INSERT OR UPDATE OR DELETE ON experts
    FOR EACH ROW EXECUTE FUNCTION search_outbox_note('expert');

-- Who may see a result includes the experts invited to screen it.
CREATE FUNCTION search_outbox_seat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.subject_kind = 'result' THEN
            INSERT INTO search_outbox (kind, entity_id) VALUES ('result', OLD.subject_id);
        END IF;
    ELSIF NEW.subject_kind = 'result' THEN
        INSERT INTO search_outbox (kind, entity_id) VALUES ('result', NEW.subject_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_outbox_seat AFTER INSERT OR DELETE ON panel_seats
    FOR EACH ROW EXECUTE FUNCTION search_outbox_seat();
