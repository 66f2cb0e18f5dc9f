-- Issue 4: the panel's result written back to the application (评审结果), as
-- the JSON of domain::review::Aggregate, refreshed with every score; its mean
-- in hundredths for sorting. A vacated seat (recused or declined) records who
-- was invited in its place, so an open seat is one nobody replaced.
ALTER TABLE applications ADD COLUMN panel_result_json TEXT;
ALTER TABLE applications ADD COLUMN panel_mean_hundredths BIGINT;
ALTER TABLE panel_reviews ADD COLUMN replaces_expert_id BIGINT REFERENCES experts (id);
