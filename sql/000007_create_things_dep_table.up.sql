-- 000007 up: parent/child dependencies between things, kept acyclic.
--
-- Creates:
--   table thing_deps  (parent, child)
--   index thing_deps_child_idx
--   function deps_insert_trigger_func() + trigger before_insert_things_deps_trg
--   function deps_update_trigger_func() + trigger before_update_thing_deps_trg
-- Both triggers reject an edge that would close a cycle with
-- 'circular dependencies are not allowed.'

CREATE TABLE thing_deps (
    parent  uuid REFERENCES things (uuid),
    child   uuid REFERENCES things (uuid),
    PRIMARY KEY (parent, child),
    CHECK (parent <> child)
);

CREATE INDEX thing_deps_child_idx ON thing_deps (child);

-- New edge parent -> child: refuse it when child is already an ancestor of
-- parent.
CREATE FUNCTION deps_insert_trigger_func()
    RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM 1
       FROM (WITH RECURSIVE ancestors(id) AS (
                 SELECT d.parent FROM thing_deps AS d
                  WHERE d.child = NEW.parent
                 UNION
                 SELECT d.parent FROM ancestors AS an
                   JOIN thing_deps AS d ON d.child = an.id
             )
             SELECT id FROM ancestors) AS found_ids
      WHERE found_ids.id = NEW.child;

    IF FOUND THEN
        RAISE EXCEPTION 'circular dependencies are not allowed.';
    END IF;
    RETURN NEW;
END;
$fn$;

CREATE TRIGGER before_insert_things_deps_trg
    BEFORE INSERT ON thing_deps
    FOR EACH ROW EXECUTE FUNCTION deps_insert_trigger_func();

-- Changed edge: same test, ignoring the row being replaced.
CREATE FUNCTION deps_update_trigger_func()
    RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM 1
       FROM (WITH RECURSIVE ancestors(id) AS (
                 SELECT d.parent FROM thing_deps AS d
                  WHERE d.child = NEW.parent
                    AND NOT (d.child = OLD.child AND d.parent = OLD.parent)
                 UNION
                 SELECT d.parent FROM ancestors AS an
                   JOIN thing_deps AS d ON d.child = an.id
                  WHERE NOT (d.child = OLD.child AND d.parent = OLD.parent)
             )
             SELECT id FROM ancestors) AS found_ids
      WHERE found_ids.id = NEW.child;

    IF FOUND THEN
        RAISE EXCEPTION 'circular dependencies are not allowed.';
    END IF;
    RETURN NEW;
END;
$fn$;

CREATE TRIGGER before_update_thing_deps_trg
    BEFORE UPDATE ON thing_deps
    FOR EACH ROW EXECUTE FUNCTION deps_update_trigger_func();
