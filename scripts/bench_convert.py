#!/usr/bin/env python3
"""Benchmark: `corpus-clean convert` against OpenCC 1.4.2's native command-line tool.

Input: PTT-style traditional text from ../shared/tools/gen_raw_corpus.py (`--scale 2000
--only ptt`, about 50 MB, cached in .bench/). Each converter runs single-threaded on the whole
file, output to /dev/null, best of --repeat runs, wall time of the process. Start-up is the
wall time of converting one line. OpenCC is found through its PyPI package
(`pip install opencc==1.4.2` ships bin/opencc and its dictionaries), or OPENCC_BIN and
OPENCC_CONFIG_DIR; without it that row says why it was skipped.

    scripts/bench_convert.py [--scale 2000] [--repeat 3]
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "tools", "gen_raw_corpus.py")
BIN = os.path.join(ROOT, ".build", "release", "corpus-clean")


def text_file(scale):
    out = os.path.join(ROOT, ".bench", f"ptt-scale-{scale}")
    path = os.path.join(out, "raw_chat_corpus", "ptt-42w", "Gossiping-QA-Dataset.txt")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, out, "--scale", str(scale), "--only", "ptt", "--dirt", "0",
                        "--quiet"], check=True)
    return path


def opencc():
    binary, configs = os.environ.get("OPENCC_BIN"), os.environ.get("OPENCC_CONFIG_DIR")
    env = dict(os.environ)
    if not binary:
        try:
            import opencc as pkg  # noqa: F401  (the PyPI package bundles the native tool)
        except ImportError:
            return None, None, None, "skipped: pip install opencc==1.4.2 (or set OPENCC_BIN)"
        clib = os.path.join(os.path.dirname(pkg.__file__), "clib")
        binary = os.path.join(clib, "bin", "opencc")
        configs = os.path.join(clib, "share", "opencc")
        env["LD_LIBRARY_PATH"] = os.path.join(clib, "lib64") + ":" + env.get("LD_LIBRARY_PATH", "")
    if not os.path.exists(binary):
        return None, None, None, f"skipped: {binary} not found"
    version = getattr(sys.modules.get("opencc"), "__version__", "?")
    return binary, configs, env, version


def best(cmd, repeat, env=None, stdin=None):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       input=stdin)
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    path = text_file(args.scale)
    mb = os.path.getsize(path) / 1e6
    one = "測試一行。\n".encode()
    binary, configs, env, note = opencc()
    print(f"input: {path} ({mb:.1f} MB)", file=sys.stderr)
    print("| converter | profile | start-up s | total s | MB/s (total) | MB/s (after start-up) |")
    print("|---|---|---:|---:|---:|---:|")
    for profile, config in (("t2s", "t2s.json"), ("tw2sp", "tw2sp.json")):
        start = best([BIN, "convert", "--profile", profile], args.repeat, stdin=one)
        total = best([BIN, "convert", "--profile", profile, path], args.repeat)
        print(f"| corpus-clean | {profile} | {start:.3f} | {total:.2f} | {mb / total:.1f} | {mb / (total - start):.1f} |")
        if binary is None:
            print(f"| OpenCC | {profile} | {note} | | | |")
            continue
        cfg = os.path.join(configs, config)
        start = best([binary, "-c", cfg], args.repeat, env=env, stdin=one)
        total = best([binary, "-c", cfg, "-i", path, "-o", "/dev/null"], args.repeat, env=env)
        print(f"| OpenCC {note} | {profile} | {start:.3f} | {total:.2f} | {mb / total:.1f} | {mb / (total - start):.1f} |")


if __name__ == "__main__":
    main()
