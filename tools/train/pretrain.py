"""Pretrain a small BERT with BERT's own objective: masked LM + next-sentence prediction.

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 -m tools.train.pretrain en \
        --layers 4 --hidden 128 --heads 4 --intermediate 512 --max-len 64 --steps 3000

(tools/train/make.py holds the exact commands of each shipped model.)

Reads tools/train/build/{lang}/{train,eval}.jsonl and vocab.txt (corpus.py,
wordpiece.py); writes tools/train/build/{lang}/run/: log.jsonl (loss per step,
held-out accuracy per evaluation), checkpoint.pt (to resume with --resume) and
model.safetensors + config.json, a BertForPreTraining checkpoint under Hugging
Face's tensor names (`bert.encoder.layer.0.attention.self.query.weight`,
`cls.predictions.bias`, `cls.seq_relationship.weight`, ...): `transformers`
loads it unchanged.

The objective, as in the BERT paper (Devlin et al. 2018, section 3.1 and A.1):
- an example is "[CLS] A [SEP] B [SEP]", at most --max-len tokens, where A is a
  run of consecutive sentences of one document and B is, half the time, the
  sentences that follow A (IsNext, label 0) and otherwise sentences from a
  random document (NotNext, label 1); 10% of examples get a shorter target
  length, so the model also sees short inputs;
- 15% of the non-special tokens are chosen for prediction; of those 80% become
  [MASK], 10% a random token, 10% stay as they are. Masks are drawn anew each
  time an example is drawn (dynamic masking);
- loss = cross-entropy of the MLM head at the chosen positions + cross-entropy
  of the NSP head on the pooled [CLS]. The MLM head runs only at the chosen
  positions (gathering first saves the large vocabulary projection elsewhere).
Everything random comes from --seed.
"""
import argparse
import bisect
import hashlib
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

from tools import reference_bert as rb
from tools.safetensors_io import serialize
from tools.train.wordpiece import WordPiece

HERE = os.path.dirname(os.path.abspath(__file__))

PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
N_SPECIAL = 5


# ---------------------------------------------------------------- data

def load_docs(path, wp, cache_path):
    """Documents as lists of sentences, each a list of token ids (cached next to the corpus, keyed by
    the corpus file's time and the vocabulary, so a grown vocabulary re-tokenizes)."""
    key = [os.path.getmtime(path), len(wp.vocab), hashlib.sha256("\n".join(wp.vocab).encode()).hexdigest()]
    if os.path.exists(cache_path):
        cached = torch.load(cache_path)
        if isinstance(cached, dict) and cached.get("key") == key and "sources" in cached:
            return cached["docs"], cached["sources"]
    docs, sources = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            sents = [wp.encode(s) for s in doc["sentences"]]
            sents = [s for s in sents if s]
            if sents:
                docs.append(sents)
                sources.append(doc["source"])
    torch.save({"key": key, "docs": docs, "sources": sources}, cache_path)
    return docs, sources


def parse_mix(text):
    """--mix "wordnet-base=1.5,dict-gcide=0.5" -> {"wordnet-base": 1.5, "dict-gcide": 0.5}."""
    mix = {}
    for part in filter(None, text.split(",")):
        name, sep, w = part.partition("=")
        if not sep or float(w) < 0:
            sys.exit(f"pretrain.py: --mix expects package=weight,..., found {part!r}")
        mix[name.strip()] = float(w)
    return mix


