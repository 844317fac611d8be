-- The registry: suppliers and their owners, subcontracting links, offerings with releases,
-- internal services and the offerings they use (with alternatives).
-- Names are unique case-insensitively through a `name_key` column the store fills with
-- the case-folded name.

CREATE TABLE suppliers (
    id                     UUID PRIMARY KEY,
    name                   TEXT NOT NULL,
    name_key               TEXT NOT NULL,
    lei                    TEXT,
    duns                   TEXT,
    vat                    TEXT,
    other_id               TEXT,
    kind                   TEXT NOT NULL,
    country                TEXT,
    tier                   SMALLINT NOT NULL CHECK (tier BETWEEN 1 AND 4),
    status                 TEXT NOT NULL,
    data_access            TEXT NOT NULL,
    description            TEXT,
    website                TEXT,
    security_contact_name  TEXT,
    security_contact_email TEXT,
    security_contact_phone TEXT,
    incident_contact_name  TEXT,
    incident_contact_email TEXT,
    incident_contact_phone TEXT,
    account_contact_name   TEXT,
    account_contact_email  TEXT,
    account_contact_phone  TEXT,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX suppliers_name_key_ux ON suppliers (name_key);
CREATE UNIQUE INDEX suppliers_lei_ux ON suppliers (lei);
CREATE UNIQUE INDEX suppliers_duns_ux ON suppliers (duns);
CREATE UNIQUE INDEX suppliers_vat_ux ON suppliers (vat);
CREATE UNIQUE INDEX suppliers_other_id_ux ON suppliers (other_id);

CREATE TABLE supplier_owners (
    supplier_id UUID NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    area        TEXT NOT NULL,
    role        TEXT NOT NULL,
    person      TEXT NOT NULL,
    email       TEXT NOT NULL,
    PRIMARY KEY (supplier_id, position)
);

CREATE TABLE subcontracts (
    id               UUID PRIMARY KEY,
    supplier_id      UUID NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    subcontractor_id UUID NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    scope            TEXT NOT NULL,
    since            DATE,
    handles_our_data BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    CHECK (supplier_id <> subcontractor_id)
);
CREATE UNIQUE INDEX subcontracts_pair_ux ON subcontracts (supplier_id, subcontractor_id);
CREATE INDEX subcontracts_subcontractor_ix ON subcontracts (subcontractor_id);

CREATE TABLE offerings (
    id          UUID PRIMARY KEY,
    supplier_id UUID NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX offerings_name_key_ux ON offerings (name_key);
CREATE INDEX offerings_supplier_ix ON offerings (supplier_id);

CREATE TABLE releases (
    id          UUID PRIMARY KEY,
    offering_id UUID NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    version     TEXT NOT NULL,
    released_on DATE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX releases_version_ux ON releases (offering_id, version);

CREATE TABLE services (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    owner       TEXT,
    owner_email TEXT,
    rto_hours   BIGINT CHECK (rto_hours >= 0),
    criticality SMALLINT NOT NULL CHECK (criticality BETWEEN 1 AND 4),
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX services_name_key_ux ON services (name_key);

CREATE TABLE service_uses (
    service_id  UUID NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    offering_id UUID NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    purpose     TEXT,
    position    INTEGER NOT NULL,
    PRIMARY KEY (service_id, offering_id)
);
CREATE INDEX service_uses_offering_ix ON service_uses (offering_id);

CREATE TABLE use_alternatives (
    service_id     UUID NOT NULL,
    offering_id    UUID NOT NULL,
    alternative_id UUID NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    PRIMARY KEY (service_id, offering_id, alternative_id),
    FOREIGN KEY (service_id, offering_id)
        REFERENCES service_uses (service_id, offering_id) ON DELETE CASCADE,
    CHECK (alternative_id <> offering_id)
);
CREATE INDEX use_alternatives_alternative_ix ON use_alternatives (alternative_id);
