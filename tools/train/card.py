"""Writing a model card (weights/<name>/README.md) without losing the part no
training log can give: the q8 accuracy block that `node tools/q8-accuracy.mjs
... --card` measures with bert-ts itself and writes between two markers. A card
generator rewrites everything else; the block is kept, at the end, until the
tool is run again (after retraining, it should be: the figures are of the old
weights until then)."""
import os

Q8_BEGIN = "<!-- q8 accuracy: written by tools/q8-accuracy.mjs --card; rerun it rather than editing -->"
Q8_END = "<!-- /q8 accuracy -->"


def q8_block(text):
    """The q8 block of a card's text, markers included, or None."""
    a = text.find(Q8_BEGIN)
    b = text.find(Q8_END, a)
    return text[a:b + len(Q8_END)] if a >= 0 and b > a else None


def write_card(path, text):
    """Write `text` as the card at `path`, with the old card's q8 block appended when it had one."""
    old = open(path).read() if os.path.exists(path) else ""
    block = q8_block(old)
    if block and q8_block(text) is None:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
