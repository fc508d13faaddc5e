#!/usr/bin/env python3
"""Token-counting benchmark: corpus-clean against the Hugging Face `tokenizers` library.

Builds a file of Chinese chat text (one JSON string per line, at least --megabytes MB) from
corpus-clean's own output over a generated raw corpus (../shared/tools/gen_raw_corpus.py,
cached under .bench/), then, in the same run and single-threaded:

  * corpus-clean: `corpus-clean count-tokens --tokenizer T FILE` (release build): wall time of
    the whole process (loading the tokenizer, parsing the JSON lines, printing counts), MB/s of
    text, tokens/s, peak RSS; and the time to load the tokenizer alone;
  * Python: `tokenizers` (pip install tokenizers), `len(tok.encode(s).ids)` per string,
    RAYON_NUM_THREADS=1; the same measures;

and checks that both give the same count on every line. Prints a markdown table for
docs/PERFORMANCE.md.

    scripts/bench_tokens.py --tokenizer ../shared/tokenizers/qwen2.5/tokenizer.json
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import BIN, GEN, ROOT, timed  # noqa: E402

PY_COUNT = r"""
import json, sys, time
t0 = time.perf_counter()
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
tok.no_truncation(); tok.no_padding()
load = time.perf_counter() - t0
strings = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
t1 = time.perf_counter()
counts = [len(tok.encode(s).ids) for s in strings]
count_s = time.perf_counter() - t1
with open(sys.argv[3], "w") as f:
    f.write("\n".join(map(str, counts)) + "\n")
print(json.dumps({"load": load, "count": count_s}), file=sys.stderr)
"""


def chat_text(megabytes):
    """A JSONL file of turn texts from corpus-clean's output, at least `megabytes` MB of text."""
    base = os.path.join(ROOT, ".bench", "tokens")
    path = os.path.join(base, f"chat-{megabytes}mb.jsonl")
    if os.path.exists(path):
        return path
    raw = os.path.join(base, "raw")
    if not os.path.isdir(os.path.join(raw, "raw_chat_corpus")):
        print("generating a raw corpus (--scale 100)", file=sys.stderr)
        subprocess.run([sys.executable, GEN, raw, "--scale", "100", "--dirt", "0", "--quiet",
                        "--only", "xiaohuangji,qingyun,weibo,douban,tieba,ptt,subtitle", "--jobs", "1"],
                       check=True)
    clean = os.path.join(base, "clean")
    subprocess.run([BIN, "all", "--input", os.path.join(raw, "raw_chat_corpus"), "--output", clean,
                    "--compression", "none"], check=True, capture_output=True)
    size = 0
    sources = ["qingyun", "xiaohuangji", "weibo", "douban", "tieba", "ptt", "subtitle"]
    with open(path + ".partial", "w", encoding="utf-8") as out:
        while size < megabytes * 1_000_000:
            before = size
            for src in sources:
                if size >= megabytes * 1_000_000:
                    break
                d = os.path.join(clean, src)
                for name in sorted(os.listdir(d)):
                    if not name.startswith(src + "-"):
                        continue
                    for line in open(os.path.join(d, name), encoding="utf-8"):
                        for turn in json.loads(line)["conversations"]:
                            out.write(json.dumps(turn["value"], ensure_ascii=False) + "\n")
                            size += len(turn["value"].encode())
                    if size >= megabytes * 1_000_000:
                        break
            if size == before:
                raise SystemExit("corpus-clean wrote no text")
    os.rename(path + ".partial", path)
    return path


def joined(path, k):
    """The same text with every `k` consecutive strings joined by newlines (longer texts)."""
    out = path.replace(".jsonl", f"-join{k}.jsonl")
    if not os.path.exists(out):
        with open(path, encoding="utf-8") as f, open(out + ".partial", "w", encoding="utf-8") as o:
            batch = []
            for line in f:
                batch.append(json.loads(line))
                if len(batch) == k:
                    o.write(json.dumps("\n".join(batch), ensure_ascii=False) + "\n")
                    batch = []
            if batch:
                o.write(json.dumps("\n".join(batch), ensure_ascii=False) + "\n")
        os.rename(out + ".partial", out)
    return out


def text_bytes(path):
    return sum(len(json.loads(line).encode()) for line in open(path, encoding="utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "..", "shared", "tokenizers", "qwen2.5",
                                                         "tokenizer.json"))
    ap.add_argument("--megabytes", type=int, default=24)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--join", type=int, default=1,
                    help="join every N chat turns into one text (longer texts, fewer calls)")
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "corpus-clean"], cwd=ROOT, check=True,
                   capture_output=True)
    path = chat_text(args.megabytes)
    if args.join > 1:
        path = joined(path, args.join)
    mb = text_bytes(path) / 1e6
    lines = sum(1 for _ in open(path, encoding="utf-8"))
    out_dir = os.path.join(ROOT, ".bench", "tokens")
    env = dict(os.environ, RAYON_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")

    best = None
    for _ in range(args.repeat):
        with open(os.path.join(out_dir, "ours.txt"), "w") as f:
            s, rss, _ = timed([BIN, "count-tokens", "--tokenizer", args.tokenizer, path], stdout=f)
        best = min(best or (s, rss), (s, rss))
    load = min(timed([BIN, "count-tokens", "--tokenizer", args.tokenizer, "/dev/null"])[0] for _ in range(3))
    ours_counts = [int(x) for x in open(os.path.join(out_dir, "ours.txt"))]

    py_best = None
    try:
        import tokenizers  # noqa: F401
        for _ in range(args.repeat):
            s, rss, err = timed([sys.executable, "-c", PY_COUNT, args.tokenizer, path,
                                 os.path.join(out_dir, "python.txt")], env=env)
            m = json.loads(err.strip().splitlines()[-2])
            py_best = min(py_best or (m["count"], rss, m["load"], s), (m["count"], rss, m["load"], s))
        py_counts = [int(x) for x in open(os.path.join(out_dir, "python.txt"))]
        diff = sum(1 for a, b in zip(ours_counts, py_counts) if a != b) + abs(len(ours_counts) - len(py_counts))
    except ImportError:
        print("skipping Python: `pip install tokenizers` to compare", file=sys.stderr)
        diff = None

    tokens = sum(ours_counts)
    name = os.path.basename(os.path.dirname(os.path.abspath(args.tokenizer)))
    print(f"\n{os.path.basename(path)}: {lines} strings, {mb:.1f} MB of text, {tokens} tokens ({name}); best of {args.repeat}\n")
    print("| tool | load tokenizer s | count s | MB/s | tokens/s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    s, rss = best
    print(f"| corpus-clean count-tokens (whole process) | {load:.2f} | {s:.2f} | {mb / s:.1f} | "
          f"{tokens / s / 1e6:.2f} M | {rss:.0f} |")
    if py_best:
        c, rss, l, _ = py_best
        print(f"| tokenizers {tokenizers.__version__} (encode loop, 1 thread, excluding load and JSON) | "
              f"{l:.2f} | {c:.2f} | {mb / c:.1f} | {tokens / c / 1e6:.2f} M | {rss:.0f} |")
        print(f"\nspeed-up: {c / s:.1f}x; lines whose counts differ: {diff}")


if __name__ == "__main__":
    main()
