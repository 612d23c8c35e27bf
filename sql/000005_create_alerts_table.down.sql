-- 000005 down: drops v_alerts, alert_merge, alerts and the alert enum types.

DROP VIEW IF EXISTS v_alerts;
DROP FUNCTION IF EXISTS alert_merge(text, text, text, text, alert_severity,
                                    alert_status, text[], text, text, text[],
                                    integer, bytea);
DROP TABLE IF EXISTS alerts;
DROP TYPE IF EXISTS alert_severity;
DROP TYPE IF EXISTS alert_status;
