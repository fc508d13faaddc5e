#!/usr/bin/env python3
"""Reference token counts for corpus-clean's tokenizer tests.

  token_counts.py strings OUT.jsonl     writes the test strings (deterministic)
  token_counts.py counts STRINGS.jsonl TOKENIZERS_DIR OUT_DIR [NAME ...]
                                        writes OUT_DIR/NAME.tsv for each tokenizer directory
                                        (and each variant in VARIANTS):
                                        one line per string, "count<TAB>raw_count", where
                                        count = len(tokenizer(text).input_ids) (special tokens
                                        of the post-processor included) and raw_count excludes them.

Needs `pip install tokenizers` for `counts`. The strings cover Chinese, English, mixed text,
code, emoji, white-space runs, full-width punctuation, added tokens typed inside text,
characters that normalization changes, and long texts.
"""
import json
import os
import random
import sys

ZH = [
    "你好，很高兴认识你。", "今天天气怎么样？", "我想去北京旅游，有什么推荐吗？", "这个问题的答案是四十二。",
    "人工智能正在改变我们的生活方式。", "请帮我写一首关于春天的诗。", "他说：“明天见！”", "《红楼梦》是中国古典小说。",
    "中华人民共和国成立于1949年10月1日。", "机器学习、深度学习和强化学习", "哈哈哈哈哈哈", "嗯……让我想想",
    "這是繁體中文的句子，請轉換。", "臺灣的天氣很好", "我们一起去吃火锅吧～", "价格是￥128.50元",
    "第三章　总则", "【重要通知】请于本周五前提交报告", "你是谁？我是小黄鸡。", "不要不要不要",
]
EN = [
    "Hello, world!", "The quick brown fox jumps over the lazy dog.", "I'm sure it's fine; they'll see.",
    "Don't STOP believing", "Machine learning models need clean data.", "What's the capital of France?",
    "e-mail: someone@example.com", "https://example.com/path?q=1&r=2#frag", "CamelCaseIdentifier and snake_case_name",
    "Numbers: 3.14159, 1,000,000 and 42nd", "O'Neil's dog's bone", "ALL CAPS SENTENCE HERE",
]
CODE = [
    "def f(x):\n    return x * 2\n", "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
    "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 1); }", "```python\nprint('hi')\n```",
    "let xs = [1, 2, 3].map { $0 * 2 }", "SELECT * FROM users WHERE id = 7;", "if a<b and b>c: pass",
    "    indented\n        more\n", "x = {'k': [1, 2], \"s\": None}", "fn main() -> Result<(), Box<dyn Error>> {}",
    "$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$", "<div class=\"a\">text</div>",
]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇨🇳", "❤️", "🥰", "🫠", "🧑‍💻", "✨", "🙏"]
SPACE = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\u3000", "\u00a0", "\u2028", "\u0085", "\u000b",
         "\u200b", "\ufeff", " \n ", "\t\t\n", "        "]
PUNCT = ["，", "。", "！", "？", "：", "；", "、", "“", "”", "（", "）", "《", "》", "…", "——", "～", "·",
         "ＡＢＣ", "１２３", "!!!", "...", "--", "'s", "'S", "'ſ", "'ll"]
ADDED = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<s>", "</s>", "<unk>", "[CLS]", "[SEP]", "[MASK]",
         "<think>", "</think>", "<｜begin▁of▁sentence｜>", "<|user|>", "<|assistant|>"]
ODD = [
    "e\u0301", "A\u030a", "\u1100\u1161\u11a8", "\uf900\uf901", "ｶﾞ", "か\u3099", "Ǆ", "ﬁ", "Å",
    "İstanbul", "ΣΑΣ σας", "Straße", "naïve café résumé", "\u0000", "\u0007", "\ufffd", "\ue000",
    "\U0010fffd", "\u0378", "\U0002b820", "\U0002a700", "x\u0308\u0323", "१२३ हिन्दी", "١٢٣ مرحبا",
    "สวัสดีครับ", "안녕하세요", "こんにちは、カタカナ", "Привет, мир", "∑∫√∞ ≤ ≥", "①②③", "²³",
]


