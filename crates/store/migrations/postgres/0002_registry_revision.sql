-- A registry revision that every change bumps, in the same transaction, whoever writes:
-- caches of derived data (the server's graph) compare it to know they are stale.
CREATE TABLE registry_revision (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO registry_revision (id, revision) VALUES (1, 0);

CREATE FUNCTION bump_registry_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER suppliers_bump_revision AFTER INSERT OR UPDATE OR DELETE ON suppliers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
CREATE TRIGGER supplier_owners_bump_revision AFTER INSERT OR UPDATE OR DELETE ON supplier_owners
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
CREATE TRIGGER subcontracts_bump_revision AFTER INSERT OR UPDATE OR DELETE ON subcontracts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
CREATE TRIGGER offerings_bump_revision AFTER INSERT OR UPDATE OR DELETE ON offerings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
CREATE TRIGGER releases_bump_revision AFTER INSERT OR UPDATE OR DELETE ON releases
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
CREATE TRIGGER services_bump_revision AFTER INSERT OR UPDATE OR DELETE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
CREATE TRIGGER service_uses_bump_revision AFTER INSERT OR UPDATE OR DELETE ON service_uses
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
CREATE TRIGGER use_alternatives_bump_revision AFTER INSERT OR UPDATE OR DELETE ON use_alternatives
    FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_revision();
