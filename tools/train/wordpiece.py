"""Learn a WordPiece vocabulary from a corpus built by corpus.py, and tokenize with it.

    /usr/bin/python3 -m tools.train.wordpiece en --size 8192
    -> tools/train/build/en/vocab.txt, tokenizer_config.json

How the vocabulary is learned (the same procedure as Hugging Face's
WordPieceTrainer, which is byte-pair encoding with a `##` continuation prefix):
1. Split the text into words exactly as BERT's BasicTokenizer does (clean
   control characters, split CJK ideographs apart, lowercase and strip accents
   when `do_lower_case`, split on whitespace and punctuation) and count them.
2. Start from single characters: a word's first character as itself, the rest
   as `##c`. Characters seen fewer than `--min-char` times are left out (they
   become [UNK] at run time).
3. Repeatedly merge the most frequent adjacent pair of symbols over all words
   (ties: the pair that sorts first), `un` + `##able` -> `unable`,
   `##ab` + `##le` -> `##able`, until the vocabulary has `--size` entries.

Counting pairs is incremental: each merge updates only the words that contain
the merged pair, and a heap with lazy deletion finds the next best pair.
Deterministic: same corpus, same vocabulary.

The tokenizer half (`WordPiece.encode`) is BERT's greedy longest-match-first,
used by pretrain.py to turn the corpus into ids. bert-ts's TypeScript tokenizer
and Hugging Face's `tokenizers` give the same ids on this vocabulary
(test/shipped-models.test.ts checks it).
"""
import argparse
import collections
import heapq
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


# ---------------------------------------------------------------- BERT's BasicTokenizer

def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text, lower=True):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    words = []
    for tok in "".join(out).split():
        if lower:
            tok = "".join(c for c in unicodedata.normalize("NFD", tok.lower()) if unicodedata.category(c) != "Mn")
        cur = []
        for ch in tok:
            if _is_punctuation(ch):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(ch)
            else:
                cur.append(ch)
        if cur:
            words.append("".join(cur))
    return words


# ---------------------------------------------------------------- training

def iter_sentences(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            for s in json.loads(line)["sentences"]:
                yield s


def train(word_counts, size, min_char, min_word):
    words = [(w, c) for w, c in word_counts.items() if c >= min_word]
    words.sort(key=lambda x: (-x[1], x[0]))
    char_counts = collections.Counter()
    for w, c in words:
        for i, ch in enumerate(w):
            char_counts[ch if i == 0 else "##" + ch] += c
    alphabet = sorted(s for s, c in char_counts.items() if c >= min_char)
    known = set(alphabet)
    vocab = SPECIALS + alphabet
    # Words as symbol lists; a word holding an unknown character can never be
    # tokenized, so it does not vote for merges.
    seqs, counts = [], []
    for w, c in words:
        syms = [ch if i == 0 else "##" + ch for i, ch in enumerate(w)]
        if all(s in known for s in syms):
            seqs.append(syms)
            counts.append(c)
    pair_counts = collections.Counter()
    where = collections.defaultdict(set)
    for i, syms in enumerate(seqs):
        for a, b in zip(syms, syms[1:]):
            pair_counts[(a, b)] += counts[i]
            where[(a, b)].add(i)
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    vocab_set = set(vocab)
    while len(vocab) < size and heap:
        negc, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negc or negc == 0:
            continue  # stale entry
        a, b = pair
        merged = a + (b[2:] if b.startswith("##") else b)
        if merged not in vocab_set:
            vocab.append(merged)
            vocab_set.add(merged)
        touched = collections.Counter()
        for i in sorted(where.pop(pair, ())):
            syms, c = seqs[i], counts[i]
            for x, y in zip(syms, syms[1:]):
                pair_counts[(x, y)] -= c
                touched[(x, y)] += 0
            out, k = [], 0
            while k < len(syms):
                if k + 1 < len(syms) and syms[k] == a and syms[k + 1] == b:
                    out.append(merged)
                    k += 2
                else:
                    out.append(syms[k])
                    k += 1
            seqs[i] = out
            for x, y in zip(out, out[1:]):
                pair_counts[(x, y)] += c
                where[(x, y)].add(i)
                touched[(x, y)] += 0
        pair_counts.pop(pair, None)
        for p in touched:
            c = pair_counts.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
            else:
                pair_counts.pop(p, None)
    return vocab


# ---------------------------------------------------------------- tokenizing (BERT's WordpieceTokenizer)

class WordPiece:
    def __init__(self, vocab, lower=True, max_chars=100):
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.lower = lower
        self.max_chars = max_chars
        self.unk = self.vocab["[UNK]"]
        self.cache = {}

    def word_ids(self, word):
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        ids = [self.unk] if len(word) > self.max_chars else self.greedy(word)
        if len(self.cache) < 2_000_000:
            self.cache[word] = ids
        return ids

    def greedy(self, word, continuation=False):
        """Longest match first; pieces after the first carry `##` (the first too when `continuation`,
        i.e. the text continues a word). A part no piece matches makes the whole word [UNK]."""
        ids, start = [], 0
        while start < len(word):
            end, cur = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 and not continuation else "##" + word[start:end]
                if piece in self.vocab:
                    cur = self.vocab[piece]
                    break
                end -= 1
            if cur is None:
                return [self.unk]
            ids.append(cur)
            start = end
        return ids

    def encode(self, text):
        """Special tokens written in the text ("Paris is the capital of [MASK].") are matched
        first, as Hugging Face's added tokens are; the rest goes through BasicTokenizer."""
        out = []
        for k, part in enumerate(re.split(r"(\[PAD\]|\[UNK\]|\[CLS\]|\[SEP\]|\[MASK\])", text)):
            if k % 2:
                out.append(self.vocab[part])
            else:
                out.extend(i for w in basic_tokenize(part, self.lower) for i in self.word_ids(w))
        return out


def tokenizer_config(lower, max_len):
    return {
        "do_lower_case": lower,
        "tokenize_chinese_chars": True,
        "strip_accents": None,
        "model_max_length": max_len,
        "tokenizer_class": "BertTokenizer",
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "cls_token": "[CLS]", "mask_token": "[MASK]",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lang")
    ap.add_argument("--size", type=int, default=8192)
    ap.add_argument("--min-char", type=int, default=20)
    ap.add_argument("--min-word", type=int, default=2)
    ap.add_argument("--cased", action="store_true")
    ap.add_argument("--max-len", type=int, default=128)
    a = ap.parse_args()
    d = os.path.join(HERE, "build", a.lang)
    counts = collections.Counter()
    for s in iter_sentences(os.path.join(d, "train.jsonl")):
        counts.update(basic_tokenize(s, not a.cased))
    vocab = train(counts, a.size, a.min_char, a.min_word)
    with open(os.path.join(d, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in vocab))
    with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config(not a.cased, a.max_len), f, indent=2)
        f.write("\n")
    print(f"{len(vocab)} tokens from {len(counts)} distinct words", file=sys.stderr)


if __name__ == "__main__":
    main()
