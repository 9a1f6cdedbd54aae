"""Fine-tune the English model into a tiny extractive question answerer (BertForQuestionAnswering),
on synthetic questions: the model that examples/question-answering.mjs runs out of the box.

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 -m tools.train.finetune_qa            # base weights/en, out weights/en-qa

No question-answering set ships in Debian, so the training set is made here from
templates: short contexts of two or three facts about people ("Anna lives in
Lyon. She works as a baker. She was born in 1961.") and a question about one of
them ("Where does Anna live?" → "Lyon"). Names, places, jobs, years and foods
are split in two: the held-out evaluation uses only values the model never saw
in training, so it measures span finding, not memorised answers. What it can do
is exactly this and nothing more: find who / where / when / what-job /
what-food spans in short factual sentences. It is a demonstration of the QA
head (start and end logits over the context tokens), not a reader.

The model is Hugging Face's BertForQuestionAnswering: BERT without the pooler,
then `qa_outputs` (a linear layer H → 2: start and end logits per token).
Tensors: `bert.*`, `qa_outputs.weight`, `qa_outputs.bias`.
"""
import argparse
import json
import os
import random
import time

import torch
import torch.nn.functional as F

from tools import reference_bert as rb
from tools.safetensors_io import load_file, save_file
from tools.train.export import batch_inputs, read_tokenizer
from tools.train.card import write_card

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

NAMES = ["Anna", "Peter", "Maria", "John", "Sarah", "David", "Laura", "Thomas", "Emma", "James", "Clara", "Paul",
         "Alice", "Henry", "Julia", "Frank", "Sophie", "Martin", "Grace", "Oliver", "Helen", "Victor", "Nina", "Oscar",
         "Rosa", "Hugo", "Eva", "Simon", "Lucy", "Daniel", "Irene", "George", "Wolfgang", "Marta", "Carl", "Lena"]
PLACES = ["Paris", "London", "Berlin", "Rome", "Madrid", "Vienna", "Prague", "Dublin", "Lisbon", "Oslo", "Athens",
          "Boston", "Chicago", "Tokyo", "Cairo", "Sydney", "Toronto", "Warsaw", "Geneva", "Milan", "Munich", "Lyon",
          "Glasgow", "Denver", "Seattle", "Naples", "Venice", "Zurich", "Moscow", "Delhi", "Lima", "Oxford"]
JOBS = ["baker", "teacher", "doctor", "farmer", "lawyer", "painter", "nurse", "pilot", "writer", "carpenter",
        "singer", "engineer", "judge", "soldier", "sailor", "banker", "cook", "gardener", "priest", "student",
        "dentist", "tailor", "miner", "actor"]
FOODS = ["bread", "cheese", "apples", "fish", "rice", "soup", "chocolate", "pasta", "eggs", "honey", "oranges",
         "cake", "potatoes", "beans", "meat", "coffee", "tea", "milk", "pie", "grapes"]
YEARS = [str(y) for y in range(1900, 2020)]

# (fact, question, slot): the answer is the slot's value
FACTS = [
    ("{n} lives in {place}.", "Where does {n} live?", "place"),
    ("{n} was born in {year}.", "When was {n} born?", "year"),
    ("{n} works as a {job}.", "What does {n} do?", "job"),
    ("{n} likes to eat {food}.", "What does {n} like to eat?", "food"),
    ("{n} moved to {place} in {year}.", "Where did {n} move?", "place"),
    ("{n} moved to {place} in {year}.", "When did {n} move to {place}?", "year"),
    ("The {job} in {place} is called {n}.", "Who is the {job} in {place}?", "n"),
    ("{n} met {m} in {place}.", "Who did {n} meet?", "m"),
    ("{n} met {m} in {place}.", "Where did {n} meet {m}?", "place"),
]
GOLDEN_QA = [("Where does Wolfgang live?", "My name is Wolfgang and I live in Berlin. I work as a baker."),
             ("When was Anna born?", "Anna lives in Lyon. She was born in 1961.")]


