-- 000003 down: drops user_tokens and users (with the seeded root account).

DROP TABLE IF EXISTS user_tokens;
DROP TABLE IF EXISTS users;