def curated():
    out = ["", " ", "a", "你", "\n", "  hello", "hello  ", "a  b", "a \n b", "1234567890", "123 4567 89",
           "１２３４５", "你好" * 3, "x" * 150, "supercalifragilisticexpialidocious" * 4]
    out += ZH + EN + CODE + EMOJI + SPACE + PUNCT + ADDED + ODD
    out += ["请问" + a + "是什么？" for a in ADDED]
    out += ["word" + s + "word" for s in SPACE]
    out += ["数字" + d for d in ["1", "12", "123", "1234", "12345678901"]]
    return out


def generated(rng, n):
    pools = [ZH, EN, CODE, EMOJI, SPACE, PUNCT, ADDED, ODD]
    weights = [10, 6, 4, 1, 3, 3, 1, 1]
    out = []
    for i in range(n):
        parts = rng.randint(2, 12)
        out.append("".join(rng.choice(rng.choices(pools, weights)[0]) for _ in range(parts)))
    return out


def long_texts(rng):
    out = []
    for size in (2000, 8000, 30000):
        parts = []
        total = 0
        while total < size:
            p = rng.choice(rng.choices([ZH, EN, CODE, SPACE, PUNCT], [8, 4, 2, 2, 2])[0])
            parts.append(p)
            total += len(p)
        out.append("".join(parts))
    out.append(" " * 5000 + "end")
    out.append("啊" * 10000)
    return out


def cmd_strings(path):
    rng = random.Random(20261122)
    strings = curated() + generated(rng, 260) + long_texts(rng)
    with open(path, "w", encoding="utf-8") as f:
        for s in strings:
            f.write(json.dumps(s, ensure_ascii=True) + "\n")
    print(f"{len(strings)} strings -> {path}")


# Layouts no file in ../shared uses, made from one that does: the same edit is made by the
# Swift tests (TokenizeTests, `TokenFixtures.variants`). Mistral with a Metaspace
# pre-tokenizer instead of the Prepend/Replace normalizer is how newer LLaMA/Mistral files look.
def metaspace(scheme, split):
    def edit(j):
        j["normalizer"] = None
        j["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme,
                              "split": split}
        return j
    return edit


VARIANTS = {
    "mistral-metaspace-first": ("mistral-7b-v0.1", metaspace("first", False)),
    "mistral-metaspace-always-split": ("mistral-7b-v0.1", metaspace("always", True)),
}


def load(tokenizers_dir, name):
    from tokenizers import Tokenizer

    base, edit = VARIANTS.get(name, (name, None))
    path = os.path.join(tokenizers_dir, base, "tokenizer.json")
    if edit is None:
        return Tokenizer.from_file(path)
    return Tokenizer.from_str(json.dumps(edit(json.load(open(path, encoding="utf-8")))))


def cmd_counts(strings_path, tokenizers_dir, out_dir, names):
    strings = [json.loads(line) for line in open(strings_path, encoding="utf-8")]
    names = names or sorted(d for d in os.listdir(tokenizers_dir)
                            if os.path.exists(os.path.join(tokenizers_dir, d, "tokenizer.json"))) + sorted(VARIANTS)
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        tok = load(tokenizers_dir, name)
        tok.no_truncation()
        tok.no_padding()
        with open(os.path.join(out_dir, name + ".tsv"), "w") as f:
            for s in strings:
                full = len(tok.encode(s).ids)
                raw = len(tok.encode(s, add_special_tokens=False).ids)
                f.write(f"{full}\t{raw}\n")
        print(f"{name}: {len(strings)} counts")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "strings":
        cmd_strings(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "counts":
        cmd_counts(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    else:
        sys.exit(__doc__)
