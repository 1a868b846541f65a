#!/usr/bin/env bash
# Build the Debian package from the release binary: target/debian/contactpro_<version>_<arch>.deb.
#   deploy/debian/build.sh            # builds target/release/contactpro first when it is missing
# Installs cargo-deb (crates.io, --locked) and help2man (apt, for the man page) when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "needs root to run: $*" >&2; return 1
  fi
}

CARGO_DEB_VERSION=3.8.0
if ! cargo deb --version >/dev/null 2>&1; then
  echo "installing cargo-deb $CARGO_DEB_VERSION"
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet
fi
if ! command -v help2man >/dev/null; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends help2man >/dev/null
fi

bin=target/release/contactpro
[ -x "$bin" ] || cargo build --release --locked

mkdir -p target/deb
# The shipped configuration with the package's data directory (the unit sets it too, so the
# command-line tools run by an admin find the same one).
sed 's|^data_dir = "./data"$|data_dir = "/var/lib/contactpro"|' contactpro.toml > target/deb/contactpro.toml
grep -q '^data_dir = "/var/lib/contactpro"$' target/deb/contactpro.toml ||
  { echo "contactpro.toml has no 'data_dir = \"./data\"' line to rewrite" >&2; exit 1; }
# The man page is the --help text (with each command's help), so it cannot drift from the binary.
{
  echo "[COMMANDS]"
  for c in serve demo backup restore teams-app openapi health "org list" "org delete" "org export" "org import" "org resume"; do
    echo ".SS \"contactpro $c\""
    echo ".nf"
    # shellcheck disable=SC2086
    "$bin" $c --help | sed -e 's/\\/\\\\/g' -e 's/^\./\\\&./'
    echo ".fi"
  done
  echo "[FILES]"
  echo "/etc/contactpro/contactpro.toml (configuration), /etc/contactpro/contactpro.env (secrets, mode 0600),"
  echo "/var/lib/contactpro (data), /usr/share/doc/contactpro/DEPLOY.md (the administrator's guide)"
} > target/deb/contactpro.h2m
help2man --no-info --no-discard-stderr --section 1 --name "self-hosted shared contact book for Microsoft Teams" \
  --include target/deb/contactpro.h2m "$bin" | gzip -9n > target/deb/contactpro.1.gz

# --no-build: the release binary above (CI built it already for the end-to-end tests).
cargo deb --no-build --locked --output target/debian/
