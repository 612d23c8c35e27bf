-- catalog_fingerprint.sql — one sorted line per schema fact of the public
-- schema, for comparing the schema two migration histories leave behind
-- (tests/integration/data/reference_v12_catalog.txt is this query's output
-- for the reference's version 12). Run: psql -X -qtA -f catalog_fingerprint.sql
--
-- Covered: extensions; enum, domain and composite types; tables, partitioned
-- tables, views, sequences (kind, persistence, options, partition key and
-- bound, inheritance); columns (position among the live columns, type,
-- NOT NULL, default, identity, generated, collation, storage); constraints
-- (pg_get_constraintdef); indexes (pg_get_indexdef); triggers
-- (pg_get_triggerdef, enabled); rules; row-level security and its
-- policies; statistics objects; functions (identity and full arguments,
-- result, language, kind, volatility, strictness, security, leakproof,
-- parallel safety, cost, rows, settings); operators; view definitions (md5
-- of the deparsed query); comments (md5); then the seeded rows.
-- Left out: owners and privileges (they name roles), the runner's own
-- schema_migrations table, and function bodies — those are compared by
-- behaviour (tests/integration/test_reference_db.sh), since our bodies are
-- written in our own words.
--
-- The 256 partitions of tsdata are folded: every line of a partition named
-- tsdata_<n> with the bound "remainder <n>" is written with tsdata_N and
-- remainder N, and equal lines are counted ("×256"). A partition named
-- otherwise is written as it is.
WITH
rel0 AS (
    SELECT c.oid, c.relname, c.relkind, c.relispartition,
           (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
             WHERE i.inhrelid = c.oid AND c.relispartition) AS parent,
           substring(c.relname FROM '_([0-9]+)$') AS suffix,
           pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relname <> 'schema_migrations'
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
),
-- folded: a partition named <parent>_<n> whose bound is remainder n
rel AS (
    SELECT rel0.*,
           parent IS NOT NULL AND relname = parent || '_' || suffix
           AND bound ~* ('remainder ' || suffix || '\)$') AS folded
      FROM rel0
),
ns AS (SELECT oid FROM pg_namespace WHERE nspname = 'public'),
facts(rel_oid, line) AS (
    SELECT NULL::oid, 'extension ' || e.extname || ' in ' || en.nspname
      FROM pg_extension e JOIN pg_namespace en ON en.oid = e.extnamespace
     WHERE e.extname <> 'plpgsql'
    UNION ALL
    SELECT NULL, 'enum ' || t.typname || ' ('
                 || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                       FROM pg_enum e WHERE e.enumtypid = t.oid) || ')'
      FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typtype = 'e'
    UNION ALL
    SELECT NULL, 'domain ' || t.typname || ' ' || format_type(t.typbasetype, t.typtypmod)
                 || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END
                 || coalesce(' default ' || t.typdefault, '')
                 || coalesce((SELECT ' ' || string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname)
                                FROM pg_constraint k WHERE k.contypid = t.oid), '')
      FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns) AND t.typtype = 'd'
    UNION ALL
    SELECT r.oid, 'relation ' || r.relname || ' kind ' || r.relkind::text
                 || CASE c.relpersistence WHEN 'p' THEN '' ELSE ' persistence ' || c.relpersistence::text END
                 || coalesce(' options ' || array_to_string(c.reloptions, ','), '')
                 || coalesce(' partition by ' || pg_get_partkeydef(c.oid), '')
                 || CASE WHEN r.relispartition
                         THEN ' partition of '
                              || (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                                   WHERE i.inhrelid = c.oid)
                              || ' ' || pg_get_expr(c.relpartbound, c.oid)
                         ELSE coalesce((SELECT ' inherits ' || string_agg(p.relname, ',' ORDER BY i.inhseqno)
                                          FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                                         WHERE i.inhrelid = c.oid), '') END
                 || CASE WHEN c.relrowsecurity THEN ' row security' ELSE '' END
                 || CASE WHEN c.relforcerowsecurity THEN ' forced' ELSE '' END
                 || CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.relreplident <> 'd'
                         THEN ' replica identity ' || c.relreplident::text ELSE '' END
      FROM rel r JOIN pg_class c ON c.oid = r.oid
    UNION ALL
    SELECT r.oid, 'column ' || r.relname || '.' || a.attname
                 || ' #' || row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)
                 || ' ' || format_type(a.atttypid, a.atttypmod)
                 || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                 || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                 || CASE a.attidentity WHEN '' THEN '' ELSE ' identity ' || a.attidentity::text END
                 || CASE a.attgenerated WHEN '' THEN '' ELSE ' generated ' || a.attgenerated::text END
                 || CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation
                         THEN ' collate ' || (SELECT collname FROM pg_collation WHERE oid = a.attcollation)
                         ELSE '' END
                 || CASE WHEN a.attstorage <> ty.typstorage THEN ' storage ' || a.attstorage::text ELSE '' END
                 || CASE WHEN a.attstattarget >= 0 THEN ' statistics ' || a.attstattarget ELSE '' END
                 || coalesce(' options ' || array_to_string(a.attoptions, ','), '')
      FROM rel r
      JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      JOIN pg_type ty ON ty.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    UNION ALL
    SELECT r.oid, 'constraint ' || r.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
                 || CASE WHEN k.conislocal THEN '' ELSE ' inherited' END
      FROM rel r JOIN pg_constraint k ON k.conrelid = r.oid
    UNION ALL
    SELECT r.oid, 'index ' || r.relname || '.' || ic.relname || ' ' || pg_get_indexdef(x.indexrelid)
                 || coalesce((SELECT ' attached to ' || pi.relname
                                FROM pg_inherits i JOIN pg_class pi ON pi.oid = i.inhparent
                               WHERE i.inhrelid = x.indexrelid), '')
                 || CASE WHEN x.indisprimary THEN ' primary' ELSE '' END
                 || CASE WHEN x.indisclustered THEN ' clustered' ELSE '' END
                 || CASE WHEN NOT x.indisvalid THEN ' invalid' ELSE '' END
      FROM rel r JOIN pg_index x ON x.indrelid = r.oid JOIN pg_class ic ON ic.oid = x.indexrelid
    UNION ALL
    SELECT r.oid, 'trigger ' || r.relname || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid)
                 || CASE t.tgenabled WHEN 'O' THEN '' ELSE ' enabled ' || t.tgenabled::text END
      FROM rel r JOIN pg_trigger t ON t.tgrelid = r.oid
     WHERE NOT t.tgisinternal
    UNION ALL
    SELECT r.oid, 'rule ' || r.relname || '.' || w.rulename || ' md5 ' || md5(pg_get_ruledef(w.oid))
      FROM rel r JOIN pg_rewrite w ON w.ev_class = r.oid
     WHERE w.rulename <> '_RETURN'
    UNION ALL
    SELECT r.oid, 'view ' || r.relname || ' md5 ' || md5(pg_get_viewdef(r.oid))
      FROM rel r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    SELECT r.oid, 'policy ' || r.relname || '.' || p.polname || ' ' || p.polcmd::text
                 || CASE WHEN p.polpermissive THEN ' permissive' ELSE ' restrictive' END
                 || coalesce(' using md5 ' || md5(pg_get_expr(p.polqual, p.polrelid)), '')
                 || coalesce(' check md5 ' || md5(pg_get_expr(p.polwithcheck, p.polrelid)), '')
      FROM rel r JOIN pg_policy p ON p.polrelid = r.oid
    UNION ALL
    SELECT r.oid, 'sequence ' || r.relname || ' ' || format_type(s.seqtypid, NULL)
                 || ' start ' || s.seqstart || ' increment ' || s.seqincrement
                 || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache
                 || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
                 || coalesce((SELECT ' owned by ' || oc.relname || '.' || oa.attname
                                FROM pg_depend dp
                                JOIN pg_class oc ON oc.oid = dp.refobjid
                                JOIN pg_attribute oa ON oa.attrelid = dp.refobjid AND oa.attnum = dp.refobjsubid
                               WHERE dp.classid = 'pg_class'::regclass AND dp.objid = r.oid
                                 AND dp.refclassid = 'pg_class'::regclass AND dp.deptype IN ('a', 'i')), '')
      FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
    UNION ALL
    SELECT NULL, 'statistics ' || s.stxname || ' ' || pg_get_statisticsobjdef(s.oid)
      FROM pg_statistic_ext s WHERE s.stxnamespace = (SELECT oid FROM ns)
    UNION ALL
    SELECT NULL, 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
                 || ' kind ' || p.prokind::text
                 || ' args (' || pg_get_function_arguments(p.oid) || ')'
                 || coalesce(' returns ' || pg_get_function_result(p.oid), '')
                 || ' language ' || l.lanname
                 || ' ' || CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable'
                                              ELSE 'volatile' END
                 || CASE WHEN p.proisstrict THEN ' strict' ELSE '' END
                 || CASE WHEN p.prosecdef THEN ' security definer' ELSE '' END
                 || CASE WHEN p.proleakproof THEN ' leakproof' ELSE '' END
                 || ' parallel ' || p.proparallel::text
                 || ' cost ' || p.procost
                 || CASE WHEN p.proretset THEN ' rows ' || p.prorows ELSE '' END
                 || coalesce(' set ' || array_to_string(p.proconfig, ','), '')
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = (SELECT oid FROM ns)
       AND NOT EXISTS (SELECT 1 FROM pg_depend dp WHERE dp.classid = 'pg_proc'::regclass
                          AND dp.objid = p.oid AND dp.deptype = 'e')
    UNION ALL
    SELECT NULL, 'operator ' || o.oprname || '(' || format_type(o.oprleft, NULL) || ', '
                 || format_type(o.oprright, NULL) || ') ' || o.oprcode::text
      FROM pg_operator o WHERE o.oprnamespace = (SELECT oid FROM ns)
       AND NOT EXISTS (SELECT 1 FROM pg_depend dp WHERE dp.classid = 'pg_operator'::regclass
                          AND dp.objid = o.oid AND dp.deptype = 'e')
    UNION ALL
    SELECT NULL, 'comment ' || dsc.classoid::regclass::text || ' '
                 || coalesce((SELECT relname FROM pg_class WHERE oid = dsc.objoid AND dsc.classoid = 'pg_class'::regclass),
                             (SELECT proname FROM pg_proc WHERE oid = dsc.objoid AND dsc.classoid = 'pg_proc'::regclass),
                             (SELECT typname FROM pg_type WHERE oid = dsc.objoid AND dsc.classoid = 'pg_type'::regclass),
                             (SELECT conname FROM pg_constraint WHERE oid = dsc.objoid AND dsc.classoid = 'pg_constraint'::regclass),
                             (SELECT tgname FROM pg_trigger WHERE oid = dsc.objoid AND dsc.classoid = 'pg_trigger'::regclass),
                             dsc.objoid::text)
                 || CASE WHEN dsc.objsubid <> 0 THEN '.' || dsc.objsubid ELSE '' END
                 || ' md5 ' || md5(dsc.description)
      FROM pg_description dsc
     WHERE (dsc.classoid = 'pg_class'::regclass AND dsc.objoid IN (SELECT oid FROM rel))
        OR (dsc.classoid = 'pg_proc'::regclass
            AND dsc.objoid IN (SELECT oid FROM pg_proc WHERE pronamespace = (SELECT oid FROM ns)))
        OR (dsc.classoid = 'pg_type'::regclass
            AND dsc.objoid IN (SELECT oid FROM pg_type WHERE typnamespace = (SELECT oid FROM ns)))
        OR (dsc.classoid = 'pg_constraint'::regclass
            AND dsc.objoid IN (SELECT oid FROM pg_constraint WHERE connamespace = (SELECT oid FROM ns)))
        OR (dsc.classoid = 'pg_trigger'::regclass
            AND dsc.objoid IN (SELECT t.oid FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid))
),
counted(line) AS (
    SELECT CASE WHEN r.folded
                THEN regexp_replace(regexp_replace(f.line, '\m' || r.relname || '(?![0-9])',
                                                   r.parent || '_N', 'g'),
                                    '(remainder) ' || r.suffix || '\)', '\1 N)', 'i')
                ELSE f.line END
      FROM facts f LEFT JOIN rel r ON r.oid = f.rel_oid
)
SELECT line || CASE WHEN count(*) > 1 THEN ' ×' || count(*) ELSE '' END
  FROM counted
 GROUP BY line
 ORDER BY line COLLATE "C";

