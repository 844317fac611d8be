-- The recorded audit head moves once per transaction, at commit, not once per entry:
-- updating one row for every entry of a large import left a chain of row versions that
-- every later read and update of the row had to walk, which made the import quadratic.
-- Writers still serialise on the head (SELECT … FOR UPDATE, which writes no row version)
-- and chain each entry after the later of the head and the newest entry of the log. When
-- the transaction commits, the entry with the highest sequence number, its last, becomes
-- the head. Entries of rolled-back savepoints take their trigger events with them.
CREATE FUNCTION move_audit_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq = (SELECT max(seq) FROM audit_log) THEN
        UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER audit_log_moves_head AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION move_audit_head();
