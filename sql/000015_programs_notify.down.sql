-- 000015 down: programs and code revisions stop announcing changes.
DROP TRIGGER program_code_revisions_notify_truncate ON program_code_revisions;
DROP TRIGGER program_code_revisions_notify_update ON program_code_revisions;
DROP TRIGGER program_code_revisions_notify_row ON program_code_revisions;
DROP TRIGGER programs_notify_truncate ON programs;
DROP TRIGGER programs_notify_update ON programs;
DROP TRIGGER programs_notify_row ON programs;
DROP FUNCTION program_code_revisions_notify();
DROP FUNCTION programs_notify();
