-- 000001 down: removes the "uuid-ossp" extension created by the up step.
-- Every object using uuid_generate_v4() has already been dropped by the
-- later down steps.

DROP EXTENSION IF EXISTS "uuid-ossp";
