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
    cvss_score  DOUBLE PRECISION,
    cvss_vector TEXT,
    scores      TEXT NOT NULL,
    raw         TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE advisory_packages (
    ecosystem   TEXT NOT NULL,
    name        TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (ecosystem, name, advisory_id)
);
CREATE INDEX advisory_packages_advisory_ix ON advisory_packages (advisory_id);
CREATE INDEX advisory_packages_name_ix ON advisory_packages (name);

CREATE TABLE advisory_ids (
    id          TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (id, advisory_id)
);
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
    imported_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE feed_imports (
    id             UUID PRIMARY KEY,
    feed           TEXT NOT NULL,
    source         TEXT NOT NULL,
    n_records      BIGINT NOT NULL,
    n_new          BIGINT NOT NULL,
    n_updated      BIGINT NOT NULL,
    n_unchanged    BIGINT NOT NULL,
    n_errors       BIGINT NOT NULL,
    n_new_findings BIGINT NOT NULL,
    report         TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX feed_imports_feed_ix ON feed_imports (feed, finished_at);

CREATE TABLE findings (
    id            UUID PRIMARY KEY,
    release_id    UUID NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    component_id  UUID NOT NULL REFERENCES components (id),
    vulnerability TEXT NOT NULL,
    advisory_id   TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    reason        TEXT,
    severity      TEXT,
    severity_rank BIGINT NOT NULL,
    cvss_score    DOUBLE PRECISION,
    kev           BIGINT NOT NULL,
    active        BIGINT NOT NULL,
    status        TEXT NOT NULL,
    justification TEXT,
    response      TEXT,
    detail        TEXT,
    status_by     TEXT,
    status_at     TIMESTAMPTZ,
    first_seen    TIMESTAMPTZ NOT NULL,
    last_seen     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX findings_key_ux ON findings (release_id, component_id, vulnerability);
CREATE INDEX findings_vulnerability_ix ON findings (vulnerability);
CREATE INDEX findings_component_ix ON findings (component_id);

CREATE TABLE finding_history (
    finding_id    UUID NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL,
    status        TEXT NOT NULL,
    justification TEXT,
    response      TEXT,
    detail        TEXT,
    source        TEXT NOT NULL,
    actor         TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (finding_id, seq)
);

CREATE TABLE triage_decisions (
    offering_id   UUID NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    component_id  UUID NOT NULL REFERENCES components (id),
    vulnerability TEXT NOT NULL,
    status        TEXT NOT NULL,
    justification TEXT,
    response      TEXT,
    detail        TEXT,
    decided_by    TEXT NOT NULL,
    decided_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (offering_id, component_id, vulnerability)
);

CREATE TABLE finding_events (
    seq           BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    finding_id    UUID NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    release_id    UUID NOT NULL,
    vulnerability TEXT NOT NULL,
    severity      TEXT,
    kev           BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    delivered_at  TIMESTAMPTZ
);
