#!/usr/bin/env bash
# Adds to a tree (typically a debootstrap minbase root) what it lacks, for fidelity tests:
# hard links, a file capability, POSIX ACLs (access and default), user.* xattrs (text, binary,
# empty), a sparse file, setuid/setgid/sticky modes, a FIFO, device nodes, symlinks (to a dir,
# dangling, absolute), odd file names, an empty directory, a 0700 directory owned by 1234:5678,
# nanosecond mtimes, a zero-length file, a 5 MiB random file, a 20 MiB compressible file, and a
# socket (the engine skips sockets with a warning; TreeComparer ignores them).
#
#   enrich-tree.sh DIR      everything goes under DIR/kur-enrich (recreated if present)
#
# Deterministic: the same content every run (seeded generators). Needs root (chown, mknod,
# setcap). Exit codes: 0 ok; 2 usage; 4 a facility is missing (not root, a tool missing).
set -euo pipefail

die() { local code=$1; shift; echo "enrich-tree.sh: $*" >&2; exit "$code"; }

[[ $# -eq 1 && -d "$1" ]] || die 2 "usage: enrich-tree.sh DIR (an existing directory)"
[[ $(id -u) -eq 0 ]] || die 4 "needs root (chown, mknod, setcap)"
PATH="$PATH:/usr/sbin:/sbin"

PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3 || true)
[[ -n "$PY" ]] || die 4 "python3 is missing"

need() {  # need TOOL PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "enrich-tree.sh: $1 is missing; installing $2" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2 || die 4 "$1 is missing and $2 could not be installed"
}
need setcap libcap2-bin
need setfacl acl
need setfattr attr

ROOT=$(realpath "$1")
E="$ROOT/kur-enrich"
rm -rf --one-file-system "$E"
mkdir -p "$E"
cd "$E"

readonly NS_TIME='@1700000000.123456789'

# --- hard links: one inode, three names, across directories
mkdir -p links/a links/b
printf 'one inode, three names\n' > links/a/one
ln links/a/one links/b/two
ln links/a/one three-hardlink

# --- a file capability on a copy of a binary
mkdir -p bin
src="$ROOT/usr/bin/true"; [[ -f "$src" ]] || src=/usr/bin/true
cp "$src" bin/cap-true
chmod 0755 bin/cap-true
setcap cap_net_raw+ep bin/cap-true

# --- POSIX ACLs: an access ACL on a file, a default ACL on a directory (and a file inheriting it)
mkdir -p acl/default-dir
printf 'acl\n' > acl/file-with-acl
setfacl -m u:1234:rw-,g:5678:r--,m::rw- acl/file-with-acl
setfacl -d -m u:1234:rwx,g::r-x,o::--- acl/default-dir
setfacl -m u:1234:r-x acl/default-dir
printf 'inherits the default ACL\n' > acl/default-dir/inherited

# --- user.* xattrs: text, binary, empty; on a file and a directory
mkdir -p xattr/dir-with-xattr
printf 'xattrs\n' > xattr/file
setfattr -n user.text -v 'hello, world' xattr/file
setfattr -n user.binary -v 0x00ff7f80010203fe0a0d00 xattr/file
setfattr -n user.empty xattr/file
setfattr -n user.comment -v 'on a directory' xattr/dir-with-xattr
setfattr -n user.big -v "$(printf 'a%.0s' {1..2048})" xattr/file

# --- a sparse file: 64 MiB apparent, data at 0, 10 MiB and near the end
mkdir -p sparse
"$PY" - sparse/sparse-64M <<'PY'
import sys, random
r = random.Random(64)
with open(sys.argv[1], "wb") as f:
    f.truncate(64 << 20)
    for off, n in ((0, 8192), (10 << 20, 65536), ((64 << 20) - 12288, 4096)):
        f.seek(off); f.write(r.randbytes(n))
PY

# --- modes: setuid, setgid, sticky
mkdir -p modes/sticky-dir modes/setgid-dir
cp "$src" modes/setuid-bin;  chmod 4755 modes/setuid-bin
cp "$src" modes/setgid-bin;  chown 0:5678 modes/setgid-bin; chmod 2755 modes/setgid-bin
printf 'x\n' > modes/suid-sgid-sticky-file; chmod 7644 modes/suid-sgid-sticky-file
chmod 1777 modes/sticky-dir
chmod 2775 modes/setgid-dir
printf 'odd mode\n' > modes/mode-0401; chmod 0401 modes/mode-0401

# --- special files: FIFO, char and block devices
mkdir -p special
mkfifo -m 0620 special/fifo
mknod -m 0666 special/char-null c 1 3
mknod -m 0660 special/block-loop b 7 200
mknod -m 0600 special/char-big c 4095 1048575   # large major:minor

# --- symlinks: to a directory, dangling, absolute target, relative climbing
mkdir -p symlinks
ln -s ../links symlinks/to-dir
ln -s does/not/exist symlinks/dangling
ln -s /usr/lib/os-release symlinks/absolute
ln -s ../../etc symlinks/climbing

# --- odd names
mkdir -p names
printf 'space\n'   > "names/with space"
printf 'newline\n' > "names/new"$'\n'"line"
printf 'utf8\n'    > "names/ünïcödé-日本語-ελληνικά"
printf 'dash\n'    > "names/-leading-dash"
printf 'tab\n'     > "names/tab"$'\t'"here"
printf 'bs\n'      > "names/back\\slash"
printf 'star\n'    > "names/star*question?[brackets]"
mkdir -p "names/dir with space/-dash dir"
printf 'nested\n' > "names/dir with space/-dash dir/nested file"

# --- empty directory, private directory owned by 1234:5678
mkdir -p empty-dir
mkdir -p private
printf 'secret\n' > private/secret
chown 1234:5678 private/secret
chmod 0600 private/secret
chown 1234:5678 private
chmod 0700 private

# --- sizes: zero-length, 5 MiB random, 20 MiB compressible (seeded, deterministic)
mkdir -p data
: > data/zero-length
"$PY" - data/random-5M data/compressible-20M <<'PY'
import sys, random
r = random.Random(5)
with open(sys.argv[1], "wb") as f:
    f.write(r.randbytes(5 << 20))
r = random.Random(20)
words = [b"kernel", b"update", b"rollback", b"snapshot", b"chunk", b"store", b"module",
         b"driver", b"config", b"service", b"journal", b"health", b"device", b"flash"]
out = bytearray()
i = 0
while len(out) < (20 << 20):
    out += b"%08d " % i + b" ".join(r.choice(words) for _ in range(10)) + b"\n"
    i += 1
with open(sys.argv[2], "wb") as f:
    f.write(out[: 20 << 20])
PY

# --- a socket (skipped by the engine with a warning; ignored by TreeComparer)
"$PY" -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' special/socket

# --- nanosecond mtimes: some files and a symlink now; all directories last (their mtimes change
#     whenever an entry is created inside)
find "$E" ! -type d -exec touch -h -d '@1699999999.987654321' {} +
touch -d "$NS_TIME" data/zero-length data/random-5M links/a/one "names/with space"
touch -h -d '@1600000000.000000001' symlinks/absolute
touch -d '@1500000000.999999999' xattr/file
find "$E" -depth -type d -exec touch -d "$NS_TIME" {} +
touch -d "$NS_TIME" "$ROOT"

echo "enrich-tree.sh: enriched $ROOT (under kur-enrich/)" >&2
