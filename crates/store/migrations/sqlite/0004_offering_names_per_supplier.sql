-- Offering names are unique per supplier, no longer across the whole registry: a supplier
-- must be free to name its offering "Portal" whatever other suppliers call theirs, and must
-- not learn through a refused name that another supplier uses it.
DROP INDEX offerings_name_key_ux;
CREATE UNIQUE INDEX offerings_supplier_name_key_ux ON offerings (supplier_id, name_key);
-- A bare name is still looked up across suppliers (and is ambiguous when several match).
CREATE INDEX offerings_name_key_ix ON offerings (name_key);
-- The new unique index starts with supplier_id, so it serves everything this one did.
DROP INDEX offerings_supplier_ix;
