"""Print the topic classifier's held-out set as JSON lines {"text", "label"}:
the same split finetune_topic.py holds out (15% of each fortunes topic, by a
hash of the text), for tools/q8-accuracy.mjs. Needs the `fortunes` package.

    /usr/bin/python3 -m tools.train.topic_eval_set > /tmp/topic-eval.jsonl
"""
import hashlib
import json

from tools.train import corpus
from tools.train.finetune_topic import TOPICS

for name in TOPICS:
    for c in corpus.read_fortunes(name):
        text = corpus.fortune_text_en(c)
        if len(text) < 10:
            continue
        if int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % 100 < 15:
            print(json.dumps({"text": text, "label": name}, ensure_ascii=False))
