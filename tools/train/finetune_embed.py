"""Fine-tune a sentence-embedding model from an English BERT on pairs that WordNet ships.

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 -m tools.train.finetune_embed --base weights/en --steps 6000

(tools/train/make.py holds the exact command of the shipped model, weights/en-embed.)

Pairs (all from the Debian package `wordnet-base`; WordNet 3.0 licence):
- an example sentence of a synset and the synset's gloss ("he bought a new car" / "a motor vehicle with four
  wheels ..."), and two examples of one synset;
- a word and its gloss ("kitten" / "young domestic cat"), two synonyms ("car" / "automobile"), a noun and
  its hypernym ("kitten" / "cat");
- an example and the same example with its word replaced by a synonym or by the hypernym ("the car
  would not start" / "the automobile would not start"), or by its gloss when that is short ("the kitten
  slept" / "the young domestic cat slept"): paraphrases that keep everything else.
A fixed 2% of synsets (by a hash of their offset) is held out: its pairs measure in-batch retrieval.
With --min-tag-count N, pairs come only from synsets whose senses WordNet's Semantic Concordance tagged at least
N times (`cntlist.rev`, in the same package): everyday senses ("car", "tired") rather than the rare words and
senses that make up most of WordNet ("googolplex", "simony"), closer to the sentences search is asked about.

Loss: multiple negatives ranking (in-batch negatives, as sentence-transformers' MultipleNegativesRankingLoss,
both directions): for a batch of pairs (a_i, b_i), cross-entropy of scale * cos(a_i, b_j) over j, target i.
With --hard-negatives, a pair whose first text is an example sentence also brings, as one more candidate
b, the same example with its word swapped for an antonym or a sibling under the same hypernym ("the glass
is empty" / "the glass is full"), else an example of another sense of the same word: sentences that share
words but not meaning, the mistake mean pooling of a masked-LM model makes most.
Embeddings are the mean of the last hidden states over real tokens, normalised (the Pooling and Normalize
modules export.py writes into the sentence-transformers folder).

Writes tools/train/build/en-embed/run/: log.jsonl (loss per 10 steps; at each evaluation the held-out
retrieval accuracy and the Spearman correlation on eval/sts-en-dev.tsv), model.safetensors (BertModel
names, no `bert.` prefix, as sentence-transformers saves), config.json, vocab.txt, tokenizer_config.json,
checkpoint.pt (to resume with --resume).
"""
import argparse
import hashlib
import json
import os
import random
import re
import sys
import time

import torch
import torch.nn.functional as F

from tools.safetensors_io import serialize
from tools.train.export import load_pretrained

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CLS, SEP = 2, 3
WORDNET = "/usr/share/wordnet"


# ---------------------------------------------------------------- data

def tag_counts():
    """WordNet's sense counts (cntlist.rev: how often each sense was tagged in the Semantic Concordance), by
    (lemma, ss_type, lex_filenum, lex_id): everyday senses have counts, rare words and senses have none."""
    out = {}
    path = os.path.join(WORDNET, "cntlist.rev")
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="latin-1"):
        key, _, count = line.split()
        lemma, _, rest = key.partition("%")
        ss_type, lex_filenum, lex_id = rest.split(":")[:3]
        out[(lemma, int(ss_type), int(lex_filenum), int(lex_id))] = int(count)
    return out


