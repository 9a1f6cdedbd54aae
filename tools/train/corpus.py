"""Build a training corpus from text that ships in Debian packages.

    /usr/bin/python3 -m tools.train.corpus en   # or zh
    -> tools/train/build/{lang}/train.jsonl, eval.jsonl, sources.json

Each line of train/eval.jsonl is one document: {"id": ..., "source": ..., "sentences": [...]}.
Sentences inside a document are in reading order, so consecutive sentences are true
"next sentence" pairs for BERT's NSP objective.

Deterministic: sources are read in sorted order, documents are deduplicated by
their normalised text (first occurrence wins), and the held-out 2% is chosen by a
hash of the document's text, never by a random generator. With --install the
script installs the packages it reads with apt (needs root).
"""
import argparse
import gzip
import hashlib
import html.parser
import json
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))

# package -> what we read from it. Licences are read from the package's own
# copyright file and recorded in sources.json (and so in the model card).
PACKAGES = {
    "en": ["wordnet-base", "dict-gcide", "fortunes", "fortunes-min", "python3.11-doc"],
    "zh": ["fortunes-zh", "manpages-zh", "debian-reference-zh-cn"],
}
PACKAGES["en2"] = PACKAGES["en"]
PACKAGES["en3"] = PACKAGES["en"] + ["bible-kjv"]
EVAL_PERCENT = 2
# Copyright files that are not machine-readable (no DEP-5 `License:` short names): the licence as
# read by hand from /usr/share/doc/<package>/copyright.
LICENCE_BY_HAND = {
    "dict-gcide": ["GPL-2+"],
    "fortunes": ["BSD (University of California)"],
    "fortunes-min": ["BSD (University of California)"],
    "python3.11-doc": ["PSF-2.0 and others listed in the copyright file"],
    "bible-kjv-text": ["public domain (the 1611 translation; the package's software is GPL-2+)"],
}
_SHORT_NAME = re.compile(r"^[\w.+-]+( (or|and|with) [\w.+-]+)*$")


# ---------------------------------------------------------------- helpers

def squash(s):
    return re.sub(r"\s+", " ", s).strip()


_SENT_EN = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_SENT_ZH = re.compile(r"(?<=[。！？；])")


def split_sentences_en(text):
    return [s.strip() for s in _SENT_EN.split(text) if len(s.strip()) > 1]


def split_sentences_zh(text):
    out = []
    for s in _SENT_ZH.split(text):
        s = s.strip()
        if len(s) > 1:
            out.append(s)
    return out


def package_info(pkg):
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
    licences = []
    path = f"/usr/share/doc/{pkg}/copyright"
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.match(r"^License:\s*(\S.*)$", line)
                name = m.group(1).strip() if m else ""
                if _SHORT_NAME.match(name) and name not in licences:
                    licences.append(name)
    if pkg in LICENCE_BY_HAND:
        licences = LICENCE_BY_HAND[pkg]
    return {"package": pkg, "version": version, "licences": licences, "copyright": path}


