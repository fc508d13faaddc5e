#!/usr/bin/env python3
"""Compression settings benchmark: `corpus-clean all` at several zstd levels and thread counts.

Runs `corpus-clean all` (release build, default --jobs) over a generated corpus (cached under
.bench/, `--scale 100` by default) with each setting, in rounds that alternate the settings so
that the machine's drift hits all of them alike, and reports the best wall time of each, its
MB/s of input, the best CPU time (user + system: steadier than wall time on a noisy machine),
the size of the output and the peak RSS. Prints a markdown table for
docs/PERFORMANCE.md.

    scripts/bench_zstd.py --scale 100 --rounds 2
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import BIN, ROOT, du, full_corpus  # noqa: E402

SETTINGS = [
    ("--compression none", ["--compression", "none"]),
    ("level 1, 1 thread", ["--zstd-level", "1", "--zstd-threads", "1"]),
    ("level 3, 0 threads", ["--zstd-level", "3", "--zstd-threads", "0"]),
    ("level 3, 1 thread", ["--zstd-level", "3", "--zstd-threads", "1"]),
    ("level 3, 2 threads", ["--zstd-level", "3", "--zstd-threads", "2"]),
    ("level 6, 1 thread", ["--zstd-level", "6", "--zstd-threads", "1"]),
    ("level 9, 1 thread", ["--zstd-level", "9", "--zstd-threads", "1"]),
]


def run(cmd):
    """(wall s, CPU s = user + system, peak RSS MB) of `cmd`, from /usr/bin/time."""
    r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{cmd} failed: {r.stderr[-400:]}")
    wall, user, system, rss = r.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(rss) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "corpus-clean"], cwd=ROOT, check=True,
                   capture_output=True)
    raw = full_corpus(args.scale)
    mb = du(raw) / 1e6
    out = os.path.join(ROOT, ".bench", "zstd-out")
    best = {}
    for _ in range(args.rounds):
        for name, flags in SETTINGS:
            shutil.rmtree(out, ignore_errors=True)
            s, cpu, rss = run([BIN, "all", "--input", raw, "--output", out] + flags)
            size = du(out) / 1e6
            old = best.get(name)
            best[name] = (min(s, old[0]) if old else s, min(cpu, old[1]) if old else cpu, rss, size)
    shutil.rmtree(out, ignore_errors=True)
    print(f"\n{raw}: {mb:.0f} MB of input; best of {args.rounds}\n")
    print("| setting | wall s | MB/s of input | CPU s (user + system) | output MB | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in SETTINGS:
        s, cpu, rss, size = best[name]
        print(f"| {name} | {s:.1f} | {mb / s:.1f} | {cpu:.1f} | {size:.0f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
