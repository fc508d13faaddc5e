#!/usr/bin/env python3
"""Throughput benchmark: corpus-clean against the original Python pipelines, same run.

Generates a synthetic raw corpus with ../shared/tools/gen_raw_corpus.py (cached under
.bench/), builds corpus-clean in release mode, and measures each source:

  * corpus-clean: `corpus-clean bench SOURCE` (best of --repeat runs, in-process timing,
    JSONL + zstd unless --compression none), MB/s of input and peak RSS;
  * the original chinese_chatbot_corpus pipeline for the same files, when the environment
    variable ORIGINAL_CORPUS_REPO names a checkout of it (codemayq/chinese_chatbot_corpus at
    a054526); best of --repeat runs, wall time of the whole process, peak RSS. Without the
    variable that column says "skipped" and the reason is printed;
  * with --limits, a limit for each source: how fast zstd level 1 compresses the JSONL that
    corpus-clean writes for it (`--compression none`), in memory on one core (`zstd -b1`),
    times the number of cores, in MB/s of the source's input. No run that writes zstd shards
    of that JSONL can be faster on this machine, whatever else it does; beside it, twenty
    times the original's MB/s. Then the CPU time per record read, less what zstd level 1 and
    the SHA-256 of the shards (hashlib's speed here) cost: spent now (the best run's CPU
    seconds, all threads) and left at twenty times the original (every core for the time
    the aim allows).
  * with --floor, for Xiaohuangji and Qingyun, scripts/shard_floor.c: the least a run that writes
    the same shards must do (one pass on one thread, zstd set up as corpus-clean sets it up,
    SHA-256, fsync, rename; none of the normalising, filters, dedup, counts or manifest),
    compiled with `cc -O2` and timed in-process as `corpus-clean bench` is, best of --repeat;
    its MB/s, the least CPU time of its runs, its speed-up over the original and corpus-clean's
    MB/s as a share of its. It runs in each round beside the two tools.

With --rounds N (N > 1) the two tools run in turn, N rounds of --repeat runs each
(corpus-clean, the original, corpus-clean, …), so that a machine whose speed drifts within
minutes slows both alike; the speed-up of each round is printed below the table, with their
median, beside the speed-up of the best runs (the table's).

`corpus-clean bench` times a run inside one process, from opening the input to the renamed
shards and manifest, and its best run is a later one (the process has its script-conversion
table and warm memory by then), while the original is timed as a whole Python process. With
--process, corpus-clean is also timed the same way as the original: the wall time of a whole
`corpus-clean run SOURCE` process (start-up, the conversion table, exit), best of --repeat,
in two more columns.

Prints a markdown table for docs/PERFORMANCE.md.

    scripts/bench.py --scale 100 --sources xiaohuangji,qingyun
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "tools", "gen_raw_corpus.py")
BIN = os.path.join(ROOT, ".build", "release", "corpus-clean")
# source id -> (folder in the raw root, module and function of the original pipeline)
ORIGINAL = {
    "xiaohuangji": ("xiaohuangji-40w", "xiaohuangji", "xiaohuangji_process_pipeline"),
    "qingyun": ("qingyun-11w", "qingyun", "qingyun_process_pipeline"),
    "douban": ("douban-multiturn-100w", "douban", "douban_process_pipeline"),
    "ptt": ("ptt-42w", "ptt", "ptt_process_pipeline"),
    "subtitle": ("subtitle-useless", "subtitle", "subtitle_process_pipeline"),
    "tieba": ("tieba-305w", "tieba", "tieba_process_pipeline"),
    "weibo": ("weibo-400w", "weibo", "weibo_process_pipeline"),
    "chatterbot": ("chatterbot-1k", "chatterbot", "chatterbot_process_pipeline"),
}


def folder(source):
    """The source's folder under a raw root."""
    return ORIGINAL.get(source, (source,))[0]


def corpus(scale, sources, dirt):
    out = os.path.join(ROOT, ".bench", f"scale-{scale}-dirt-{dirt}")
    raw = os.path.join(out, "raw_chat_corpus")
    missing = [s for s in sources if not os.path.isdir(os.path.join(raw, folder(s)))]
    if missing:
        print(f"generating --scale {scale} for {','.join(missing)} in {out}", file=sys.stderr)
        subprocess.run([sys.executable, GEN, out, "--scale", str(scale), "--only", ",".join(missing),
                        "--dirt", str(dirt), "--quiet", "--jobs", str(os.cpu_count() or 1)], check=True)
    return raw