class TextOf(html.parser.HTMLParser):
    """Collects the text of <p>, <li>, <dd> and <td> blocks of an HTML page, skipping code."""

    BLOCKS = {"p", "li", "dd", "td", "h1", "h2", "h3"}
    SKIP = {"pre", "script", "style", "code", "tt", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.cur, self.depth, self.skip = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCKS:
            self.flush()
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
            if tag in ("code", "tt", "kbd", "samp") and self.depth:
                self.cur.append(" ")  # inline code leaves a gap, not a run-on word
        elif tag in self.BLOCKS:
            self.flush()
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.cur.append(data)

    def flush(self):
        t = squash("".join(self.cur))
        if t:
            self.blocks.append(t)
        self.cur = []


def html_blocks(path):
    p = TextOf()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    p.flush()
    return p.blocks


def html_documents(path, doc_id, sentences_of):
    """An HTML page as documents of a few paragraphs (24 sentences or more each).

    `sentences_of(block)` gives a text block's sentences ([] to skip the block);
    documents are named `{doc_id}/{sentences so far}`, the page's rest `{doc_id}/end`.
    """
    sents = []
    for b in html_blocks(path):
        sents.extend(sentences_of(b))
        if len(sents) >= 24:
            yield f"{doc_id}/{len(sents)}", sents
            sents = []
    if sents:
        yield f"{doc_id}/end", sents


# ---------------------------------------------------------------- English sources

_DET = re.compile(r"^(a|an|the|any|one|someone|something|some|two|three|either|each|every)\b")


def wordnet_synsets(pos):
    """The synsets of one part of speech, in file order: (lexicographer file, fields of the data line,
    lemma, definition sentence, example sentences). A gloss `the capital and largest city of France;
    "an example"` for the noun Paris gives "Paris is the capital and largest city of France." and its
    examples, each capitalised and closed with a full stop. Synsets with no definition are skipped.
    """
    with open(f"/usr/share/wordnet/data.{pos}", encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head, _, gloss = line.partition(" | ")
            fields = head.split()
            lemma = re.sub(r"\(\w+\)$", "", fields[4]).replace("_", " ")
            parts = [p.strip() for p in gloss.strip().split(";") if p.strip()]
            defs = [p for p in parts if not p.startswith('"')]
            examples = [p.strip('"').strip() for p in parts if p.startswith('"')]
            if not defs:
                continue
            d = defs[0]
            if pos == "noun":
                if lemma[:1].isupper():
                    s = f"{lemma} is {d}."
                elif _DET.match(d):
                    art = "An" if lemma[:1].lower() in "aeiou" else "A"
                    s = f"{art} {lemma} is {d}."
                else:
                    s = f"{lemma[:1].upper()}{lemma[1:]}: {d}."
            elif pos == "verb":
                s = f"To {lemma} is to {d}."
            else:
                s = f"{lemma[:1].upper()}{lemma[1:]} means {d}."
            exs = [e[:1].upper() + e[1:] + ("" if e[-1:] in ".!?" else ".") for e in examples if len(e) > 3]
            yield fields[1], fields, lemma, s, exs


def wordnet_docs():
    """WordNet 3.0 synsets as short encyclopedic sentences (wordnet_synsets): the definition, the
    synonyms ("is also called", nouns), then the examples. Synsets of one lexicographer file are kept
    in file order and grouped eight at a time into a document (neighbouring synsets share a topic).
    """
    for pos in ("noun", "verb", "adj", "adv"):
        groups = {}
        for lexfile, fields, lemma, s, exs in wordnet_synsets(pos):
            sents = [s] + exs
            wcnt = int(fields[3], 16)
            if wcnt > 1:
                syns = [w.replace("_", " ") for w in fields[6:4 + 2 * wcnt:2]]
                syns = [re.sub(r"\(\w+\)$", "", w) for w in syns][:3]
                if syns and pos == "noun":
                    sents.insert(1, f"{lemma[:1].upper()}{lemma[1:]} is also called {', '.join(syns)}.")
            groups.setdefault(lexfile, []).append(sents)
        for lexfile in sorted(groups):
            items = groups[lexfile]
            for i in range(0, len(items), 8):
                yield f"wordnet/{pos}/{lexfile}/{i}", [s for item in items[i:i + 8] for s in item]


def wordnet_docs_apart():
    """WordNet for `en2`: what a synset says, without teaching the model to copy its headword.

    The `en` documents put "A doctor is a licensed medical practitioner.", "Doctor is also called
    doc, physician." and "I went to see my doctor." side by side, so a masked "doctor" could nearly
    always be read off its neighbours. Here each synset's definition sentence goes into a document of
    definitions (the "also called" sentence is dropped), and its examples into a separate document of
    examples: everyday sentences whose words must be guessed from context. Both group the synsets of a
    lexicographer file eight at a time, as wordnet_docs() does.
    """
    for pos in ("noun", "verb", "adj", "adv"):
        groups = {}
        for lexfile, _, _, s, exs in wordnet_synsets(pos):
            groups.setdefault(lexfile, []).append((s, exs))
        for lexfile in sorted(groups):
            items = groups[lexfile]
            for i in range(0, len(items), 8):
                yield f"wordnet/{pos}/{lexfile}/{i}/definitions", [s for s, _ in items[i:i + 8]]
                exs = [e for _, es in items[i:i + 8] for e in es]
                if exs:
                    yield f"wordnet/{pos}/{lexfile}/{i}/examples", exs


def gcide_docs_apart():
    """GCIDE for `en2`: the senses of a headword without the headword.

    The `en` documents begin every sense with "Headword: ", so a masked headword was always in view.
    Here a sense is its definition alone, and sentences that use the headword itself (quotations,
    "as, to ...") are dropped: the model must guess a word from what it means, not find it nearby.
    """
    for doc_id, sents in gcide_docs():
        word = sents[0].split(":", 1)[0]
        pat = re.compile(r"\b" + re.escape(word.lower()) + r"\w{0,3}\b")
        out = []
        for t in sents:
            if t.startswith(word + ": "):
                t = t[len(word) + 2:]
            if len(t.split()) >= 3 and not pat.search(t.lower()):
                out.append(t[:1].upper() + t[1:])
        if out:
            yield doc_id, out


def gcide_docs():
    """GCIDE (Webster 1913 + WordNet-derived entries): one document per headword.

    Markup goes: pronunciations \\..\\, brackets [..] (etymology, sources,
    [Obs.]), braces {..} keep their text, citations --Author. go. Each sense
    becomes "Headword: definition."
    """
    raw = gzip.open("/usr/share/dictd/gcide.dict.dz", "rt", encoding="utf-8", errors="replace").read()
    start = raw.find("\n\nA \\")
    entries = re.split(r"\n\n(?=\S)", raw[start:])
    for n, e in enumerate(entries):
        lines = e.split("\n")
        m = re.match(r"^([A-Za-z][A-Za-z' -]{0,40}[A-Za-z]|[A-Za-z])\s*(\\[^\\]*\\)?\s*,\s*(.*)$", lines[0])
        if not m:
            continue
        word = m.group(1).strip()
        body = " ".join([m.group(3)] + [l.strip() for l in lines[1:]])
        body = re.sub(r"\[[^\]]*\]", " ", body)
        body = re.sub(r"\\[^\\]*\\", " ", body)
        body = re.sub(r"\{([^}]*)\}", r"\1", body)
        body = re.sub(r"--\s?[A-Z][\w. ]{0,30}?\.(?=\s|$)", " ", body)
        body = re.sub(r"\bSyn:.*$", " ", body)
        body = re.sub(r"^\s*(n|v|a|adv|v\. t|v\. i|prep|conj|interj|pron|p\. p|imp)\.\s*(pl\.[^.]*\.)?", " ", body)
        body = squash(body.replace("*", "").replace('"', "").replace("`", ""))
        senses = [s.strip() for s in re.split(r"\s(?=\d{1,2}\. )", body)]
        sents = []
        for s in senses:
            s = re.sub(r"^\d{1,2}\.\s*", "", s)
            s = re.sub(r"^\((\w+\.\s?)+\)\s*", "", s)
            s = squash(s)
            if len(s.split()) < 4 or not re.search(r"[a-z]", s):
                continue
            for k, t in enumerate(split_sentences_en(s)):
                if len(t.split()) >= 3:
                    sents.append(f"{word}: {t}" if k == 0 else t)
        if sents:
            yield f"gcide/{n}", sents


FORTUNE_DIR = "/usr/share/games/fortunes"
FORTUNE_EN_SKIP = {"ascii-art", "chinese", "tang300", "song100", "translate-me", "debian"}


def fortune_files(lang):
    out = []
    for name in sorted(os.listdir(FORTUNE_DIR)):
        path = os.path.join(FORTUNE_DIR, name)
        if "." in name or os.path.isdir(path) or os.path.islink(path):
            continue
        zh = name in ("chinese", "tang300", "song100")
        if (lang == "zh") == zh and (lang == "zh" or name not in FORTUNE_EN_SKIP):
            out.append(name)
    return out


def read_fortunes(name):
    with open(os.path.join(FORTUNE_DIR, name), encoding="utf-8", errors="replace") as f:
        text = re.sub(r"\x1b\[[0-9;]*m", "", f.read())
    return [c.strip("\n") for c in re.split(r"\n%\n", text) if c.strip()]


def fortune_text_en(c):
    """A fortune's prose: attribution lines (-- Author) and Q:/A: markers dropped."""
    lines = [l for l in c.split("\n") if not re.match(r"^\s*(--|~~)\s", l)]
    return squash(" ".join(lines))


def fortune_docs_en():
    for name in fortune_files("en"):
        for i, c in enumerate(read_fortunes(name)):
            t = fortune_text_en(c)
            if len(t) > 10 and sum(ch.isalpha() for ch in t) > 0.6 * len(t):
                sents = split_sentences_en(t)
                if sents:
                    yield f"fortunes/{name}/{i}", sents


def python_sentences(block):
    if len(block.split()) < 6 or "¶" in block[-3:]:
        return []
    return [s for s in split_sentences_en(block) if len(s.split()) >= 4]


def python_docs():
    root = "/usr/share/doc/python3.11/html"
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.endswith(".html") or fn in ("genindex.html", "search.html") or "genindex" in fn:
                continue
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, root)
            if rel.startswith(("_", "c-api", "whatsnew")):
                continue
            yield from html_documents(path, f"python-doc/{rel}", python_sentences)


def kjv_docs():
    """The King James Bible (Debian `bible-kjv`, text in `bible-kjv-text`): running narrative prose in a
    plain, everyday vocabulary (bread, water, father, daughter, eyes, rain, the sea), which the
    dictionaries and manuals above lack. `bible` prints each chapter as a "Book N" line and then one
    "  V text" line per verse; a document is eight consecutive verses of one chapter, so neighbouring
    sentences are true next sentences for NSP.
    """
    out = subprocess.run(["/usr/bin/bible", "-l100000", "gen1:1-rev22:21"], capture_output=True, text=True,
                         check=True).stdout
    chapter, verses = "", []

    def flush():
        for i in range(0, len(verses), 8):
            sents = [s for v in verses[i:i + 8] for s in split_sentences_en(v)]
            if sents:
                yield f"kjv/{chapter}/{i + 1}", sents

    for line in out.split("\n"):
        m = re.match(r"^\s+\d+ (.*)$", line)
        if m:
            verses.append(m.group(1).strip())
        elif line.strip():
            yield from flush()
            chapter, verses = line.strip().replace(" ", ""), []
    yield from flush()


# ---------------------------------------------------------------- Chinese sources

def fortune_docs_zh():
    for name in fortune_files("zh"):
        for i, c in enumerate(read_fortunes(name)):
            lines = [l.strip() for l in c.split("\n") if l.strip()]
            sents = []
            for l in lines:
                sents.extend(split_sentences_zh(l) if len(l) > 30 else [l])
            if sents:
                yield f"fortunes-zh/{name}/{i}", sents


def manpage_docs_zh():
    root = "/usr/share/man/zh_CN"
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.endswith(".gz"):
                continue
            path = os.path.join(dirpath, fn)
            try:
                text = gzip.open(path, "rt", encoding="utf-8", errors="strict").read()
            except (UnicodeDecodeError, OSError, EOFError):
                continue
            paras, cur = [], []
            for line in text.split("\n"):
                if line.startswith((".\\\"", "'\\\"")):
                    continue
                if line.startswith("."):
                    m = re.match(r"^\.(B|I|BI|BR|IR|RB|RI|IB)\s+(.*)$", line)
                    if m:
                        cur.append(m.group(2).replace('"', ""))
                        continue
                    if cur:
                        paras.append(" ".join(cur))
                        cur = []
                    continue
                line = re.sub(r"\\f[BIRPC(]?[A-Z]?", "", line)
                line = re.sub(r"\\[-e]", "-", line).replace("\\&", "").replace("\\(em", "—")
                line = re.sub(r"\\.", "", line)
                cur.append(line.strip())
            if cur:
                paras.append(" ".join(cur))
            sents = []
            for p in paras:
                p = squash(p)
                cjk = sum(1 for ch in p if "\u4e00" <= ch <= "\u9fff")
                if cjk < 4:
                    continue
                sents.extend(split_sentences_zh(p))
            if sents:
                yield f"manpages-zh/{os.path.relpath(path, root)}", sents


def chinese_sentences(block):
    """A block's sentences when it is Chinese text (4 ideographs or more), else none."""
    if sum(1 for ch in block if "\u4e00" <= ch <= "\u9fff") < 4:
        return []
    return split_sentences_zh(block)


def debref_docs_zh():
    root = "/usr/share/debian-reference"
    for fn in sorted(os.listdir(root)):
        if not fn.endswith(".zh-cn.html"):
            continue
        yield from html_documents(os.path.join(root, fn), f"debian-reference/{fn}", chinese_sentences)


SOURCES = {
    "en": [("wordnet-base", wordnet_docs), ("dict-gcide", gcide_docs),
           ("fortunes", fortune_docs_en), ("python3.11-doc", python_docs)],
    "en2": [("wordnet-base", wordnet_docs_apart), ("dict-gcide", gcide_docs_apart),
            ("fortunes", fortune_docs_en), ("python3.11-doc", python_docs)],
    "zh": [("fortunes-zh", fortune_docs_zh), ("manpages-zh", manpage_docs_zh),
           ("debian-reference-zh-cn", debref_docs_zh)],
}
SOURCES["en3"] = SOURCES["en2"] + [("bible-kjv-text", kjv_docs)]


# ---------------------------------------------------------------- main

def held_out(text):
    """The fixed 2%: a hash of the document's text, so reruns and reorderings agree."""
    h = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)
    return h % 100 < EVAL_PERCENT


