"""Write bert-ts's golden test cases under test/fixtures/golden/<case>/.

Each case folder holds config.json, the checkpoint (model.safetensors, or a
sharded model.safetensors.index.json + model-0000N-of-0000M.safetensors),
vocab.txt (placeholder words), inputs.json and golden.safetensors, in the
format of ../shared/golden/README.md. The reference outputs come from
tools/reference_bert.py (a PyTorch reimplementation of Hugging Face's
modeling_bert.py, eager attention, float32) run on the checkpoint as read back
from disk. Weights are random and larger than a trained model's, so wrong
formulas show up; F16/BF16 weights are rounded first and the reference runs on
the rounded values upcast to float32.

Everything is seeded: re-running reproduces the same bytes.

    /usr/bin/python3 -m tools.make_golden            # all cases (rewrites test/fixtures/golden/)
    /usr/bin/python3 -m tools.make_golden CASE ...   # only these cases
"""
import argparse
import json
import os
import shutil
import sys
import zlib

import torch

from tools import reference_bert as rb
from tools.common import masked, placeholder_vocab, random_weights
from tools.safetensors_io import load_checkpoint, save_file, tensor_bytes

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(os.path.dirname(HERE), "test", "fixtures", "golden")
DTYPES = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
SPECIALS = {PAD: "[PAD]", UNK: "[UNK]", CLS: "[CLS]", SEP: "[SEP]", MASK: "[MASK]"}  # then words w0, w1, ...

# ---------------------------------------------------------------- the cases

BASE = dict(
    hidden=16, layers=2, heads=2, inter=40, vocab=100, max_pos=16, type_vocab=2,
    act="gelu", eps=1e-12,
    arch="BertForPreTraining", pooler=None,  # pooler None: as the architecture has it
    dtype="f32", legacy_ln=False, decoder=None,  # decoder: None | "untied" | "bias"
    position_ids=False, order="dtype", shards=1, header_pad=None, minimal_config=False,
    lengths=None, seq=10, types="pair", mask="right",
    gain=1.6, emb_std=0.5, ln_w=1.0, ln_b=0.2, bias=0.2,
    checks=(),
    labels=None, problem_type=None,  # task heads: id2label names, config problem_type
)


