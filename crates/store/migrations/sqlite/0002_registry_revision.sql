-- A registry revision that every change bumps, in the same transaction, whoever writes:
-- caches of derived data (the server's graph) compare it to know they are stale.
CREATE TABLE registry_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
) STRICT;
INSERT INTO registry_revision (id, revision) VALUES (1, 0);

CREATE TRIGGER suppliers_bump_revision_insert AFTER INSERT ON suppliers
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER suppliers_bump_revision_update AFTER UPDATE ON suppliers
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER suppliers_bump_revision_delete AFTER DELETE ON suppliers
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER supplier_owners_bump_revision_insert AFTER INSERT ON supplier_owners
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER supplier_owners_bump_revision_update AFTER UPDATE ON supplier_owners
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER supplier_owners_bump_revision_delete AFTER DELETE ON supplier_owners
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER subcontracts_bump_revision_insert AFTER INSERT ON subcontracts
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER subcontracts_bump_revision_update AFTER UPDATE ON subcontracts
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER subcontracts_bump_revision_delete AFTER DELETE ON subcontracts
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER offerings_bump_revision_insert AFTER INSERT ON offerings
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER offerings_bump_revision_update AFTER UPDATE ON offerings
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER offerings_bump_revision_delete AFTER DELETE ON offerings
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER releases_bump_revision_insert AFTER INSERT ON releases
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER releases_bump_revision_update AFTER UPDATE ON releases
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER releases_bump_revision_delete AFTER DELETE ON releases
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER services_bump_revision_insert AFTER INSERT ON services
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER services_bump_revision_update AFTER UPDATE ON services
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER services_bump_revision_delete AFTER DELETE ON services
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER service_uses_bump_revision_insert AFTER INSERT ON service_uses
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER service_uses_bump_revision_update AFTER UPDATE ON service_uses
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER service_uses_bump_revision_delete AFTER DELETE ON service_uses
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER use_alternatives_bump_revision_insert AFTER INSERT ON use_alternatives
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER use_alternatives_bump_revision_update AFTER UPDATE ON use_alternatives
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
CREATE TRIGGER use_alternatives_bump_revision_delete AFTER DELETE ON use_alternatives
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
END;