def read_synsets():
    """WordNet 3.0 synsets: {(pos, offset): {lemmas, gloss, examples, hypernyms, antonyms, tag_count}}."""
    out = {}
    counts = tag_counts()
    ss_types = {"n": 1, "v": 2, "a": 3, "r": 4, "s": 5}
    for pos, tag in (("noun", "n"), ("verb", "v"), ("adj", "a"), ("adv", "r")):
        with open(os.path.join(WORDNET, f"data.{pos}"), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                head, _, gloss = line.partition(" | ")
                fields = head.split()
                wcnt = int(fields[3], 16)
                lemmas = [re.sub(r"\(\w+\)$", "", w).replace("_", " ") for w in fields[4:4 + 2 * wcnt:2]]
                i = 4 + 2 * wcnt
                pcnt = int(fields[i])
                hyper, anto = [], []
                for k in range(pcnt):
                    sym, off, ppos = fields[i + 1 + 4 * k: i + 4 + 4 * k]
                    if sym in ("@", "@i"):
                        hyper.append((ppos.replace("s", "a"), off))
                    elif sym == "!":
                        anto.append((ppos.replace("s", "a"), off))
                parts = [p.strip() for p in gloss.strip().split(";") if p.strip()]
                defs = [p for p in parts if not p.startswith('"')]
                examples = [p.strip('"').strip() for p in parts if p.startswith('"')]
                examples = [e for e in examples if len(e.split()) >= 3]
                tagged = sum(counts.get((w.lower(), ss_types[fields[2]], int(fields[1]), int(lex_id, 16)), 0)
                             for w, lex_id in zip(fields[4:4 + 2 * wcnt:2], fields[5:5 + 2 * wcnt:2]))
                if defs:
                    out[(tag, fields[0])] = {"lemmas": lemmas, "gloss": defs[0], "examples": examples,
                                             "hypernyms": hyper, "antonyms": anto, "tag_count": tagged}
    return out


def substitute(sentence, word, other):
    """`sentence` with the whole word (or its plural in -s) `word` replaced by `other`; None if absent."""
    m = re.search(r"\b" + re.escape(word) + r"(s?)\b", sentence, flags=re.IGNORECASE)
    if not m or (m.group(1) and " " in other):  # a plural of a phrase: "young domestic cats" is beyond this
        return None
    return sentence[:m.start()] + other + m.group(1) + sentence[m.end():]


def held_out(key):
    return int(hashlib.sha256(f"{key[0]}{key[1]}".encode()).hexdigest(), 16) % 50 == 0


def other_senses(synsets):
    """lemma (lowercased) -> the synsets with examples that hold it: the senses of one word."""
    index = {}
    for key in sorted(synsets):
        if synsets[key]["examples"]:
            for l in synsets[key]["lemmas"]:
                index.setdefault(l.lower(), []).append(key)
    return index


def children_of(synsets):
    """synset -> its hyponyms (the synsets that name it as hypernym)."""
    kids = {}
    for key in sorted(synsets):
        for h in synsets[key]["hypernyms"]:
            kids.setdefault(h, []).append(key)
    return kids


def swapped(synsets, kids, key, sentence, rng, min_tag=0):
    """`sentence` (an example of synset `key`) with its word replaced by an antonym ("the glass is empty" ->
    "the glass is full") or by a sibling under the same hypernym ("he bought a car" -> "he bought a truck"):
    nearly every word shared, the meaning changed."""
    s = synsets[key]
    others = [synsets[a]["lemmas"][0] for a in s["antonyms"] if a in synsets]
    if not others:
        sib = [k for h in s["hypernyms"] for k in kids.get(h, []) if k != key and synsets[k].get("tag_count", 0) >= min_tag]
        others = [synsets[rng.choice(sib)]["lemmas"][0]] if sib else []
    for w in s["lemmas"]:
        for o in others:
            if o.lower() in (l.lower() for l in s["lemmas"]):
                continue
            t = substitute(sentence, w, o)
            if t and t != sentence:
                return t
    return None


def hard_negative(synsets, senses, kids, key, sentence, rng, min_tag=0):
    """A sentence that shares words with `sentence` (an example of synset `key`) but not its meaning: the
    example with its word swapped for an antonym or a sibling (swapped()), else an example of another sense
    of the same word ("he sat on the chair" for "chair" as the chair of a meeting)."""
    t = swapped(synsets, kids, key, sentence, rng, min_tag)
    if t:
        return t
    for w in synsets[key]["lemmas"]:
        if not re.search(r"\b" + re.escape(w) + r"s?\b", sentence, flags=re.IGNORECASE):
            continue
        others = [k for k in senses.get(w.lower(), []) if k != key and synsets[k].get("tag_count", 0) >= min_tag]
        if others:
            return rng.choice(synsets[rng.choice(others)]["examples"])
    return None


STOP = set("""a an the and or but if of to in on at by for with from as into onto about over under after before than
then so too very not no nor is are was were be been being am do does did has have had having it its it's this that these
those there here he she they them his her their him i me my we us our you your what which who whom whose when where why
how all any some each every more most much many other such only own same can could will would shall should may might must
one two just also out up down off again once""".split())


def content_words(text):
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 3 and w not in STOP}


