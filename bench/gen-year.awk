# gen-year.awk — the benchmark data set: N points STEP seconds apart from
# START (Unix seconds), a plausible outdoor temperature in °C (a yearly and a
# daily sine plus noise, two decimals), written as the JSON bodies of
# POST /v2/timeseries/{uuid}/data, CHUNK points per file: OUT-000.json,
# OUT-001.json, … One file name per line on stdout. Deterministic (fixed
# seed), so every run loads the same values. Plain awk (mawk is enough).
#
#   awk -v start=1609459200 -v n=52561 -v step=600 -v chunk=5000 \
#       -v out=/tmp/bench-year -f bench/gen-year.awk
BEGIN {
    pi = atan2(0, -1)
    srand(20210101)
    file = ""
    for (i = 0; i < n; i++) {
        t = start + i * step
        if (i % chunk == 0) {
            if (file != "") { print "]" > file; close(file) }
            file = sprintf("%s-%03d.json", out, i / chunk)
            print file
            printf "[" > file
            sep = ""
        }
        day = (t - 1609459200) / 86400          # days since 2021-01-01
        hour = (t % 86400) / 3600
        v = 7 + 9 * sin(2 * pi * (day - 110) / 365.25) \
              + 3.5 * sin(2 * pi * (hour - 9) / 24) \
              + (rand() + rand() + rand() - 1.5) * 0.8
        printf "%s{\"v\":%.2f,\"ts\":\"%s\"}", sep, v, rfc3339(t) > file
        sep = ","
    }
    if (file != "") { print "]" > file; close(file) }
}

# Unix seconds -> YYYY-MM-DDThh:mm:ssZ (days to civil date, proleptic
# Gregorian; t >= 0).
function rfc3339(t,    s, z, era, doe, yoe, y, doy, mp, d, m) {
    s = t % 86400
    z = int(t / 86400) + 719468
    era = int(z / 146097)
    doe = z - era * 146097
    yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
    y = yoe + era * 400
    doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
    mp = int((5 * doy + 2) / 153)
    d = doy - int((153 * mp + 2) / 5) + 1
    m = mp < 10 ? mp + 3 : mp - 9
    if (m <= 2) y++
    return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
                   int(s / 3600), int(s % 3600 / 60), s % 60)
}
