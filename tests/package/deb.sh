#!/usr/bin/env bash
# deb.sh SRC CACHE — the Debian package as CI builds and installs it:
#   - `dpkg-buildpackage -us -uc -b` in a copy of SRC (its git files,
#     tracked and untracked but not ignored: no build/, var/ or
#     node_modules/; without git, all but those) in a temp dir; lintian on the result, no error;
#   - a clean Debian 12 root by debootstrap (minbase) from the apt mirror
#     of this machine's sources, its base tarball cached in CACHE
#     (--make-tarball once, --unpack-tarball after); the .deb installed in
#     it by apt with its dependencies (plus spawn-fcgi and logrotate, which
#     it recommends, so the units' commands and the logrotate file can be
#     checked);
#   - inside: every binary's --version, selfctl reading the conffile, the
#     man pages, the units (present, every command they run present, none
#     enabled), the conffiles, the selfhost user and the modes of
#     /etc/selfhost, the tmpfiles entry, the web files, logrotate -d;
#   - `apt-get purge` removes it all, user included.
# Prints the build and install times. Needs root, dpkg-dev, debhelper,
# lintian, debootstrap (tests/run.sh installs them).
set -uo pipefail
SRC=$(cd "${1:?usage: deb.sh SRC CACHE}" && pwd)
CACHE=${2:?usage: deb.sh SRC CACHE}
mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)   # debootstrap wants absolute paths
passed=0 failed=0
verdict() { if [ $? -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }
die() { echo "FAIL $*"; failed=$((failed + 1)); finish; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"

TMP=$(mktemp -d /tmp/selfhost-deb.XXXXXX)
ROOT=$TMP/root
cleanup() {
  mountpoint -q "$ROOT/proc" 2>/dev/null && umount "$ROOT/proc"
  rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT

# --- build -------------------------------------------------------------------
VERSION=$(sed -n 's/^project(selfhost VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
deb_version=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
[ -n "$VERSION" ] && [ "$deb_version" = "$VERSION" ]
verdict "debian/changelog's version $deb_version is CMake's $VERSION"

mkdir -p "$TMP/src/selfhost"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$SRC" && git ls-files -co --exclude-standard -z | tar -cf - --null -T -) | tar -xf - -C "$TMP/src/selfhost"
else   # a tree without git: all but what .gitignore names
  tar -C "$SRC" --exclude='./build*' --exclude=./var --exclude=./console/node_modules -cf - . |
    tar -xf - -C "$TMP/src/selfhost"
fi
t0=$(date +%s)
# the copy has no git: --version names the commit through SELFHOST_COMMIT
COMMIT=$(git -C "$SRC" rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
(cd "$TMP/src/selfhost" && SELFHOST_COMMIT=$COMMIT DEB_BUILD_OPTIONS="nocheck parallel=2" \
   dpkg-buildpackage -us -uc -b) \
  > "$TMP/build.log" 2>&1
rc=$?
t_build=$(( $(date +%s) - t0 ))
deb=$TMP/src/selfhost_${deb_version}_$(dpkg --print-architecture).deb
deb_name=${deb##*/}
[ $rc -eq 0 ] && [ -f "$deb" ]; verdict "dpkg-buildpackage -us -uc -b builds $deb_name (${t_build} s)"
[ -f "$deb" ] || { tail -40 "$TMP/build.log"; finish; }

lintian --fail-on error "$TMP"/src/selfhost_*.changes > "$TMP/lintian.log" 2>&1
rc=$?
[ $rc -eq 0 ] && ! grep -q '^E:' "$TMP/lintian.log"; verdict "lintian reports no error"
grep -E '^[EW]:' "$TMP/lintian.log" | sed 's/^/  lintian: /'

# --- a clean Debian 12 root ----------------------------------------------------
# the mirror this machine's apt uses (deb822 URIs: or one-line deb entries)
sources=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null)
MIRROR=$(printf '%s\n' "$sources" | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ')
SECURITY=$(printf '%s\n' "$sources" | grep -oE 'https?://[^ ]+/debian-security/?( |$)' | head -n 1 | tr -d ' ')
[ -n "$MIRROR" ]; verdict "the machine's Debian mirror: ${MIRROR:-none}"
[ -n "$MIRROR" ] || finish
SUITE=bookworm
TARBALL=$CACHE/$SUITE-minbase.tgz
t0=$(date +%s)
if [ ! -s "$TARBALL" ]; then
  debootstrap --variant=minbase --make-tarball="$TARBALL.part" "$SUITE" "$TMP/dl" "$MIRROR" \
    > "$TMP/debootstrap.log" 2>&1 && mv "$TARBALL.part" "$TARBALL"
fi
debootstrap --variant=minbase --unpack-tarball="$TARBALL" "$SUITE" "$ROOT" "$MIRROR" \
  >> "$TMP/debootstrap.log" 2>&1
rc=$?
t_root=$(( $(date +%s) - t0 ))
[ $rc -eq 0 ] && [ -x "$ROOT/usr/bin/apt-get" ]; verdict "debootstrap made a $SUITE root (${t_root} s)"
[ $rc -eq 0 ] || { tail -20 "$TMP/debootstrap.log"; finish; }

{
  echo "deb $MIRROR $SUITE main"
  echo "deb $MIRROR $SUITE-updates main"
  [ -n "$SECURITY" ] && echo "deb $SECURITY $SUITE-security main"
} > "$ROOT/etc/apt/sources.list"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d" && chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOT/proc"
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }
cp "$deb" "$ROOT/tmp/"
t0=$(date +%s)
in_root apt-get update -qq > "$TMP/apt.log" 2>&1 &&
  in_root apt-get install -y -qq --no-install-recommends "/tmp/$deb_name" spawn-fcgi logrotate \
    >> "$TMP/apt.log" 2>&1
rc=$?
t_install=$(( $(date +%s) - t0 ))
[ $rc -eq 0 ]; verdict "apt-get installs the package with its dependencies (${t_install} s)"
[ $rc -eq 0 ] || { tail -30 "$TMP/apt.log"; finish; }

# --- inside --------------------------------------------------------------------
for b in /usr/bin/selfctl /usr/sbin/selfserv /usr/sbin/selfpmgr /usr/sbin/selfpwrk; do
  out=$(in_root "$b" --version 2>&1)
  [[ $out == "${b##*/} $VERSION"*"$COMMIT"* ]]; verdict "${b##*/} --version names $VERSION and commit $COMMIT: $out"
done
in_root selfctl config show > "$TMP/config" 2>&1
grep -q '^server.state_dir *= */run/selfhost' "$TMP/config"
verdict "selfctl config show reads /etc/selfhost/selfhost.conf"

for m in man1/selfctl.1 man8/selfserv.8 man8/selfpmgr.8 man8/selfpwrk.8 man5/selfhost.conf.5; do
  [ -s "$ROOT/usr/share/man/$m.gz" ]; verdict "man page $m"
done
[ -s "$ROOT/usr/share/bash-completion/completions/selfctl" ]; verdict "bash completion for selfctl"

units="selfserv selfserv-webhook selfpmgr selfpwrk"
for u in $units; do
  f=$ROOT/lib/systemd/system/$u.service
  [ -s "$f" ]; verdict "unit $u.service installed"
  # every absolute program path of ExecStart (continuation lines joined)
  progs=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$f" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//' |
          tr ' ' '\n' | grep '^/usr/' | grep -v '^/usr/share' | sort -u)
  missing=""
  for p in $progs; do [ -x "$ROOT$p" ] || missing="$missing $p"; done
  progs=$(printf '%s ' $progs)
  [ -n "$progs" ] && [ -z "$missing" ]; verdict "$u.service runs programs that are there: $progs${missing:+(missing:$missing)}"
  state=$(systemctl --root="$ROOT" is-enabled "$u.service" 2>&1)
  [ "$state" = disabled ]; verdict "$u.service is not enabled ($state)"
done
links=$(find "$ROOT/etc/systemd/system" -name 'self*' 2>/dev/null)
[ -z "$links" ]; verdict "no boot link of a selfhost unit${links:+: $links}"

conffiles=$(in_root dpkg-query -W -f='${Conffiles}' selfhost | awk '{print $1}' | sort | tr '\n' ' ')
[ "$conffiles" = "/etc/logrotate.d/selfhost /etc/selfhost/selfhost.conf " ]
verdict "conffiles: $conffiles"
in_root getent passwd selfhost > "$TMP/passwd"
IFS=: read -r _ _ uid gid _ home shell < "$TMP/passwd"
[ -n "${uid:-}" ] && [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] && [ "$home" = /nonexistent ]
verdict "system user selfhost (uid ${uid:-none}, $shell, home $home)"
[ "$(in_root getent group selfhost | cut -d: -f3)" = "$gid" ]; verdict "its group selfhost"
[ "$(in_root stat -c '%U:%G %a' /etc/selfhost)" = "root:selfhost 750" ] &&
  [ "$(in_root stat -c '%U:%G %a' /etc/selfhost/selfhost.conf)" = "root:selfhost 640" ] &&
  [ "$(in_root stat -c '%U:%G %a' /etc/selfhost/domains.conf)" = "root:selfhost 640" ]
verdict "/etc/selfhost 0750, selfhost.conf and domains.conf 0640, root:selfhost"
grep -v '^#' "$ROOT/usr/lib/tmpfiles.d/selfhost.conf" | grep -q '^d  *\/run\/selfhost  *0710 selfhost www-data'
verdict "tmpfiles entry for /run/selfhost"
[ -s "$ROOT/usr/share/selfhost/www/console/index.html" ] && [ -s "$ROOT/usr/share/selfhost/www/openapi3.json" ]
verdict "the console and /openapi3.json in /usr/share/selfhost/www"
grep -q 'unix:/run/selfhost/selfserv.sock' "$ROOT/usr/share/selfhost/conf/nginx/selfhost.conf" &&
  grep -q '"/usr/sbin/selfserv -c /etc/selfhost/selfhost.conf"' "$ROOT/usr/share/selfhost/conf/lighttpd/selfhost.conf"
verdict "the nginx and lighttpd files in /usr/share/selfhost/conf, pointed at /usr"
in_root logrotate -d /etc/logrotate.d/selfhost > "$TMP/logrotate.log" 2>&1 &&
  ! grep -qi error "$TMP/logrotate.log"
verdict "logrotate -d accepts /etc/logrotate.d/selfhost"
[ -d "$ROOT/var/log/selfhost" ]; verdict "/var/log/selfhost made"

# --- purge ---------------------------------------------------------------------
in_root apt-get purge -y -qq selfhost > "$TMP/purge.log" 2>&1
rc=$?
[ $rc -eq 0 ]; verdict "apt-get purge selfhost succeeds"
[ $rc -eq 0 ] || tail -20 "$TMP/purge.log"
left=""
for p in /etc/selfhost /etc/logrotate.d/selfhost /usr/sbin/selfserv /usr/bin/selfctl /usr/lib/selfhost \
         /lib/systemd/system/selfserv.service /usr/share/selfhost /var/log/selfhost; do
  [ -e "$ROOT$p" ] && left="$left $p"
done
[ -z "$left" ]; verdict "purge leaves no file behind${left:+:$left}"
! in_root getent passwd selfhost >/dev/null && ! in_root getent group selfhost >/dev/null
verdict "purge removes the selfhost user and group"
! in_root dpkg-statoverride --list | grep -q selfhost; verdict "purge removes the statoverride entries"
[ -z "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' selfhost 2>/dev/null | tr -d ' ')" ] ||
  [ "$(in_root dpkg-query -W -f='${db:Status-Abbrev}' selfhost 2>/dev/null | tr -d ' ')" = pn ]
verdict "dpkg knows the package as purged"

echo "package.deb: build ${t_build} s, install ${t_install} s"
finish
