#!/usr/bin/env python3
"""Checks that corpus-clean's JSONL shards load where training loads them.

Runs `corpus-clean all` on the bundled sample corpus (zstd shards and plain shards, both
layouts), then loads every shard with Hugging Face `datasets`
(`load_dataset("json", data_files=..., streaming=True)`, which reads `.zst` through the
`zstandard` package) and checks that each row is a FastChat/ShareGPT conversation (or a
messages conversation): string id and source, turns alternating human/gpt starting with human.
Also loads the uncompressed shards without streaming. Exits non-zero on any failure.

    pip install datasets zstandard   # once
    scripts/check_datasets_load.py
"""
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "debug", "corpus-clean")


def check_row(row, layout):
    assert isinstance(row["id"], str) and row["id"], row
    assert isinstance(row["source"], str) and row["source"], row
    key, role, text, roles = (("conversations", "from", "value", ("human", "gpt")) if layout == "sharegpt"
                              else ("messages", "role", "content", ("user", "assistant")))
    turns = row[key]
    assert len(turns) >= 2 and len(turns) % 2 == 0, row
    for i, t in enumerate(turns):
        assert t[role] == roles[i % 2], row
        assert isinstance(t[text], str) and t[text], row


def main():
    from datasets import load_dataset

    subprocess.run(["swift", "build"], cwd=ROOT, check=True, capture_output=True)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ("sharegpt", "messages"):
            for compression in ("zstd", "none"):
                out = os.path.join(tmp, f"{layout}-{compression}")
                subprocess.run([BIN, "all", "--input", os.path.join(ROOT, "raw_chat_corpus"), "--output", out,
                                "--layout", layout, "--compression", compression], check=True,
                               capture_output=True)
                pattern = "*.jsonl.zst" if compression == "zstd" else "*.jsonl"
                shards = sorted(glob.glob(os.path.join(out, "*", pattern)))
                assert shards, f"no shards in {out}"
                rows = 0
                ds = load_dataset("json", data_files=shards, split="train", streaming=True)
                for row in ds:
                    check_row(row, layout)
                    rows += 1
                if compression == "none":
                    full = load_dataset("json", data_files=shards, split="train")
                    assert len(full) == rows, (len(full), rows)
                print(f"ok: {layout}/{compression}: {len(shards)} shard(s), {rows} conversations")
    return failures


if __name__ == "__main__":
    sys.exit(main())