def split(values, rng):
    v = list(values)
    rng.shuffle(v)
    k = max(2, len(v) // 5)
    return v[k:], v[:k]  # train, held out


def example(rng, pools):
    """One (question, context, answer) with the answer's character span in the context."""
    pick = {k: rng.choice(v) for k, v in pools.items()}
    pick["m"] = rng.choice([x for x in pools["n"] if x != pick["n"]])
    fact, question, slot = rng.choice(FACTS)
    sentence = fact.format(**pick)
    # one or two distractor facts about someone else, before or after
    others = []
    for _ in range(rng.choice([1, 2])):
        o = dict(pick)
        o["n"] = rng.choice([x for x in pools["n"] if x != pick["n"]])
        for k in ("place", "year", "job", "food"):
            o[k] = rng.choice(pools[k])
        others.append(rng.choice(FACTS)[0].format(**o))
    parts = others + [sentence]
    rng.shuffle(parts)
    context = " ".join(parts)
    answer = pick[slot]
    start = context.index(sentence) + sentence.index(answer) if slot != "n" else context.index(sentence) + sentence.rindex(answer)
    return question.format(**pick), context, answer, start


def features(wp, vocab, question, context, answer, start):
    """ids, token types and the answer's start / end token (context tokens follow [CLS] q [SEP])."""
    q = wp.encode(question)
    before = wp.encode(context[:start])
    ans = wp.encode(answer)
    ctx = wp.encode(context)
    assert ctx[: len(before) + len(ans)] == before + ans, (context, answer)  # words split on spaces and punctuation
    ids = [vocab["[CLS]"]] + q + [vocab["[SEP]"]] + ctx + [vocab["[SEP]"]]
    tt = [0] * (len(q) + 2) + [1] * (len(ctx) + 1)
    s = len(q) + 2 + len(before)
    return ids, tt, s, s + len(ans) - 1


def batches(rows, size, rng):
    rows = list(rows)
    rng.shuffle(rows)
    for i in range(0, len(rows) - size + 1, size):
        chunk = rows[i : i + size]
        S = max(len(r[0]) for r in chunk)
        ids = torch.tensor([r[0] + [0] * (S - len(r[0])) for r in chunk])
        mask = torch.tensor([[1] * len(r[0]) + [0] * (S - len(r[0])) for r in chunk])
        tt = torch.tensor([r[1] + [0] * (S - len(r[1])) for r in chunk])
        yield ids, mask, tt, torch.tensor([r[2] for r in chunk]), torch.tensor([r[3] for r in chunk])


@torch.no_grad()
def exact_match(model, rows):
    model.eval()
    hits = 0
    for ids, mask, tt, s, e in batches(rows, 64, random.Random(0)):
        out = model(ids, mask, tt)
        context = tt.bool() & mask.bool()
        sl = out["start_logits"].masked_fill(~context, -1e4)
        el = out["end_logits"].masked_fill(~context, -1e4)
        hits += int(((sl.argmax(-1) == s) & (el.argmax(-1) == e)).sum())
    model.train()
    return hits / (len(rows) // 64 * 64)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=os.path.join(ROOT, "weights", "en"))
    ap.add_argument("--out", default=os.path.join(ROOT, "weights", "en-qa"))
    ap.add_argument("--train", type=int, default=19200)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)  # the machine is shared; 2 threads gained little here
    rng = random.Random(a.seed)

    base_cfg = json.load(open(os.path.join(a.base, "config.json")))
    wp, vocab, vocab_list = read_tokenizer(a.base)
    cfg = {k: v for k, v in base_cfg.items() if k not in ("architectures", "id2label", "label2id")}
    cfg.update({"architectures": ["BertForQuestionAnswering"], "hidden_dropout_prob": 0.1})
    model = rb.BertForQuestionAnswering(rb.BertConfig(cfg))
    base = {k[5:]: v.to(torch.float32) for k, v in load_file(os.path.join(a.base, "model.safetensors")).items()
            if k.startswith("bert.") and ".pooler." not in k}
    missing, unexpected = model.bert.load_state_dict(base, strict=False)
    assert not unexpected and all(k.endswith("position_ids") for k in missing), (missing, unexpected)
    # the word table stays as pretrained: names and places never seen in training keep
    # vectors like the ones that were (and each step is cheaper)
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    torch.nn.init.normal_(model.qa_outputs.weight, std=0.02)
    torch.nn.init.zeros_(model.qa_outputs.bias)

    pools = {"n": NAMES, "place": PLACES, "job": JOBS, "food": FOODS, "year": YEARS}
    train_pools, held_pools = {}, {}
    for k, v in pools.items():
        train_pools[k], held_pools[k] = split(v, rng)
    train = [features(wp, vocab, *example(rng, train_pools)) for _ in range(a.train)]
    held = [features(wp, vocab, *example(rng, held_pools)) for _ in range(1024)]
    print(f"{len(train)} training questions, {len(held)} held-out (unseen names, places, jobs, foods, years)")
    print(f"before: held-out exact match {exact_match(model, held):.3f}")

    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=a.lr, weight_decay=0.01)
    steps = a.epochs * (len(train) // 32)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / 100) * max(0.0, 1 - s / steps))
    model.train()
    t0 = time.time()
    step = 0
    for epoch in range(a.epochs):
        for ids, mask, tt, s, e in batches(train, 32, rng):
            out = model(ids, mask, tt)
            loss = (F.cross_entropy(out["start_logits"], s) + F.cross_entropy(out["end_logits"], e)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % 200 == 0:
                print(f"step {step}/{steps}  loss {loss.item():.3f}  {time.time() - t0:.0f} s", flush=True)
        print(f"epoch {epoch + 1}: held-out exact match {exact_match(model, held):.3f}", flush=True)
    model.eval()
    em = exact_match(model, held)

    # export as the other shipped models: F16 weights, config, tokenizer files, a golden case
    os.makedirs(a.out, exist_ok=True)
    cfg["hidden_dropout_prob"] = base_cfg.get("hidden_dropout_prob", 0.0)
    state = {k: v for k, v in model.state_dict().items() if not k.endswith("position_ids")}  # bert.*, qa_outputs.*
    save_file({k: v.to(torch.float16) for k, v in state.items()}, os.path.join(a.out, "model.safetensors"),
              metadata={"format": "pt"}, order="dtype")
    with open(os.path.join(a.out, "config.json"), "w") as f:
        f.write(json.dumps(cfg, indent=2) + "\n")
    for fn in ("vocab.txt", "tokenizer_config.json"):
        with open(os.path.join(a.base, fn), "rb") as s, open(os.path.join(a.out, fn), "wb") as d:
            d.write(s.read())
    shipped = {k: v.to(torch.float32) for k, v in load_file(os.path.join(a.out, "model.safetensors")).items()}
    reloaded = rb.model_from_checkpoint(cfg, shipped)
    inputs = batch_inputs(wp, vocab, GOLDEN_QA)
    with open(os.path.join(a.out, "inputs.json"), "w") as f:
        f.write(json.dumps(inputs, ensure_ascii=False) + "\n")
    save_file(rb.run(reloaded, inputs), os.path.join(a.out, "golden.safetensors"), order="name")
    em16 = exact_match(reloaded, held)
    write_card(os.path.join(a.out, "README.md"),
               CARD.format(base=os.path.relpath(a.base, ROOT), train=len(train), epochs=a.epochs, steps=steps,
                           lr=a.lr, em=100 * em, em16=100 * em16, minutes=(time.time() - t0) / 60,
                           held=", ".join(sorted(held_pools["place"]))))
    print(f"wrote {a.out}: held-out exact match {em:.3f} (F16 as shipped: {em16:.3f})")


CARD = """# en-qa: a tiny question answerer on synthetic questions (bert-ts)

**A demonstration of the question-answering head, not a reader.** `{base}`
(bert-ts's small English BERT) fine-tuned as a `BertForQuestionAnswering` on
{train:,} synthetic questions about short made-up facts, by
[`tools/train/finetune_qa.py`](../../tools/train/finetune_qa.py), so that
`examples/question-answering.mjs` and `bert-ts qa -m weights/en-qa` run out of the box.

- **What it was trained on:** contexts of two or three template sentences
  ("Anna lives in Lyon. Peter works as a baker.") and one question about one of
  them ("Where does Anna live?" → "Lyon"): who, where, when, what job, what food.
  No question-answering data ships in Debian, so there is no real text here.
- **How well:** exact match (start and end token both right) on 1,024 held-out
  questions whose names, places, jobs, foods and years never occur in training
  (places held out: {held}): **{em:.1f}%** ({em16:.1f}% with the F16 weights shipped).
- **What it cannot do:** anything else. Questions of another shape, long or real
  text, facts that need reasoning: its answers there are spans that look like
  an answer of the trained kinds. For real question answering use a SQuAD
  model, e.g. `bert-ts qa -m deepset/bert-base-cased-squad2 …`.
- **Training:** {epochs} epochs, batch 32, {steps} steps, AdamW lr {lr} (linear
  warm-up and decay), dropout 0.1, the word embeddings frozen, about
  {minutes:.0f} min on one CPU core of a shared machine.
- **Files:** `config.json`, `model.safetensors` (F16), `vocab.txt` and
  `tokenizer_config.json` (those of `{base}`), and a golden case (`inputs.json`,
  `golden.safetensors`: PyTorch's outputs, `start_logits` and `end_logits`
  included) that the tests verify on both backends.
- **Not in the npm package** (`package.json` `files`): it is for the examples
  in a checkout. Rebuild it after retraining `{base}` with
  `/usr/bin/python3 -m tools.train.finetune_qa` (from the repository root).
"""

if __name__ == "__main__":
    main()