class Examples:
    """Draws NSP pairs from documents; a document is drawn in proportion to its length in tokens
    times its source's weight (1 unless given), so --mix changes how much of each source the model sees."""

    def __init__(self, docs, max_len, rng, weights=None):
        self.docs, self.max_len, self.rng = docs, max_len, rng
        self.cum = []
        total = 0
        for i, d in enumerate(docs):
            n = sum(len(s) for s in d)
            total += round(n * weights[i] * 100) if weights else n  # integers: the same draws as before --mix
            self.cum.append(total)
        self.total = total

    def random_doc(self):
        return bisect.bisect_right(self.cum, self.rng.randrange(self.total))

    def draw(self):
        rng = self.rng
        budget = self.max_len - 3
        target = budget if rng.random() >= 0.1 else rng.randint(2, budget)
        di = self.random_doc()
        doc = self.docs[di]
        start = rng.randrange(len(doc))
        chunk, n = [], 0
        for s in doc[start:]:
            chunk.append(s)
            n += len(s)
            if n >= target:
                break
        a_end = rng.randint(1, len(chunk) - 1) if len(chunk) >= 2 else 1
        a = [t for s in chunk[:a_end] for t in s]
        if len(chunk) == 1 or rng.random() < 0.5:
            label = 1  # NotNext: B from another document
            for _ in range(10):
                dj = self.random_doc()
                if dj != di:
                    break
            other = self.docs[dj]
            j = rng.randrange(len(other))
            b = []
            for s in other[j:]:
                b.extend(s)
                if len(a) + len(b) >= target:
                    break
        else:
            label = 0  # IsNext
            b = [t for s in chunk[a_end:] for t in s]
        while len(a) + len(b) > budget:  # truncate the longer side, front or back at random
            side = a if len(a) > len(b) else b
            if rng.random() < 0.5:
                del side[0]
            else:
                side.pop()
        if not b:
            b = [UNK] if not a else [a.pop()] if len(a) > 1 else [UNK]
        ids = [CLS] + a + [SEP] + b + [SEP]
        types = [0] * (len(a) + 2) + [1] * (len(b) + 1)
        return ids, types, label


def mask_tokens(ids, vocab_size, rng):
    """BERT's 15% / 80-10-10 masking. Returns (masked ids, positions, original ids at them)."""
    cand = [i for i, t in enumerate(ids) if t >= N_SPECIAL]
    k = max(1, round(len(cand) * 0.15)) if cand else 0
    pos = sorted(rng.sample(cand, k)) if k else []
    out = list(ids)
    labels = []
    for p in pos:
        labels.append(ids[p])
        r = rng.random()
        if r < 0.8:
            out[p] = MASK
        elif r < 0.9:
            out[p] = rng.randrange(N_SPECIAL, vocab_size)
    return out, pos, labels


def mask_words(ids, vocab_size, rng, continuation, content=None):
    """Whole-word masking: the 15% are whole words (a token and the `##` pieces after it), so the
    model must predict a word from its context, never finish one from its visible pieces. Each chosen
    word becomes [MASK]s (80%), random tokens (10%) or stays (10%) as a whole.

    With `content` (a flag per token id: a content word's first token), a content word that also stands
    elsewhere in the sequence is not chosen: the model is never rewarded for reading its answer off the
    sequence, the habit a small model picks up from dictionary text (--avoid-copies)."""
    words = []
    for i, t in enumerate(ids):
        if t < N_SPECIAL:
            continue
        if continuation[t] and words and words[-1][-1] == i - 1:
            words[-1].append(i)
        else:
            words.append([i])
    n = sum(len(w) for w in words)
    budget = max(1, round(n * 0.15)) if n else 0
    if content is not None:
        seen = {}
        for w in words:
            key = tuple(ids[p] for p in w)
            seen[key] = seen.get(key, 0) + 1
        words = [w for w in words if not (content[ids[w[0]]] and seen[tuple(ids[p] for p in w)] > 1)]
    rng.shuffle(words)
    chosen, covered = [], 0
    for w in words:
        if covered >= budget:
            break
        if covered + len(w) > budget + 1:
            continue
        chosen.append(w)
        covered += len(w)
    out = list(ids)
    pos = sorted(p for w in chosen for p in w)
    for w in chosen:
        r = rng.random()
        for p in w:
            if r < 0.8:
                out[p] = MASK
            elif r < 0.9:
                out[p] = rng.randrange(N_SPECIAL, vocab_size)
    return out, pos, [ids[p] for p in pos]


