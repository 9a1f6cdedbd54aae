"""Rebuild a shipped model from scratch: one command per model.

    /usr/bin/python3 -m tools.train.make en          # weights/en
    /usr/bin/python3 -m tools.train.make en-topic    # weights/en-topic (builds en first if it is missing)
    /usr/bin/python3 -m tools.train.make en-embed    # weights/en-embed (sentence embeddings, from weights/en)
    /usr/bin/python3 -m tools.train.make zh          # weights/zh
    /usr/bin/python3 -m tools.train.make en --dry-run   # print the commands, run nothing

RECIPES below is the exact recipe of each shipped model, one step per
module of tools/train run from the repository root: the corpus, the
vocabulary, each pretraining segment (for en: the vocabulary grown from 8,192
to 16,384 tokens at step 5,000 by grow_vocab.py, and from step 5,250 on a mix
that draws everyday sources more often), the export. A pretraining run that was
continued with `--resume --steps N` is written as one more segment, so the
recipe replays what was run (the learning rate restarts on the longer linear
schedule at each segment, as it did). export.py writes the model card from the
same recipe and refuses to if the training log does not match it.

OPENBLAS_CORETYPE is set from the CPU's flags when it is not set already:
Debian's OpenBLAS does not recognise every CPU, and `SkylakeX` kernels die with
"Illegal instruction" where there is no AVX-512.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"


def pretrain(lang, steps, resume, extra=(), **kw):
    args = ["pretrain", lang]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    args += ["--steps", str(steps)]
    return args + (["--resume"] if resume else []) + list(extra)


EN = dict(layers=4, hidden=128, heads=4, intermediate=512, max_len=64, batch=64, dropout=0.0,
          warmup=150, lr=0.002, seed=1234, threads=2)
# From step 5,250 on, the English run draws everyday text more often than rare dictionary words
# and manuals: WordNet glosses and examples, and fortunes, are closer to common English than
# GCIDE's 80,000 entries (many for words nobody uses) or the Python documentation.
EN_MIX = "wordnet-base=1.5,fortunes=2,dict-gcide=0.6,python3.11-doc=0.3"
# From step 15,000 on (the previous weights/en), a continuation that unteaches copying (issue 22): the
# `en2` corpus keeps a dictionary headword out of its own definition and a WordNet synset's examples apart
# from its definition, whole words are masked, a content word that stands elsewhere in its sequence is never
# the one masked (--avoid-copies), and running prose is drawn more often. It starts from the
# stage-1 weights (build/en/run) with a fresh optimizer, on one core.
EN2 = dict(layers=4, hidden=128, heads=4, intermediate=512, max_len=64, batch=32, dropout=0.0,
           warmup=100, lr=0.001, seed=1234, threads=1, eval_every=250)
EN2_MIX = "wordnet-base=1.5,fortunes=2,dict-gcide=0.5,python3.11-doc=0.2"
# Stage 2 continued (round two of issue 22): resumed at step 3,000 on a longer schedule, drawing fortunes (running
# everyday prose) still more often and the dictionary and the manual less; shortened at step 7,000 to end in the
# time the machine had.
EN2_MIX2 = "wordnet-base=1.5,fortunes=3,dict-gcide=0.4,python3.11-doc=0.1"
EN2_FLAGS = ["--init", "tools/train/build/en/run", "--whole-word", "--avoid-copies"]
# What stage 1 ended with (its log, build/en/run/log.jsonl, was not kept on the machine that ran stage 2:
# these are the figures of the card of weights/en at commit 8129f08, written from that log).
EN_STAGE1 = {"commit": "8129f08", "step": 15000, "tokens_seen": 55439985, "wall_minutes": 190, "threads": 2,
             "mlm_top1": 0.450, "mlm_top5": 0.598, "nsp_acc": 0.938,
             "cloze_top1": 6, "cloze_top5": 17, "cloze_copies": 23}
# Stage 3 (round three of issue 22): stage 2's weights (build/en2/run, the previous weights/en) continued with a
# fresh optimizer on `en3`, the en2 corpus plus the King James Bible (Debian's bible-kjv-text): narrative prose in
# plain everyday words (bread, water, father, daughter, eyes, rain), which dictionaries and manuals lack. Its
# weight puts it at about a third of the text drawn. Same objective as stage 2, half its peak learning rate.
EN3 = dict(EN2, lr=0.0005, eval_every=1000)
EN3_MIX = EN2_MIX2 + ",bible-kjv-text=3"
EN3_FLAGS = ["--init", "tools/train/build/en2/run", "--whole-word", "--avoid-copies"]
# What stage 2 ended with: the card of weights/en at commit cae0c61 (its cloze figures are those of the shipped
# F16 weights), written from build/en2/run/log.jsonl.
EN_STAGE2 = {"commit": "cae0c61", "step": 13000, "tokens_seen": 22830493, "wall_minutes": 123, "threads": 1,
             "mlm_top1": 0.413, "mlm_top5": 0.570, "nsp_acc": 0.943,
             "cloze_top1": 7, "cloze_top5": 27, "cloze_copies": 18}
ZH = dict(layers=3, hidden=128, heads=4, intermediate=512, max_len=64, batch=64, dropout=0.0,
          warmup=80, lr=0.002, seed=1234, threads=1)

RECIPES = {
    "en": {
        "steps": [["corpus", "en", "--install"],
                  ["wordpiece", "en", "--size", "8192"],
                  pretrain("en", 3000, False, **EN),
                  pretrain("en", 5000, True, **EN),
                  ["wordpiece", "en", "--size", "16384"],
                  ["grow_vocab", "en"],
                  pretrain("en", 17000, True, ["--stop-at", "5250"], **EN),
                  pretrain("en", 17000, True, ["--mix", EN_MIX, "--stop-at", "7000"], **EN),
                  pretrain("en", 16000, True, ["--mix", EN_MIX, "--stop-at", "10000"], **EN),
                  pretrain("en", 15000, True, ["--mix", EN_MIX], **EN),
                  ["corpus", "en2"],
                  ["copying", "--before", "en", "--after", "en2", "--docs", "2000", "--examples", "2000",
                   "--out", "tools/train/build/en2/copying.md"],
                  pretrain("en2", 3000, False, EN2_FLAGS + ["--mix", EN2_MIX], **EN2),
                  pretrain("en2", 18000, True, EN2_FLAGS + ["--mix", EN2_MIX2, "--stop-at", "7000"], **EN2),
                  pretrain("en2", 13000, True, EN2_FLAGS + ["--mix", EN2_MIX2], **EN2),
                  ["corpus", "en3", "--install"],
                  pretrain("en3", 30000, False, EN3_FLAGS + ["--mix", EN3_MIX], **EN3),
                  ["export", "en"]],
        # the shipped weights come from the last stage's run, build/en3/run
        "run": "en3",
        "stage1": EN_STAGE1,
        "stage2": EN_STAGE2,
    },
    "en-topic": {
        "needs": "en",
        "steps": [["finetune_topic", "--epochs", "8", "--batch", "16", "--lr", "0.0003", "--seed", "1234"],
                  ["export", "en-topic"]],
    },
    "en-embed": {
        # fine-tuned from the shipped weights/en (make.py en writes it), one core at low priority, on the pairs of
        # WordNet's everyday senses (tagged 3+ times in its sense counts)
        "steps": [["finetune_embed", "--base", "weights/en", "--steps", "600", "--batch", "64", "--lr", "0.001",
                   "--eval-every", "100", "--hard-negatives", "--min-tag-count", "3"],
                  ["export", "en-embed"]],
    },
    "zh": {
        "steps": [["corpus", "zh", "--install"],
                  ["wordpiece", "zh", "--size", "5000", "--min-char", "3"],
                  pretrain("zh", 900, False, **ZH),
                  pretrain("zh", 4000, True, **ZH),
                  ["export", "zh"]],
    },
}


def argv(step):
    """One step as the argument list that runs it from the repository root."""
    return [PYTHON, "-m", f"tools.train.{step[0]}", *step[1:]]


def command_line(step):
    """The shell line a person would type for one step (as the model cards print it)."""
    return " ".join(argv(step))


def flags(step):
    """A step's `--name value` pairs as {"name": "value"}; a bare flag (`--resume`) maps to True."""
    out, i = {}, 1
    while i < len(step):
        if not step[i].startswith("--"):
            i += 1
            continue
        key = step[i][2:].replace("-", "_")
        bare = i + 1 == len(step) or step[i + 1].startswith("--")
        out[key] = True if bare else step[i + 1]
        i += 1 if bare else 2
    return out


