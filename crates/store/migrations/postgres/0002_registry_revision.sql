-- A registry revision that every change bumps, in the same transaction, whoever writes:
-- caches of derived data (the server's graph) compare it to know they are stale.
CREATE TABLE registry_revision (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO registry_revision (id, revision) VALUES (1, 0);

-- Bumped once per transaction, not once per statement: updating one row many times in one
-- transaction leaves a chain of row versions that every later update must walk, which made
-- a large import quadratic. The marker is transaction-local (and undone with a rolled-back
-- savepoint, like the update itself).
CREATE FUNCTION bump_registry_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('chainward.revision_bumped_in', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE registry_revision SET revision = revision + 1 WHERE id = 1;
        PERFORM set_config('chainward.revision_bumped_in', txid_current()::text, true);
    END IF;
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