def make_batch(examples, batch, vocab_size, rng, continuation=None, content=None):
    rows = [examples.draw() for _ in range(batch)]
    S = max(len(r[0]) for r in rows)
    ids = torch.zeros(batch, S, dtype=torch.long)
    tt = torch.zeros(batch, S, dtype=torch.long)
    am = torch.zeros(batch, S, dtype=torch.long)
    flat_pos, flat_lab = [], []
    nsp = torch.tensor([r[2] for r in rows], dtype=torch.long)
    for b, (x, t, _) in enumerate(rows):
        m, pos, lab = mask_words(x, vocab_size, rng, continuation, content) if continuation else mask_tokens(x, vocab_size, rng)
        ids[b, :len(m)] = torch.tensor(m)
        tt[b, :len(t)] = torch.tensor(t)
        am[b, :len(m)] = 1
        flat_pos.extend(b * S + p for p in pos)
        flat_lab.extend(lab)
    return ids, tt, am, torch.tensor(flat_pos, dtype=torch.long), torch.tensor(flat_lab, dtype=torch.long), nsp


# ---------------------------------------------------------------- model

def pretrain_logits(model, ids, tt, am, positions):
    """MLM logits at the flat positions [N, V] and NSP logits [B, 2]."""
    bert = model.bert
    h = bert.embeddings(ids, tt)
    ext = bert.get_extended_attention_mask(am, h.dtype)
    for layer in bert.encoder.layer:
        h, _ = layer(h, ext)
    pooled = bert.pooler(h)
    rows = h.reshape(-1, h.shape[-1]).index_select(0, positions)
    return model.cls.predictions(rows), model.cls.seq_relationship(pooled)


def make_config(a, vocab_size):
    return {
        "architectures": ["BertForPreTraining"],
        "model_type": "bert",
        "vocab_size": vocab_size,
        "hidden_size": a.hidden,
        "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads,
        "intermediate_size": a.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": a.dropout,
        "attention_probs_dropout_prob": a.dropout,
        "max_position_embeddings": a.max_len,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
    }


