-- Issue 15: the 转化培育清单 (002 三(二): 每年遴选100项成果): the bureau lists
-- results of the project library into a year's list, each with its reason.
CREATE TABLE cultivation_entries (
    id         INTEGER PRIMARY KEY,
    year       BIGINT NOT NULL,
    result_id  BIGINT NOT NULL REFERENCES research_results (id),
    reason     TEXT   NOT NULL,
    added_at   TEXT   NOT NULL,
    UNIQUE (year, result_id)
);
CREATE INDEX cultivation_entries_result ON cultivation_entries (result_id, year);

-- Issued verification reports are searched too (验证报告互认): each write notes the report by its result.
CREATE TRIGGER search_outbox_report_insert AFTER INSERT ON verification_reports BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('report', NEW.result_id);
END;
CREATE TRIGGER search_outbox_report_update AFTER UPDATE ON verification_reports BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('report', NEW.result_id);
END;
CREATE TRIGGER search_outbox_report_delete AFTER DELETE ON verification_reports BEGIN
    INSERT INTO search_outbox (kind, entity_id) VALUES ('report', OLD.result_id);
END;
