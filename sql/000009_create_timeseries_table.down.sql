-- 000009 down: drops timeseries (its indexes go with it).

DROP TABLE IF EXISTS timeseries;
