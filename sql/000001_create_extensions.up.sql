-- 000001 up: database extensions required by the selfhost schema.
--
-- Creates the "uuid-ossp" extension, which provides uuid_generate_v4(), the
-- default value of every uuid primary key in later migrations.  sha256(),
-- used for token hashes and dataset checksums, is built into PostgreSQL 11+
-- and needs no extension.
--
-- uuid-ossp is a "trusted" extension since PostgreSQL 13, so the owner of the
-- database can run this without being a superuser.

CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
