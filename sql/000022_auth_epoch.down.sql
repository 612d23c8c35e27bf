-- 000022 down: authentication's epoch and the triggers that move it go.
DROP TRIGGER user_rates_auth_epoch_truncate ON user_rates;
DROP TRIGGER user_rates_auth_epoch ON user_rates;
DROP TRIGGER group_policies_auth_epoch_truncate ON group_policies;
DROP TRIGGER group_policies_auth_epoch ON group_policies;
DROP TRIGGER groups_auth_epoch_truncate ON groups;
DROP TRIGGER groups_auth_epoch ON groups;
DROP TRIGGER user_groups_auth_epoch_truncate ON user_groups;
DROP TRIGGER user_groups_auth_epoch ON user_groups;
DROP TRIGGER user_tokens_auth_epoch_truncate ON user_tokens;
DROP TRIGGER user_tokens_auth_epoch ON user_tokens;
DROP TRIGGER users_auth_epoch_truncate ON users;
DROP TRIGGER users_auth_epoch ON users;
DROP FUNCTION selfhost_auth_epoch_bump_now();
DROP FUNCTION selfhost_auth_epoch_bump();
DROP TABLE selfhost_auth_epoch;
