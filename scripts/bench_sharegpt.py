#!/usr/bin/env python3
"""ShareGPT throughput: corpus-clean against FastChat's clean_sharegpt, same run, same file.

Generates a ShareGPT HTML dump with ../shared/tools/gen_raw_corpus.py (`--only sharegpt`,
cached in .bench/; --scale 250 gives 22,500 conversations, 58 MB), then runs, release build:

  * `corpus-clean run sharegpt --input FILE` (JSONL + zstd, every step);
  * `python3 -m fastchat.data.clean_sharegpt --in-file FILE --out-file OUT` when FastChat is
    importable (`pip install fschat==0.2.36 markdownify==0.11.6 beautifulsoup4 tqdm`),
    otherwise that row says it was skipped;

and prints conversations/s, MB/s and peak RSS of each process, the best of --repeat runs of
each (a single run can be half as fast again: the first one after the dump is written, say).
The two tools run in turn (corpus-clean, FastChat, corpus-clean, …), so that a machine whose
speed drifts within minutes slows both alike; the ratio of each such pair is printed too, with
their median, beside the ratio of the best runs.

    scripts/bench_sharegpt.py [--scale 250] [--repeat 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "tools", "gen_raw_corpus.py")
BIN = os.path.join(ROOT, ".build", "release", "corpus-clean")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from bench import timed  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=250)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each tool, in turn; the fastest is reported")
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    out = os.path.join(ROOT, ".bench", f"sharegpt-scale-{args.scale}")
    path = os.path.join(out, "raw_chat_corpus", "sharegpt", "sg_html.json")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, out, "--scale", str(args.scale), "--only", "sharegpt", "--dirt", "0",
                        "--quiet"], check=True)
    mb = os.path.getsize(path) / 1e6
    conversations = 90 * args.scale
    print("| tool | conversations | input MB | seconds | conversations/s | MB/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        ours_cmd = [BIN, "run", "sharegpt", "--input", path, "--output", os.path.join(tmp, "out")]
        try:
            import fastchat.data.clean_sharegpt  # noqa: F401
            theirs_cmd = [sys.executable, "-m", "fastchat.data.clean_sharegpt", "--in-file", path, "--out-file",
                          os.path.join(tmp, "fastchat.json")]
        except ImportError:
            theirs_cmd = None
        ours_runs, theirs_runs = [], []
        for _ in range(max(1, args.repeat)):
            ours_runs.append(timed(ours_cmd)[:2])
            if theirs_cmd:
                theirs_runs.append(timed(theirs_cmd)[:2])
        dt, rss = min(ours_runs, key=lambda run: run[0])
        print(f"| corpus-clean | {conversations} | {mb:.0f} | {dt:.2f} | {conversations / dt:.0f} | {mb / dt:.1f} | {rss:.0f} |")
        if not theirs_cmd:
            print("| FastChat clean_sharegpt | skipped: pip install fschat==0.2.36 markdownify==0.11.6 beautifulsoup4 tqdm | | | | | |")
            return
        ours_best = dt
        dt, rss = min(theirs_runs, key=lambda run: run[0])
        print(f"| FastChat 0.2.36 clean_sharegpt | {conversations} | {mb:.0f} | {dt:.1f} | {conversations / dt:.0f} | {mb / dt:.1f} | {rss:.0f} |")
        pairs = sorted(t[0] / o[0] for o, t in zip(ours_runs, theirs_runs))
        print()
        print(f"ratio of the best runs: {dt / ours_best:.1f}x; of each pair run in turn: "
              + ", ".join(f"{r:.1f}x" for r in pairs) + f" (median {statistics.median(pairs):.1f}x)")


if __name__ == "__main__":
    main()