-- The seeded rows, once their tables exist (version 3: the root user and
-- its token; version 4: groups, membership, policies), without the random
-- uuids of policies and tokens and the tokens' creation times.
SELECT to_regclass('public.user_tokens') IS NOT NULL AS fp_users,
       to_regclass('public.group_policies') IS NOT NULL AS fp_groups \gset
\if :fp_users
SELECT line FROM (
    SELECT 'seed user ' || u.uuid || ' ' || u.name || ' ' || u.state
      FROM users u WHERE u.uuid::text LIKE '00000000-0000-1000-8000-%'
    UNION ALL
    SELECT 'seed token ' || t.user_uuid || ' ' || t.name || ' ' || encode(t.token_hash, 'hex')
      FROM user_tokens t WHERE t.user_uuid = '00000000-0000-1000-8000-000000000000'
       AND t.name = 'Main admin token'
) AS s(line) ORDER BY line COLLATE "C";
\endif
\if :fp_groups
SELECT line FROM (
    SELECT 'seed group ' || g.uuid || ' ' || g.name
      FROM groups g WHERE g.uuid::text LIKE '00000000-0000-1000-8000-%'
    UNION ALL
    SELECT 'seed member ' || m.user_uuid || ' ' || m.group_uuid
      FROM user_groups m WHERE m.group_uuid::text LIKE '00000000-0000-1000-8000-%'
    UNION ALL
    SELECT 'seed policy ' || p.group_uuid || ' ' || p.priority || ' ' || p.effect || ' '
           || p.action || ' ' || p.resource
      FROM group_policies p WHERE p.group_uuid::text LIKE '00000000-0000-1000-8000-%'
) AS s(line) ORDER BY line COLLATE "C";
\endif
