"""PyTorch reference of Hugging Face's BERT (modeling_bert.py, eager attention, float32).

A compact reimplementation written for bert-ts's golden fixtures: there is no
`transformers` package in this environment. Module attribute names follow
modeling_bert.py exactly, so `state_dict()` keys are Hugging Face checkpoint
names (`bert.embeddings.word_embeddings.weight`,
`bert.encoder.layer.0.attention.self.query.weight`, `cls.predictions.bias`, ...).

Run with Debian's torch: /usr/bin/python3.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

# ---------------------------------------------------------------- config

# Hugging Face BertConfig defaults.
BERT_DEFAULTS = {
    "vocab_size": 30522,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
}


class BertConfig:
    def __init__(self, d=None, **kw):
        merged = dict(BERT_DEFAULTS)
        merged.update(d or {})
        merged.update(kw)
        self.__dict__.update(merged)
        if self.position_embedding_type != "absolute":
            raise ValueError(f"position_embedding_type {self.position_embedding_type!r} is not supported")
        if self.hidden_size % self.num_attention_heads != 0:
            raise ValueError(
                f"hidden_size {self.hidden_size} is not a multiple of num_attention_heads {self.num_attention_heads}")


# ---------------------------------------------------------------- activations (as transformers' ACT2FN)

def gelu(x):  # GELUActivation: exact, erf form
    return F.gelu(x)


def gelu_new(x):  # NewGELUActivation (Google BERT / OpenAI GPT tanh form)
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gelu_fast(x):  # FastGELUActivation
    return 0.5 * x * (1.0 + torch.tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)))


def gelu_pytorch_tanh(x):  # PytorchGELUTanh / GELUTanh
    return F.gelu(x, approximate="tanh")


def quick_gelu(x):  # QuickGELUActivation
    return x * torch.sigmoid(1.702 * x)


ACT2FN = {
    "gelu": gelu,
    "gelu_new": gelu_new,
    "gelu_fast": gelu_fast,
    "gelu_pytorch_tanh": gelu_pytorch_tanh,
    "quick_gelu": quick_gelu,
    "relu": F.relu,
    "silu": F.silu,
    "swish": F.silu,  # transformers maps "swish" to SiLU
    "tanh": torch.tanh,
}


def get_act(name):
    if name not in ACT2FN:
        raise ValueError(f"hidden_act {name!r} not supported by the reference")
    return ACT2FN[name]


# ---------------------------------------------------------------- modules (names as in modeling_bert.py)

class BertEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.register_buffer(
            "position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_length = input_ids.shape[1]
        position_ids = self.position_ids[:, :seq_length]
        inputs_embeds = self.word_embeddings(input_ids)
        token_type_embeddings = self.token_type_embeddings(token_type_ids)
        embeddings = inputs_embeds + token_type_embeddings
        embeddings = embeddings + self.position_embeddings(position_ids)
        embeddings = self.LayerNorm(embeddings)
        return self.dropout(embeddings)


class BertSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = config.hidden_size // config.num_attention_heads
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def transpose_for_scores(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.num_attention_heads, self.attention_head_size).permute(0, 2, 1, 3)

    def forward(self, hidden_states, extended_attention_mask):
        q = self.transpose_for_scores(self.query(hidden_states))
        k = self.transpose_for_scores(self.key(hidden_states))
        v = self.transpose_for_scores(self.value(hidden_states))
        scores = torch.matmul(q, k.transpose(-1, -2))
        scores = scores / math.sqrt(self.attention_head_size)
        scores = scores + extended_attention_mask
        probs = F.softmax(scores, dim=-1)
        probs_d = self.dropout(probs)
        context = torch.matmul(probs_d, v).permute(0, 2, 1, 3).contiguous()
        b, s = context.shape[:2]
        return context.view(b, s, self.all_head_size), probs


class BertSelfOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden_states, extended_attention_mask):
        ctx, probs = self.self(hidden_states, extended_attention_mask)
        return self.output(ctx, hidden_states), probs


class BertIntermediate(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.intermediate_act_fn = get_act(config.hidden_act)

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states, extended_attention_mask):
        attention_output, probs = self.attention(hidden_states, extended_attention_mask)
        layer_output = self.output(self.intermediate(attention_output), attention_output)
        return layer_output, probs


class BertEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])

    def forward(self, hidden_states, extended_attention_mask):
        all_hidden = [hidden_states]
        all_attn = []
        for layer in self.layer:
            hidden_states, probs = layer(hidden_states, extended_attention_mask)
            all_hidden.append(hidden_states)
            all_attn.append(probs)
        return hidden_states, all_hidden, all_attn


class BertPooler(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class BertModel(nn.Module):
    def __init__(self, config, add_pooling_layer=True):
        super().__init__()
        self.config = config
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config) if add_pooling_layer else None

    def get_extended_attention_mask(self, attention_mask, dtype):
        ext = attention_mask[:, None, None, :].to(dtype)
        return (1.0 - ext) * torch.finfo(dtype).min

    def forward(self, input_ids, attention_mask, token_type_ids):
        emb = self.embeddings(input_ids, token_type_ids)
        ext = self.get_extended_attention_mask(attention_mask, emb.dtype)
        last, all_hidden, all_attn = self.encoder(emb, ext)
        out = {
            "embeddings": emb,
            "hidden_states": torch.stack(all_hidden),
            "last_hidden_state": last,
        }
        if all_attn:
            out["attentions"] = torch.stack(all_attn)
        if self.pooler is not None:
            out["pooler_output"] = self.pooler(last)
        return out


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.transform_act_fn = get_act(config.hidden_act)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states):
        return self.LayerNorm(self.transform_act_fn(self.dense(hidden_states)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.transform = BertPredictionHeadTransform(config)
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))
        self.decoder.bias = self.bias  # tied, as in modeling_bert.py

    def forward(self, hidden_states):
        return self.decoder(self.transform(hidden_states))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.predictions = BertLMPredictionHead(config)


class BertOnlyNSPHead(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.seq_relationship = nn.Linear(config.hidden_size, 2)


class BertPreTrainingHeads(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.predictions = BertLMPredictionHead(config)
        self.seq_relationship = nn.Linear(config.hidden_size, 2)


class BertWithHeads(nn.Module):
    """BertForPreTraining / BertForMaskedLM / BertForNextSentencePrediction in one class.

    The module tree (and so the state_dict names) is exactly that of the
    corresponding Hugging Face class: `bert.*` plus `cls.predictions.*` and/or
    `cls.seq_relationship.*`.
    """

    def __init__(self, config, mlm=True, nsp=True, pooler=True):
        super().__init__()
        if nsp and not pooler:
            raise ValueError("the NSP head needs the pooler")
        self.config = config
        self.bert = BertModel(config, add_pooling_layer=pooler)
        if mlm and nsp:
            self.cls = BertPreTrainingHeads(config)
        elif mlm:
            self.cls = BertOnlyMLMHead(config)
        elif nsp:
            self.cls = BertOnlyNSPHead(config)
        else:
            raise ValueError("use BertModel for a model without heads")
        self.has_mlm, self.has_nsp = mlm, nsp
        if mlm:
            self.tie_weights()

    def tie_weights(self):
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids, attention_mask, token_type_ids)
        if self.has_mlm:
            out["mlm_logits"] = self.cls.predictions(out["last_hidden_state"])
        if self.has_nsp:
            out["nsp_logits"] = self.cls.seq_relationship(out["pooler_output"])
        return out


def num_labels_of(config):
    """PretrainedConfig: num_labels = len(id2label); without id2label, num_labels (default 2)."""
    id2label = getattr(config, "id2label", None)
    if isinstance(id2label, dict) and id2label:
        return len(id2label)
    return int(getattr(config, "num_labels", 2))


class BertForSequenceClassification(nn.Module):
    """modeling_bert.py BertForSequenceClassification: logits = classifier(dropout(pooler_output))."""

    def __init__(self, config):
        super().__init__()
        self.num_labels = num_labels_of(config)
        self.bert = BertModel(config, add_pooling_layer=True)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, self.num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids, attention_mask, token_type_ids)
        out["logits"] = self.classifier(self.dropout(out["pooler_output"]))
        return out


class BertForTokenClassification(nn.Module):
    """modeling_bert.py BertForTokenClassification: no pooler; logits = classifier(dropout(h)) per token."""

    def __init__(self, config):
        super().__init__()
        self.num_labels = num_labels_of(config)
        self.bert = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, self.num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids, attention_mask, token_type_ids)
        out["logits"] = self.classifier(self.dropout(out["last_hidden_state"]))
        return out


class BertForQuestionAnswering(nn.Module):
    """modeling_bert.py BertForQuestionAnswering: no pooler; qa_outputs [2, H] split into start / end logits."""

    def __init__(self, config):
        super().__init__()
        self.num_labels = num_labels_of(config)
        if self.num_labels != 2:
            raise ValueError("BertForQuestionAnswering needs num_labels 2 (start, end)")
        self.bert = BertModel(config, add_pooling_layer=False)
        self.qa_outputs = nn.Linear(config.hidden_size, self.num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids, attention_mask, token_type_ids)
        logits = self.qa_outputs(out["last_hidden_state"])
        start_logits, end_logits = logits.split(1, dim=-1)
        out["start_logits"] = start_logits.squeeze(-1).contiguous()
        out["end_logits"] = end_logits.squeeze(-1).contiguous()
        return out


TASK_HEADS = {
    "BertForSequenceClassification": BertForSequenceClassification,
    "BertForTokenClassification": BertForTokenClassification,
    "BertForQuestionAnswering": BertForQuestionAnswering,
}

ARCHITECTURES = {
    # name: (prefix "bert.", mlm, nsp, pooler)
    "BertModel": (False, False, False, True),
    "BertForPreTraining": (True, True, True, True),
    "BertForMaskedLM": (True, True, False, False),
    "BertForNextSentencePrediction": (True, False, True, True),
    "BertForSequenceClassification": (True, False, False, True),
    "BertForTokenClassification": (True, False, False, False),
    "BertForQuestionAnswering": (True, False, False, False),
}


def build_model(config, mlm, nsp, pooler, prefix=True, task=None):
    if task is not None:
        return TASK_HEADS[task](config)
    if mlm or nsp:
        if not prefix:
            raise ValueError("head models always use the bert. prefix")
        return BertWithHeads(config, mlm=mlm, nsp=nsp, pooler=pooler)
    return BertModel(config, add_pooling_layer=pooler)


# ---------------------------------------------------------------- loading checkpoints

def normalize_name(name):
    """Legacy TF-converted names: LayerNorm.gamma/beta -> LayerNorm.weight/bias."""
    if name.endswith(".gamma"):
        return name[: -len(".gamma")] + ".weight"
    if name.endswith(".beta"):
        return name[: -len(".beta")] + ".bias"
    return name


def model_from_checkpoint(config_dict, tensors, dtype=torch.float32):
    """Build the reference model that matches a checkpoint's tensors and load them.

    Parts (pooler, MLM head, NSP head) come from which tensors are present; the
    position_ids buffer is ignored; the MLM decoder is tied to the word
    embeddings unless the checkpoint stores `cls.predictions.decoder.weight`.
    Every weight is upcast to `dtype` (float32: the reference precision).
    """
    config = BertConfig(config_dict)
    names = {normalize_name(k): v for k, v in tensors.items()}
    prefix = any(k.startswith("bert.") for k in names)
    p = "bert." if prefix else ""
    pooler = (p + "pooler.dense.weight") in names
    mlm = "cls.predictions.bias" in names
    nsp = "cls.seq_relationship.weight" in names
    # a task head (classifier / qa_outputs) is chosen by config.architectures, as transformers does
    archs = config_dict.get("architectures") or []
    task = next((a for a in archs if a in TASK_HEADS), None)
    model = build_model(config, mlm, nsp, pooler, prefix, task)
    model.eval()
    sd = {}
    for k, v in names.items():
        if k.endswith("embeddings.position_ids"):
            continue
        if k == "cls.predictions.decoder.bias":
            if not torch.equal(v, names["cls.predictions.bias"]):
                raise ValueError("cls.predictions.decoder.bias differs from cls.predictions.bias")
            continue
        sd[k] = v.to(dtype)
    untied = "cls.predictions.decoder.weight" in sd
    if mlm and untied:
        model.cls.predictions.decoder.weight = nn.Parameter(torch.empty_like(sd["cls.predictions.decoder.weight"]))
    expected = {k for k in model.state_dict().keys()}
    expected.discard("cls.predictions.decoder.bias")
    if mlm and not untied:
        expected.discard("cls.predictions.decoder.weight")
    missing = expected - set(sd)
    unexpected = set(sd) - expected
    if missing or unexpected:
        raise ValueError(f"missing {sorted(missing)} unexpected {sorted(unexpected)}")
    model.load_state_dict(sd, strict=False)
    model.to(dtype)
    if mlm and not untied:
        model.tie_weights()
    return model


@torch.no_grad()
def run(model, inputs, dtype=torch.float32):
    """Forward on an inputs.json dict; returns the golden tensors (float32, contiguous)."""
    ids = torch.tensor(inputs["input_ids"], dtype=torch.int64)
    mask = torch.tensor(inputs["attention_mask"], dtype=torch.int64)
    tt = torch.tensor(inputs["token_type_ids"], dtype=torch.int64)
    out = model(ids, mask, tt)
    return {k: v.to(torch.float32).contiguous() for k, v in out.items()}
