"""Check the PyTorch reference (tools/reference_bert.py) against golden cases.

For every case folder given (default: every folder in ../shared/golden and
test/fixtures/golden), load config.json + the checkpoint into the reference,
run inputs.json and compare with golden.safetensors at positions whose
attention_mask is 1 (for attentions: query rows whose mask is 1).

Prints, per tensor, the max absolute error and the max error relative to the
tensor's scale (max |ref| over the compared positions).

    /usr/bin/python3 -m tools.check_public_golden [CASE_DIR ...] [--f64]
"""
import argparse
import json
import os
import sys

import torch

from tools import reference_bert as rb
from tools.common import masked
from tools.safetensors_io import load_checkpoint, load_file

torch.set_num_threads(1)


def check_case(case, dtype=torch.float32):
    with open(os.path.join(case, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(case, "inputs.json")) as f:
        inputs = json.load(f)
    model = rb.model_from_checkpoint(config, load_checkpoint(case), dtype=dtype)
    ours = rb.run(model, inputs)
    gold = load_file(os.path.join(case, "golden.safetensors"))
    mask = torch.tensor(inputs["attention_mask"])
    worst = 0.0
    rows = []
    if set(ours) != set(gold):
        rows.append(f"  tensor sets differ: ours {sorted(ours)} golden {sorted(gold)}")
        worst = float("inf")
    for name in sorted(gold):
        if name not in ours:
            continue
        if list(ours[name].shape) != list(gold[name].shape):
            rows.append(f"  {name}: shape {list(ours[name].shape)} vs {list(gold[name].shape)}")
            worst = float("inf")
            continue
        a = masked(name, ours[name].double(), mask)
        b = masked(name, gold[name].double(), mask)
        abs_err = (a - b).abs().max().item()
        scale = b.abs().max().item()
        rel = abs_err / scale if scale > 0 else abs_err
        worst = max(worst, rel)
        rows.append(f"  {name:18s} {str(list(gold[name].shape)):24s} max_abs {abs_err:.3e}  rel_to_scale {rel:.3e}")
    return worst, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", metavar="CASE_DIR")
    ap.add_argument("--f64", action="store_true", help="run the reference in float64")
    a = ap.parse_args()
    f64, cases = a.f64, a.cases
    if not cases:
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        for root in (os.path.join(here, "..", "shared", "golden"), os.path.join(here, "test", "fixtures", "golden")):
            if os.path.isdir(root):
                cases += [os.path.join(root, d) for d in sorted(os.listdir(root))
                          if os.path.isdir(os.path.join(root, d))]
    overall = 0.0
    for case in cases:
        worst, rows = check_case(case, torch.float64 if f64 else torch.float32)
        overall = max(overall, worst)
        print(f"{os.path.normpath(case)}: worst rel {worst:.3e}")
        print("\n".join(rows))
    print(f"ALL: worst rel {overall:.3e}")
    return 0 if overall <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
