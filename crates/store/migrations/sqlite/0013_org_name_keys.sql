-- Issue 11 §6: two units are one when their names fold to the same form
-- (domain::text::comparable: NFKC, case, spacing, invisible characters), so
-- 瑞安市科学技术局（测试） and 瑞安市科学技术局(测试) cannot both exist. The key
-- is computed by pocnet: rows written before this migration get theirs when
-- the store next opens (orgs::backfill_name_keys); NULL never collides.
ALTER TABLE organisations ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX organisations_folded_name ON organisations (name_key);
