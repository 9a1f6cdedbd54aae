"""Ship a trained model: F16 weights, a golden case, a loss-curve SVG and a model card.

    /usr/bin/python3 -m tools.train.export en        # build/en2/run      -> weights/en
    /usr/bin/python3 -m tools.train.export en-topic  # build/en-topic/run -> weights/en-topic
    /usr/bin/python3 -m tools.train.export en-embed  # build/en-embed/run -> weights/en-embed (export_embed.py)
    /usr/bin/python3 -m tools.train.export zh        # build/zh/run       -> weights/zh

The golden case (inputs.json + golden.safetensors) is computed by the PyTorch
reference (tools/reference_bert.py) from the F16 weights as shipped, upcast to
float32, exactly what bert-ts computes from them. `npm test` verifies it on
both backends. The model card (README.md) is written from the training log and
the held-out evaluation; nothing in it is typed by hand.
"""
import argparse
import json
import os
import re
import sys

import torch
import torch.nn.functional as F

from tools import reference_bert as rb
from tools.safetensors_io import load_file, save_file
from tools.train import make
from tools.train.wordpiece import WordPiece
from tools.train.card import write_card

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

MASK = "[MASK]"
GOLDEN_TEXTS = {
    "en": ["The cat sat on the [MASK].", ["The sun rises.", "It sets."]],  # short: weights/ stays under 30 MB
    "en-topic": ["My computer crashed again and I lost the file.", "The senator voted against the new tax law."],
    "zh": ["今天天气真好", ["我喜欢读书。", "这本书很有意思。"]],
    "en-embed": ["A kitten is napping in the sun.", "The central bank raised interest rates again."],
}
FILL_MASK = {
    "en": ["Paris is the capital of [MASK].", "The cat sat on the [MASK].", "She opened the [MASK] and walked in.",
           "A dog is a domestic [MASK].", "He [MASK] to the store yesterday.", "Water is made of hydrogen and [MASK].",
           "The [MASK] is the largest planet in the solar system.", "I would like a cup of [MASK]."],
    "zh": ["今天天气真[MASK]。", "我们在[MASK]京见面。", "中国的首都是北[MASK]。", "他喜欢读[MASK]。"],
}
NSP_PAIRS = {
    "en": [("The sun rises in the east.", "It sets in the west."),
           ("The sun rises in the east.", "Python lists can be sorted in place.")],
    "zh": [("我喜欢读书。", "这本书很有意思。"), ("我喜欢读书。", "请输入密码以继续安装。")],
}
CORPUS_STYLE = {"en": "dictionary definitions, manuals, fortune cookies, the King James Bible",
                "zh": "Tang poems and classical sayings, fortune cookies, manual pages"}
CLASSIFY = ["My computer crashed again and I lost all my files.", "The senator voted against the new tax bill.",
            "The chef added too much salt to the soup.", "The team won the championship in overtime."]


def encode(wp, vocab, text, pair=None):
    a = wp.encode(text)
    ids = [vocab["[CLS]"]] + a + [vocab["[SEP]"]]
    tt = [0] * len(ids)
    if pair is not None:
        b = wp.encode(pair) + [vocab["[SEP]"]]
        ids += b
        tt += [1] * len(b)
    return ids, tt


def batch_inputs(wp, vocab, texts):
    rows = [encode(wp, vocab, t) if isinstance(t, str) else encode(wp, vocab, t[0], t[1]) for t in texts]
    S = max(len(r[0]) for r in rows)
    return {
        "texts": texts,
        "input_ids": [r[0] + [0] * (S - len(r[0])) for r in rows],
        "attention_mask": [[1] * len(r[0]) + [0] * (S - len(r[0])) for r in rows],
        "token_type_ids": [r[1] + [0] * (S - len(r[1])) for r in rows],
    }


