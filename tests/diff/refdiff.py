#!/usr/bin/env python3
"""refdiff.py - run the same requests against two Self-host API servers and
compare what they answer.

    refdiff.py --ours URL DOMAIN TOKEN --ref URL DOMAIN TOKEN [--cases FILE]
               [--only SUBSTR] [--verbose] [--json OUT] [--record FILE]
    refdiff.py --ours URL DOMAIN TOKEN --replay FILE [...]

Both servers must already be running: this tool never builds, starts or
fetches anything.  Cases are read from cases.jsonl (one JSON object a line,
'#' lines and blank lines skipped); see README.md for the format.
--record FILE keeps what the reference answered to every case; --replay FILE
compares ours with such a recording instead of a running reference, which is
how the test suite keeps what was learned from the reference
(tests/integration/test_refdiff.sh, with tests/diff/reference_answers.json).
Exit status: 0 when every difference is a known one, 1 when any case differs
in an unknown way (or could not be run), 2 for bad usage or a bad case file.
"""

import argparse
import base64
import json
import math
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid as uuidlib

REL_TOL = 1e-6
VAR_RE = re.compile(r"\{\{([A-Za-z0-9_.]+)\}\}")
CASE_KEYS = {
    "name", "method", "path", "query", "body", "raw", "content_type",
    "headers", "auth", "save", "ignore", "unordered", "select", "known",
    "expect", "compare", "note", "set",
}


class Server:
    def __init__(self, label, url, domain, token, run_id):
        self.label = label
        self.url = url.rstrip("/")
        self.domain = domain
        self.token = token
        self.vars = {"run": run_id, "domain": domain, "token": token,
                     "root_uuid": "00000000-0000-1000-8000-000000000000"}
        self.missing = set()

    # substitute {{name}} in a string with this server's variables
    def subst(self, value):
        if isinstance(value, str):
            m = VAR_RE.fullmatch(value)
            if m and m.group(1) in self.vars and not isinstance(self.vars[m.group(1)], str):
                return self.vars[m.group(1)]  # whole-string non-string variable
            def rep(m):
                k = m.group(1)
                if k in self.vars:
                    return str(self.vars[k])
                self.missing.add(k)
                return "MISSING-" + k
            return VAR_RE.sub(rep, value)
        if isinstance(value, list):
            return [self.subst(v) for v in value]
        if isinstance(value, dict):
            return {self.subst(k): self.subst(v) for k, v in value.items()}
        return value

    def request(self, case):
        method = case.get("method", "GET").upper()
        path = self.subst(case["path"])
        query = case.get("query")
        if query is not None:
            pairs = []
            for k, v in self.subst(query).items():
                for item in (v if isinstance(v, list) else [v]):
                    pairs.append((k, item))
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(pairs)
        headers = {k: self.subst(v) for k, v in case.get("headers", {}).items()}
        data = None
        if "body" in case:
            data = json.dumps(self.subst(case["body"])).encode()
            headers.setdefault("Content-Type", "application/json")
        elif "raw" in case:
            data = self.subst(case["raw"]).encode()
            headers.setdefault("Content-Type", case.get("content_type", "text/plain"))
        auth = case.get("auth", "default")
        if auth == "default":
            cred = (self.domain, self.token)
        elif auth == "none":
            cred = None
        else:
            cred = (self.subst(auth.get("domain", "{{domain}}")), self.subst(auth["token"]))
        if cred is not None:
            raw = ("%s:%s" % cred).encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, rh, body = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, rh, body = e.code, e.headers, e.read()
        except (urllib.error.URLError, OSError) as e:
            return {"status": None, "error": str(e), "body": b"", "ctype": "", "ms": 0}
        return {"status": status, "body": body, "ctype": rh.get("Content-Type", ""),
                "headers": dict(rh.items()), "ms": int((time.monotonic() - t0) * 1000)}


class Replay(Server):
    """The reference as recorded by --record: the same variables, every
    response read from the recording instead of the network."""
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            rec = json.load(f)
        super().__init__("ref", rec["url"], rec["domain"], rec["token"], run_id=rec["run"])
        self.responses = rec["responses"]

    def request(self, case):
        r = self.responses.get(case["name"])
        if r is None:
            return {"status": None, "error": "no recorded answer (record again)", "body": b"",
                    "ctype": "", "ms": 0}
        body = base64.b64decode(r["body_b64"]) if "body_b64" in r else r["body"].encode()
        return {"status": r["status"], "body": body, "ctype": r["ctype"],
                "headers": r["headers"], "ms": 0}


