"""Fine-tune the English model into a fortune-cookie topic classifier (BertForSequenceClassification).

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 -m tools.train.finetune_topic \
        --base tools/train/build/en/run --out tools/train/build/en-topic/run

The labelled set exists offline: the `fortunes` package files its fortunes by
topic (computers, science, politics, ...), one file per topic, so a fortune's
label is the file it comes from. A fixed 15% of each topic (by a hash of the
text) is held out for evaluation; the report compares held-out accuracy with
the majority-class baseline (always answering the largest topic).

The model is Hugging Face's BertForSequenceClassification: BERT, its pooler
tanh(W·h[CLS] + b), dropout, then `classifier` (a linear layer to num_labels).
Tensor names: `bert.*`, `classifier.weight`, `classifier.bias`; config carries
`id2label`, `label2id` and `problem_type: single_label_classification`.
"""
import argparse
import hashlib
import json
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

from tools import reference_bert as rb
from tools.safetensors_io import load_file as load_st, serialize
from tools.train import corpus
from tools.train.wordpiece import WordPiece

HERE = os.path.dirname(os.path.abspath(__file__))

TOPICS = ["computers", "science", "politics", "law", "food", "sports", "education", "love"]
CLS, SEP = 2, 3


def dataset(wp, max_len):
    train, test = [], []
    for label, name in enumerate(TOPICS):
        for c in corpus.read_fortunes(name):
            text = corpus.fortune_text_en(c)
            if len(text) < 10:
                continue
            ids = [CLS] + wp.encode(text)[: max_len - 2] + [SEP]
            h = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)
            (test if h % 100 < 15 else train).append((ids, label, text))
    return train, test


class Classifier(torch.nn.Module):
    def __init__(self, config, n):
        super().__init__()
        self.bert = rb.BertModel(config, add_pooling_layer=True)
        self.dropout = torch.nn.Dropout(config.hidden_dropout_prob)
        self.classifier = torch.nn.Linear(config.hidden_size, n)

    def forward(self, ids, am):
        bert = self.bert
        h = bert.embeddings(ids, torch.zeros_like(ids))
        ext = bert.get_extended_attention_mask(am, h.dtype)
        for layer in bert.encoder.layer:
            h, _ = layer(h, ext)
        return self.classifier(self.dropout(bert.pooler(h)))


def batches(rows, size, rng=None):
    order = list(range(len(rows)))
    if rng:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        chunk = [rows[j] for j in order[i:i + size]]
        S = max(len(r[0]) for r in chunk)
        ids = torch.zeros(len(chunk), S, dtype=torch.long)
        am = torch.zeros(len(chunk), S, dtype=torch.long)
        for b, r in enumerate(chunk):
            ids[b, :len(r[0])] = torch.tensor(r[0])
            am[b, :len(r[0])] = 1
        yield ids, am, torch.tensor([r[1] for r in chunk])


@torch.no_grad()
def accuracy(model, rows):
    model.eval()
    ok = 0
    for ids, am, y in batches(rows, 64):
        ok += (model(ids, am).argmax(-1) == y).sum().item()
    model.train()
    return ok / len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=os.path.join(HERE, "build", "en", "run"))
    ap.add_argument("--out", default=os.path.join(HERE, "build", "en-topic", "run"))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    base_cfg = json.load(open(os.path.join(a.base, "config.json")))
    vocab = [l.rstrip("\n") for l in open(os.path.join(a.base, "vocab.txt"), encoding="utf-8")]
    wp = WordPiece(vocab, lower=True)
    train, test = dataset(wp, base_cfg["max_position_embeddings"])
    counts = [sum(1 for r in train if r[1] == k) for k in range(len(TOPICS))]
    test_counts = [sum(1 for r in test if r[1] == k) for k in range(len(TOPICS))]
    majority = max(range(len(TOPICS)), key=lambda k: counts[k])
    baseline = test_counts[majority] / len(test)
    print(f"{len(train)} train, {len(test)} held out; majority class {TOPICS[majority]}: {baseline:.3f}", file=sys.stderr)

    torch.manual_seed(a.seed)
    config = dict(base_cfg)
    config["architectures"] = ["BertForSequenceClassification"]
    config["id2label"] = {str(i): t for i, t in enumerate(TOPICS)}
    config["label2id"] = {t: i for i, t in enumerate(TOPICS)}
    config["problem_type"] = "single_label_classification"
    model = Classifier(rb.BertConfig({k: v for k, v in config.items() if k not in ("id2label", "label2id")}), len(TOPICS))
    base = load_st(os.path.join(a.base, "model.safetensors"))
    enc = {k[len("bert."):]: v.float() for k, v in base.items() if k.startswith("bert.")}
    missing, unexpected = model.bert.load_state_dict(enc, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise SystemExit(f"base checkpoint mismatch: missing {missing} unexpected {unexpected}")
    model.classifier.weight.data.normal_(0.0, config["initializer_range"])
    model.classifier.bias.data.zero_()
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    total = a.epochs * ((len(train) + a.batch - 1) // a.batch)
    warm = max(1, total // 10)
    rng = random.Random(a.seed)
    log = open(os.path.join(a.out, "log.jsonl"), "w")
    log.write(json.dumps({"config": config, "args": vars(a), "train": len(train), "test": len(test),
                          "train_counts": dict(zip(TOPICS, counts)), "test_counts": dict(zip(TOPICS, test_counts)),
                          "majority_baseline": baseline}) + "\n")
    step, t0 = 0, time.time()
    for epoch in range(a.epochs):
        for ids, am, y in batches(train, a.batch, rng):
            lr = a.lr * min((step + 1) / warm, max(0.0, (total - step) / max(1, total - warm)))
            for g in opt.param_groups:
                g["lr"] = lr
            loss = F.cross_entropy(model(ids, am), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            if step % 10 == 0:
                log.write(json.dumps({"step": step, "time": round(time.time() - t0, 1), "loss": round(loss.item(), 4)}) + "\n")
                log.flush()
        acc = accuracy(model, test)
        ev = {"epoch": epoch + 1, "step": step, "time": round(time.time() - t0, 1), "eval": True,
              "accuracy": acc, "majority_baseline": baseline}
        log.write(json.dumps(ev) + "\n")
        log.flush()
        print(json.dumps(ev), file=sys.stderr)
    sd = {k: v.detach().contiguous() for k, v in model.state_dict().items() if not k.endswith("position_ids")}
    with open(os.path.join(a.out, "model.safetensors"), "wb") as f:
        f.write(serialize(sd, metadata={"format": "pt"}))
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    for name in ("vocab.txt", "tokenizer_config.json"):
        with open(os.path.join(a.base, name), "rb") as s, open(os.path.join(a.out, name), "wb") as d:
            d.write(s.read())
    # A few held-out examples with their predictions, for the model card.
    model.eval()
    examples = []
    with torch.no_grad():
        for r in test[:: max(1, len(test) // 12)][:12]:
            p = F.softmax(model(torch.tensor([r[0]]), torch.ones(1, len(r[0]), dtype=torch.long)), -1)[0]
            k = int(p.argmax())
            examples.append({"text": r[2], "label": TOPICS[r[1]], "predicted": TOPICS[k], "score": round(float(p[k]), 3)})
    json.dump(examples, open(os.path.join(a.out, "examples.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
