-- Transparency: SBOM documents (original bytes kept as evidence) under offering releases,
-- the distinct components (package versions) they list, each document's component
-- occurrences and dependency edges, supplier aliases for linking component suppliers to
-- registered suppliers, Dependency-Track style upload tokens, and configuration baselines
-- with the results of checks against them.

CREATE TABLE sbom_documents (
    id             UUID PRIMARY KEY,
    release_id     UUID NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    format         TEXT NOT NULL,
    encoding       TEXT NOT NULL,
    spec_version   TEXT NOT NULL,
    serial_number  TEXT,
    file_name      TEXT,
    sha256         TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    content        BYTEA NOT NULL,
    n_components   BIGINT NOT NULL,
    n_dependencies BIGINT NOT NULL,
    n_errors       BIGINT NOT NULL,
    n_warnings     BIGINT NOT NULL,
    quality_score  DOUBLE PRECISION,
    quality        TEXT NOT NULL,
    metadata       TEXT NOT NULL,
    problems       TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sbom_documents_release_ix ON sbom_documents (release_id, uploaded_at);

CREATE TABLE components (
    id         UUID PRIMARY KEY,
    identity   TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    TEXT,
    purl       TEXT,
    cpe        TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX components_identity_ux ON components (identity);

CREATE TABLE sbom_components (
    sbom_id      UUID NOT NULL REFERENCES sbom_documents (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    component_id UUID NOT NULL REFERENCES components (id),
    name         TEXT NOT NULL,
    version      TEXT,
    purl         TEXT,
    supplier     TEXT,
    supplier_key TEXT,
    supplier_id  UUID REFERENCES suppliers (id) ON DELETE SET NULL,
    data         TEXT NOT NULL,
    PRIMARY KEY (sbom_id, position)
);
CREATE INDEX sbom_components_component_ix ON sbom_components (component_id);
CREATE INDEX sbom_components_supplier_ix ON sbom_components (supplier_key);

CREATE TABLE sbom_dependencies (
    sbom_id       UUID NOT NULL REFERENCES sbom_documents (id) ON DELETE CASCADE,
    from_position BIGINT NOT NULL,
    to_position   BIGINT NOT NULL,
    PRIMARY KEY (sbom_id, from_position, to_position)
);

CREATE TABLE supplier_aliases (
    alias_key   TEXT PRIMARY KEY,
    alias       TEXT NOT NULL,
    supplier_id UUID NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX supplier_aliases_supplier_ix ON supplier_aliases (supplier_id);

CREATE TABLE bom_uploads (
    token       UUID PRIMARY KEY,
    sbom_id     UUID REFERENCES sbom_documents (id) ON DELETE SET NULL,
    supplier_id UUID REFERENCES suppliers (id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    error       TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE config_baselines (
    offering_id UUID PRIMARY KEY REFERENCES offerings (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    source      TEXT NOT NULL,
    n_rules     BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE config_checks (
    id          UUID PRIMARY KEY,
    offering_id UUID NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    file_name   TEXT,
    sha256      TEXT NOT NULL,
    passed      BIGINT NOT NULL,
    failed      BIGINT NOT NULL,
    report      TEXT NOT NULL,
    checked_by  TEXT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX config_checks_offering_ix ON config_checks (offering_id, checked_at);
