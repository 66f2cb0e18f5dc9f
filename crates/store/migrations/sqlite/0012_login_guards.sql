-- Issue 11 §1–2: sign-in limits that hold under concurrency and cannot be
-- turned into a lockout of someone else (domain::login_guard). One row per
-- counter: a login name from one address ('pair'), a name from anywhere
-- ('username', address ''), an address for any name ('address', username '').
-- A sign-in locks its three rows before the password is checked.
CREATE TABLE login_guards (
    scope          TEXT    NOT NULL,
    username       TEXT    NOT NULL,
    address        TEXT    NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    last_attempt   TEXT    NOT NULL,
    blocked_until  TEXT,
    last_success   TEXT,
    PRIMARY KEY (scope, username, address)
);
CREATE INDEX login_guards_blocked ON login_guards (blocked_until);
CREATE INDEX login_guards_username ON login_guards (username);
CREATE INDEX login_guards_last_attempt ON login_guards (last_attempt);

-- The failure log it replaces.
DROP TABLE login_failures;
