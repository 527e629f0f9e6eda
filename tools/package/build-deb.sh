#!/usr/bin/env bash
# Builds a Debian package of rollbackctl: the NativeAOT binary, an example config, the systemd units and the store
# directory (0700). Usage: bash tools/package/build-deb.sh [--arch amd64|arm64] [OUTPUT_DIR]   (default: ./dist)
# --arch arm64 on an amd64 machine cross-compiles (clang + lld and the aarch64 cross libc: see
# tools/scripts/arm64-smoke.sh, which installs them and proves the binary under qemu).
# Prints the path of the .deb. Install with: dpkg -i dist/rollbackctl_*.deb
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
host=$(dpkg --print-architecture)
arch=$host
if [ "${1:-}" = --arch ]; then
  arch=${2:?--arch needs amd64 or arm64}
  shift 2
fi
out=$(mkdir -p "${1:-$repo/dist}" && cd "${1:-$repo/dist}" && pwd)
case "$arch" in
  amd64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "build-deb.sh: no .NET runtime identifier for Debian architecture $arch" >&2; exit 2 ;;
esac
cross=()
[ "$arch" = "$host" ] || cross=(-p:CppCompilerAndLinker=clang -p:LinkerFlavor=lld)
# Outside a git checkout (a source tarball) the version is 0.1.0+local; pipefail must not end the script there.
version=$( (git -C "$repo" describe --tags --always 2>/dev/null || true) | sed 's/^v//; s/[^A-Za-z0-9.+~]/./g')
version="0.1.0+${version:-local}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet publish "$repo/tools/rollbackctl" -c Release -r "$rid" "${cross[@]}" -o "$work/publish" >&2
root="$work/root"
install -D -m 0755 "$work/publish/rollbackctl" "$root/usr/bin/rollbackctl"
install -D -m 0644 "$repo/tools/package/rollback.json.example" "$root/usr/share/doc/rollbackctl/examples/rollback.json"
install -D -m 0644 "$repo/tools/systemd/rollback-monitor.service" "$root/lib/systemd/system/rollback-monitor.service"
install -D -m 0644 "$repo/tools/systemd/rollback-boot-check.service" "$root/lib/systemd/system/rollback-boot-check.service"
install -D -m 0644 "$repo/README.md" "$root/usr/share/doc/rollbackctl/README.md"
install -d -m 0700 "$root/var/lib/rollback"
install -d -m 0755 "$root/etc/rollback"

mkdir -p "$root/DEBIAN"
size=$(du -sk "$root" | cut -f1)
# libssl: .NET's SHA-256 (every chunk's identity) is OpenSSL's, loaded at run time, so ldd does not show it.
cat > "$root/DEBIAN/control" <<CONTROL
Package: rollbackctl
Version: $version
Architecture: $arch
Maintainer: Kernel.Update.Rollback developers <rollback@localhost>
Installed-Size: $size
Depends: libc6, libzstd1, libssl3 | libssl3t64 | libssl1.1
Recommends: systemd
Section: admin
Priority: optional
Description: recovery points and crash-safe rollback for embedded Linux updates
 rollbackctl takes verified, deduplicated, compressed recovery points of a device's
 components (kernel partition, modules, configuration, services, data), rolls them back
 in dependency order through a journaled phase machine, watches health and rolls back
 automatically, and protects boots of unconfirmed updates.
CONTROL
# The config is the administrator's: installed only as an example, never overwritten.
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  chmod 0700 /var/lib/rollback
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
  fi
  if [ ! -e /etc/rollback/rollback.json ]; then
    echo "rollbackctl: write /etc/rollback/rollback.json (see /usr/share/doc/rollbackctl/examples/rollback.json)," >&2
    echo "then: systemctl enable --now rollback-boot-check.service rollback-monitor.service" >&2
  fi
fi
POSTINST
cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl disable --now rollback-monitor.service rollback-boot-check.service 2>/dev/null || true
fi
PRERM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"

deb="$out/rollbackctl_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >&2
echo "$deb"