def full_corpus(scale):
    """Every source at `scale`, generated once (--dirt 0) into .bench/full-scale-N/: the raw root."""
    base = os.path.join(ROOT, ".bench", f"full-scale-{scale}")
    raw = os.path.join(base, "raw_chat_corpus")
    if not os.path.isdir(raw):
        print(f"generating every source at --scale {scale} in {base}", file=sys.stderr)
        subprocess.run([sys.executable, GEN, base, "--scale", str(scale), "--dirt", "0", "--quiet",
                        "--jobs", str(os.cpu_count() or 1)], check=True)
    return raw


def timed(cmd, **kw):
    """Runs `cmd` under /usr/bin/time: (wall seconds, peak RSS in MB, stderr); exits on failure.
    Standard output is captured unless `stdout=` redirects it."""
    t = time.perf_counter()
    kw.setdefault("stdout", subprocess.PIPE)
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stderr=subprocess.PIPE, text=True, **kw)
    dt = time.perf_counter() - t
    if r.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({r.returncode}): {r.stderr[-400:]}")
    return dt, int(r.stderr.strip().splitlines()[-1]) / 1024, r.stderr


def du(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
    return total


def ours(source, raw, repeat, extra):
    out = subprocess.run([BIN, "bench", source, "--input", raw, "--repeat", str(repeat),
                          "--output", os.path.join(ROOT, ".bench", "out")] + extra,
                         check=True, capture_output=True, text=True).stdout
    cols = out.strip().splitlines()[-1].split("\t")
    return {"mb": float(cols[1]), "s": float(cols[2]), "mbps": float(cols[3]), "records": int(cols[4]),
            "rss": float(cols[6]), "cpu": float(cols[7]), "shards_mb": float(cols[8])}


def process(source, raw, repeat):
    """The best wall time of `repeat` whole `corpus-clean run SOURCE` processes, each into an
    emptied folder: (seconds, peak RSS in MB)."""
    best = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, ".bench")) as tmp:
            dt, rss, _ = timed([BIN, "run", source, "--input", raw, "--output", tmp])
        if best is None or dt < best[0]:
            best = (dt, rss)
    return best


def original(source, raw, repeat, repo):
    folder, module, func = ORIGINAL[source]
    size = du(os.path.join(raw, folder)) / 1e6
    best = None
    for _ in range(repeat):
        work = tempfile.mkdtemp(prefix="orig-")
        os.symlink(raw, os.path.join(work, "raw_chat_corpus"))
        os.mkdir(os.path.join(work, "clean_chat_corpus"))
        code = f"import sys; sys.path.insert(0, {repo!r}); from process_pipelines.{module} import {func} as f; f()"
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c", code], cwd=work,
                           capture_output=True, text=True)
        dt = time.perf_counter() - t
        shutil.rmtree(work)
        if r.returncode != 0:
            lines = [l for l in r.stderr.strip().splitlines() if l.strip() and not l.strip().isdigit()]
            return {"error": "crashed: " + (lines[-1] if lines else f"exit {r.returncode}")}
        rss = int(r.stderr.strip().splitlines()[-1]) / 1024
        if best is None or dt < best["s"]:
            best = {"mb": size, "s": dt, "mbps": size / dt, "rss": rss}
    return best


FLOOR_SOURCES = ("xiaohuangji", "qingyun")


def floor_binary():
    """scripts/shard_floor.c compiled into .bench/shard_floor (cc, libzstd and libcrypto, as corpus-clean links)."""
    out = os.path.join(ROOT, ".bench", "shard_floor")
    src = os.path.join(ROOT, "scripts", "shard_floor.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.run(["cc", "-O2", "-o", out, src, "-lzstd", "-lcrypto"], check=True)
    return out


def floor(binary, source, raw, repeat):
    """The floor's best run over the source's one file: {"mb", "s", "mbps", "cpu"}."""
    folder_path = os.path.join(raw, folder(source))
    files = sorted(f for f in os.listdir(folder_path) if not f.startswith("."))
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, ".bench")) as tmp:
        cols = subprocess.run([binary, source, os.path.join(folder_path, files[0]), tmp, str(repeat)],
                              check=True, capture_output=True, text=True).stdout.split("\t")
    s, c, size = float(cols[0]), float(cols[1]), int(cols[3]) / 1e6
    return {"mb": size, "s": s, "mbps": size / s, "cpu": c}


