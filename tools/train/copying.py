"""How often can a masked word be copied from its own training sequence? Per source.

    /usr/bin/python3 -m tools.train.copying --before en --after en2 --out tools/train/build/en2/copying.md

`--before`: a corpus with BERT's token masking (weights/en's stage 1); `--after`: a corpus with whole-word
masking (stage 2). Both are tokenized with --vocab (default weights/en).

Draws training examples from each source of tools/train/build/{corpus}/train.jsonl the way pretrain.py
does (NSP pairs of up to --max-len tokens, BERT's 15% masking, or whole-word masking), and counts the
masked words whose tokens also stand, unmasked, elsewhere in the same sequence: there the model can
answer by copying. Natural prose repeats words too (articles, the topic of a paragraph), so the figure
is never zero; a source far above the others teaches the habit. Prints a Markdown table (for the card).
"""
import argparse
import json
import os
import random

from tools.train.export import read_tokenizer
from tools.train.pretrain import N_SPECIAL, Examples, mask_tokens, mask_words

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def words_of(ids, positions, continuation):
    """The masked positions grouped into words: a word-start token and the ## pieces after it."""
    groups = []
    for p in positions:
        if groups and continuation[ids[p]] and groups[-1][-1] == p - 1:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def measure(docs, a, continuation, vocab_size, seed, content):
    """(masked words, copyable), (masked content words, copyable): content words are those whose first
    token is alphabetic with 4 letters or more (punctuation and short function words repeat anyway)."""
    rng = random.Random(seed)
    ex = Examples(docs, a.max_len, rng)
    masked = copyable = cm = cc = 0
    for _ in range(a.examples):
        ids, _, _ = ex.draw()
        if a.whole_word:
            out, pos, _ = mask_words(ids, vocab_size, rng, continuation)
        else:
            out, pos, _ = mask_tokens(ids, vocab_size, rng)
        hidden = set(pos)
        for w in words_of(ids, pos, continuation):
            target = [ids[p] for p in w]
            # the same token run, unmasked, somewhere else in the sequence
            hit = any(i not in hidden and ids[i:i + len(target)] == target and i != w[0]
                      for i in range(len(ids) - len(target) + 1) if ids[i] >= N_SPECIAL)
            masked += 1
            copyable += hit
            if content[target[0]]:
                cm += 1
                cc += hit
    return masked, copyable, cm, cc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", help="a corpus in build/, measured with token masking")
    ap.add_argument("--after", help="a corpus in build/, measured with whole-word masking")
    ap.add_argument("--out", help="also write the tables (Markdown) here")
    ap.add_argument("--vocab", default="weights/en")
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--docs", type=int, default=3000, help="documents read per source (the first N in file order "
                    "after a seeded shuffle)")
    ap.add_argument("--examples", type=int, default=3000, help="training examples drawn per source")
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()
    wp, vocab, inv = read_tokenizer(os.path.join(ROOT, a.vocab))
    out = []
    for corpus, whole in ((a.before, False), (a.after, True)):
        if corpus:
            out.append(table(a, corpus, whole, wp, inv))
            print(out[-1], flush=True)
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(out))


def table(a, corpus, whole_word, wp, inv):
    a.whole_word = whole_word
    continuation = [t.startswith("##") for t in inv]
    content = [t.isalpha() and len(t) >= 4 for t in inv]
    by_source = {}
    for line in open(os.path.join(HERE, "build", corpus, "train.jsonl"), encoding="utf-8"):
        d = json.loads(line)
        by_source.setdefault(d["source"], []).append(d["sentences"])
    rows = []
    for src in sorted(by_source):
        docs = by_source[src]
        random.Random(a.seed).shuffle(docs)
        toks = [[s for s in (wp.encode(x) for x in doc) if s] for doc in docs[:a.docs]]
        toks = [d for d in toks if d]
        rows.append((src, *measure(toks, a, continuation, len(inv), a.seed, content)))
    lines = [f"Corpus `{corpus}`, {'whole-word' if a.whole_word else 'token'} masking, {a.examples:,} sequences of up "
             f"to {a.max_len} tokens per source (from {a.docs:,} documents of each):", "",
             "| source | masked words | also visible in the sequence | content words (4+ letters) | also visible |",
             "|---|---:|---:|---:|---:|"]
    for src, m, c, cm, cc in rows:
        lines.append(f"| `{src}` | {m:,} | {c:,} ({100 * c / max(1, m):.1f}%) | {cm:,} | {cc:,} ({100 * cc / max(1, cm):.1f}%) |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