def recorded(resp):
    """A response as --record keeps it (the headers a case may save)."""
    keep = {k: v for k, v in resp.get("headers", {}).items() if k.lower() not in ("date",)}
    out = {"status": resp["status"], "ctype": resp["ctype"], "headers": keep}
    try:
        out["body"] = resp["body"].decode("utf-8")
    except UnicodeDecodeError:
        out["body_b64"] = base64.b64encode(resp["body"]).decode()
    return out


# ---------------------------------------------------------------- JSON paths
# A path is dot-separated: "uuid", "0.data.3.v", "*.created", "" (the root).
def split_path(path):
    return [] if path in ("", ".") else path.split(".")


def get_path(doc, path):
    cur = doc
    for part in split_path(path):
        if isinstance(cur, list):
            try:
                cur = cur[int(part)]
            except (ValueError, IndexError):
                raise KeyError(path)
        elif isinstance(cur, dict):
            if part not in cur:
                raise KeyError(path)
            cur = cur[part]
        else:
            raise KeyError(path)
    return cur


def path_matches(pattern, path_parts):
    pp = split_path(pattern)
    if len(pp) != len(path_parts):
        return False
    return all(a == "*" or a == str(b) for a, b in zip(pp, path_parts))


def drop_paths(doc, patterns, here=()):
    """Replace every node whose path matches one of the patterns by a marker."""
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            p = here + (k,)
            if any(path_matches(pat, p) for pat in patterns):
                out[k] = "<ignored>"  # the key must still be there
                continue
            out[k] = drop_paths(v, patterns, p)
        return out
    if isinstance(doc, list):
        out = []
        for i, v in enumerate(doc):
            p = here + (str(i),)
            if any(path_matches(pat, p) for pat in patterns):
                out.append("<ignored>")
                continue
            out.append(drop_paths(v, patterns, p))
        return out
    return doc


def normalise(doc, srv):
    """Replace values this server created (saved variables) by their names."""
    names = sorted(((str(v), k) for k, v in srv.vars.items()
                    if isinstance(v, str) and len(v) >= 8 and k not in ("domain",)),
                   key=lambda t: -len(t[0]))
    def walk(x):
        if isinstance(x, str):
            for val, name in names:
                if val in x:
                    x = x.replace(val, "{{%s}}" % name)
            return x
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, dict):
            return {walk(k): walk(v) for k, v in x.items()}
        return x
    return walk(doc)