class Overlap:
    """The example sentences of WordNet (training synsets only) indexed by their content words: overlapping(s)
    is an example of another synset that shares the most content words with `s` ("the team lost the game" ->
    "the team played the game in the rain"): word overlap without the meaning, a hard negative."""

    def __init__(self, synsets, max_df=3000):
        self.texts, self.keys, index = [], [], {}
        for key in sorted(synsets):
            if held_out(key):
                continue
            for e in synsets[key]["examples"]:
                for w in content_words(e):
                    index.setdefault(w, []).append(len(self.texts))
                self.texts.append(e)
                self.keys.append(key)
        self.index = {w: ids for w, ids in index.items() if len(ids) <= max_df}

    def overlapping(self, key, sentence, rng):
        shared = {}
        for w in content_words(sentence):
            for i in self.index.get(w, ()):
                shared[i] = shared.get(i, 0) + 1
        best = [i for i, n in shared.items() if self.keys[i] != key and self.texts[i].lower() != sentence.lower()]
        if not best:
            return None
        top = max(shared[i] for i in best)
        return self.texts[rng.choice(sorted(i for i in best if shared[i] == top))]


SENTENCE_KINDS = ("example-gloss", "example-example", "substitution", "gloss-substitution")


def make_pairs(synsets, hard=False, seed=0, min_tag=0, kinds=None, mined=0.0, everyday_negatives=False):
    """(train pairs, held-out pairs, counts per kind); each pair is (kind, text a, text b, hard negative or None):
    with `hard`, a pair whose first text is an example sentence gets an example of another sense of its word.
    `min_tag`: only synsets whose senses WordNet's Semantic Concordance tagged at least this often (everyday
    senses); `kinds`: only these kinds of pair; `mined`: this fraction of the sentence pairs get, as hard
    negative, the example of another synset that shares the most content words (Overlap) instead."""
    train, held, counts = [], [], {}
    senses, kids, rng = other_senses(synsets), children_of(synsets), random.Random(seed)
    overlap = Overlap(synsets) if mined else None
    for key in sorted(synsets):
        s = synsets[key]
        if s.get("tag_count", 0) < min_tag:
            continue
        lemmas = [l for l in s["lemmas"] if l]
        hyper = [synsets[h]["lemmas"][0] for h in s["hypernyms"] if h in synsets]
        pairs = [("example-gloss", e, s["gloss"]) for e in s["examples"]]
        pairs += [("example-example", a, b) for a, b in zip(s["examples"], s["examples"][1:])]
        pairs.append(("word-gloss", lemmas[0], s["gloss"]))
        pairs += [("synonyms", lemmas[0], l) for l in lemmas[1:3]]
        pairs += [("hypernym", lemmas[0], h) for h in hyper[:1] if h.lower() != lemmas[0].lower()]
        short_gloss = s["gloss"] if len(s["gloss"].split()) <= 6 and "(" not in s["gloss"] else None
        for e in s["examples"]:
            for w in lemmas:
                for other in [l for l in lemmas if l != w][:1] + [h for h in hyper[:1] if h.lower() != w.lower()]:
                    t = substitute(e, w, other)
                    if t and t != e:
                        pairs.append(("substitution", e, t))
                        break
                if short_gloss:  # "the kitten slept" / "the young domestic cat slept"
                    t = substitute(e, w, short_gloss)
                    if t and t != e:
                        pairs.append(("gloss-substitution", e, t))
                        break
        out = []
        for p in pairs:
            if kinds and p[0] not in kinds:
                continue
            counts[p[0]] = counts.get(p[0], 0) + 1
            neg = None
            if overlap and p[0] in SENTENCE_KINDS and rng.random() < mined:
                neg = overlap.overlapping(key, p[1], rng)
            elif hard and p[0] in SENTENCE_KINDS:
                neg = hard_negative(synsets, senses, kids, key, p[1], rng, min_tag if everyday_negatives else 0)
            if neg is not None:
                counts["with a hard negative"] = counts.get("with a hard negative", 0) + 1
            out.append((*p, neg))
        (held if held_out(key) else train).extend(out)
    return train, held, counts


