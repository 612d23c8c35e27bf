-- 000005 up: alerts.
--
-- Creates:
--   type alert_status    enum: open, close, expire, shelve, acknowledge, unknown
--   type alert_severity  enum: security, critical, major, minor, warning,
--                              informational, debug, trace, indeterminate
--   table alerts
--   indexes programs_environment_idx, programs_severity_idx,
--           programs_status_idx (on alerts; the names are historical)
--   view v_alerts  (alerts with open/acknowledged alerts past their timeout
--                   reported as 'expire')
--   function alert_merge(resource, environment, event, origin, severity,
--                        status, service, value, description, tags, timeout,
--                        rawdata) -> uuid

CREATE TYPE alert_status AS ENUM (
    'open', 'close', 'expire', 'shelve', 'acknowledge', 'unknown'
);

CREATE TYPE alert_severity AS ENUM (
    'security', 'critical', 'major', 'minor', 'warning',
    'informational', 'debug', 'trace', 'indeterminate'
);

CREATE TABLE alerts (
    uuid               uuid           NOT NULL DEFAULT uuid_generate_v4() PRIMARY KEY,
    resource           text           NOT NULL,
    environment        text           NOT NULL,
    event              text           NOT NULL,
    severity           alert_severity NOT NULL,
    status             alert_status   NOT NULL,
    service            text[]         NOT NULL DEFAULT ARRAY[]::text[],
    value              text           NOT NULL DEFAULT '',
    description        text           NOT NULL DEFAULT '',
    origin             text           NOT NULL DEFAULT '',
    tags               text[]         NOT NULL DEFAULT ARRAY[]::text[],
    created            timestamptz    NOT NULL DEFAULT now(),
    timeout            integer        NOT NULL DEFAULT 3600,   -- seconds
    rawdata            bytea          NOT NULL DEFAULT ''::bytea,
    duplicate          integer        NOT NULL DEFAULT 0,
    previous_severity  alert_severity NOT NULL DEFAULT 'indeterminate'::alert_severity,
    last_receive_time  timestamptz
);

CREATE INDEX programs_environment_idx ON alerts (environment);
CREATE INDEX programs_severity_idx    ON alerts (severity);
CREATE INDEX programs_status_idx      ON alerts (status);

-- Same columns as alerts (different order), with the effective status.
CREATE VIEW v_alerts AS
SELECT alerts.uuid,
       alerts.resource,
       alerts.environment,
       alerts.event,
       alerts.severity,
       alerts.previous_severity,
       (CASE
            WHEN alerts.status IN ('open'::alert_status, 'acknowledge'::alert_status)
             AND COALESCE(alerts.last_receive_time, alerts.created)
                 + make_interval(secs => alerts.timeout) < now()
            THEN 'expire'::alert_status
            ELSE alerts.status
        END)::alert_status AS status,
       alerts.description,
       alerts.value,
       alerts.origin,
       alerts.created,
       alerts.last_receive_time,
       alerts.timeout,
       alerts.duplicate,
       alerts.service,
       alerts.tags,
       alerts.rawdata
  FROM alerts;

-- Records an alert.  If a live alert (open, acknowledge or shelve, and not
-- past its timeout) exists with the same resource, environment, event and
-- origin, it is updated in place (duplicate + 1, previous_severity keeps the
-- old severity, last_receive_time = now()); otherwise a new row is inserted
-- (NULL severity -> 'indeterminate', NULL status -> 'open').  Returns the
-- uuid of the updated or inserted alert.
CREATE FUNCTION alert_merge(
        resource     text,
        environment  text,
        event        text,
        origin       text,
        severity     alert_severity,
        status       alert_status,
        service      text[],
        value        text,
        description  text,
        tags         text[],
        timeout      integer,
        rawdata      bytea)
    RETURNS uuid
    LANGUAGE plpgsql
    VOLATILE PARALLEL UNSAFE
    COST 100
AS $fn$
DECLARE
    merged uuid;
BEGIN
    UPDATE alerts AS a
       SET duplicate         = a.duplicate + 1,
           last_receive_time = now(),
           previous_severity = a.severity,
           severity          = alert_merge.severity,
           service           = alert_merge.service,
           description       = alert_merge.description,
           value             = alert_merge.value,
           timeout           = alert_merge.timeout,
           tags              = alert_merge.tags,
           rawdata           = alert_merge.rawdata
     WHERE a.status IN ('open'::alert_status,
                        'acknowledge'::alert_status,
                        'shelve'::alert_status)
       AND COALESCE(a.last_receive_time, a.created)
           + make_interval(secs => a.timeout) >= now()
       AND a.resource    = alert_merge.resource
       AND a.environment = alert_merge.environment
       AND a.event       = alert_merge.event
       AND a.origin      = alert_merge.origin
    RETURNING a.uuid INTO merged;

    IF FOUND THEN
        RETURN merged;
    END IF;

    INSERT INTO alerts (resource, environment, event, severity, status,
                        value, description, origin, service, tags,
                        timeout, rawdata)
    VALUES (alert_merge.resource,
            alert_merge.environment,
            alert_merge.event,
            COALESCE(alert_merge.severity, 'indeterminate'::alert_severity),
            COALESCE(alert_merge.status, 'open'::alert_status),
            alert_merge.value,
            alert_merge.description,
            alert_merge.origin,
            alert_merge.service,
            alert_merge.tags,
            alert_merge.timeout,
            alert_merge.rawdata)
    RETURNING alerts.uuid INTO merged;

    RETURN merged;
END;
$fn$;
