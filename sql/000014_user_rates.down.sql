-- 000014 down: forget per-user request rates (back to the reference's schema).
DROP TABLE user_rates;
