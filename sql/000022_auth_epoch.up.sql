-- 000022 up: a number that changes with every committed change of what
-- authentication reads (selfhost only), so that a responder may keep the
-- answer of a token's look-up and know at the next request, with one
-- cheap read, whether it still holds (fcgi/auth_cache.h).
--
-- selfhost_auth_epoch holds one row. A transaction that inserts, updates
-- or deletes rows of users, user_tokens, user_groups, groups,
-- group_policies or user_rates (cascaded deletes included) moves the epoch
-- once, when it commits: the triggers are deferred constraint triggers,
-- so the epoch row is the last lock such a transaction takes and is held
-- only while it commits (two such transactions commit one after the
-- other; neither can wait for the other while holding it). A TRUNCATE of
-- one of them moves it at once. Each move draws a new random epoch (and
-- counts one in moves), so that one epoch names one state of these tables
-- however the database came to be: restored from a backup, replaced by a
-- standby that missed some commits, migrated down and up again — the
-- number a responder kept from an earlier history is never seen again.
--
-- Creates: table selfhost_auth_epoch (one, epoch, moves); functions
-- selfhost_auth_epoch_bump(), selfhost_auth_epoch_bump_now(); per table
-- above: constraint trigger <table>_auth_epoch and trigger
-- <table>_auth_epoch_truncate.
CREATE TABLE selfhost_auth_epoch (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    epoch bigint  NOT NULL,
    moves bigint  NOT NULL DEFAULT 0
);
INSERT INTO selfhost_auth_epoch (epoch) VALUES (floor(random() * 9e18)::bigint);

-- once per transaction: a transaction-local setting says it was done
CREATE FUNCTION selfhost_auth_epoch_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('selfhost.auth_epoch_moved', true) IS DISTINCT FROM 'on' THEN
        UPDATE selfhost_auth_epoch SET epoch = floor(random() * 9e18)::bigint, moves = moves + 1;
        PERFORM set_config('selfhost.auth_epoch_moved', 'on', true);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION selfhost_auth_epoch_bump_now() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE selfhost_auth_epoch SET epoch = floor(random() * 9e18)::bigint, moves = moves + 1;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER users_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION selfhost_auth_epoch_bump();
CREATE CONSTRAINT TRIGGER user_tokens_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON user_tokens
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION selfhost_auth_epoch_bump();
CREATE CONSTRAINT TRIGGER user_groups_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON user_groups
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION selfhost_auth_epoch_bump();
CREATE CONSTRAINT TRIGGER groups_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON groups
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION selfhost_auth_epoch_bump();
CREATE CONSTRAINT TRIGGER group_policies_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON group_policies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION selfhost_auth_epoch_bump();
CREATE CONSTRAINT TRIGGER user_rates_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON user_rates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION selfhost_auth_epoch_bump();

CREATE TRIGGER users_auth_epoch_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_auth_epoch_bump_now();
CREATE TRIGGER user_tokens_auth_epoch_truncate AFTER TRUNCATE ON user_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_auth_epoch_bump_now();
CREATE TRIGGER user_groups_auth_epoch_truncate AFTER TRUNCATE ON user_groups
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_auth_epoch_bump_now();
CREATE TRIGGER groups_auth_epoch_truncate AFTER TRUNCATE ON groups
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_auth_epoch_bump_now();
CREATE TRIGGER group_policies_auth_epoch_truncate AFTER TRUNCATE ON group_policies
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_auth_epoch_bump_now();
CREATE TRIGGER user_rates_auth_epoch_truncate AFTER TRUNCATE ON user_rates
    FOR EACH STATEMENT EXECUTE FUNCTION selfhost_auth_epoch_bump_now();
