"""Score a BertForPreTraining folder on a cloze set with the PyTorch reference.

    /usr/bin/python3 -m tools.train.cloze weights/en
    /usr/bin/python3 -m tools.train.cloze tools/train/build/en/run --set tools/train/eval/cloze-en.tsv -v

A case counts at top-1 when the MLM head's most likely token at [MASK] is one of
its answers, at top-5 when one of the five most likely is. The set shipped in
eval/ was written by hand for the model card and is never trained on; export.py
reports the same figures in weights/en/README.md.
"""
import argparse
import os

from tools.train.export import cloze, load_pretrained, read_cloze

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder")
    ap.add_argument("--set", default=os.path.join(HERE, "eval", "cloze-en.tsv"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    a = ap.parse_args()
    model, wp, vocab, inv = load_pretrained(a.folder)
    r = cloze(model, wp, vocab, inv, read_cloze(a.set))
    if a.verbose:
        for row in r["rows"]:
            mark = "1" if row["top1"] else "5" if row["topk"] else "-"
            print(f"{mark} {row['text']:<60} " + ", ".join(f"{w} {p:.2f}" for w, p in row["predictions"]))
    print(f"{a.folder}: top-1 {r['top1']}/{r['n']}, top-{r['k']} {r['topk']}/{r['n']}, "
          f"top-1 is a word of the sentence {r['copies']}/{r['n']}")


if __name__ == "__main__":
    main()
