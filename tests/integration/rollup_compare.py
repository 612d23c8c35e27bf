#!/usr/bin/env python3
"""rollup_compare.py URL DOMAIN TOKEN PGHOST DB SERIES — reads the series
through the API for every precision second ... millennia (second and
minute from the raw points, the others mostly from rollups) in five zones,
each with two of the five aggregates in turn, windows (a year, a ragged
one, 1899-1900 when zones kept their LMT offsets) and filters in turn
(none, ge/le inside, ge > le outside, unit=F), and compares each answer
with PostgreSQL's own GROUP BY over the raw points: the buckets computed
by the expressions of fcgi/tsdata_sql.c, the aggregate, then the unit
conversion and ge/le, as docs/timeseries.md defines them. count, min and
max must be equal, avg and sum within 1e-9 relative (another summation
order), every timestamp the bucket's wall time with the zone's offset
(in whole minutes, as RFC 3339 writes it).
Prints one line per difference and a summary; exits 1 on any."""
import base64, datetime, json, subprocess, sys, urllib.request

url, domain, token, pghost, db, series = sys.argv[1:7]
AUTH = "Basic " + base64.b64encode(("%s:%s" % (domain, token)).encode()).decode()
PRECISIONS = ["second", "minute", "minute5", "minute10", "minute15", "minute20", "minute30", "hour", "day", "week",
              "month", "year", "decade", "century", "millennia"]
ZONES = ["UTC", "Europe/Stockholm", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]
AGGS = ["avg", "min", "max", "sum", "count"]
WINDOWS = [("2021-01-01T00:00:00Z", "2022-01-01T00:00:00Z"),
           ("2021-03-27T13:17:42.5Z", "2021-11-08T02:03:04Z"),
           ("1899-06-01T00:00:00Z", "1900-05-31T00:00:00Z")]


def api(query):
    req = urllib.request.Request("%s/v2/timeseries/%s/data?%s" % (url, series, query),
                                 headers={"Authorization": AUTH})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def bucket_sql(precision, zone):
    """The bucket of ts, as fcgi/tsdata_sql.c computes it."""
    z = "'%s'" % zone
    field = {"millennia": "millennium"}.get(precision, precision)
    if precision in ("day", "week", "month", "year", "decade", "century", "millennia"):
        return "(date_trunc('%s', ts AT TIME ZONE %s) AT TIME ZONE %s)" % (field, z, z)
    local = "(ts AT TIME ZONE %s)" % z
    if precision.startswith("minute") and precision != "minute":
        m = int(precision[6:])
        trunc = ("(date_trunc('hour', %s) + (floor(date_part('minute', %s) / %d) * %d) "
                 "* interval '1 minute')" % (local, local, m, m))
    else:
        trunc = "date_trunc('%s', %s)" % (precision, local)
    return "(ts - (%s - %s))" % (local, trunc)


def raw(precision, zone, agg, start, end):
    sql = ("SELECT extract(epoch FROM b)::float8, extract(epoch FROM (b AT TIME ZONE '%s') - "
           "(b AT TIME ZONE 'UTC'))::int, %s(value)::float8 FROM (SELECT %s AS b, value FROM tsdata "
           "WHERE ts_uuid = '%s' AND ts BETWEEN '%s' AND '%s') t GROUP BY b ORDER BY b"
           % (zone, agg, bucket_sql(precision, zone), series, start, end))
    out = subprocess.run(["psql", "-X", "-q", "-tA", "-F", "|", "-h", pghost, "-U", "postgres",
                          db, "-c", sql], capture_output=True, text=True, check=True).stdout
    return [(float(a), int(o), float(v)) for a, o, v in
            (line.split("|") for line in out.split("\n") if line)]


def parse_ts(s):
    t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return t.timestamp(), int(t.utcoffset().total_seconds())


def main():
    label = sys.argv[7] if len(sys.argv) > 7 else "reads"
    total = bad = i = 0
    for p in PRECISIONS:
        for z in ZONES:
            for k in range(2):
                i += 1
                agg = AGGS[(i + 2 * k) % len(AGGS)]
                start, end = WINDOWS[i % 3] if i % 7 else WINDOWS[2]
                query = "start=%s&end=%s&precision=%s&aggregate=%s&timezone=%s" % (start, end, p, agg, z)
                scale, offset, keep = 1.0, 0.0, lambda v: True
                f = i % 4
                if f == 1:
                    query += "&ge=10&le=60"
                    keep = lambda v: 10 <= v <= 60
                elif f == 2:
                    query += "&ge=60&le=10"
                    keep = lambda v: v >= 60 or v <= 10
                elif f == 3:
                    query += "&unit=F"
                    if agg != "count":
                        scale, offset = 1.8, 32.0
                want = [(e, o, v * scale + offset) for e, o, v in raw(p, z, agg, start, end)]
                want = [w for w in want if keep(w[2])]
                got = [parse_ts(r["ts"]) + (r["v"],) for r in api(query)]
                total += 1
                tol = 1e-9 if agg in ("avg", "sum") or f == 3 else 0.0
                # RFC 3339 offsets have no seconds: an LMT offset such as
                # +01:00:14 is written +01:00 beside the bucket's wall time
                diff = len(got) != len(want) or any(
                    abs((ge + go) - (we + wo)) > 1e-6 or int(go / 60) != int(wo / 60) or
                    abs(gv - wv) > tol * max(1.0, abs(wv))
                    for (ge, go, gv), (we, wo, wv) in zip(got, want))
                if diff:
                    bad += 1
                    first = next((n for n, (g, w) in enumerate(zip(got, want)) if g != w), None)
                    print("  %s: %d buckets, raw %d; first difference at %s: %s vs %s" % (
                        query, len(got), len(want), first,
                        got[first] if first is not None else "-", want[first] if first is not None else "-"))
    print("%s: %d reads compared with PostgreSQL's GROUP BY, %d differ" % (label, total, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
