"""Grow a pretraining run's vocabulary in place, keeping what the model learned.

    /usr/bin/python3 -m tools.train.wordpiece en --size 16384   # the larger vocabulary
    /usr/bin/python3 -m tools.train.grow_vocab en               # then this
    /usr/bin/python3 -m tools.train.pretrain en ... --resume    # training goes on

Why: a small vocabulary splits common words into pieces ("tired" = tire ##d,
"spoon" = sp ##oon), and a fill-mask head can only answer with one token, so
it can never say "tired". A larger vocabulary from the start costs training
time the run already spent; growing it keeps that time.

It works because wordpiece.py's vocabulary is a sequence of merges: the first
8,192 tokens of the 16,384-token vocabulary are the 8,192-token vocabulary,
in the same order, so every old token keeps its id and its trained rows. Each
new token t starts where the old model would have had it: its embedding (tied
to the MLM decoder) is the mean of the embeddings of the old pieces of t, and
its output bias the mean of their biases. AdamW's moments for the new rows start
at zero, as for a fresh parameter.

Reads build/{lang}/run/checkpoint.pt and run/vocab.txt (the vocabulary it was
trained with) and build/{lang}/vocab.txt (the new one); rewrites the checkpoint
and appends a line to run/log.jsonl. pretrain.py --resume then builds the model
with the new vocabulary size and re-tokenizes the corpus.
"""
import argparse
import json
import os
import sys

import torch

from tools.train.wordpiece import WordPiece

HERE = os.path.dirname(os.path.abspath(__file__))

GROWN = ("bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight",
         "cls.predictions.bias", "cls.predictions.decoder.bias")


def old_pieces(token, wp):
    """Old-vocabulary ids of a new token: BERT's greedy longest match, continuing a word when token is `##x`."""
    return wp.greedy(token[2:], continuation=True) if token.startswith("##") else wp.word_ids(token)


def grow(t, pieces):
    """[V_old, ...] -> [V_new, ...]: new row i = mean of the old rows pieces[i]."""
    rows = [t[torch.tensor(p)].mean(0) for p in pieces]
    return torch.cat([t, torch.stack(rows)]) if rows else t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lang")
    a = ap.parse_args()
    d = os.path.join(HERE, "build", a.lang)
    run = os.path.join(d, "run")
    read = lambda p: [l.rstrip("\n") for l in open(p, encoding="utf-8")]
    old, new = read(os.path.join(run, "vocab.txt")), read(os.path.join(d, "vocab.txt"))
    if len(new) <= len(old) or new[:len(old)] != old:
        sys.exit(f"grow_vocab.py: {d}/vocab.txt ({len(new)} tokens) does not extend the run's vocabulary "
                 f"({len(old)} tokens) in order; learn it with wordpiece.py on the same corpus and a larger --size")
    lower = json.load(open(os.path.join(run, "tokenizer_config.json")))["do_lower_case"]
    wp = WordPiece(old, lower=lower)
    pieces = [old_pieces(t, wp) for t in new[len(old):]]

    ck_path = os.path.join(run, "checkpoint.pt")
    ck = torch.load(ck_path)
    sd = ck["model"]
    grown = set()
    for k in GROWN:
        if k in sd:
            if sd[k].shape[0] != len(old):
                sys.exit(f"grow_vocab.py: {k} has shape {list(sd[k].shape)}, expected [{len(old)}, ...]")
            sd[k] = grow(sd[k], pieces)
            grown.add(k)
    # The optimizer's moments follow parameters by position; grow those whose first dimension is the vocabulary.
    n_grown = 0
    for st in ck["opt"]["state"].values():
        for m in ("exp_avg", "exp_avg_sq"):
            if m in st and st[m].dim() >= 1 and st[m].shape[0] == len(old):
                pad = torch.zeros((len(new) - len(old), *st[m].shape[1:]), dtype=st[m].dtype)
                st[m] = torch.cat([st[m], pad])
                n_grown += 1
    if n_grown != 4:  # word embeddings (tied decoder) and the output bias, two moments each
        sys.exit(f"grow_vocab.py: expected to grow 4 optimizer moments, found {n_grown}")
    torch.save(ck, ck_path)
    for name in ("vocab.txt", "tokenizer_config.json"):
        with open(os.path.join(d, name), "rb") as src, open(os.path.join(run, name), "wb") as dst:
            dst.write(src.read())
    with open(os.path.join(run, "log.jsonl"), "a") as log:
        log.write(json.dumps({"grow_vocab": {"from": len(old), "to": len(new)}, "step": ck["step"],
                              "tokens_seen": ck["tokens_seen"]}) + "\n")
    split = sum(len(p) > 1 for p in pieces)
    print(f"vocabulary {len(old)} -> {len(new)} at step {ck['step']}: {', '.join(sorted(grown))}; "
          f"{split} new tokens started from the mean of 2+ old pieces", file=sys.stderr)


if __name__ == "__main__":
    main()
