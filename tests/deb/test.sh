#!/usr/bin/env bash
# The Debian package, for real: build it (deploy/debian/build.sh, from target/release), lintian,
# install it with dpkg on this machine, check files, user, modes, conffile, `contactpro --version`
# and `systemd-analyze verify` on the unit, run the server as the package's user, then remove
# (data and configuration stay) and purge (nothing stays, secrets included).
# Needs root (or sudo) and a machine where the package is not installed already.
#   tests/deb/test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "needs root to run: $*" >&2; return 1
  fi
}
fail() { echo "FAIL: $*" >&2; exit 1; }
mode_owner() { as_root stat -c '%a %U:%G' "$1"; }
check_mode() { local got; got=$(mode_owner "$1"); [ "$got" = "$2" ] || fail "$1 is $got, expected $2"; }

if dpkg-query -W -f='${Status}' contactpro 2>/dev/null | grep -q installed; then
  fail "contactpro is installed on this machine already; this test installs and purges it"
fi
for tool in lintian help2man; do
  command -v "$tool" >/dev/null ||
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$tool" >/dev/null
done

# A failed run purges what it installed, so the next run starts clean.
installed_here=0
trap 'rc=$?; if [ "$rc" != 0 ] && [ "$installed_here" = 1 ]; then echo "purging the package after the failure" >&2; as_root dpkg -P contactpro >/dev/null 2>&1 || true; fi' EXIT

echo "== build"
deploy/debian/build.sh
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
deb=$(ls -t target/debian/contactpro_"${version}"*_*.deb | head -1)
[ -f "$deb" ] || fail "no package built"
echo "built $deb ($(du -h "$deb" | cut -f1))"

echo "== the package's unit is the hardened unit, with only the package's paths and user"
diff <(grep -v '^#' deploy/contactpro.service) <(grep -v '^#' deploy/debian/contactpro.service) |
  grep '^[<>]' | sort > /tmp/contactpro-unit.diff || true
cat > /tmp/contactpro-unit.expected <<'X'
< DynamicUser=yes
< ExecStart=/usr/local/bin/contactpro serve --config /etc/contactpro/contactpro.toml
> ExecStart=/usr/bin/contactpro serve --config /etc/contactpro/contactpro.toml
> Group=contactpro
> User=contactpro
X
diff -u /tmp/contactpro-unit.expected /tmp/contactpro-unit.diff || fail "deploy/debian/contactpro.service drifted from deploy/contactpro.service"

echo "== lintian"
# Tags that remain are overridden in the package with the reason (deploy/debian/lintian-overrides,
# explained in docs/DEPLOY.md); anything else fails.
lintian --fail-on error,warning --display-info "$deb" | tee /tmp/contactpro-lintian.txt
if grep -E '^(E|W):' /tmp/contactpro-lintian.txt; then fail "lintian errors or warnings"; fi

echo "== install (dpkg -i)"
installed_here=1
as_root dpkg -i "$deb"
as_root dpkg -i "$deb" >/dev/null # again: the maintainer scripts are idempotent
check_mode /usr/bin/contactpro "755 root:root"
"/usr/bin/contactpro" --version | grep -qx "contactpro $version" || fail "contactpro --version: $(/usr/bin/contactpro --version)"
contactpro org --help | grep -q "export" || fail "org --help does not list export"
getent passwd contactpro >/dev/null || fail "no user contactpro"
uid=$(id -u contactpro)
[ "$uid" -lt 1000 ] || fail "contactpro is not a system user (uid $uid)"
case "$(getent passwd contactpro | cut -d: -f7)" in */nologin|/bin/false) ;; *) fail "contactpro has a login shell";; esac
check_mode /var/lib/contactpro "700 contactpro:contactpro"
check_mode /etc/contactpro "750 root:contactpro"
check_mode /etc/contactpro/contactpro.toml "640 root:contactpro"
dpkg-query -W -f='${Conffiles}\n' contactpro | grep -q '/etc/contactpro/contactpro.toml' || fail "contactpro.toml is not a conffile"
grep -qx 'data_dir = "/var/lib/contactpro"' /etc/contactpro/contactpro.toml || fail "the conffile's data_dir"
unit=$(dpkg -L contactpro | grep '/systemd/system/contactpro.service$')
check_mode "$unit" "644 root:root"
grep -q '^MemoryMax=' "$unit" && grep -q '^User=contactpro$' "$unit" || fail "not the hardened unit"
[ -f /usr/share/man/man1/contactpro.1.gz ] || fail "no man page"
zcat /usr/share/man/man1/contactpro.1.gz | grep -q 'org export' || fail "the man page lacks the commands"
systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
echo "unit: $unit verified"