# ------------------------------------------------------------- comparison
def num_equal(a, b):
    if a == b:
        return True
    if math.isnan(a) or math.isnan(b):
        return False
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def compare(a, b, unordered, here=()):
    """Return None when equal, else a string naming the first difference."""
    where = ".".join(map(str, here)) or "(root)"
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else "%s: %r vs %r" % (where, a, b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return None if num_equal(float(a), float(b)) else "%s: %r vs %r" % (where, a, b)
    if type(a) != type(b):
        return "%s: %s vs %s" % (where, short(a), short(b))
    if isinstance(a, dict):
        ka, kb = set(a), set(b)
        if ka != kb:
            return "%s: keys only in ours %s, only in ref %s" % (
                where, sorted(ka - kb), sorted(kb - ka))
        for k in sorted(a):
            d = compare(a[k], b[k], unordered, here + (k,))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d items vs %d items" % (where, len(a), len(b))
        if any(path_matches(p, here) for p in unordered):
            left = list(b)
            for i, x in enumerate(a):
                for j, y in enumerate(left):
                    if compare(x, y, unordered, here + ("*",)) is None:
                        del left[j]
                        break
                else:
                    return "%s (unordered): our item %s has no match in ref" % (where, short(x))
            return None
        for i, (x, y) in enumerate(zip(a, b)):
            d = compare(x, y, unordered, here + (str(i),))
            if d:
                return d
        return None
    return None if a == b else "%s: %s vs %s" % (where, short(a), short(b))


def short(x, n=200):
    s = json.dumps(x, ensure_ascii=False, sort_keys=True) if not isinstance(x, str) else repr(x)
    return s if len(s) <= n else s[:n] + "..."


def parse_json(resp):
    body = resp["body"]
    if not body.strip():
        return None, False
    try:
        return json.loads(body.decode("utf-8")), True
    except (UnicodeDecodeError, ValueError):
        return None, False


def media_type(resp):
    return resp["ctype"].split(";")[0].strip().lower()


def is_json_error(doc, status):
    return (isinstance(doc, dict) and set(doc) == {"code", "message"}
            and doc.get("code") == status and isinstance(doc.get("message"), str))


def apply_select(doc, sel, srv):
    """Keep only the list items a case cares about (lists on a shared
    database hold other people's objects too)."""
    if not sel:
        return doc
    try:
        lst = get_path(doc, sel.get("path", ""))
    except KeyError:
        return doc
    if not isinstance(lst, list):
        return doc
    field = sel.get("field", "uuid")
    def keep(item):
        if not isinstance(item, dict) or field not in item:
            return False
        v = str(item[field])
        if "contains" in sel:
            return srv.subst(sel["contains"]) in v
        if sel.get("in_vars"):
            return v in {str(x) for x in srv.vars.values()}
        if "in" in sel:
            return v in [str(srv.subst(x)) for x in sel["in"]]
        return True
    kept = [x for x in lst if keep(x)]
    parts = split_path(sel.get("path", ""))
    if not parts:
        return kept
    parent = get_path(doc, ".".join(parts[:-1]))
    if isinstance(parent, list):
        parent[int(parts[-1])] = kept
    else:
        parent[parts[-1]] = kept
    return doc


def body_view(resp, limit=600):
    b = resp["body"]
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        s = repr(b)
    s = s.strip().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return s if len(s) <= limit else s[:limit] + "...(%d bytes)" % len(b)


def judge(case, ro, rr, ours, ref):
    """Compare two responses; return (equal, reason)."""
    if ro["status"] is None or rr["status"] is None:
        return False, "request failed: ours=%s ref=%s" % (ro.get("error"), rr.get("error"))
    if ro["status"] != rr["status"]:
        return False, "status %s vs %s" % (ro["status"], rr["status"])
    mode = case.get("compare", "body")
    if mode == "status":
        return True, ""
    jo, okj_o = parse_json(ro)
    jr, okj_r = parse_json(rr)
    if ro["status"] >= 400:
        # the reference's plain-text errors vs our JSON error object: equal
        # when the status is (docs/compatibility.md, "Error bodies"); ours
        # must be that JSON object, whatever the reference sent
        if not (is_json_error(jo, ro["status"]) and media_type(ro) == "application/json"):
            return False, "our error body is not {\"code\": %s, \"message\": ...} as application/json" % ro["status"]
        if not okj_r or is_json_error(jr, rr["status"]):
            return True, ""
    elif ro["body"].strip() and rr["body"].strip() and media_type(ro) != media_type(rr):
        return False, "Content-Type %r vs %r" % (ro["ctype"], rr["ctype"])
    if okj_o != okj_r:
        if not ro["body"].strip() and not rr["body"].strip():
            return True, ""
        return False, "body: %s vs %s" % ("JSON" if okj_o else "not JSON", "JSON" if okj_r else "not JSON")
    if not okj_o:
        to = normalise(ro["body"].decode("utf-8", "replace").strip(), ours)
        tr = normalise(rr["body"].decode("utf-8", "replace").strip(), ref)
        if to == tr:
            return True, ""
        return False, "text bodies differ"
    ign = [ours.subst(p) for p in case.get("ignore", [])]
    jo = apply_select(normalise(jo, ours), case.get("select"), ours)
    jr = apply_select(normalise(jr, ref), case.get("select"), ref)
    jo, jr = drop_paths(jo, ign), drop_paths(jr, ign)
    d = compare(jo, jr, case.get("unordered", []))
    return (d is None), (d or "")


def save_vars(case, resp, srv):
    problems = []
    doc, ok = parse_json(resp)
    for name, path in case.get("save", {}).items():
        if path.startswith("header:"):
            v = resp.get("headers", {}).get(path[7:])
            if v is None:
                problems.append("%s: no header %s" % (name, path[7:]))
            else:
                srv.vars[name] = v
            continue
        if not ok:
            problems.append("%s: body is not JSON" % name)
            continue
        try:
            srv.vars[name] = get_path(doc, path)
        except KeyError:
            problems.append("%s: no %r in body" % (name, path))
    return problems


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            try:
                c = json.loads(s)
            except ValueError as e:
                sys.exit("%s:%d: %s" % (path, n, e))
            bad = set(c) - CASE_KEYS
            if bad or "name" not in c or ("path" not in c and "set" not in c):
                sys.exit("%s:%d: bad case (unknown keys %s, or no name/path)" % (path, n, sorted(bad)))
            c["_line"] = n
            cases.append(c)
    names = [c["name"] for c in cases]
    dup = {x for x in names if names.count(x) > 1}
    if dup:
        sys.exit("%s: duplicate case names %s" % (path, sorted(dup)))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", nargs=3, metavar=("URL", "DOMAIN", "TOKEN"), required=True)
    ref_from = ap.add_mutually_exclusive_group(required=True)
    ref_from.add_argument("--ref", nargs=3, metavar=("URL", "DOMAIN", "TOKEN"))
    ref_from.add_argument("--replay", default=None, help="compare with the reference's answers recorded in this file")
    ap.add_argument("--record", default=None, help="write what the reference answered to this file")
    ap.add_argument("--cases", default=None, help="case file (default: cases.jsonl beside this script)")
    ap.add_argument("--only", default=None, help="run only cases whose name contains this (plus the cases they need is up to you)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print both responses of every case")
    ap.add_argument("--json", default=None, help="write the results as JSON to this file")
    a = ap.parse_args()
    if a.cases is None:
        import os
        a.cases = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.jsonl")
    cases = load_cases(a.cases)
    run_id = "rd" + uuidlib.uuid4().hex[:10]
    ours = Server("ours", *a.ours, run_id=run_id)
    ref = Replay(a.replay) if a.replay else Server("ref", *a.ref, run_id=run_id)
    recording = {}
    counts = {"same": 0, "known": 0, "different": 0, "known-but-same": 0}
    results = []
    print("refdiff: run %s, %d cases, ours=%s ref=%s" % (run_id, len(cases), ours.url, ref.url))
    for c in cases:
        if a.only and a.only not in c["name"]:
            continue
        if "set" in c:  # a case that only defines variables (same on both)
            for k, v in c["set"].items():
                ours.vars[k] = ours.subst(v)
                ref.vars[k] = ref.subst(v)
            continue
        ours.missing.clear(); ref.missing.clear()
        ro = ours.request(c)
        rr = ref.request(c)
        if rr["status"] is not None:
            recording[c["name"]] = recorded(rr)
        missing = sorted(ours.missing | ref.missing)
        problems = ["ours " + p for p in save_vars(c, ro, ours)] + \
                   ["ref " + p for p in save_vars(c, rr, ref)] if ro["status"] and rr["status"] else []
        equal, why = judge(c, ro, rr, ours, ref)
        notes = []
        if missing:
            notes.append("unset variables: " + ", ".join(missing))
        if problems:
            notes.append("save: " + "; ".join(problems))
        if "expect" in c and rr["status"] != c["expect"]:
            notes.append("reference answered %s, the case expects %s" % (rr["status"], c["expect"]))
        if equal and not missing:
            if "known" in c:
                verdict = "KNOWN-BUT-SAME"; counts["known-but-same"] += 1
            else:
                verdict = "SAME"; counts["same"] += 1
        elif "known" in c:
            verdict = "KNOWN"; counts["known"] += 1
        else:
            verdict = "DIFF"; counts["different"] += 1
        line = "%-14s %-48s %s %s" % (verdict, c["name"], ro["status"], rr["status"])
        if verdict != "SAME" and why:
            line += "  " + why
        print(line)
        for n in notes:
            print("               note: " + n)
        if verdict == "KNOWN":
            print("               known: " + c["known"])
        if verdict == "DIFF" and "note" in c:
            print("               case note: " + c["note"])
        if verdict == "DIFF" or a.verbose:
            print("               %s %s" % (c.get("method", "GET"), c["path"]))
            print("               ours: %s %s | %s" % (ro["status"], ro["ctype"], body_view(ro)))
            print("               ref:  %s %s | %s" % (rr["status"], rr["ctype"], body_view(rr)))
        results.append({"name": c["name"], "verdict": verdict, "reason": why, "notes": notes,
                        "ours": {"status": ro["status"], "body": body_view(ro, 4000)},
                        "ref": {"status": rr["status"], "body": body_view(rr, 4000)}})
    total = sum(counts.values())
    print("\nrefdiff: %d cases: %d same, %d known, %d different%s" % (
        total, counts["same"], counts["known"], counts["different"],
        (", %d marked known but now the same" % counts["known-but-same"]) if counts["known-but-same"] else ""))
    if a.record:
        with open(a.record, "w", encoding="utf-8") as f:
            json.dump({"url": ref.url, "domain": ref.domain, "token": ref.token,
                       "run": ref.vars["run"], "responses": recording},
                      f, indent=0, ensure_ascii=False, sort_keys=True)
            f.write("\n")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"run": run_id, "counts": counts, "results": results}, f, indent=1, ensure_ascii=False)
    return 1 if counts["different"] else 0


if __name__ == "__main__":
    sys.exit(main())
