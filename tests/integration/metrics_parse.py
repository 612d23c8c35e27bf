#!/usr/bin/python3
"""metrics_parse.py — reads a Prometheus text exposition (format 0.0.4) on
stdin with the reference parser (prometheus_client.parser, Debian package
python3-prometheus-client) and prints one line per sample:

    NAME|label=value,label=value|VALUE      (labels sorted by name)

so that shell tests can grep exact series. Before printing it checks every
histogram family: for each label set the buckets are non-decreasing in le,
the last is le="+Inf", and it equals _count. It exits 1 with the reason on
stderr when the text does not parse or a histogram is inconsistent."""
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def check_histogram(family):
    series = {}
    for s in family.samples:
        labels = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        entry = series.setdefault(labels, {"buckets": [], "count": None})
        if s.name.endswith("_bucket"):
            entry["buckets"].append((float(s.labels["le"]), s.value))
        elif s.name.endswith("_count"):
            entry["count"] = s.value
    for labels, e in series.items():
        buckets = sorted(e["buckets"])
        if not buckets or not math.isinf(buckets[-1][0]):
            return "%s%s: no le=\"+Inf\" bucket" % (family.name, labels)
        for (_, a), (_, b) in zip(buckets, buckets[1:]):
            if b < a:
                return "%s%s: buckets are not cumulative" % (family.name, labels)
        if e["count"] is None or e["count"] != buckets[-1][1]:
            return "%s%s: _count %s differs from the +Inf bucket %s" % (
                family.name, labels, e["count"], buckets[-1][1])
    return None


def main():
    text = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others
        print("metrics_parse: not the text format: %s" % e, file=sys.stderr)
        return 1
    if not families:
        print("metrics_parse: no metric families", file=sys.stderr)
        return 1
    for f in families:
        if f.type == "histogram":
            problem = check_histogram(f)
            if problem:
                print("metrics_parse: %s" % problem, file=sys.stderr)
                return 1
        for s in f.samples:
            labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
            value = s.value
            if value == int(value):
                value = int(value)
            print("%s|%s|%s" % (s.name, labels, value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
