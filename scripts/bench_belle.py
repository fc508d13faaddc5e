#!/usr/bin/env python3
"""BELLE throughput: corpus-clean against a Python json.loads/json.dumps loop, same run.

Generates BELLE JSON Lines with ../shared/tools/gen_raw_corpus.py (`--only belle`, cached in
.bench/; the default --scale 160 gives about 500 MB), then measures, release build:

  * `corpus-clean bench belle` (JSONL + zstd, every step on), best of --repeat;
  * the Python baseline that BELLE's train/scripts/convert_to_conv_data.py amounts to: per
    line `json.loads`, build a `{"id", "conversations": [...]}` record from the layout, and
    `json.dumps(..., ensure_ascii=False)` to an output file (plain text, no cleaning);

with MB/s of input and peak RSS. It also runs corpus-clean on a quarter of the input, so the
table shows whether memory stays flat as the input grows.

    scripts/bench_belle.py [--scale 160] [--repeat 1]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "tools", "gen_raw_corpus.py")
BIN = os.path.join(ROOT, ".build", "release", "corpus-clean")

BASELINE = r'''
import json, sys
out = open(sys.argv[1], "w", encoding="utf-8")
for path in sys.argv[2:]:
    for n, line in enumerate(open(path, encoding="utf-8")):
        r = json.loads(line)
        if "conversations" in r:
            conv = r["conversations"]
        elif "instruction" in r:
            q = r["instruction"] + ("\n" + r["input"] if r.get("input") else "")
            conv = [{"from": "human", "value": q}, {"from": "assistant", "value": r["output"]}]
        else:
            conv = [{"from": "human", "value": r["input"]}, {"from": "assistant", "value": r["target"]}]
        out.write(json.dumps({"id": r.get("id", f"{path}:{n}"), "conversations": conv}, ensure_ascii=False) + "\n")
'''


def corpus(scale):
    out = os.path.join(ROOT, ".bench", f"belle-scale-{scale}")
    raw = os.path.join(out, "raw_chat_corpus")
    if not os.path.isdir(os.path.join(raw, "belle")):
        subprocess.run([sys.executable, GEN, out, "--scale", str(scale), "--only", "belle", "--dirt", "0",
                        "--quiet", "--jobs", str(os.cpu_count() or 1)], check=True)
    return raw


def ours(raw, repeat):
    out = subprocess.run([BIN, "bench", "belle", "--input", raw, "--repeat", str(repeat),
                          "--output", os.path.join(ROOT, ".bench", "out")], check=True, capture_output=True,
                         text=True).stdout
    cols = out.strip().splitlines()[-1].split("\t")
    return float(cols[1]), float(cols[3]), float(cols[6])


def baseline(raw, repeat):
    files = sorted(os.path.join(raw, "belle", f) for f in os.listdir(os.path.join(raw, "belle")))
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    best = None
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as out:
            t = time.perf_counter()
            r = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c", BASELINE, out.name] + files,
                               capture_output=True, text=True, check=True)
            dt = time.perf_counter() - t
        rss = int(r.stderr.strip().splitlines()[-1]) / 1024
        if best is None or dt < best[1]:
            best = (mb, dt, rss)
    return best[0], best[0] / best[1], best[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=160)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    small, big = corpus(max(1, args.scale // 4)), corpus(args.scale)
    print("| run | input MB | MB/s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for label, raw in ((f"corpus-clean, --scale {max(1, args.scale // 4)}", small), (f"corpus-clean, --scale {args.scale}", big)):
        mb, mbps, rss = ours(raw, args.repeat)
        print(f"| {label} | {mb:.0f} | {mbps:.1f} | {rss:.0f} |")
    mb, mbps, rss = baseline(big, args.repeat)
    print(f"| Python json.loads/json.dumps loop, --scale {args.scale} | {mb:.0f} | {mbps:.1f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
