-- Access control and the audit log: local accounts, their sessions, API tokens, and the
-- hash-chained audit log with its recorded head.
-- None of these tables bumps the registry revision: they are not part of the registry.

CREATE TABLE users (
    id                   UUID PRIMARY KEY,
    username             TEXT NOT NULL,
    -- The case-folded username: usernames are unique regardless of case.
    username_key         TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    email                TEXT,
    role                 TEXT NOT NULL,
    supplier_id          UUID REFERENCES suppliers (id) ON DELETE CASCADE,
    password_hash        TEXT NOT NULL,
    disabled             BOOLEAN NOT NULL,
    failed_logins        INTEGER NOT NULL CHECK (failed_logins >= 0),
    locked_until         TIMESTAMPTZ,
    must_change_password BOOLEAN NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    CHECK ((role = 'supplier') = (supplier_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_username_key_ux ON users (username_key);
CREATE INDEX users_supplier_ix ON users (supplier_id);

-- Only the SHA-256 of the cookie's token is stored.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_ix ON sessions (user_id);

-- Only the SHA-256 of the secret is stored.
CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    name         TEXT NOT NULL,
    user_id      UUID REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    supplier_id  UUID REFERENCES suppliers (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_hash_ux ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_ix ON api_tokens (user_id);

-- The log keeps the exact texts that were hashed (TEXT, not JSONB, which would re-encode).
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    before    TEXT,
    after     TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_actor_ix ON audit_log (actor);
CREATE INDEX audit_log_entity_ix ON audit_log (entity, entity_id);

-- The last entry written: reveals entries removed from the end of the log, and (locked
-- with SELECT … FOR UPDATE by each writer) serialises appends.
CREATE TABLE audit_head (
    id   SMALLINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
