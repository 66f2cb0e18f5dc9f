-- Issue 13: the accounts and units lists read one page at any depth on an
-- index that serves their filter and order (keyset pages after a row), as the
-- results, experts and audit lists do since 0015: each sort column then the
-- id, and the default order under each filter.
CREATE INDEX users_username_id ON users (username, id);
CREATE INDEX users_display_name_id ON users (display_name, id);
CREATE INDEX users_role_id ON users (role, id);
CREATE INDEX users_created_id ON users (created_at, id);
CREATE INDEX users_role_username ON users (role, username, id);
CREATE INDEX users_org_username ON users (org_id, username, id);

CREATE INDEX organisations_name_id ON organisations (name, id);
CREATE INDEX organisations_kind_id ON organisations (kind, id);
CREATE INDEX organisations_region_id ON organisations (region, id);
CREATE INDEX organisations_created_id ON organisations (created_at, id);
CREATE INDEX organisations_kind_name ON organisations (kind, name, id);
CREATE INDEX organisations_region_name ON organisations (region, name, id);
