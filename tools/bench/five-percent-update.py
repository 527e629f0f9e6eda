#!/usr/bin/env python3
"""A deterministic (seeded) "5% update" of a directory tree, for benchmarks and tests.

Edits the content of ~3% of the regular files (append, or overwrite a part), deletes ~1%,
adds new files worth ~1% of the bytes, and chmods/chowns ~1%. Writes the list of files whose
content changed or is new (NUL-separated, relative to DIR) to --changed-list, so the caller can
compute the compressed size of the changed data, and prints a JSON summary on stdout.

usage: five-percent-update.py DIR [--seed N] [--changed-list FILE]
"""
import argparse, json, os, random, stat, sys

WORDS = (b"kernel update rollback snapshot chunk store module driver config service journal "
         b"health device flash partition manifest index pack verify restore boot").split()


def content(rng: random.Random, n: int) -> bytes:
    """Half incompressible bytes, half text-like (compressible ~3x), like a mix of binaries and text."""
    if rng.random() < 0.5:
        return rng.randbytes(n)
    out = bytearray()
    while len(out) < n:
        out += b" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))) + b"\n"
    return bytes(out[:n])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=20240605)
    ap.add_argument("--changed-list", default=None)
    ap.add_argument("--edit", type=float, default=0.03)
    ap.add_argument("--delete", type=float, default=0.01)
    ap.add_argument("--add-bytes", type=float, default=0.01)
    ap.add_argument("--chmod", type=float, default=0.01)
    a = ap.parse_args()
    root = os.path.realpath(a.dir)
    rng = random.Random(a.seed)

    files, dirs, total = [], [], 0
    for d, dn, fn in os.walk(root):
        dn.sort()
        rel_d = os.path.relpath(d, root)
        dirs.append(rel_d)
        for f in sorted(fn):
            p = os.path.join(d, f)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                files.append(os.path.relpath(p, root))
                total += st.st_size
    files.sort()
    dirs.sort()
    n = len(files)
    picked = rng.sample(files, k=max(1, round(n * (a.edit + a.delete + a.chmod))))
    n_edit = max(1, round(n * a.edit))
    n_del = max(1, round(n * a.delete))
    edit, delete, chmod = picked[:n_edit], picked[n_edit:n_edit + n_del], picked[n_edit + n_del:]

    changed, edited_bytes = [], 0
    for rel in edit:
        p = os.path.join(root, rel)
        size = os.path.getsize(p)
        with open(p, "r+b") as f:
            if size == 0 or rng.random() < 0.4:
                data = content(rng, rng.randint(256, 8192))
                f.seek(0, os.SEEK_END)
            else:
                length = min(size, rng.randint(512, 16384))
                f.seek(rng.randint(0, size - length))
                data = content(rng, length)
            f.write(data)
            edited_bytes += len(data)
        changed.append(rel)

    for rel in delete:
        os.unlink(os.path.join(root, rel))

    for rel in chmod:
        p = os.path.join(root, rel)
        st = os.lstat(p)
        if rng.random() < 0.5:
            os.chmod(p, stat.S_IMODE(st.st_mode) ^ 0o020)
        else:
            os.chown(p, 1000, 1000, follow_symlinks=False)
            os.chmod(p, stat.S_IMODE(st.st_mode))  # chown clears setuid: restore the mode as it was

    target, added, new_files = int(total * a.add_bytes), 0, 0
    newdir = os.path.join(root, "usr", "share", "kur-update")
    os.makedirs(newdir, exist_ok=True)
    usable = [d for d in dirs if not d.startswith(("proc", "sys", "dev"))]
    while added < target:
        size = min(target - added, int(rng.choice((1, 4, 16, 64, 256)) * 1024 * rng.uniform(0.5, 1.5)))
        size = max(size, 1)
        d = newdir if rng.random() < 0.5 else os.path.join(root, rng.choice(usable))
        rel = os.path.relpath(os.path.join(d, "kur-new-%05d.bin" % new_files), root)
        with open(os.path.join(root, rel), "wb") as f:
            f.write(content(rng, size))
        changed.append(rel)
        added += size
        new_files += 1

    if a.changed_list:
        with open(a.changed_list, "wb") as f:
            for rel in changed:
                f.write(os.fsencode(rel) + b"\0")
    json.dump({
        "seed": a.seed, "files_before": n, "bytes_before": total,
        "edited": len(edit), "edited_bytes_written": edited_bytes,
        "deleted": len(delete), "chmod_chown": len(chmod),
        "new_files": new_files, "new_bytes": added,
    }, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