def zstd_limit(source, raw):
    """Input MB/s at which zstd level 1 alone, on every core, compresses the JSONL written for `source`."""
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, ".bench")) as tmp:
        r = subprocess.run([BIN, "run", source, "--input", raw, "--output", tmp, "--compression", "none"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"corpus-clean run {source} failed: {r.stderr[-400:]}")
        joined = os.path.join(tmp, "output.jsonl")
        with open(joined, "wb") as out:
            for d, _, fs in sorted(os.walk(os.path.join(tmp, source))):
                for f in sorted(fs):
                    if f.endswith(".jsonl") and not f.startswith("rejects-"):
                        with open(os.path.join(d, f), "rb") as shard:
                            shutil.copyfileobj(shard, out)
        out_mb = os.path.getsize(joined) / 1e6
        # `zstd -b1 -q` prints "-1  <compressed> (<ratio>) <compression MB/s> MB/s <decompression MB/s> MB/s"
        bench_line = subprocess.run(["zstd", "-b1", "-i3", "-q", joined], check=True, capture_output=True,
                                    text=True).stdout
        speed = float(re.search(r"\(\s*[\d.]+\)\s+([\d.]+) MB/s", bench_line).group(1))
        seconds = out_mb / speed / (os.cpu_count() or 1)
        in_mb = du(os.path.join(raw, folder(source))) / 1e6
        return {"out_mb": out_mb, "mbps": in_mb / seconds, "cpu": out_mb / speed}


def sha256_mbps():
    """MB/s of SHA-256 on one core here (hashlib calls OpenSSL, as corpus-clean does).

    Measured in a process of its own: a child inherits the peak RSS of the process it was
    forked from, so a large buffer here would show in corpus-clean's peak RSS."""
    code = ("import hashlib, os, time\n"
            "data = os.urandom(64 << 20)\n"
            "best = 0.0\n"
            "for _ in range(3):\n"
            "    t = time.perf_counter()\n"
            "    hashlib.sha256(data).digest()\n"
            "    best = max(best, len(data) / 1e6 / (time.perf_counter() - t))\n"
            "print(best)\n")
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stdout)


