-- Duban on PostgreSQL with least privilege (see SECURITY.md).
--
-- Two roles: duban_owner owns the schema and runs `tracker db upgrade`; duban is the role the
-- web and scheduler services connect as (TRACKER_DATABASE_URL in /etc/duban/env). The
-- application role may INSERT and SELECT the audit trail, never UPDATE, DELETE or TRUNCATE it;
-- the append-only triggers stop even the owner until the owner disables them on purpose, and
-- `tracker audit verify` then names what was removed from the last checkpoint.
--
-- Once, as a superuser (psql -U postgres):
--   CREATE ROLE duban_owner LOGIN PASSWORD '...';
--   CREATE ROLE duban LOGIN PASSWORD '...';
--   CREATE DATABASE duban OWNER duban_owner;
--   \connect duban
--   REVOKE CREATE ON SCHEMA public FROM PUBLIC;
--   ALTER SCHEMA public OWNER TO duban_owner;
--
-- Then, as duban_owner:
--   TRACKER_DATABASE_URL=postgresql+psycopg://duban_owner@127.0.0.1/duban tracker db upgrade
-- and this file, again after every upgrade (it is idempotent):
--   psql -U duban_owner -d duban -f deploy/postgresql/roles.sql

GRANT USAGE ON SCHEMA public TO duban;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO duban;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO duban;
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_events FROM duban;
REVOKE ALL ON alembic_version FROM duban;
GRANT SELECT ON alembic_version TO duban;
