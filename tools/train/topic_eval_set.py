"""Print the topic classifier's held-out set as JSON lines {"text", "label"}:
the same split finetune_topic.py holds out (15% of each fortunes topic, by a
hash of the text), for tools/q8-accuracy.mjs. Needs the `fortunes` package.

    /usr/bin/python3 tools/train/topic_eval_set.py > /tmp/topic-eval.jsonl
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corpus  # noqa: E402
from finetune_topic import TOPICS  # noqa: E402

for name in TOPICS:
    for c in corpus.read_fortunes(name):
        text = corpus.fortune_text_en(c)
        if len(text) < 10:
            continue
        if int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % 100 < 15:
            print(json.dumps({"text": text, "label": name}, ensure_ascii=False))