def per_record(o, z, sha, cpu_seconds):
    """CPU ns per record read, of `cpu_seconds`, after what zstd level 1 (`z`) and the shards'
    SHA-256 cost at the least: what is left for everything else a record needs."""
    return (cpu_seconds - z["cpu"] - o["shards_mb"] / sha) / o["records"] * 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--sources", default="xiaohuangji,qingyun")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--compression", default="zstd")
    ap.add_argument("--raw", help="an existing raw corpus root to measure instead of generating one "
                    "(e.g. .bench/full-scale-1000/raw_chat_corpus from bench_full.py)")
    ap.add_argument("--limits", action="store_true", help="also measure zstd level 1 alone over each "
                    "source's uncompressed output: the fastest a run that writes zstd shards can be here")
    ap.add_argument("--rounds", type=int, default=1, help="run the two tools in turn this many rounds "
                    "of --repeat runs each, and print each round's speed-up and their median")
    ap.add_argument("--process", action="store_true", help="also time whole `corpus-clean run` processes, "
                    "as the original is timed")
    ap.add_argument("--floor", action="store_true", help="also time scripts/shard_floor.c, the least a run "
                    "writing the same shards must do, for xiaohuangji and qingyun, in each round")
    ap.add_argument("--dirt", default="0", help="gen_raw_corpus.py --dirt (default 0: the original "
                    "crashes on some dirty inputs, e.g. a Douban label-1 line with one utterance)")
    args = ap.parse_args()
    sources = args.sources.split(",")
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    raw = os.path.abspath(args.raw) if args.raw else corpus(args.scale, sources, args.dirt)
    repo = os.environ.get("ORIGINAL_CORPUS_REPO")
    if not repo:
        print("original: skipped (set ORIGINAL_CORPUS_REPO to a checkout of "
              "codemayq/chinese_chatbot_corpus at a054526 to compare)", file=sys.stderr)
    elif subprocess.run([sys.executable, "-c", "import chardet"], capture_output=True).returncode != 0:
        print("original: needs the chardet module (pip install chardet)", file=sys.stderr)
        repo = None
    head = "| source | input MB | corpus-clean MB/s | peak RSS MB | original MB/s | original peak RSS MB | speed-up |"
    if args.process:
        head += " corpus-clean process MB/s | speed-up, whole processes |"
    if args.limits:
        head += (f" output MB | zstd -1 alone on {os.cpu_count()} cores, MB/s of input | 20x the original |"
                 " shards MB | CPU ns per record now, less zstd -1 and SHA-256 | the same, left at 20x |")
        sha = sha256_mbps()
        print(f"SHA-256 here: {sha:.0f} MB/s on one core", file=sys.stderr)
    floor_bin = floor_binary() if args.floor else None
    if args.floor:
        head += " floor MB/s | floor CPU ms | floor speed-up | corpus-clean / floor |"
    print(head)
    print("|---" + "|---:" * (head.count("|") - 2) + "|")
    rounds = {}
    for s in sources:
        o, p, w, f = None, None, None, None
        for _ in range(max(1, args.rounds)):
            oi = ours(s, raw, args.repeat, ["--compression", args.compression])
            pi = original(s, raw, args.repeat, repo) if repo and s in ORIGINAL else None
            wi = process(s, raw, args.repeat) if args.process else None
            fi = floor(floor_bin, s, raw, args.repeat) if floor_bin and s in FLOOR_SOURCES else None
            if pi and "error" not in pi:
                rounds.setdefault(s, []).append((oi["mbps"] / pi["mbps"], wi and oi["mb"] / wi[0] / pi["mbps"],
                                                 fi and fi["mbps"] / pi["mbps"]))
            o = oi if o is None or oi["mbps"] > o["mbps"] else o
            p = pi if p is None or "error" in p or (pi and "error" not in pi and pi["mbps"] > p["mbps"]) else p
            w = wi if w is None or wi[0] < w[0] else w
            f = fi if f is None or (fi and fi["mbps"] > f["mbps"]) else f
        if p and "error" not in p:
            cols = [f"{p['mbps']:.1f}", f"{p['rss']:.0f}", f"{o['mbps'] / p['mbps']:.1f}x"]
        else:
            cols = [p["error"] if p else "skipped", "", ""]
        if args.process:
            cols += [f"{o['mb'] / w[0]:.1f}", f"{o['mb'] / w[0] / p['mbps']:.1f}x" if p and "error" not in p else ""]
        if args.limits:
            z = zstd_limit(s, raw)
            met = p and "error" not in p
            aim = (os.cpu_count() or 1) * o["mb"] / (20 * p["mbps"]) if met else None
            cols += [f"{z['out_mb']:.1f}", f"{z['mbps']:.1f}", f"{20 * p['mbps']:.1f}" if met else "",
                     f"{o['shards_mb']:.1f}", f"{per_record(o, z, sha, o['cpu']):,.0f}",
                     f"{per_record(o, z, sha, aim):,.0f}" if met else ""]
        if args.floor:
            met = p and "error" not in p
            cols += [f"{f['mbps']:.1f}", f"{f['cpu'] * 1e3:.1f}", f"{f['mbps'] / p['mbps']:.1f}x" if met else "",
                     f"{o['mbps'] / f['mbps']:.0%}"] if f else ["(xiaohuangji and qingyun only)", "", "", ""]
        print(f"| {s} | {o['mb']:.1f} | {o['mbps']:.1f} | {o['rss']:.0f} | " + " | ".join(cols) + " |")
    if args.rounds > 1:
        print()
        for s, rs in rounds.items():
            line = f"{s}: speed-up of each round, in turn: " + ", ".join(f"{r[0]:.1f}x" for r in rs)
            line += f" (median {statistics.median(r[0] for r in rs):.1f}x)"
            if args.process:
                line += ("; whole processes: " + ", ".join(f"{r[1]:.1f}x" for r in rs)
                         + f" (median {statistics.median(r[1] for r in rs):.1f}x)")
            if rs[0][2]:
                line += ("; the floor: " + ", ".join(f"{r[2]:.1f}x" for r in rs)
                         + f" (median {statistics.median(r[2] for r in rs):.1f}x)")
            print(line)


if __name__ == "__main__":
    main()