def case(name, what, **kw):
    c = dict(BASE)
    for k in kw:
        if k not in BASE:
            raise KeyError(k)
    c.update(kw)
    c["name"], c["what"] = name, what
    if c["lengths"] is None:
        c["lengths"] = [c["seq"], max(1, c["seq"] * 2 // 3), max(1, c["seq"] // 3)]
    c["seq"] = max(c["lengths"])
    return c


ACT_CASES = [
    # (hidden_act, hidden, heads, vocab, the wrong activations that must be told apart)
    ("gelu", 16, 2, 100, ("gelu_new", "quick_gelu")),
    ("gelu_new", 20, 4, 110, ("gelu", "quick_gelu")),
    ("gelu_pytorch_tanh", 16, 4, 120, ("gelu",)),
    ("gelu_fast", 24, 3, 100, ("gelu",)),
    ("quick_gelu", 16, 2, 130, ("gelu", "silu")),
    ("relu", 16, 2, 100, ("gelu",)),
    ("silu", 18, 3, 100, ("gelu", "quick_gelu")),
    ("swish", 16, 2, 100, ("gelu", "quick_gelu")),
    ("tanh", 16, 2, 100, ("gelu",)),
]

CASES = [
    case(f"act-{act.replace('_', '-')}", f"hidden_act `{act}` (encoder FFN and MLM transform)",
         act=act, hidden=h, heads=a, vocab=v, inter=2 * h + 8, checks=tuple("act:" + w for w in wrong))
    for act, h, a, v, wrong in ACT_CASES
] + [
    case("legacy-gamma-beta", "legacy `LayerNorm.gamma/beta` names, no stored decoder (tied to word embeddings), "
         "BertForPreTraining: the layout of the real bert-base-uncased checkpoint",
         hidden=32, heads=4, inter=64, vocab=300, max_pos=40, legacy_ln=True, lengths=[24, 17, 9, 2]),
    case("untied-decoder", "stored, untied `cls.predictions.decoder.weight` (and `decoder.bias`)",
         hidden=24, heads=2, inter=48, vocab=250, max_pos=24, decoder="untied", lengths=[14, 9, 5],
         checks=("tie",)),
    case("st-layout", "sentence-transformers layout: no `bert.` prefix, stored I64 `position_ids`, "
         "architectures BertModel, no heads, 3 layers",
         arch="BertModel", hidden=32, heads=4, inter=128, layers=3, vocab=400, max_pos=64,
         position_ids=True, lengths=[20, 13, 6]),
    case("bertmodel-no-pooler", "BertModel without `bert.` prefix and without pooler weights "
         "(add_pooling_layer=False): no pooler_output in the golden file",
         arch="BertModel", pooler=False, hidden=20, heads=4, inter=44, vocab=150, lengths=[11, 6]),
    case("masked-lm", "BertForMaskedLM layout: `bert.` prefix, no pooler, `cls.predictions.*` only (decoder tied, "
         "`decoder.bias` stored), stored `bert.embeddings.position_ids`",
         arch="BertForMaskedLM", hidden=24, heads=3, inter=60, vocab=200, max_pos=20,
         decoder="bias", position_ids=True, lengths=[12, 8, 4]),
    case("nsp-only", "BertForNextSentencePrediction layout: pooler + `cls.seq_relationship.*`, no MLM head",
         arch="BertForNextSentencePrediction", hidden=16, heads=2, inter=32, vocab=120, lengths=[10, 7, 3]),
    case("pretraining", "BertForPreTraining: `cls.predictions` (decoder tied) and `cls.seq_relationship` on the pooler",
         arch="BertForPreTraining", hidden=20, heads=2, inter=44, vocab=130, lengths=[11, 7, 4]),
    case("seqcls-single", "BertForSequenceClassification, single_label_classification, 3 labels: "
         "pooler, then `classifier` (`logits` [B, 3])",
         arch="BertForSequenceClassification", labels=["negative", "neutral", "positive"],
         problem_type="single_label_classification", hidden=24, heads=3, inter=48, vocab=140, lengths=[12, 8, 3]),
    case("seqcls-multi", "BertForSequenceClassification, multi_label_classification, 4 labels (`logits` [B, 4])",
         arch="BertForSequenceClassification", labels=["sports", "politics", "science", "arts"],
         problem_type="multi_label_classification", hidden=16, heads=2, inter=40, vocab=110, lengths=[10, 6, 9]),
    case("seqcls-regression", "BertForSequenceClassification, regression, num_labels 1 (`logits` [B, 1])",
         arch="BertForSequenceClassification", labels=["LABEL_0"], problem_type="regression",
         hidden=16, heads=4, inter=36, vocab=100, lengths=[9, 5]),
    case("tokcls", "BertForTokenClassification: no pooler, `classifier` on every token (`logits` [B, S, 5]), BIO labels",
         arch="BertForTokenClassification", labels=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"],
         hidden=24, heads=2, inter=52, vocab=150, lengths=[13, 9, 4], types="single"),
    case("qa", "BertForQuestionAnswering: no pooler, `qa_outputs` [2, H] split into `start_logits` / `end_logits` [B, S]",
         arch="BertForQuestionAnswering", hidden=24, heads=4, inter=48, vocab=150, max_pos=24, lengths=[18, 12, 7]),
    case("f16-weights", "F16 weights (the reference runs on the F16 values upcast to float32)",
         dtype="f16", hidden=32, heads=4, inter=72, vocab=200, max_pos=24, lengths=[16, 11, 4]),
    case("bf16-weights", "BF16 weights (the reference runs on the BF16 values upcast to float32)",
         dtype="bf16", hidden=24, heads=2, inter=56, vocab=180, max_pos=20, lengths=[14, 10, 3]),
    case("eps-1e-5", "layer_norm_eps 1e-5 with small LayerNorm inputs (a wrong eps shows)",
         eps=1e-5, emb_std=0.02, ln_w=0.05, ln_b=0.01, bias=0.01, lengths=[10, 6],
         checks=("eps:1e-12", "eps:1e-6")),
    case("eps-1e-3", "large layer_norm_eps 1e-3", eps=1e-3, ln_w=0.3, ln_b=0.05, bias=0.05,
         emb_std=0.1, lengths=[10, 6], checks=("eps:1e-12", "eps:1e-5")),
    case("full-length", "a full-length sequence, S = max_position_embeddings = 128, next to a shorter row",
         hidden=16, heads=2, inter=32, vocab=150, max_pos=128, lengths=[128, 77]),
    case("padding-batch", "padding in a batch: 5 rows of lengths 19, 12, 7, 3, 1; both token types",
         hidden=24, heads=3, inter=48, vocab=160, max_pos=24, lengths=[19, 12, 7, 3, 1],
         checks=("no_mask", "no_token_types")),
    case("mask-holes", "attention_mask with zeros inside the sequence (not only right padding)",
         hidden=16, heads=2, inter=40, vocab=100, max_pos=20, mask="holes", lengths=[14, 14, 9],
         checks=("no_mask",)),
    case("single-head", "num_attention_heads 1 (head size = hidden size 16)",
         heads=1, hidden=16, inter=40, lengths=[10, 7, 4]),
    case("odd-head-size", "odd sizes: hidden 21, 3 heads of size 7, intermediate 37, vocab 101",
         hidden=21, heads=3, inter=37, vocab=101, max_pos=12, lengths=[12, 5, 8]),
    case("heads-9x3", "9 heads of size 3 (hidden 27)", hidden=27, heads=9, inter=54, vocab=110, lengths=[10, 8]),
    case("type-vocab-1", "type_vocab_size 1 (all token types 0)", type_vocab=1, types="single",
         hidden=16, heads=4, lengths=[10, 6, 3]),
    case("type-vocab-3", "type_vocab_size 3 (token types 0, 1, 2)", type_vocab=3, types="random",
         hidden=16, heads=2, lengths=[10, 8, 5], checks=("no_token_types",)),
    case("sharded", "sharded checkpoint: model.safetensors.index.json + 2 shards (Hugging Face index format)",
         shards=2, hidden=24, heads=4, inter=48, vocab=150, lengths=[12, 8, 5]),
    case("unaligned-header", "safetensors header NOT padded: the F32 data starts at a file offset = 3 mod 8, "
         "so no tensor is 4-byte aligned (the copy path)",
         header_pad=3, hidden=16, heads=2, vocab=100, lengths=[9, 5]),
    case("config-defaults", "minimal config.json (no hidden_act, layer_norm_eps, max_position_embeddings, "
         "type_vocab_size, pad_token_id...): Hugging Face defaults apply (gelu, 1e-12, 512, 2)",
         minimal_config=True, arch="BertModel", hidden=16, heads=2, inter=32, vocab=100, max_pos=512,
         lengths=[9, 5], checks=("act:gelu_new",)),
    case("seq1-batch1", "one row of one token, one layer", layers=1, lengths=[1]),
    case("combo-f16-nopfx-posids", "F16, no `bert.` prefix, stored I64 position_ids written in name order "
         "(so the I64 tensor is not 8-byte aligned), odd head size 7, quick_gelu",
         arch="BertModel", dtype="f16", position_ids=True, order="name", hidden=21, heads=3, inter=45,
         vocab=103, max_pos=13, act="quick_gelu", lengths=[13, 6]),
    case("combo-bf16-legacy-untied-sharded", "BF16 + legacy gamma/beta + untied decoder + 2 shards + gelu_new + eps 1e-6",
         dtype="bf16", legacy_ln=True, decoder="untied", shards=2, act="gelu_new", eps=1e-6,
         hidden=32, heads=4, inter=80, vocab=220, layers=3, max_pos=32, lengths=[18, 12, 4]),
]

# ---------------------------------------------------------------- weights


def seed_of(*parts):
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def config_dict(c):
    d = config_dict_base(c)
    if c["labels"] is not None:
        d["id2label"] = {str(i): l for i, l in enumerate(c["labels"])}
        d["label2id"] = {l: i for i, l in enumerate(c["labels"])}
    if c["problem_type"] is not None:
        d["problem_type"] = c["problem_type"]
    return d


def config_dict_base(c):
    if c["minimal_config"]:
        return {
            "model_type": "bert",
            "architectures": [c["arch"]],
            "vocab_size": c["vocab"],
            "hidden_size": c["hidden"],
            "num_hidden_layers": c["layers"],
            "num_attention_heads": c["heads"],
            "intermediate_size": c["inter"],
        }
    return {
        "model_type": "bert",
        "architectures": [c["arch"]],
        "initializer_range": 0.02,
        "layer_norm_eps": c["eps"],
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "vocab_size": c["vocab"],
        "hidden_size": c["hidden"],
        "num_attention_heads": c["heads"],
        "intermediate_size": c["inter"],
        "num_hidden_layers": c["layers"],
        "max_position_embeddings": c["max_pos"],
        "type_vocab_size": c["type_vocab"],
        "hidden_act": c["act"],
    }


def parts_of(c):
    prefix, mlm, nsp, pooler = rb.ARCHITECTURES[c["arch"]]
    if c["pooler"] is not None:
        pooler = c["pooler"]
    return prefix, mlm, nsp, pooler


def case_weights(c, config):
    """Canonical HF names (weight/bias) -> float32 tensors, excluding buffers and tied aliases."""
    prefix, mlm, nsp, pooler = parts_of(c)
    task = c["arch"] if c["arch"] in rb.TASK_HEADS else None
    model = rb.build_model(config, mlm, nsp, pooler, prefix, task)
    return random_weights(model, seed_of("weights", c["name"]), gain=c["gain"], bias=c["bias"],
                          embedding=c["emb_std"], ln_scale=c["ln_w"], ln_spread=0.3, ln_bias=c["ln_b"],
                          untied_decoder=c["decoder"] == "untied")


def file_tensors(c, weights, dtype):
    """The tensors as the checkpoint stores them: naming variant, dtype, extra buffers."""
    prefix, mlm, _, _ = parts_of(c)
    out = {}
    for name, t in weights.items():
        if c["legacy_ln"] and ".LayerNorm." in name:
            name = name.replace(".LayerNorm.weight", ".LayerNorm.gamma").replace(".LayerNorm.bias", ".LayerNorm.beta")
        out[name] = t.to(dtype)
    if c["position_ids"]:
        out[("bert." if prefix else "") + "embeddings.position_ids"] = torch.arange(c["max_pos"]).unsqueeze(0)
    if mlm and c["decoder"] in ("bias", "untied"):
        out["cls.predictions.decoder.bias"] = weights["cls.predictions.bias"].to(dtype)
    return out


def write_checkpoint(c, folder, tensors):
    meta = {"format": "pt"}
    if c["shards"] == 1:
        save_file(tensors, os.path.join(folder, "model.safetensors"), metadata=meta,
                  order=c["order"], pad_to=c["header_pad"])
        return
    names = sorted(tensors)
    sizes = [len(tensor_bytes(tensors[n])) for n in names]
    total = sum(sizes)
    n = c["shards"]
    groups, acc = [[] for _ in range(n)], 0
    for name, size in zip(names, sizes):
        groups[min(n - 1, acc * n // total)].append(name)
        acc += size
    weight_map = {}
    for i, group in enumerate(groups):
        fname = f"model-{i + 1:05d}-of-{n:05d}.safetensors"
        save_file({k: tensors[k] for k in group}, os.path.join(folder, fname), metadata=meta, order=c["order"])
        for k in group:
            weight_map[k] = fname
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        f.write(json.dumps(index, indent=2, sort_keys=True) + "\n")

# ---------------------------------------------------------------- inputs


def make_inputs(c):
    g = torch.Generator().manual_seed(seed_of("inputs", c["name"]))

    def rnd(lo, hi):  # integer in [lo, hi)
        return int(torch.randint(lo, hi, (1,), generator=g))

    S, V = c["seq"], c["vocab"]
    ids, mask, types = [], [], []
    for r, L in enumerate(c["lengths"]):
        row = [rnd(5, V) for _ in range(L)]
        for i in range(L):
            if rnd(0, 100) < 12:
                row[i] = MASK
        row[0] = CLS
        tt = [0] * L
        if c["types"] == "pair" and r % 2 == 0 and L >= 5:
            split = rnd(2, L - 1)
            row[split - 1] = SEP
            tt = [0] * split + [1] * (L - split)
        elif c["types"] == "random":
            tt = [0] + [rnd(0, c["type_vocab"]) for _ in range(L - 1)]
        if L >= 2:
            row[L - 1] = SEP
        m = [1] * L
        if c["mask"] == "holes":
            for i in range(1, L):
                if rnd(0, 100) < 30:
                    m[i] = 0
        ids.append(row + [PAD] * (S - L))
        mask.append(m + [0] * (S - L))
        types.append(tt + [0] * (S - L))
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}

# ---------------------------------------------------------------- checks


def max_rel(a, b, mask):
    """Worst tensor error, relative to the tensor's scale, at the compared positions."""
    worst = 0.0
    for k in b:
        x, y = masked(k, a[k].double(), mask), masked(k, b[k].double(), mask)
        scale = y.abs().max().item()
        worst = max(worst, (x - y).abs().max().item() / (scale or 1.0))
    return worst


def sensitivity(c, config, tensors, inputs, golden):
    """How far a plausible engine bug moves the outputs (should be >> 1e-4)."""
    mask = torch.tensor(inputs["attention_mask"])
    res = []
    for chk in c["checks"]:
        cfg, tns, inp = dict(config), dict(tensors), dict(inputs)
        kind, _, arg = chk.partition(":")
        if kind == "act":
            cfg["hidden_act"] = arg
            label = f"hidden_act {arg}"
        elif kind == "eps":
            cfg["layer_norm_eps"] = float(arg)
            label = f"eps {arg}"
        elif kind == "tie":
            tns.pop("cls.predictions.decoder.weight")
            label = "tied decoder"
        elif kind == "no_mask":
            inp["attention_mask"] = [[1] * len(r) for r in inputs["attention_mask"]]
            label = "mask ignored"
        elif kind == "no_token_types":
            inp["token_type_ids"] = [[0] * len(r) for r in inputs["token_type_ids"]]
            label = "token types ignored"
        else:
            raise ValueError(chk)
        out = rb.run(rb.model_from_checkpoint(cfg, tns), inp)
        res.append(f"{label}: {max_rel(out, golden, mask):.1e}")
    return res

# ---------------------------------------------------------------- main


def make_case(c):
    folder = os.path.join(ROOT, c["name"])
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    cfg = config_dict(c)
    config = rb.BertConfig(cfg)
    assert config.max_position_embeddings == c["max_pos"] and config.hidden_act == c["act"]
    assert c["seq"] <= c["max_pos"]
    tensors = file_tensors(c, case_weights(c, config), DTYPES[c["dtype"]])
    write_checkpoint(c, folder, tensors)
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(json.dumps(cfg, indent=2) + "\n")
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write(placeholder_vocab(c["vocab"], SPECIALS))
    inputs = make_inputs(c)
    with open(os.path.join(folder, "inputs.json"), "w") as f:
        f.write(json.dumps(inputs) + "\n")
    # The reference runs on the checkpoint as read back from disk.
    loaded = load_checkpoint(folder)
    for k, v in tensors.items():
        assert torch.equal(loaded[k], v), k
    golden = rb.run(rb.model_from_checkpoint(cfg, loaded), inputs)
    save_file(golden, os.path.join(folder, "golden.safetensors"), order="name")
    sens = sensitivity(c, cfg, loaded, inputs, golden)
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    shape = (f"L{c['layers']} H{c['hidden']} A{c['heads']} I{c['inter']} V{c['vocab']} P{c['max_pos']} "
             f"T{c['type_vocab']} B{len(c['lengths'])} S{c['seq']} {c['dtype'].upper()}")
    return {"name": c["name"], "what": c["what"], "shape": shape, "parts": sorted(golden),
            "sens": sens, "size": size}


README_HEAD = """# Golden fixtures

Generated by `tools/make_golden.py` (PyTorch reference: `tools/reference_bert.py`, a
reimplementation of Hugging Face's `modeling_bert.py`, eager attention, float32).
Each folder is one case in the format of `../shared/golden/README.md`: `config.json`,
the checkpoint, `vocab.txt` (placeholder words), `inputs.json` and `golden.safetensors`
(F32 `embeddings`, `hidden_states`, `attentions`, `last_hidden_state`, and
`pooler_output`, `mlm_logits`, `nsp_logits` where the checkpoint has that part; the
task heads' `logits` ([B, N] sequence classification, [B, S, N] token classification)
and `start_logits` / `end_logits` ([B, S] question answering), named and shaped as
transformers' outputs, the head chosen by config.json's `architectures`).
Compare only positions whose `attention_mask` is 1 (for `attentions`, query rows).

Weights are random and larger than a trained model's (matrices N(0, 1.6²/fan_in),
LayerNorm weights 1 ± 0.3, biases ~0.2) so that wrong formulas show up. F16/BF16
cases: the reference runs on the stored (rounded) values upcast to float32.

Regenerate (deterministic: same bytes on re-run):

    /usr/bin/python3 -m tools.make_golden

Check the reference itself against these cases and the public ones in `../shared/golden`:

    /usr/bin/python3 -m tools.check_public_golden

The "sensitivity" column is the worst error (max |diff| / max |golden| over a
tensor's compared positions) that the named mistake produces against the golden
outputs: a verifier with a tolerance of 1e-4 relative catches each of them.
(`gelu_new`, `gelu_fast` and `gelu_pytorch_tanh` are the same tanh formula up to
float32 rounding, ~1e-7, so no fixture can tell those three apart; erf `gelu`
differs from them by up to 4.7e-4 absolute, which moves the outputs by ~5e-4.)

The float32 reference itself is accurate to ~2.5e-6 relative on these cases
(`check_public_golden.py --f64` reruns it in float64), and it agrees with the
public cases in `../shared/golden` to ~1.3e-6.

Shape key: L layers, H hidden, A heads, I intermediate, V vocab, P max positions,
T type vocab, B batch, S sequence length.

| case | covers | shape | golden tensors | sensitivity | bytes |
|---|---|---|---|---|---|
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", metavar="CASE", help="only these cases (default: all, and README.md)")
    only = set(ap.parse_args().cases)
    unknown = only - {c["name"] for c in CASES}
    if unknown:
        sys.exit(f"unknown case(s): {sorted(unknown)}")
    os.makedirs(ROOT, exist_ok=True)
    rows = []
    for c in CASES:
        if only and c["name"] not in only:
            continue
        r = make_case(c)
        rows.append(r)
        print(f"{r['name']:34s} {r['size']:8d} B  {r['shape']}  {'; '.join(r['sens'])}")
    if not only:
        for d in os.listdir(ROOT):  # drop folders of cases that no longer exist
            if os.path.isdir(os.path.join(ROOT, d)) and d not in {c["name"] for c in CASES}:
                shutil.rmtree(os.path.join(ROOT, d))
        total = sum(r["size"] for r in rows)
        with open(os.path.join(ROOT, "README.md"), "w") as f:
            f.write(README_HEAD)
            for r in rows:
                f.write(f"| `{r['name']}` | {r['what']} | {r['shape']} | {', '.join(r['parts'])} | "
                        f"{'; '.join(r['sens']) or '—'} | {r['size']} |\n")
            f.write(f"\n{len(rows)} cases, {total} bytes in all.\n")
        print(f"{len(rows)} cases, {total} bytes")


if __name__ == "__main__":
    main()