echo "== run as the package's user"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ -d /run/systemd/system ]; then
  as_root mkdir -p /etc/systemd/system/contactpro.service.d
  printf '[Service]\nEnvironment=CONTACTPRO_SERVER__LISTEN=127.0.0.1:%s\n' "$port" |
    as_root tee /etc/systemd/system/contactpro.service.d/test.conf >/dev/null
  as_root systemctl daemon-reload
  as_root systemctl start contactpro
  stop_server() { as_root systemctl stop contactpro; as_root rm -rf /etc/systemd/system/contactpro.service.d; as_root systemctl daemon-reload; }
else
  # No systemd here (a container): the same command line, as the same user.
  # setpriv execs the server itself (runuser would stay its parent and not pass SIGTERM on).
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO setpriv --reuid=contactpro --regid=contactpro --init-groups \
    env CONTACTPRO_STORAGE__DATA_DIR=/var/lib/contactpro \
    /usr/bin/contactpro serve --config /etc/contactpro/contactpro.toml --listen "127.0.0.1:$port" \
    >/tmp/contactpro-deb-server.log 2>&1 &
  server=$!
  stop_server() {
    # $server is the server itself (as root) or sudo, which passes the signal on.
    as_root kill -TERM "$server"
    wait "$server" 2>/dev/null || true
    if ps -o user= -p "$server" >/dev/null 2>&1; then fail "the server did not stop"; fi
    if curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; then fail "the server still answers"; fi
  }
fi
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat /tmp/contactpro-deb-server.log 2>/dev/null; fail "the installed server does not answer"; }
stop_server
check_mode /var/lib/contactpro/server-key "600 contactpro:contactpro"
check_mode /var/lib/contactpro/orgs "700 contactpro:contactpro"

echo "== remove: data and configuration stay"
echo "# changed by the admin" | as_root tee -a /etc/contactpro/contactpro.toml >/dev/null
printf 'CONTACTPRO_METRICS__TOKEN=secret\n' | as_root tee /etc/contactpro/contactpro.env >/dev/null
as_root chmod 0600 /etc/contactpro/contactpro.env
as_root dpkg -r contactpro
[ ! -e /usr/bin/contactpro ] || fail "the binary is still there after remove"
[ ! -e "$unit" ] || fail "the unit is still there after remove"
[ -f /var/lib/contactpro/server-key ] || fail "remove deleted the data"
grep -q '^# changed by the admin' /etc/contactpro/contactpro.toml || fail "remove lost the admin's configuration"
dpkg-query -W -f='${Status}\n' contactpro | grep -q 'config-files' || fail "not in config-files state after remove"

echo "== reinstall over the kept configuration, then purge: nothing stays"
as_root dpkg -i "$deb" >/dev/null
grep -q '^# changed by the admin' /etc/contactpro/contactpro.toml || fail "reinstall replaced the admin's configuration"
as_root dpkg -P contactpro
for p in /usr/bin/contactpro /etc/contactpro /var/lib/contactpro "$unit" /usr/share/doc/contactpro /usr/share/man/man1/contactpro.1.gz; do
  [ ! -e "$p" ] || fail "$p is still there after purge"
done
if dpkg-query -W -f='${Status}' contactpro 2>/dev/null | grep -q 'config-files\|installed'; then
  fail "dpkg still knows contactpro after purge"
fi
echo "purge left: the system user contactpro (uid $uid, owns no file; Debian practice)"
echo "== deb test passed"
