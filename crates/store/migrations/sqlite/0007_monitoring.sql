-- Monitoring: advisories as the feeds publish them (OSV records kept whole), the packages
-- they name (the index by ecosystem and package that re-matching uses), the ids under
-- which each is known (own id and aliases), the CISA KEV catalogue, feed import reports,
-- findings (component x vulnerability per release) with their VEX triage state and its
-- history, offering-wide triage decisions carried to new releases, and "new finding"
-- events for notifications.

ALTER TABLE components ADD COLUMN osv_ecosystem TEXT;
ALTER TABLE components ADD COLUMN osv_name TEXT;
CREATE INDEX components_osv_package_ix ON components (osv_ecosystem, osv_name);

CREATE TABLE advisories (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    modified    TEXT NOT NULL,
    published   TEXT,
    withdrawn   TEXT,
    summary     TEXT,
    aliases     TEXT NOT NULL,
    severity    TEXT,
    cvss_score  REAL,
    cvss_vector TEXT,
    scores      TEXT NOT NULL,
    raw         TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

CREATE TABLE advisory_packages (
    ecosystem   TEXT NOT NULL,
    name        TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (ecosystem, name, advisory_id)
) STRICT;
CREATE INDEX advisory_packages_advisory_ix ON advisory_packages (advisory_id);
CREATE INDEX advisory_packages_name_ix ON advisory_packages (name);

CREATE TABLE advisory_ids (
    id          TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (id, advisory_id)
) STRICT;
CREATE INDEX advisory_ids_advisory_ix ON advisory_ids (advisory_id);

CREATE TABLE kev_entries (
    cve_id             TEXT PRIMARY KEY,
    vendor_project     TEXT NOT NULL,
    product            TEXT NOT NULL,
    vulnerability_name TEXT NOT NULL,
    date_added         TEXT NOT NULL,
    due_date           TEXT,
    ransomware         TEXT NOT NULL,
    required_action    TEXT NOT NULL,
    short_description  TEXT NOT NULL,
    notes              TEXT NOT NULL,
    imported_at        TEXT NOT NULL
) STRICT;

CREATE TABLE feed_imports (
    id             BLOB PRIMARY KEY,
    feed           TEXT NOT NULL,
    source         TEXT NOT NULL,
    n_records      INTEGER NOT NULL,
    n_new          INTEGER NOT NULL,
    n_updated      INTEGER NOT NULL,
    n_unchanged    INTEGER NOT NULL,
    n_errors       INTEGER NOT NULL,
    n_new_findings INTEGER NOT NULL,
    report         TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    finished_at    TEXT NOT NULL
) STRICT;
CREATE INDEX feed_imports_feed_ix ON feed_imports (feed, finished_at);

CREATE TABLE findings (
    id            BLOB PRIMARY KEY,
    release_id    BLOB NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    component_id  BLOB NOT NULL REFERENCES components (id),
    vulnerability TEXT NOT NULL,
    advisory_id   TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    reason        TEXT,
    severity      TEXT,
    severity_rank INTEGER NOT NULL,
    cvss_score    REAL,
    kev           INTEGER NOT NULL,
    active        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    justification TEXT,
    response      TEXT,
    detail        TEXT,
    status_by     TEXT,
    status_at     TEXT,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX findings_key_ux ON findings (release_id, component_id, vulnerability);
CREATE INDEX findings_vulnerability_ix ON findings (vulnerability);
CREATE INDEX findings_component_ix ON findings (component_id);

CREATE TABLE finding_history (
    finding_id    BLOB NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    status        TEXT NOT NULL,
    justification TEXT,
    response      TEXT,
    detail        TEXT,
    source        TEXT NOT NULL,
    actor         TEXT NOT NULL,
    at            TEXT NOT NULL,
    PRIMARY KEY (finding_id, seq)
) STRICT;

CREATE TABLE triage_decisions (
    offering_id   BLOB NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    component_id  BLOB NOT NULL REFERENCES components (id),
    vulnerability TEXT NOT NULL,
    status        TEXT NOT NULL,
    justification TEXT,
    response      TEXT,
    detail        TEXT,
    decided_by    TEXT NOT NULL,
    decided_at    TEXT NOT NULL,
    PRIMARY KEY (offering_id, component_id, vulnerability)
) STRICT;

CREATE TABLE finding_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    finding_id    BLOB NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    release_id    BLOB NOT NULL,
    vulnerability TEXT NOT NULL,
    severity      TEXT,
    kev           INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    delivered_at  TEXT
) STRICT;