def loss_svg(log_rows, evals, title):
    """A small line chart of training loss (and held-out MLM top-1) against tokens seen."""
    W, H, L, R, T, B = 640, 300, 56, 56, 30, 40
    pts = [(r["tokens_seen"], r["loss"]) for r in log_rows if "loss" in r and "tokens_seen" in r]
    if not pts:
        return ""
    xmax = max(p[0] for p in pts)
    ymax = max(p[1] for p in pts)
    sx = lambda x: L + (W - L - R) * x / xmax
    sy = lambda y: T + (H - T - B) * (1 - y / ymax)
    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(pts))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="13">{title}</text>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="#444"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="#444"/>']
    for k in range(5):
        y = ymax * k / 4
        out.append(f'<text x="{L - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
        x = xmax * k / 4
        out.append(f'<text x="{sx(x):.1f}" y="{H - B + 16}" text-anchor="middle">{x / 1e6:.1f}M</text>')
    out.append(f'<text x="{(L + W - R) / 2}" y="{H - 6}" text-anchor="middle">tokens seen</text>')
    out.append(f'<text x="14" y="{(T + H - B) / 2}" transform="rotate(-90 14 {(T + H - B) / 2})" '
               f'text-anchor="middle" fill="#1f77b4">training loss (MLM + NSP)</text>')
    out.append(f'<path d="{path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>')
    ev = [(e["tokens_seen"], e["mlm_top1"]) for e in evals if "mlm_top1" in e]
    if ev:
        s2 = lambda v: T + (H - T - B) * (1 - v)
        p2 = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{s2(v):.1f}" for i, (x, v) in enumerate(ev))
        out.append(f'<path d="{p2}" fill="none" stroke="#d62728" stroke-width="1.5" stroke-dasharray="4 3"/>')
        for k in range(5):
            out.append(f'<text x="{W - R + 6}" y="{s2(k / 4) + 4:.1f}" fill="#d62728">{k * 25}%</text>')
        out.append(f'<text x="{W - 12}" y="{(T + H - B) / 2}" transform="rotate(90 {W - 12} {(T + H - B) / 2})" '
                   f'text-anchor="middle" fill="#d62728">held-out MLM top-1 (dashed)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def recipe_lines(name):
    return [make.command_line(step) for step in make.RECIPES[name]["steps"]]


def schedule_text(name, a, lang=None):
    """The learning-rate schedule and the recipe's changes along the way, in words, from make.py's recipe
    (the segments of one run, build/<lang>)."""
    lang = lang or make.run_of(name)
    parts, total, vocab, start, stop, prev_mix = [], None, None, 0, 0, None
    for step in make.RECIPES[name]["steps"]:
        if step[0] in ("pretrain", "wordpiece") and step[1] != lang:
            continue
        f = make.flags(step)
        if step[0] == "wordpiece":
            new_vocab = int(f["size"])
            if vocab and total:
                parts.append(f"at step {stop or total:,} the vocabulary grew from {vocab:,} to {new_vocab:,} tokens "
                             f"(`grow_vocab.py`: new tokens start from the mean of their old pieces)")
            vocab = new_vocab
        if step[0] != "pretrain":
            continue
        steps, stop, mix = int(f["steps"]), int(f.get("stop_at", 0)), f.get("mix")
        if total is None:
            parts.append(f"{steps:,} steps with {a['warmup']} warm-up steps then linear decay to zero")
        elif steps > total:
            parts.append(f"continued with `--resume` to step {steps:,}: the learning rate restarts on the longer "
                         f"schedule (at {a['lr'] * (steps - total) / (steps - a['warmup']):.2g}) and decays to zero")
        elif steps < total:
            parts.append(f"at step {start:,} the schedule was shortened to {steps:,} steps to end in the time the "
                         f"machine had (the learning rate steps "
                         f"down to {a['lr'] * (steps - start) / (steps - a['warmup']):.2g})")
        if mix and mix == prev_mix:
            mix = None
        prev_mix = f.get("mix")
        if mix:
            parts.append(f"from step {start:,} on, documents are drawn with source weights {mix} (`--mix`)")
        start, total = stop or steps, steps
    return "; ".join(parts)


def recipe_args(name, lang):
    """A run's first pretraining segment's flags as numbers (make.py's recipe), for the card's earlier stages."""
    return {k: (v if v is True else int(v) if v.isdigit() else v if k in ("mix", "init") else float(v))
            for k, v in make.pretrain_args(name, lang).items()}


def objective_text(a):
    """The masked-LM objective of a run's arguments, in words."""
    return (f"masked LM with {'whole-word masking (15% of the words; a word is a token and its `##` pieces, masked together)' if a.get('whole_word') else 'token masking'} "
            "(80% `[MASK]`, 10% random, 10% kept)"
            + ("; a content word (4 letters or more) that also stands elsewhere in its sequence is never the one "
               "masked (`--avoid-copies`), so copying is never rewarded" if a.get("avoid_copies") else "")
            + "; plus next-sentence prediction")


def check_recipe(name, logged_args, last_eval):
    """The card prints make.py's recipe: refuse to write it for a run the recipe does not describe."""
    seg = make.segments(name)
    for k, v in make.pretrain_args(name).items():
        if k == "init":  # a path: where stage 1's weights were on the machine that ran it (the card says)
            continue
        if v is True:
            if not logged_args.get(k):
                sys.exit(f"export.py {name}: the run did not use --{k.replace('_', '-')}, make.py's recipe does")
            continue
        if k == "mix":
            if logged_args[k] != v:
                sys.exit(f"export.py {name}: the run used --mix {logged_args[k]} but make.py's recipe says {v}")
            continue
        if k != "steps" and float(logged_args[k]) != float(v):
            sys.exit(f"export.py {name}: the run used --{k.replace('_', '-')} {logged_args[k]} but make.py's recipe "
                     f"says {v}; update RECIPES in tools/train/make.py")
    if int(logged_args["steps"]) != seg[0] or last_eval["step"] != seg[-1]:
        sys.exit(f"export.py {name}: the run's first segment has {logged_args['steps']} steps and it ended at step "
                 f"{last_eval['step']}; make.py's recipe has segments {seg}; update RECIPES in tools/train/make.py")


def check_topic_recipe(logged_args):
    for k, v in make.flags(make.RECIPES["en-topic"]["steps"][0]).items():
        if float(logged_args[k]) != float(v):
            sys.exit(f"export.py en-topic: the run used --{k} {logged_args[k]} but make.py's recipe says {v}")


def read_log(run):
    """The first line (the first run's arguments), training steps, evaluations. The corpus figures are
    the latest run's: a resumed run logs them again (after a grown vocabulary they change)."""
    rows = [json.loads(l) for l in open(os.path.join(run, "log.jsonl"))]
    head = dict(rows[0])
    kept = []
    for r in rows[1:]:
        if "resume" in r:
            head.update({k: r[k] for k in ("train_tokens", "train_documents", "eval_documents")})
            # a run stopped after its last checkpoint logged steps that the resumed run does again: keep the latter
            kept = [q for q in kept if q.get("step", 0) <= r["resume"]]
        kept.append(r)
    rows = rows[:1] + kept
    steps = [r for r in rows[1:] if "loss" in r]
    evals = [r for r in rows[1:] if r.get("eval")]
    return head, steps, evals


@torch.no_grad()
def fill_mask(model, wp, vocab, inv, text, k=5):
    enc = batch_inputs(wp, vocab, [text])
    ids = torch.tensor(enc["input_ids"])
    out = model(ids, torch.tensor(enc["attention_mask"]), torch.tensor(enc["token_type_ids"]))
    pos = enc["input_ids"][0].index(vocab[MASK])
    p = F.softmax(out["mlm_logits"][0, pos], -1)
    top = p.topk(k)
    return [(inv[int(i)], float(s)) for s, i in zip(top.values, top.indices)]


@torch.no_grad()
def nsp(model, wp, vocab, a, b):
    enc = batch_inputs(wp, vocab, [[a, b]])
    out = model(torch.tensor(enc["input_ids"]), torch.tensor(enc["attention_mask"]), torch.tensor(enc["token_type_ids"]))
    return float(F.softmax(out["nsp_logits"][0], -1)[0])  # label 0 = IsNext


def read_cloze(path):
    """A cloze set: `sentence with one [MASK]<TAB>answer|answer` per line; `#` lines are comments."""
    cases = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        text, sep, answers = line.partition("\t")
        if not sep or text.count(MASK) != 1:
            sys.exit(f"{path}:{n}: expected `sentence with one {MASK}<TAB>answers`, found {line[:80]!r}")
        cases.append((text, [w.strip().lower() for w in answers.split("|") if w.strip()]))
    return cases


def cloze(model, wp, vocab, inv, cases, k=5):
    """Top-1 / top-k accuracy of the MLM head on a cloze set, with each case's predictions; `copies`: the
    cases whose top-1 answer is a word of the sentence itself ("Paris is the capital of [MASK]." → paris)."""
    rows, top1, topk, copies = [], 0, 0, 0
    for text, answers in cases:
        preds = fill_mask(model, wp, vocab, inv, text, k)
        words = [w for w, _ in preds]
        hit1, hitk = words[0] in answers, any(w in answers for w in words)
        top1 += hit1
        topk += hitk
        copies += words[0] in re.findall(r"[^\W\d_]+", text.lower().replace(MASK.lower(), " "))
        rows.append({"text": text, "answers": answers, "predictions": preds, "top1": hit1, "topk": hitk,
                     "in_vocab": [w for w in answers if w in vocab]})
    return {"n": len(cases), "top1": top1, "topk": topk, "k": k, "rows": rows, "copies": copies}


def load_pretrained(folder):
    """A BertForPreTraining folder (weights/en, build/en/run) -> (model, WordPiece, vocab, id -> token)."""
    config = json.load(open(os.path.join(folder, "config.json")))
    tensors = {k: v.to(torch.float32) for k, v in load_file(os.path.join(folder, "model.safetensors")).items()}
    return (rb.model_from_checkpoint(config, tensors), *read_tokenizer(folder))


def read_tokenizer(folder):
    """vocab.txt + tokenizer_config.json -> (WordPiece, token -> id, id -> token)."""
    vocab_list = [l.rstrip("\n") for l in open(os.path.join(folder, "vocab.txt"), encoding="utf-8")]
    lower = json.load(open(os.path.join(folder, "tokenizer_config.json")))["do_lower_case"]
    return WordPiece(vocab_list, lower=lower), {t: i for i, t in enumerate(vocab_list)}, vocab_list


def export(name):
    run = os.path.join(HERE, "build", make.run_of(name), "run")
    dst = os.path.join(ROOT, "weights", name)
    os.makedirs(dst, exist_ok=True)
    config = json.load(open(os.path.join(run, "config.json")))
    tensors = load_file(os.path.join(run, "model.safetensors"))
    f16 = {k: v.to(torch.float16) for k, v in tensors.items()}
    save_file(f16, os.path.join(dst, "model.safetensors"), metadata={"format": "pt"}, order="dtype")
    for fn in ("config.json", "vocab.txt", "tokenizer_config.json"):
        with open(os.path.join(run, fn), "rb") as s, open(os.path.join(dst, fn), "wb") as d:
            d.write(s.read())
    wp, vocab, vocab_list = read_tokenizer(run)
    shipped = {k: v.to(torch.float32) for k, v in load_file(os.path.join(dst, "model.safetensors")).items()}
    inputs = batch_inputs(wp, vocab, GOLDEN_TEXTS[name])
    with open(os.path.join(dst, "inputs.json"), "w") as f:
        f.write(json.dumps(inputs, ensure_ascii=False) + "\n")
    base_cfg = {k: v for k, v in config.items() if k not in ("id2label", "label2id")}
    if "classifier.weight" in shipped:
        bert = rb.BertModel(rb.BertConfig(base_cfg), add_pooling_layer=True)
        bert.load_state_dict({k[5:]: v for k, v in shipped.items() if k.startswith("bert.")}, strict=False)
        bert.eval()
        golden = rb.run(bert, inputs)
        golden["logits"] = (golden["pooler_output"] @ shipped["classifier.weight"].T + shipped["classifier.bias"]).contiguous()
        model = None
    else:
        model = rb.model_from_checkpoint(base_cfg, shipped)
        golden = rb.run(model, inputs)
    save_file(golden, os.path.join(dst, "golden.safetensors"), order="name")
    return run, dst, config, shipped, model, wp, vocab, vocab_list


def card_pretrained(name, lang_title, run, dst, config, shipped, model, wp, vocab, inv):
    head, steps, evals = read_log(run)
    sources = json.load(open(os.path.join(HERE, "build", make.run_of(name), "sources.json")))
    svg = loss_svg(steps, evals, f"{lang_title}: training loss and held-out MLM accuracy")
    open(os.path.join(dst, "loss.svg"), "w").write(svg)
    last = evals[-1]
    n_params = sum(v.numel() for v in shipped.values())
    a = head["args"]
    lines = [f"# weights/{name}: a small {lang_title} BERT trained by bert-ts's own tools", ""]
    lines += [f"A `BertForPreTraining` checkpoint (masked LM + next-sentence heads) under Hugging Face's tensor names, "
              f"trained from scratch on text that ships in Debian packages. It is tiny and was trained for a short "
              f"time on a 2-core machine: it knows common words and patterns of its corpus, not the world.", ""]
    lines += ["## Model", "",
              f"- {config['num_hidden_layers']} layers, hidden {config['hidden_size']}, {config['num_attention_heads']} heads, "
              f"intermediate {config['intermediate_size']}, {config['max_position_embeddings']} positions, `{config['hidden_act']}`",
              f"- vocabulary: {config['vocab_size']} WordPiece tokens learned from the corpus "
              f"(`tools/train/wordpiece.py`; {'lowercased' if wp.lower else 'cased'}"
              f"{'; grown during training, see below' if any(s[0] == 'grow_vocab' for s in make.RECIPES[name]['steps']) else ''}"
              "); not a copy of any Hugging Face vocabulary",
              f"- {n_params:,} parameters, stored as F16 ({os.path.getsize(os.path.join(dst, 'model.safetensors')) / 1e6:.1f} MB); "
              "the MLM decoder is tied to the word embeddings", ""]
    lines += ["## Data", "", "| package | version | licence | documents | sentences | characters | held out |",
              "|---|---|---|---:|---:|---:|---:|"]
    for s in sources:
        lines.append(f"| `{s['package']}` | {s['version']} | {', '.join(s['licences']) or 'see copyright'} | "
                     f"{s['documents']:,} | {s['sentences']:,} | {s['characters']:,} | {s['held_out_documents']:,} |")
    lines += ["", f"Training tokens: {head['train_tokens']:,} in {head['train_documents']:,} documents; a fixed 2% of "
              f"documents ({head['eval_documents']:,}, chosen by a hash of their text) is held out for evaluation. "
              "Each package's licence is in `/usr/share/doc/<package>/copyright`; a model trained on GPL-licensed "
              "text is offered here under the same terms as its most restrictive source.", ""]
    if make.RECIPES[name].get("stage1"):
        lines += [f"The table is the corpus of stage 3 (`corpus.py {make.run_of(name)}`). Stage 2 read the same "
                  "packages without the Bible (`corpus.py en2`). Stage 1 read them without the Bible too, as "
                  f"`corpus.py {name}` lays them out: GCIDE senses as \"Headword: definition.\", and each WordNet "
                  "synset's definition, synonyms and examples side by side. Held-out documents are chosen by a hash of "
                  "their text, so an earlier stage may have trained on text that a later one holds out.", ""]
    check_recipe(name, a, last)
    schedule = schedule_text(name, a)
    lines += ["## Training", "", "Rebuild from scratch with one command (Debian's `python3-torch`; see "
              "`tools/train/README.md`):", "", "```sh", make.command_line(["make", name]), "```", "",
              "which runs (setting `OPENBLAS_CORETYPE` for the CPU):", "", "```sh", *recipe_lines(name), "```", ""]
    # a staged model (en): stages 1 and 2 from make.py's records of their cards, stage 3 from its run's log
    stage1, stage2 = make.RECIPES[name].get("stage1"), make.RECIPES[name].get("stage2")
    if stage1:
        a1 = recipe_args(name, name)
        lines += [f"Three stages. **Stage 1** (`build/{name}`, an earlier `weights/{name}`, commit {stage1['commit']}): "
                  "masked LM (15% of tokens; 80% `[MASK]`, 10% random, 10% kept) + next-sentence prediction on the "
                  f"`{name}` corpus, {stage1['step']:,} steps of batch {int(a1['batch'])}, peak learning rate "
                  f"{a1['lr']:g}, {schedule_text(name, a1, name)}; {stage1['tokens_seen']:,} tokens seen, "
                  f"{stage1['wall_minutes']} min ({int(a1['threads'])} threads); held-out MLM top-1 "
                  f"{100 * stage1['mlm_top1']:.1f}%, cloze set top-1 {stage1['cloze_top1']}/50, top-5 "
                  f"{stage1['cloze_top5']}/50, and its top-1 answer was a word of the sentence itself in "
                  f"{stage1['cloze_copies']} of 50 cases. (These stage-1 figures are those of the card at commit "
                  f"{stage1['commit']}, written from its log; the copying count was measured on that commit's "
                  "weights with `cloze.py`.)", ""]
        a2 = recipe_args(name, "en2")
        lines += [f"**Stage 2** (`build/en2`, the previous `weights/{name}`, commit {stage2['commit']}): from stage "
                  "1's weights (`--init`) with a fresh optimizer, on the `en2` corpus, the packages of stage 1 laid "
                  f"out so that it keeps each dictionary headword out of its definitions and WordNet's examples "
                  f"apart from their definitions (see Copying below); {objective_text(a2)}; {stage2['step']:,} steps of batch "
                  f"{int(a2['batch'])}, peak learning rate {a2['lr']:g}, {schedule_text(name, a2, 'en2')}; "
                  f"{stage2['tokens_seen']:,} tokens seen, {stage2['wall_minutes']} min ({int(a2['threads'])} "
                  f"thread{'s' if a2['threads'] > 1 else ''}); held-out MLM top-1 {100 * stage2['mlm_top1']:.1f}%, "
                  f"cloze set top-1 {stage2['cloze_top1']}/50, top-5 {stage2['cloze_top5']}/50, copying "
                  f"{stage2['cloze_copies']}/50 (the figures of the card at commit {stage2['commit']}).", "",
                  f"**Stage 3** (`build/{make.run_of(name)}`, this model): from stage 2's weights "
                  f"(`--init {a.get('init')}`) with a fresh optimizer, on the corpus described above: stage 2's, "
                  "and the King James Bible, running prose in the everyday words the dictionaries and the manual "
                  "lack;", ""]
        lines += [f"- objective: {objective_text(a)}",
                  f"- {last['step']:,} steps of batch {a['batch']}, sequences up to {a['max_len']} tokens, AdamW, "
                  f"peak learning rate {a['lr']}, {schedule}; seed {a['seed']}",
                  f"- tokens seen: {last['tokens_seen']:,} (all stages: "
                  f"{stage1['tokens_seen'] + stage2['tokens_seen'] + last['tokens_seen']:,}); wall time {last['time'] / 60:.0f} min on a shared 2-core x86-64 "
                  f"({a['threads']} thread{'s' if a['threads'] > 1 else ''}, at low priority)", "",
                  "![stage 3: training loss and held-out MLM top-1 against tokens seen](loss.svg)", ""]
    else:
        lines += [f"- objective: masked LM (15% of tokens; 80% `[MASK]`, 10% random, 10% kept) + next-sentence prediction",
                  f"- {last['step']:,} steps of batch {a['batch']}, sequences up to {a['max_len']} tokens, AdamW, "
                  f"peak learning rate {a['lr']}, {schedule}; seed {a['seed']}",
                  f"- tokens seen: {last['tokens_seen']:,}; wall time {last['time'] / 60:.0f} min on a shared 2-core x86-64 "
                  f"({a['threads']} thread{'s' if a['threads'] > 1 else ''})", "",
                  "![training loss and held-out MLM top-1 against tokens seen](loss.svg)", ""]
    copying_md = next((os.path.join(ROOT, make.flags(st)["out"]) for st in make.RECIPES[name]["steps"]
                       if st[0] == "copying"), "")
    if stage1 and os.path.exists(copying_md):
        lines += ["## Copying: how often the masked word stands elsewhere in its own sequence", "",
                  "Measured before changing anything (`tools/train/copying.py`, which draws training sequences as "
                  "`pretrain.py` does and counts masked words whose tokens stand, unmasked, elsewhere in the same "
                  "sequence). Punctuation and short function words repeat in any text, so the content-word column "
                  "(4 letters or more) is the one to read: WordNet's definition + synonyms + examples, and GCIDE's "
                  "\"Headword: definition\" senses, let the model copy far more often than running prose "
                  "(fortunes) does. The second table is the stage-2 corpus (stage 3 adds the Bible) with whole-word masking, before "
                  "`--avoid-copies`, which then leaves no masked content word visible elsewhere in its sequence.",
                  "", open(copying_md).read().strip(), ""]
    lines += ["## Evaluation (held-out split)", "",
              f"Measured at the last step on {last['masked_tokens']:,} masked tokens and {last['pairs']:,} sentence pairs "
              "drawn from the held-out documents:", "",
              "| metric | value |", "|---|---:|",
              f"| MLM top-1 accuracy | {100 * last['mlm_top1']:.1f}% |",
              f"| MLM top-5 accuracy | {100 * last['mlm_top5']:.1f}% |",
              f"| MLM loss | {last['mlm_loss']:.3f} |",
              f"| NSP accuracy (chance: 50%) | {100 * last['nsp_acc']:.1f}% |", ""]
    cloze_path = os.path.join(HERE, "eval", f"cloze-{name}.tsv")
    r = None
    if os.path.exists(cloze_path):
        r = cloze(model, wp, vocab, inv, read_cloze(cloze_path))
        lines += ["## Cloze set: everyday English", "",
                  f"`tools/train/eval/cloze-{name}.tsv` holds {r['n']} sentences of grammar and everyday knowledge "
                  "written by hand for this card and never trained on (each with its accepted answers). A case counts "
                  "when an answer is the head's most likely token (top-1) or among its five most likely (top-5); "
                  f"`{make.command_line(['cloze', f'weights/{name}', '-v'])}` prints every case.", "",
                  "| | cases |", "|---|---:|",
                  f"| top-1 | {r['top1']} / {r['n']} |", f"| top-5 | {r['topk']} / {r['n']} |",
                  f"| top-1 is a word of the sentence itself (copying) | {r['copies']} / {r['n']} |", "",
                  "<details><summary>every case</summary>", ""]
        for row in r["rows"]:
            mark = "top-1" if row["top1"] else "top-5" if row["topk"] else "miss"
            oov = "" if row["in_vocab"] else "; no answer is a single token of the vocabulary"
            lines.append(f"- {mark}: `{row['text']}` ({'/'.join(row['answers'])}{oov}) → "
                         + ", ".join(f"{w} ({p:.2f})" for w, p in row["predictions"]))
        lines += ["", "</details>", ""]
    lines += ["## Example predictions", "", "Fill-mask, top 5 (computed by the PyTorch reference from the shipped weights):", ""]
    for t in FILL_MASK[name]:
        preds = fill_mask(model, wp, vocab, inv, t)
        lines.append(f"- `{t}` → " + ", ".join(f"{w} ({p:.2f})" for w, p in preds))
    lines += ["", "Next sentence, P(IsNext):", ""]
    for a_, b_ in NSP_PAIRS[name]:
        lines.append(f"- `{a_}` / `{b_}` → {nsp(model, wp, vocab, a_, b_):.2f}")
    lines += ["", "## What it cannot do", "",
              "- It is small and undertrained: it guesses frequent words and patterns of its corpus "
              f"({CORPUS_STYLE[name]}), and fails at facts it saw rarely.",
              "- Its text is old, technical or jokey: expect the style of those sources, and their biases.",
              *([f"- It still answers with a word of the sentence itself in {r['copies']} of the {r['n']} cloze cases "
                 f"({stage1['cloze_copies']} after stage 1, {stage2['cloze_copies']} after stage 2): a model this small leans on the words it can see."]
                if stage1 and r else []),
              f"- It knows nothing beyond {config['max_position_embeddings']} tokens, and was never fine-tuned for a task.",
              "", "## Golden case", "",
              "`inputs.json` + `golden.safetensors`: the PyTorch reference's outputs for these weights; "
              f"`npx bert-ts golden verify weights/{name}` checks bert-ts against them (npm test does, on both backends).", ""]
    write_card(os.path.join(dst, "README.md"), "\n".join(lines))


def card_topic(run, dst, config, shipped, wp, vocab):
    rows = [json.loads(l) for l in open(os.path.join(run, "log.jsonl"))]
    head = rows[0]
    evals = [r for r in rows[1:] if r.get("eval")]
    last = evals[-1]
    examples = json.load(open(os.path.join(run, "examples.json")))
    a = head["args"]
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    lines = ["# weights/en-topic: what a fortune cookie is about", "",
             "A `BertForSequenceClassification` fine-tuned from `weights/en` to tell the topic of a fortune-cookie text "
             f"among {len(labels)} topics: {', '.join(labels)}. It is the model the classification pipeline "
             "demonstrates on.", "",
             "## Data", "",
             "The `fortunes` Debian package (BSD-style licence, see `/usr/share/doc/fortunes/copyright`) files its "
             "fortunes by topic, one file per topic; a fortune's label is the file it comes from. A fixed 15% of each "
             "topic, chosen by a hash of the text, is held out. Note: the pretraining corpus of `weights/en` "
             "contains these fortunes as plain text (never their topics).", "",
             "| topic | train | held out |", "|---|---:|---:|"]
    for t in labels:
        lines.append(f"| {t} | {head['train_counts'][t]} | {head['test_counts'][t]} |")
    check_topic_recipe(a)
    lines += ["", "## Training", "", "Rebuild with one command (it builds `weights/en` first if "
              "`tools/train/build/en/run` is missing):", "", "```sh", make.command_line(["make", "en-topic"]),
              "```", "", "which runs (setting `OPENBLAS_CORETYPE` for the CPU):", "", "```sh", *recipe_lines("en-topic"), "```", "",
              f"{last['step']} steps ({a['epochs']} epochs of batch {a['batch']}), AdamW, peak learning rate {a['lr']}, "
              f"10% warm-up then linear decay; {last['time'] / 60:.0f} min on a shared 2-core machine.", "",
              "## Evaluation (held-out)", "", "| | accuracy |", "|---|---:|",
              f"| this model | {100 * last['accuracy']:.1f}% |",
              f"| majority class (always `{max(head['train_counts'], key=head['train_counts'].get)}`) | "
              f"{100 * head['majority_baseline']:.1f}% |", "",
              "Per epoch: " + ", ".join(f"{100 * e['accuracy']:.1f}%" for e in evals) + ".", "",
              "## Example predictions (held-out)", "", "| text | topic | predicted |", "|---|---|---|"]
    for e in examples[:8]:
        t = e["text"].replace("|", "\\|")
        t = t if len(t) < 110 else t[:107] + "…"
        lines.append(f"| {t} | {e['label']} | {e['predicted']} ({e['score']:.2f}) |")
    lines += ["", "## What it cannot do", "",
              "- It only knows these topics, and fortune cookies are jokes: a text about anything else still gets one "
              "of them.", "- It is small and was trained on a few thousand examples; expect mistakes on subtle texts.",
              "", "## Golden case", "",
              "`inputs.json` + `golden.safetensors` (with `logits` [B, num_labels]): "
              "`npx bert-ts golden verify weights/en-topic`.", ""]
    write_card(os.path.join(dst, "README.md"), "\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", choices=["en", "en-topic", "zh", "en-embed"])
    a = ap.parse_args()
    if a.name == "en-embed":
        from tools.train import export_embed
        export_embed.export_embed()
        return
    run, dst, config, shipped, model, wp, vocab, inv = export(a.name)
    if a.name == "en-topic":
        card_topic(run, dst, config, shipped, wp, vocab)
    else:
        card_pretrained(a.name, "English" if a.name == "en" else "Chinese", run, dst, config, shipped, model, wp, vocab, inv)
    print(f"wrote {dst}", file=sys.stderr)


if __name__ == "__main__":
    main()
