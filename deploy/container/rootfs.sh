#!/usr/bin/env bash
# The image's whole file system, from the release binary: target/container/rootfs/ with
#   /usr/bin/contactpro, the shared libraries `ldd` lists (and the loader), /etc/passwd and
#   /etc/group with the user contactpro (10001), /etc/contactpro/contactpro.toml (the shipped one
#   with data_dir = "/data"), and target/container/data-layer/data (0700; the Containerfile gives
#   it to 10001).
# Used by deploy/container/Containerfile; tests/container/test.sh checks and runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${CONTACTPRO_BIN:-target/release/contactpro}
[ -x "$bin" ] || { echo "no $bin: cargo build --release --locked" >&2; exit 1; }
root=target/container/rootfs
rm -rf "$root" target/container/data-layer
mkdir -p "$root/usr/bin" "$root/etc/contactpro" "$root/tmp" target/container/data-layer/data
install -m 0755 "$bin" "$root/usr/bin/contactpro"
# Every library the binary loads, at the same path (the loader's path is compiled in).
ldd "$bin" | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/nonexistent:/usr/sbin/nologin\ncontactpro:x:10001:10001:contactpro:/data:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\ncontactpro:x:10001:\n' > "$root/etc/group"
sed 's|^data_dir = "./data"$|data_dir = "/data"|' contactpro.toml > "$root/etc/contactpro/contactpro.toml"
grep -q '^data_dir = "/data"$' "$root/etc/contactpro/contactpro.toml"
chmod 0700 target/container/data-layer/data
chmod 1777 "$root/tmp"
echo "rootfs: $(du -sh "$root" | cut -f1) in $root"