def init_weights(model, std):
    """BertPreTrainedModel._init_weights: normal(0, 0.02) linears and embeddings, zero biases, LN = 1, 0."""
    for m in model.modules():
        if isinstance(m, torch.nn.Linear):
            m.weight.data.normal_(0.0, std)
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, torch.nn.Embedding):
            m.weight.data.normal_(0.0, std)
            if m.padding_idx is not None:
                m.weight.data[m.padding_idx].zero_()
        elif isinstance(m, torch.nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()
    model.cls.predictions.bias.data.zero_()


def state_for_export(model):
    """HF names; the tied decoder weight is not stored (transformers re-ties it)."""
    sd = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    sd.pop("cls.predictions.decoder.weight", None)
    sd.pop("cls.predictions.decoder.bias", None)
    sd.pop("bert.embeddings.position_ids", None)
    return sd


@torch.no_grad()
def evaluate(model, batches):
    model.eval()
    top1 = top5 = n = nsp_ok = nsp_n = 0
    mlm_loss = nsp_loss = 0.0
    for ids, tt, am, pos, lab, nsp in batches:
        mlm, ns = pretrain_logits(model, ids, tt, am, pos)
        mlm_loss += F.cross_entropy(mlm, lab, reduction="sum").item()
        nsp_loss += F.cross_entropy(ns, nsp, reduction="sum").item()
        t5 = mlm.topk(5, dim=-1).indices
        top1 += (t5[:, 0] == lab).sum().item()
        top5 += (t5 == lab[:, None]).any(dim=-1).sum().item()
        n += lab.numel()
        nsp_ok += (ns.argmax(-1) == nsp).sum().item()
        nsp_n += nsp.numel()
    model.train()
    return {"mlm_top1": top1 / n, "mlm_top5": top5 / n, "mlm_loss": mlm_loss / n,
            "nsp_acc": nsp_ok / nsp_n, "nsp_loss": nsp_loss / nsp_n, "masked_tokens": n, "pairs": nsp_n}


def save(model, config, out_dir, vocab_dir, step, extra=None):
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    meta = {"format": "pt", "step": str(step)}
    if extra:
        meta.update({k: str(v) for k, v in extra.items()})
    with open(os.path.join(out_dir, "model.safetensors"), "wb") as f:
        f.write(serialize(state_for_export(model), metadata=meta))
    for name in ("vocab.txt", "tokenizer_config.json"):
        if os.path.abspath(vocab_dir) == os.path.abspath(out_dir):
            continue  # a resumed run's own vocabulary
        with open(os.path.join(vocab_dir, name), "rb") as src, open(os.path.join(out_dir, name), "wb") as dst:
            dst.write(src.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lang")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=1024)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--dropout", type=float, default=0.1,
                    help="hidden and attention dropout; 0 suits a small model that sees its corpus less than once")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--eval-batches", type=int, default=16)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--mix", default="", help="source weights, e.g. wordnet-base=1.5,dict-gcide=0.5: a document is "
                    "drawn in proportion to its length times its source's weight (default 1)")
    ap.add_argument("--stop-at", type=int, default=0, help="stop after this step (keeping the --steps schedule); "
                    "a later --resume goes on from there")
    ap.add_argument("--whole-word", action="store_true", help="mask whole words (a token and its ## pieces)")
    ap.add_argument("--avoid-copies", action="store_true", help="with --whole-word: never mask a content word (4+ "
                    "letters) that also stands elsewhere in the sequence")
    ap.add_argument("--init", default="", help="start from this BertForPreTraining folder's weights (with its "
                    "vocabulary) and a fresh optimizer, e.g. tools/train/build/en/run")
    ap.add_argument("--time-probe", type=int, default=0, help="time this many steps and exit")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    d = os.path.join(HERE, "build", a.lang)
    out = os.path.join(d, "run")
    os.makedirs(out, exist_ok=True)
    init = os.path.join(os.path.dirname(os.path.dirname(HERE)), a.init) if a.init else ""
    vocab_dir = init or d  # continuing a model keeps its vocabulary
    if a.resume and os.path.exists(os.path.join(out, "checkpoint.pt")) and os.path.exists(os.path.join(out, "vocab.txt")):
        vocab_dir = out  # a resumed run goes on with the vocabulary it saved (its --init folder need not exist any more)
    with open(os.path.join(vocab_dir, "vocab.txt"), encoding="utf-8") as f:
        vocab = [l.rstrip("\n") for l in f]
    tcfg = json.load(open(os.path.join(vocab_dir, "tokenizer_config.json")))
    wp = WordPiece(vocab, lower=tcfg["do_lower_case"])
    t0 = time.time()
    train_docs, train_sources = load_docs(os.path.join(d, "train.jsonl"), wp, os.path.join(d, "train.ids.pt"))
    eval_docs, _ = load_docs(os.path.join(d, "eval.jsonl"), wp, os.path.join(d, "eval.ids.pt"))
    mix = parse_mix(a.mix)
    unknown = set(mix) - set(train_sources)
    if unknown:
        sys.exit(f"pretrain.py: --mix names {sorted(unknown)}, not sources of the corpus ({sorted(set(train_sources))})")
    n_tok = sum(len(s) for doc in train_docs for s in doc)
    print(f"corpus: {len(train_docs)} train documents, {n_tok} tokens; {len(eval_docs)} held-out "
          f"documents ({time.time() - t0:.0f} s)", file=sys.stderr)

    config = make_config(a, len(vocab))
    torch.manual_seed(a.seed)
    model = rb.BertWithHeads(rb.BertConfig(config), mlm=True, nsp=True)
    init_weights(model, config["initializer_range"])
    model.tie_weights()
    if init and not (a.resume and os.path.exists(os.path.join(out, "checkpoint.pt"))):
        from tools.safetensors_io import load_file
        start = json.load(open(os.path.join(init, "config.json")))
        differ = [k for k in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                              "intermediate_size", "max_position_embeddings") if start[k] != config[k]]
        if differ:
            sys.exit(f"pretrain.py: --init {a.init} differs from the flags in {differ}")
        sd = {k: v.to(torch.float32) for k, v in load_file(os.path.join(init, "model.safetensors")).items()}
        missing, unexpected = model.load_state_dict(sd, strict=False)
        missing = [k for k in missing if k not in ("cls.predictions.decoder.weight", "cls.predictions.decoder.bias")
                   and not k.endswith("position_ids")]
        if missing or unexpected:
            sys.exit(f"pretrain.py: --init {a.init}: missing {missing}, unexpected {unexpected}")
        model.tie_weights()
        print(f"initialised from {a.init}", file=sys.stderr)
    model.train()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.98), eps=1e-6)

    def lr_at(step):  # linear warm-up, then linear decay to zero (as in the BERT paper)
        if step < a.warmup:
            return a.lr * (step + 1) / a.warmup
        return a.lr * max(0.0, (a.steps - step) / max(1, a.steps - a.warmup))

    erng = random.Random(a.seed + 1)
    held = Examples(eval_docs, a.max_len, erng)
    continuation = [t.startswith("##") for t in vocab] if a.whole_word else None
    content = [t.isalpha() and len(t) >= 4 for t in vocab] if a.avoid_copies else None
    eval_batches = [make_batch(held, a.batch, len(vocab), erng, continuation, content) for _ in range(a.eval_batches)]
    rng = random.Random(a.seed)
    examples = Examples(train_docs, a.max_len, rng, [mix.get(src, 1.0) for src in train_sources] if mix else None)
    step, elapsed, tokens_seen = 0, 0.0, 0
    log_path = os.path.join(out, "log.jsonl")
    ck_path = os.path.join(out, "checkpoint.pt")
    if a.resume and os.path.exists(ck_path):
        ck = torch.load(ck_path)
        model.load_state_dict(ck["model"])
        model.tie_weights()
        opt.load_state_dict(ck["opt"])
        step, elapsed, tokens_seen = ck["step"], ck["elapsed"], ck["tokens_seen"]
        rng.setstate(ck["rng"])
        torch.set_rng_state(ck["torch_rng"])
        print(f"resumed at step {step}", file=sys.stderr)
        log = open(log_path, "a")
        log.write(json.dumps({"resume": step, "args": vars(a), "vocab_size": len(vocab), "train_tokens": n_tok,
                              "train_documents": len(train_docs), "eval_documents": len(eval_docs)}) + "\n")
    else:
        log = open(log_path, "w")
        log.write(json.dumps({"config": config, "args": vars(a), "train_tokens": n_tok,
                              "train_documents": len(train_docs), "eval_documents": len(eval_docs)}) + "\n")

    t_start = time.time() - elapsed
    while step < (min(a.steps, a.stop_at) if a.stop_at else a.steps):
        ids, tt, am, pos, lab, nsp = make_batch(examples, a.batch, len(vocab), rng, continuation, content)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        mlm, ns = pretrain_logits(model, ids, tt, am, pos)
        mlm_loss = F.cross_entropy(mlm, lab)
        nsp_loss = F.cross_entropy(ns, nsp)
        loss = mlm_loss + nsp_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens_seen += int(am.sum())
        if a.time_probe and step == a.time_probe:
            dt = time.time() - t_start
            print(f"{step} steps in {dt:.1f} s: {dt / step:.2f} s/step, {tokens_seen / dt:.0f} tokens/s", file=sys.stderr)
            return
        if step % 10 == 0:
            log.write(json.dumps({"step": step, "time": round(time.time() - t_start, 1), "loss": round(loss.item(), 4),
                                  "mlm_loss": round(mlm_loss.item(), 4), "nsp_loss": round(nsp_loss.item(), 4),
                                  "lr": lr_at(step - 1), "tokens_seen": tokens_seen}) + "\n")
            log.flush()
        if step % a.eval_every == 0 or step == a.steps or step == a.stop_at:
            ev = evaluate(model, eval_batches)
            ev.update({"step": step, "time": round(time.time() - t_start, 1), "tokens_seen": tokens_seen, "eval": True})
            log.write(json.dumps(ev) + "\n")
            log.flush()
            print(json.dumps(ev), file=sys.stderr)
            save(model, config, out, vocab_dir, step, {"tokens_seen": tokens_seen})
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                        "elapsed": time.time() - t_start, "tokens_seen": tokens_seen,
                        "rng": rng.getstate(), "torch_rng": torch.get_rng_state()}, ck_path)
    log.close()


if __name__ == "__main__":
    main()
