-- 000015 up: programs and their code revisions announce every change
-- (selfhost only), so the program manager reacts at once instead of
-- polling. See docs/protocol.md, "Database notifications".
--
-- Channel selfhost_programs; payload the program's uuid as text, for any
-- insert, update (that changes something) or delete of a programs row or a
-- program_code_revisions row (signing is an update); '*' after a TRUNCATE
-- of either table. Notifications go out when the transaction commits, and
-- PostgreSQL sends a payload only once per transaction, so deleting a
-- program with all its revisions is one notification.
--
-- Creates: functions programs_notify(), program_code_revisions_notify();
-- triggers programs_notify_row, programs_notify_update,
-- programs_notify_truncate on programs and program_code_revisions_notify_row,
-- program_code_revisions_notify_update, program_code_revisions_notify_truncate
-- on program_code_revisions.

CREATE FUNCTION programs_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('selfhost_programs', '*');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('selfhost_programs', OLD.uuid::text);
    ELSE
        PERFORM pg_notify('selfhost_programs', NEW.uuid::text);
        IF TG_OP = 'UPDATE' AND OLD.uuid <> NEW.uuid THEN
            PERFORM pg_notify('selfhost_programs', OLD.uuid::text);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION program_code_revisions_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('selfhost_programs', '*');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('selfhost_programs', OLD.program_uuid::text);
    ELSE
        PERFORM pg_notify('selfhost_programs', NEW.program_uuid::text);
        IF TG_OP = 'UPDATE' AND OLD.program_uuid <> NEW.program_uuid THEN
            PERFORM pg_notify('selfhost_programs', OLD.program_uuid::text);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER programs_notify_row
    AFTER INSERT OR DELETE ON programs
    FOR EACH ROW EXECUTE FUNCTION programs_notify();
CREATE TRIGGER programs_notify_update
    AFTER UPDATE ON programs
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION programs_notify();
CREATE TRIGGER programs_notify_truncate
    AFTER TRUNCATE ON programs
    FOR EACH STATEMENT EXECUTE FUNCTION programs_notify();

CREATE TRIGGER program_code_revisions_notify_row
    AFTER INSERT OR DELETE ON program_code_revisions
    FOR EACH ROW EXECUTE FUNCTION program_code_revisions_notify();
CREATE TRIGGER program_code_revisions_notify_update
    AFTER UPDATE ON program_code_revisions
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION program_code_revisions_notify();
CREATE TRIGGER program_code_revisions_notify_truncate
    AFTER TRUNCATE ON program_code_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION program_code_revisions_notify();