def run_of(name):
    """The build/<run>/ folder whose run.py output is shipped as weights/<name> (en: the last stage, en3)."""
    return RECIPES[name].get("run", name)


def segments(name, lang=None):
    """The --steps of each pretraining segment of one run (build/<lang>), in order (for en's stage 1: 3000,
    5000, then the resumed and shortened schedules)."""
    lang = lang or run_of(name)
    return [int(flags(s)["steps"]) for s in RECIPES[name]["steps"] if s[0] == "pretrain" and s[1] == lang]


def pretrain_args(name, lang=None):
    """The first pretraining segment's arguments of one run, as pretrain.py logs them (its log's first line)."""
    lang = lang or run_of(name)
    return flags(next(s for s in RECIPES[name]["steps"] if s[0] == "pretrain" and s[1] == lang))


def coretype():
    """OPENBLAS_CORETYPE for this CPU (Debian's OpenBLAS falls back to slow generic kernels otherwise)."""
    try:
        flags = next(l for l in open("/proc/cpuinfo") if l.startswith("flags")).split()
    except (OSError, StopIteration):
        return None
    return "SkylakeX" if "avx512f" in flags else "Haswell" if "avx2" in flags else None


def run(name, dry_run, done):
    recipe = RECIPES[name]
    need = recipe.get("needs")
    if need and need not in done and not os.path.exists(os.path.join(HERE, "build", need, "run", "model.safetensors")):
        run(need, dry_run, done)
    env = dict(os.environ)
    if "OPENBLAS_CORETYPE" not in env and coretype():
        env["OPENBLAS_CORETYPE"] = coretype()
    for step in recipe["steps"]:
        line = command_line(step)
        print(f"$ {line}", file=sys.stderr, flush=True)
        if dry_run:
            continue
        r = subprocess.run(argv(step), cwd=ROOT, env=env)
        if r.returncode != 0:
            sys.exit(f"make.py {name}: `{line}` failed with exit code {r.returncode}")
    done.add(name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", choices=sorted(RECIPES))
    ap.add_argument("--dry-run", action="store_true", help="print the commands without running them")
    a = ap.parse_args()
    run(a.name, a.dry_run, set())


if __name__ == "__main__":
    main()
