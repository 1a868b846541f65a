#!/usr/bin/env bash
# The container recipe (deploy/container/), as far as this machine allows:
#   1. the image's file system (deploy/container/rootfs.sh) runs the server on its own: chroot into
#      it as uid 10001 (the image's user), serve, `contactpro health` says ready, the data directory
#      gets the right owner and modes: so the binary, its libraries and the user are complete;
#   2. buildah (or podman) builds the image from deploy/container/Containerfile, and its
#      configuration says: user 10001, volume /data, health check `contactpro health`, port 8080;
#   3. podman runs the image and its health check passes, where the machine lets podman run
#      containers. Where it cannot (no systemd, no right to set resource limits: our CI
#      containers), step 3 is skipped and says so.
# Needs root (chroot); buildah or podman for steps 2 and 3 (apt-get install buildah podman).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "needs root (chroot)" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
deploy/container/rootfs.sh
T=$(mktemp -d /tmp/contactpro-container.XXXXXX)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$T"' EXIT

echo "== 1. the image's file system runs the server as uid 10001"
cp -a target/container/rootfs "$T/root"
cp -a target/container/data-layer/data "$T/root/data"
chown 10001:10001 "$T/root/data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The image's environment (Containerfile ENV), listening on loopback here instead of 0.0.0.0.
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CONTACTPRO_STORAGE__DATA_DIR=/data CONTACTPRO_SERVER__LISTEN="127.0.0.1:$port" \
  chroot --userspec=10001:10001 "$T/root" /usr/bin/contactpro serve --config /etc/contactpro/contactpro.toml \
  >"$T/server.log" 2>&1 &
server=$!
ok=0
for _ in $(seq 100); do
  if chroot --userspec=10001:10001 "$T/root" /usr/bin/contactpro health --addr "127.0.0.1:$port" 2>/dev/null; then ok=1; break; fi
  sleep 0.1
done
[ "$ok" = 1 ] || { cat "$T/server.log"; fail "the server in the image's file system never became ready"; }
kill "$server"; wait "$server" 2>/dev/null || true; server=""
if chroot --userspec=10001:10001 "$T/root" /usr/bin/contactpro health --addr "127.0.0.1:$port" 2>/dev/null; then
  fail "health says ready with the server stopped"
fi
[ "$(stat -c '%a %u' "$T/root/data")" = "700 10001" ] || fail "/data is $(stat -c '%a %u' "$T/root/data")"
[ "$(stat -c '%a %u' "$T/root/data/server-key")" = "600 10001" ] || fail "server-key mode/owner"
echo "ok: served, ready, stopped; /data 0700 and its files 0600, owned by 10001"

echo "== 2. build the image"
builder=$(command -v buildah || command -v podman || true)
if [ -z "$builder" ]; then
  echo "SKIPPED: neither buildah nor podman is installed"; exit 0
fi
"$builder" build -q --format docker -f deploy/container/Containerfile -t localhost/contactpro-test . >/dev/null
cfg=$(podman image inspect --format '{{.Config.User}}|{{json .Config.Volumes}}|{{json .Config.ExposedPorts}}|{{json .Config.Healthcheck.Test}}' localhost/contactpro-test 2>/dev/null ||
  buildah inspect --type image --format '{{.Docker.Config.User}}|{{json .Docker.Config.Volumes}}|{{json .Docker.Config.ExposedPorts}}|{{json .Docker.Config.Healthcheck.Test}}' localhost/contactpro-test)
echo "image config: $cfg"
[ "$cfg" = '10001:10001|{"/data":{}}|{"8080/tcp":{}}|["CMD","/usr/bin/contactpro","health","--addr","127.0.0.1:8080"]' ] ||
  fail "unexpected image configuration"

echo "== 3. run it"
if ! command -v podman >/dev/null || ! podman run --rm localhost/contactpro-test --version >"$T/podman.log" 2>&1; then
  echo "SKIPPED: podman cannot run containers on this machine: $(grep -v level= "$T/podman.log" | tail -1)"
  exit 0
fi
podman run -d --name contactpro-test -e CONTACTPRO_SERVER__ALLOW_DEMO_ON_NETWORK=true localhost/contactpro-test >/dev/null
trap 'podman rm -f contactpro-test >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
for _ in $(seq 50); do podman healthcheck run contactpro-test >/dev/null 2>&1 && break; sleep 0.2; done
podman healthcheck run contactpro-test || fail "the container's health check fails"
echo "ok: the container runs and its health check passes"
