-- 000011 down: intentionally does nothing (the up step creates nothing).

DO $noop$ BEGIN NULL; END $noop$;
