#!/usr/bin/env python3
"""verdict_args.py — no test's `verdict` message holds a command substitution.

`verdict MSG` (tests/integration/lib.sh) passes or fails by `$?`, the
status of the command before it; but bash sets `$?` to the status of the
last command substitution in the call's own words, so `verdict "x $(cmd)"`
tests `cmd`, not the check, and cannot fail where it should. Such a message
goes through `verdict_rc $? "x $(cmd)"`, whose first word is expanded
before the substitution runs. This scanner reads every shell file given
(or under the folders given), follows shell quoting ('…', "…", $(…) nested,
`…`, backslashes) through each `verdict` call's words and names every call
whose words run a command. Exit 1 when one is found.
"""
import os
import re
import sys

CALL = re.compile(r'(?:^|[;&|(]|\bthen|\bdo|\belse)\s*verdict(?=[ \t])', re.M)


def skip_subst(s, i):
    """s[i:] starts just inside $( ; returns the index after its )."""
    depth = 1
    while i < len(s) and depth:
        c = s[i]
        if c == '\\':
            i += 2
            continue
        if c == "'":
            i = s.index("'", i + 1) + 1
            continue
        if c == '"':
            i = skip_dquote(s, i + 1)
            continue
        if s.startswith('$(', i):
            depth += 1
            i += 2
            continue
        if c == ')':
            depth -= 1
        i += 1
    return i


def skip_dquote(s, i, found=None):
    """s[i:] starts just inside "; returns the index after the closing "."""
    while i < len(s):
        c = s[i]
        if c == '\\':
            i += 2
            continue
        if c == '"':
            return i + 1
        if s.startswith('$(', i) and not s.startswith('$((', i):
            if found is not None:
                found.append(i)
            i = skip_subst(s, i + 2)
            continue
        if c == '`':
            if found is not None:
                found.append(i)
            i = s.index('`', i + 1) + 1
            continue
        i += 1
    return i


def call_runs_command(s, i):
    """s[i:] follows the word verdict: does any of its words run a command?"""
    found = []
    while i < len(s) and s[i] not in '\n;&|)':
        c = s[i]
        if c == '\\' and s.startswith('\\\n', i):
            i += 2
        elif c == '\\':
            i += 2
        elif c == "'":
            i = s.index("'", i + 1) + 1
        elif c == '"':
            i = skip_dquote(s, i + 1, found)
        elif s.startswith('$(', i) and not s.startswith('$((', i):
            found.append(i)
            i = skip_subst(s, i + 2)
        elif c == '`':
            found.append(i)
            i = s.index('`', i + 1) + 1
        elif c == '#' and s[i - 1] in ' \t':
            break
        else:
            i += 1
    return bool(found)


def files(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                for n in sorted(names):
                    if n.endswith('.sh'):
                        yield os.path.join(root, n)
        else:
            yield a


def main(argv):
    bad = 0
    checked = 0
    for path in files(argv[1:]):
        text = open(path, encoding='utf-8').read()
        for m in CALL.finditer(text):
            checked += 1
            try:
                runs = call_runs_command(text, m.end())
            except ValueError:  # a quote left open: the shell would refuse it too
                runs = True
            if runs:
                line = text.count('\n', 0, m.end()) + 1
                print(f'{path}:{line}: verdict message runs a command (its status is '
                      f'what gets tested): use verdict_rc $? "…"')
                bad += 1
    print(f'{checked} verdict calls checked, {bad} with a command in the message')
    return 1 if bad or not checked else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