def read_sts(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        score, a, b = line.rstrip("\n").split("\t")
        rows.append((float(score), a, b))
    return rows


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2
        i = j + 1
    return r


def spearman(xs, ys):
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy)


# ---------------------------------------------------------------- model

def batch_ids(wp, texts, max_len):
    rows = [[CLS] + wp.encode(t)[:max_len - 2] + [SEP] for t in texts]
    S = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), S, dtype=torch.long)
    am = torch.zeros(len(rows), S, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        am[i, :len(r)] = 1
    return ids, am


def embed(bert, ids, am):
    """Mean of the last hidden states over real tokens, normalised (Pooling mean + Normalize)."""
    h = bert.embeddings(ids, torch.zeros_like(ids))
    ext = bert.get_extended_attention_mask(am, h.dtype)
    for layer in bert.encoder.layer:
        h, _ = layer(h, ext)
    m = am[:, :, None].to(h.dtype)
    return F.normalize((h * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=-1)


@torch.no_grad()
def sts_spearman(bert, wp, rows, max_len):
    bert.eval()
    a = embed(bert, *batch_ids(wp, [r[1] for r in rows], max_len))
    b = embed(bert, *batch_ids(wp, [r[2] for r in rows], max_len))
    bert.train()
    return spearman([r[0] for r in rows], (a * b).sum(-1).tolist())


@torch.no_grad()
def retrieval(bert, wp, pairs, batch, max_len):
    """Held-out pairs in batches: how often b_i is a_i's nearest among the batch's b's."""
    bert.eval()
    ok = n = 0
    for i in range(0, len(pairs) - batch + 1, batch):
        chunk = pairs[i:i + batch]
        a = embed(bert, *batch_ids(wp, [p[1] for p in chunk], max_len))
        b = embed(bert, *batch_ids(wp, [p[2] for p in chunk], max_len))
        ok += ((a @ b.T).argmax(-1) == torch.arange(len(chunk))).sum().item()
        n += len(chunk)
    bert.train()
    return ok / max(1, n)


def export_state(bert):
    return {k: v.detach().clone().contiguous() for k, v in bert.state_dict().items() if not k.endswith("position_ids")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="weights/en", help="the BertForPreTraining folder to start from")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--scale", type=float, default=20.0, help="cosine similarity scale of the ranking loss")
    ap.add_argument("--max-len", type=int, default=48)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--hard-negatives", action="store_true", help="add, for example sentences, an example of "
                    "another sense of their word as an extra negative")
    ap.add_argument("--min-tag-count", type=int, default=0, help="pairs only from synsets tagged at least this often "
                    "in WordNet's sense counts (cntlist.rev): everyday senses")
    ap.add_argument("--kinds", default="", help="only these kinds of pair (comma-separated, e.g. example-gloss,substitution)")
    ap.add_argument("--mined-negatives", type=float, default=0.0, help="this fraction of sentence pairs get as hard "
                    "negative the example of another synset sharing the most content words")
    ap.add_argument("--everyday-negatives", action="store_true", help="with --min-tag-count: the hard negatives' "
                    "swapped words and other senses come from such everyday senses too")
    ap.add_argument("--simcse", type=float, default=0.0, help="this fraction of each batch is unsupervised SimCSE: a "
                    "sentence paired with itself, told apart by dropout (WordNet examples and fortunes)")
    ap.add_argument("--dropout", type=float, default=0.0, help="hidden and attention dropout while training")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--out", default="", help="the run folder (default tools/train/build/en-embed/run)")
    ap.add_argument("--stop-at", type=int, default=0, help="stop after this step (keeping the --steps schedule)")
    ap.add_argument("--time-probe", type=int, default=0, help="time this many steps and exit")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    base = a.base if os.path.isabs(a.base) else os.path.join(ROOT, a.base)
    out = os.path.join(ROOT, a.out) if a.out else os.path.join(HERE, "build", "en-embed", "run")
    os.makedirs(out, exist_ok=True)
    model, wp, vocab, _ = load_pretrained(base)
    bert = model.bert
    config = json.load(open(os.path.join(base, "config.json")))
    config["architectures"] = ["BertModel"]

    synsets = read_synsets()
    train, held, counts = make_pairs(synsets, a.hard_negatives, a.seed, a.min_tag_count,
                                     a.kinds.split(",") if a.kinds else None, a.mined_negatives,
                                     a.everyday_negatives)
    rng = random.Random(a.seed)
    rng.shuffle(held)
    held = held[:2048]
    dev = read_sts(os.path.join(HERE, "eval", "sts-en-dev.tsv"))
    pool = []
    if a.simcse:
        from tools.train import corpus
        pool = [e for k in sorted(synsets) if not held_out(k) for e in synsets[k]["examples"]]
        pool += [t for _, sents in corpus.fortune_docs_en() for t in sents if 3 <= len(t.split()) <= 30]
        counts["simcse sentences"] = len(pool)
    for m in bert.modules():
        if isinstance(m, torch.nn.Dropout):
            m.p = a.dropout
    print(f"pairs: {len(train)} train, {len(held)} held out; {counts}", file=sys.stderr)

    torch.manual_seed(a.seed)
    bert.train()
    decay = [p for n, p in bert.named_parameters() if p.dim() >= 2 and "pooler" not in n]
    no_decay = [p for n, p in bert.named_parameters() if p.dim() < 2 and "pooler" not in n]
    for p in bert.pooler.parameters():
        p.requires_grad_(False)  # mean pooling: the pooler is kept as it was, unused
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr)

    def lr_at(step):
        if step < a.warmup:
            return a.lr * (step + 1) / a.warmup
        return a.lr * max(0.0, (a.steps - step) / max(1, a.steps - a.warmup))

    order, cursor = list(range(len(train))), 0
    rng.shuffle(order)
    step, elapsed, pairs_seen, tokens_seen = 0, 0.0, 0, 0
    log_path, ck_path = os.path.join(out, "log.jsonl"), os.path.join(out, "checkpoint.pt")
    head = {"args": vars(a), "base": os.path.relpath(base, ROOT), "train_pairs": len(train), "held_pairs": len(held),
            "pair_kinds": counts, "synsets": len(synsets),
            "synsets_used": sum(1 for v in synsets.values() if v["tag_count"] >= a.min_tag_count)}
    if a.resume and os.path.exists(ck_path):
        ck = torch.load(ck_path)
        bert.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, elapsed, pairs_seen, tokens_seen = ck["step"], ck["elapsed"], ck["pairs_seen"], ck["tokens_seen"]
        order, cursor = ck["order"], ck["cursor"]
        rng.setstate(ck["rng"])
        log = open(log_path, "a")
        log.write(json.dumps({"resume": step, **head}) + "\n")
    else:
        log = open(log_path, "w")
        ev0 = {"step": 0, "sts_dev_spearman": sts_spearman(bert, wp, dev, a.max_len),
               "sts_dev_hard_spearman": sts_spearman(bert, wp, dev[40:], a.max_len),
               "held_retrieval": retrieval(bert, wp, held, a.batch, a.max_len)}
        log.write(json.dumps({"config": config, **head, "before": ev0}) + "\n")
        print(json.dumps(ev0), file=sys.stderr)
    t_start = time.time() - elapsed
    end = min(a.steps, a.stop_at) if a.stop_at else a.steps
    while step < end:
        if cursor + a.batch > len(order):
            rng.shuffle(order)
            cursor = 0
        n_sim = round(a.batch * a.simcse)
        chunk = [train[i] for i in order[cursor:cursor + a.batch - n_sim]]
        cursor += a.batch - n_sim
        chunk += [("simcse", t, t, None) for t in (rng.choice(pool) for _ in range(n_sim))]
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        ia, ma = batch_ids(wp, [p[1] for p in chunk], a.max_len)
        ib, mb = batch_ids(wp, [p[2] for p in chunk], a.max_len)
        negs = [p[3] for p in chunk if p[3] is not None]
        ea, eb = embed(bert, ia, ma), embed(bert, ib, mb)
        sim = a.scale * ea @ eb.T
        target = torch.arange(len(chunk))
        loss_b = F.cross_entropy(sim.T, target)  # b -> a
        if negs:  # a -> b among the batch's b's and the hard negatives
            iN, mN = batch_ids(wp, negs, a.max_len)
            sim = torch.cat([sim, a.scale * ea @ embed(bert, iN, mN).T], dim=1)
            tokens_seen += int(mN.sum())
        loss = (F.cross_entropy(sim, target) + loss_b) / 2
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(bert.parameters(), 1.0)
        opt.step()
        step += 1
        pairs_seen += len(chunk)
        tokens_seen += int(ma.sum() + mb.sum())
        if a.time_probe and step == a.time_probe:
            dt = time.time() - t_start
            print(f"{step} steps in {dt:.1f} s: {dt / step:.3f} s/step", file=sys.stderr)
            return
        if step % 10 == 0:
            log.write(json.dumps({"step": step, "time": round(time.time() - t_start, 1), "loss": round(loss.item(), 4),
                                  "lr": lr_at(step - 1), "pairs_seen": pairs_seen, "tokens_seen": tokens_seen}) + "\n")
            log.flush()
        if step % a.eval_every == 0 or step == end:
            ev = {"step": step, "time": round(time.time() - t_start, 1), "pairs_seen": pairs_seen,
                  "tokens_seen": tokens_seen, "eval": True,
                  "sts_dev_spearman": sts_spearman(bert, wp, dev, a.max_len),
                  "sts_dev_hard_spearman": sts_spearman(bert, wp, dev[40:], a.max_len),
                  "held_retrieval": retrieval(bert, wp, held, a.batch, a.max_len)}
            log.write(json.dumps(ev) + "\n")
            log.flush()
            print(json.dumps(ev), file=sys.stderr)
            with open(os.path.join(out, "config.json"), "w") as f:
                json.dump(config, f, indent=2)
                f.write("\n")
            with open(os.path.join(out, "model.safetensors"), "wb") as f:
                f.write(serialize(export_state(bert), metadata={"format": "pt", "step": str(step)}))
            for name in ("vocab.txt", "tokenizer_config.json"):
                with open(os.path.join(base, name), "rb") as s, open(os.path.join(out, name), "wb") as d:
                    d.write(s.read())
            torch.save({"model": bert.state_dict(), "opt": opt.state_dict(), "step": step,
                        "elapsed": time.time() - t_start, "pairs_seen": pairs_seen, "tokens_seen": tokens_seen,
                        "order": order, "cursor": cursor, "rng": rng.getstate()}, ck_path)
    log.close()


if __name__ == "__main__":
    main()
