-- PostgreSQL moves the recorded audit head once per transaction, from a deferred trigger
-- (see migrations/postgres/0005_audit_head_once_per_transaction.sql). SQLite keeps moving
-- it for every entry, from the store: it updates the row in place, which costs nothing
-- like PostgreSQL's row versions. Nothing changes here; the file keeps the two folders'
-- migrations in step.
SELECT 1;
