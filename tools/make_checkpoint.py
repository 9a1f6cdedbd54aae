"""Write a random BERT checkpoint folder of a named shape (for loading tests and benchmarks).

    /usr/bin/python3 -m tools.make_checkpoint --shape bert-base --out bench/models/bert-base [--dtype f32|f16] [--onnx]
    /usr/bin/python3 -m tools.make_checkpoint --shape minilm-l6 --out bench/models/minilm-l6 --onnx

Writes config.json, model.safetensors (Hugging Face checkpoint names), vocab.txt
(placeholder tokens in bert-base-uncased's special-token layout: [PAD]=0,
[UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103) and tokenizer_config.json.
With --onnx also model.onnx: the BertModel forward (inputs input_ids,
attention_mask, token_type_ids, int64 [batch, sequence] with dynamic axes;
outputs last_hidden_state, pooler_output; opset 14), exported in float32 from
the same weights (as stored, so F16 weights are upcast) for benchmark peers.

Shapes:
  bert-base  BertForPreTraining, `bert.` prefix, 12 layers, hidden 768, 12 heads, 3072, vocab 30522, 512 positions
  minilm-l6  BertModel (sentence-transformers layout: no prefix, stored position_ids),
             6 layers, hidden 384, 12 heads, 1536, vocab 30522, 512 positions
  tiny       BertForPreTraining, 2 layers, hidden 32, 2 heads, 64, vocab 30522, 512 positions (quick tests)

The outputs are not committed (bench/models/ is git-ignored). Weights are random
(seeded, so re-running gives the same bytes): N(0, 1/fan_in) matrices,
N(0, 0.05²) embeddings, LayerNorm weights 1 ± 0.05, small biases.
"""
import argparse
import json
import os
import time

import torch

from tools import reference_bert as rb
from tools.common import BERT_CONFIG_DEFAULTS, placeholder_vocab, random_weights
from tools.safetensors_io import save_file

SHAPES = {
    "bert-base": dict(arch="BertForPreTraining", layers=12, hidden=768, heads=12, inter=3072,
                      vocab=30522, max_pos=512, position_ids=False),
    "minilm-l6": dict(arch="BertModel", layers=6, hidden=384, heads=12, inter=1536,
                      vocab=30522, max_pos=512, position_ids=True),
    "tiny": dict(arch="BertForPreTraining", layers=2, hidden=32, heads=2, inter=64,
                 vocab=30522, max_pos=512, position_ids=False),
}


def config_for(s):
    return {
        "model_type": "bert",
        "architectures": [s["arch"]],
        **BERT_CONFIG_DEFAULTS,
        "vocab_size": s["vocab"],
        "hidden_size": s["hidden"],
        "num_attention_heads": s["heads"],
        "intermediate_size": s["inter"],
        "num_hidden_layers": s["layers"],
        "max_position_embeddings": s["max_pos"],
        "type_vocab_size": 2,
        "hidden_act": "gelu",
    }


# bert-base-uncased's special-token ids; [unused0..993] fill the other ids below 999, words w999... the rest.
SPECIALS = {0: "[PAD]", 100: "[UNK]", 101: "[CLS]", 102: "[SEP]", 103: "[MASK]"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", required=True, choices=sorted(SHAPES))
    ap.add_argument("--dtype", default="f32", choices=["f32", "f16"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--onnx", action="store_true", help="also export model.onnx (BertModel forward, float32)")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    s = SHAPES[args.shape]
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    cfg = config_for(s)
    config = rb.BertConfig(cfg)
    prefix, mlm, nsp, pooler = rb.ARCHITECTURES[s["arch"]]
    model = rb.build_model(config, mlm, nsp, pooler, prefix)
    weights = random_weights(model, args.seed, gain=1.0, bias=0.02, embedding=0.05, ln_spread=0.05, ln_bias=0.02)
    dtype = torch.float16 if args.dtype == "f16" else torch.float32
    stored = {k: v.to(dtype) for k, v in weights.items()}
    if s["position_ids"]:
        stored[("bert." if prefix else "") + "embeddings.position_ids"] = torch.arange(s["max_pos"]).unsqueeze(0)
    n = save_file(stored, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(args.out, "config.json"), "w") as f:
        f.write(json.dumps(cfg, indent=2) + "\n")
    with open(os.path.join(args.out, "vocab.txt"), "w") as f:
        f.write(placeholder_vocab(s["vocab"], SPECIALS, unused_below=999, first_word=999))
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        f.write(json.dumps({"do_lower_case": True, "model_max_length": s["max_pos"]}, indent=2) + "\n")
    t1 = time.time()
    print(f"{args.out}/model.safetensors: {n} bytes ({n / 1e6:.1f} MB), "
          f"{sum(v.numel() for v in weights.values())} parameters, {t1 - t0:.1f} s")

    if args.onnx:
        # Load what was written (F16 values upcast) into the reference and export its BertModel.
        rounded = {k: v.to(torch.float32) for k, v in stored.items() if not k.endswith("position_ids")}
        full = rb.model_from_checkpoint(cfg, rounded)
        bert = full.bert if hasattr(full, "bert") else full
        bert.eval()

        class Wrapper(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask, token_type_ids):
                out = self.m(input_ids, attention_mask, token_type_ids)
                return out["last_hidden_state"], out["pooler_output"]

        ids = torch.randint(1000, s["vocab"], (2, 16))
        ids[:, 0] = 101
        mask = torch.ones_like(ids)
        mask[1, 10:] = 0
        tt = torch.zeros_like(ids)
        path = os.path.join(args.out, "model.onnx")
        dyn = {0: "batch", 1: "sequence"}
        with torch.no_grad():
            torch.onnx.export(
                Wrapper(bert), (ids, mask, tt), path,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state", "pooler_output"],
                dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn,
                              "last_hidden_state": dyn, "pooler_output": {0: "batch"}},
                opset_version=14, do_constant_folding=True)
        t2 = time.time()
        print(f"{path}: {os.path.getsize(path)} bytes ({os.path.getsize(path) / 1e6:.1f} MB), {t2 - t1:.1f} s")


if __name__ == "__main__":
    main()