def build(lang, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    seen = set()
    stats = []
    with open(os.path.join(out_dir, "train.jsonl"), "w", encoding="utf-8") as tr, \
            open(os.path.join(out_dir, "eval.jsonl"), "w", encoding="utf-8") as ev:
        for pkg, fn in SOURCES[lang]:
            docs = sents = chars = dups = held = 0
            for doc_id, sentences in fn():
                sentences = [unicodedata.normalize("NFC", squash(s)) for s in sentences]
                sentences = [s for s in sentences if s]
                if not sentences:
                    continue
                key = " ".join(sentences).lower()
                digest = hashlib.sha1(key.encode("utf-8")).digest()
                if digest in seen:
                    dups += 1
                    continue
                seen.add(digest)
                line = json.dumps({"id": doc_id, "source": pkg, "sentences": sentences}, ensure_ascii=False)
                if held_out(key):
                    ev.write(line + "\n")
                    held += 1
                else:
                    tr.write(line + "\n")
                docs += 1
                sents += len(sentences)
                chars += sum(len(s) for s in sentences)
            info = package_info(pkg)
            info.update({"documents": docs, "sentences": sents, "characters": chars,
                         "duplicates_dropped": dups, "held_out_documents": held})
            stats.append(info)
            print(f"{pkg}: {docs} documents, {sents} sentences, {chars / 1e6:.1f} M chars, "
                  f"{dups} duplicates dropped", file=sys.stderr)
    with open(os.path.join(out_dir, "sources.json"), "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=1, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lang", choices=sorted(PACKAGES))
    ap.add_argument("--install", action="store_true", help="apt-get install the source packages first")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    if a.install:
        subprocess.run(["apt-get", "install", "-y"] + PACKAGES[a.lang], check=True)
    build(a.lang, a.out or os.path.join(HERE, "build", a.lang))


if __name__ == "__main__":
    main()
