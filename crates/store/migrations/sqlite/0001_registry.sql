-- The registry: suppliers and their owners, subcontracting links, offerings with releases,
-- internal services and the offerings they use (with alternatives).
-- SQLite flavour: UUIDs as 16-byte BLOBs, timestamps as RFC 3339 TEXT, STRICT tables.
-- Names are unique case-insensitively through a `name_key` column the store fills with
-- the case-folded name.

CREATE TABLE suppliers (
    id                     BLOB PRIMARY KEY,
    name                   TEXT NOT NULL,
    name_key               TEXT NOT NULL,
    lei                    TEXT,
    duns                   TEXT,
    vat                    TEXT,
    other_id               TEXT,
    kind                   TEXT NOT NULL,
    country                TEXT,
    tier                   INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
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
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX suppliers_name_key_ux ON suppliers (name_key);
CREATE UNIQUE INDEX suppliers_lei_ux ON suppliers (lei);
CREATE UNIQUE INDEX suppliers_duns_ux ON suppliers (duns);
CREATE UNIQUE INDEX suppliers_vat_ux ON suppliers (vat);
CREATE UNIQUE INDEX suppliers_other_id_ux ON suppliers (other_id);

CREATE TABLE supplier_owners (
    supplier_id BLOB NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    area        TEXT NOT NULL,
    role        TEXT NOT NULL,
    person      TEXT NOT NULL,
    email       TEXT NOT NULL,
    PRIMARY KEY (supplier_id, position)
) STRICT;

CREATE TABLE subcontracts (
    id               BLOB PRIMARY KEY,
    supplier_id      BLOB NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    subcontractor_id BLOB NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    scope            TEXT NOT NULL,
    since            TEXT,
    handles_our_data INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (supplier_id <> subcontractor_id)
) STRICT;
CREATE UNIQUE INDEX subcontracts_pair_ux ON subcontracts (supplier_id, subcontractor_id);
CREATE INDEX subcontracts_subcontractor_ix ON subcontracts (subcontractor_id);

CREATE TABLE offerings (
    id          BLOB PRIMARY KEY,
    supplier_id BLOB NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX offerings_name_key_ux ON offerings (name_key);
CREATE INDEX offerings_supplier_ix ON offerings (supplier_id);

CREATE TABLE releases (
    id          BLOB PRIMARY KEY,
    offering_id BLOB NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    version     TEXT NOT NULL,
    released_on TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX releases_version_ux ON releases (offering_id, version);

CREATE TABLE services (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    owner       TEXT,
    owner_email TEXT,
    rto_hours   INTEGER CHECK (rto_hours >= 0),
    criticality INTEGER NOT NULL CHECK (criticality BETWEEN 1 AND 4),
    description TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX services_name_key_ux ON services (name_key);

CREATE TABLE service_uses (
    service_id  BLOB NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    offering_id BLOB NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    purpose     TEXT,
    position    INTEGER NOT NULL,
    PRIMARY KEY (service_id, offering_id)
) STRICT;
CREATE INDEX service_uses_offering_ix ON service_uses (offering_id);

CREATE TABLE use_alternatives (
    service_id     BLOB NOT NULL,
    offering_id    BLOB NOT NULL,
    alternative_id BLOB NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    PRIMARY KEY (service_id, offering_id, alternative_id),
    FOREIGN KEY (service_id, offering_id)
        REFERENCES service_uses (service_id, offering_id) ON DELETE CASCADE,
    CHECK (alternative_id <> offering_id)
) STRICT;
CREATE INDEX use_alternatives_alternative_ix ON use_alternatives (alternative_id);
