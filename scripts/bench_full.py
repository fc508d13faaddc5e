#!/usr/bin/env python3
"""Full-corpus benchmark: `corpus-clean all` against the machine's limits and the original.

Generates ../shared/tools/gen_raw_corpus.py OUT --scale N once (cached in .bench/; --scale 1000
is about 5 GB and close to the real sizes), builds a release binary, and measures in one run:

  * `corpus-clean all` (JSONL + zstd, default --jobs): wall time, MB/s, peak RSS, and per source
    (from the summary table);
  * `cat` of the whole input to /dev/null (the second of two passes, so from the page cache),
    and `zstd -3 -T0` over the uncompressed output that
    corpus-clean writes with `--compression none`: the machine's limits;
  * the original chinese_chatbot_corpus pipelines on the classic sources, when
    ORIGINAL_CORPUS_REPO names a checkout (codemayq/chinese_chatbot_corpus at a054526);
    otherwise skipped with a message;
  * whether `--jobs 1` and `--jobs 2` give byte-identical output.

    scripts/bench_full.py --scale 1000
"""
import argparse
import filecmp
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "corpus-clean")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import bench  # noqa: E402  (the per-source comparison with the original)
from bench import du, full_corpus, timed  # noqa: E402


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=1000)
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    raw = full_corpus(args.scale)
    mb = du(raw) / 1e6
    print(f"input: {raw} ({mb:.0f} MB)")
    print("| run | seconds | MB/s of input | peak RSS MB |")
    print("|---|---:|---:|---:|")
    # The first pass may read from disk; the second reads the page cache, as every run after it does.
    cat = ["sh", "-c", f"find {raw} -type f -exec cat {{}} + > /dev/null"]
    timed(cat)
    dt, _, _ = timed(cat)
    print(f"| cat of the input (page cache) | {dt:.1f} | {mb / dt:.0f} | |")
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, ".bench")) as tmp:
        dt, rss, err = timed([BIN, "all", "--input", raw, "--output", os.path.join(tmp, "zst")])
        print(f"| corpus-clean all (JSONL + zstd) | {dt:.1f} | {mb / dt:.1f} | {rss:.0f} |")
        table = [l for l in err.splitlines() if l and not l.startswith("warning") and not l.strip().isdigit()]
        dt1, _, _ = timed([BIN, "all", "--input", raw, "--output", os.path.join(tmp, "plain"), "--compression", "none"])
        plain = os.path.join(tmp, "plain")
        plain_mb = du(plain) / 1e6
        files = [os.path.join(d, f) for d, _, fs in os.walk(plain) for f in fs if f.endswith(".jsonl")]
        dtz, _, _ = timed(["sh", "-c", "cat " + " ".join(files) + " | zstd -3 -T0 -q -c > /dev/null"])
        print(f"| corpus-clean all --compression none | {dt1:.1f} | {mb / dt1:.1f} | |")
        print(f"| zstd -3 -T0 over that output ({plain_mb:.0f} MB) | {dtz:.1f} | {mb / dtz:.1f} (input-equivalent) | |")
        j1, j2 = os.path.join(tmp, "j1"), os.path.join(tmp, "j2")
        subprocess.run([BIN, "all", "--input", raw, "--output", j1, "--jobs", "1"], capture_output=True)
        subprocess.run([BIN, "all", "--input", raw, "--output", j2, "--jobs", "2"], capture_output=True)
        print(f"\n--jobs 1 and --jobs 2 byte-identical: {same_tree(j1, j2)}")
        print("\nper source (corpus-clean all, JSONL + zstd):\n" + "\n".join(table))
    ours = {}
    for line in table:
        cols = line.split()
        if len(cols) > 2 and cols[1] == "ok":
            ours[cols[0]] = float(cols[-1])
    repo = os.environ.get("ORIGINAL_CORPUS_REPO")
    if not repo:
        print("\noriginal: skipped (set ORIGINAL_CORPUS_REPO to a checkout of codemayq/chinese_chatbot_corpus at a054526)")
        return
    print("\n| source | input MB | corpus-clean MB/s (in `all`) | original MB/s | original peak RSS MB | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for s in ["xiaohuangji", "qingyun", "chatterbot", "douban", "ptt", "subtitle", "tieba", "weibo"]:
        p = bench.original(s, raw, 1, repo)
        if "error" in p:
            print(f"| {s} | | {ours.get(s, 0):.1f} | {p['error']} | | |")
            continue
        speed = f"{ours[s] / p['mbps']:.1f}x" if s in ours and p["mbps"] > 0 else ""
        print(f"| {s} | {p['mb']:.1f} | {ours.get(s, 0):.1f} | {p['mbps']:.1f} | {p['rss']:.0f} | {speed} |")


if __name__ == "__main__":
    main()
