"""What the fixture and checkpoint generators (make_golden, make_checkpoint, make_demo)
share: the config entries every generated BERT has, its random weights, a placeholder
vocabulary, and the entries of a golden tensor that are compared."""
import torch

# The config.json entries every generated BERT shares (transformers' defaults, written out).
BERT_CONFIG_DEFAULTS = {
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
}

DECODER = "cls.predictions.decoder."  # tied: aliases of the word embeddings and of cls.predictions.bias


def random_weights(model, seed, *, gain, bias, embedding, ln_spread, ln_bias, ln_scale=1.0, untied_decoder=False):
    """Seeded random float32 weights for a model's checkpoint (re-running gives the same bytes).

    name -> tensor for every entry of model.state_dict() but the tied decoder aliases
    (cls.predictions.decoder.*); with untied_decoder, cls.predictions.decoder.weight [V, H]
    is drawn as a tensor of its own. With z a standard normal draw of the entry's shape,
    taken in sorted name order from one generator seeded with `seed`:

        LayerNorm weights                 ln_scale·(1 + ln_spread·z)
        LayerNorm biases                  ln_bias·z
        embeddings, the untied decoder    embedding·z
        other weights [out, in]           (gain / √in)·z
        other biases                      bias·z
    """
    shapes = {name: tuple(t.shape) for name, t in model.state_dict().items()}
    decoder = shapes.get(DECODER + "weight")
    shapes = {name: shape for name, shape in shapes.items() if not name.startswith(DECODER)}
    if untied_decoder:
        if decoder is None:
            raise ValueError("untied_decoder: the model has no MLM head (cls.predictions.decoder.weight)")
        shapes[DECODER + "weight"] = decoder
    g = torch.Generator().manual_seed(seed)
    out = {}
    for name in sorted(shapes):
        shape = shapes[name]
        z = torch.randn(shape, generator=g, dtype=torch.float32)
        if ".LayerNorm." in name and name.endswith(".weight"):
            out[name] = ln_scale * (1.0 + ln_spread * z)
        elif ".LayerNorm." in name:
            out[name] = ln_bias * z
        elif "embeddings." in name or name == DECODER + "weight":
            out[name] = embedding * z
        elif name.endswith(".weight"):
            out[name] = (gain / shape[1] ** 0.5) * z
        else:  # Linear biases, cls.predictions.bias
            out[name] = bias * z
    return out


def placeholder_vocab(size, specials, unused_below=0, first_word=0):
    """vocab.txt's text for `size` tokens: `specials` (id -> token) at their ids, then
    `[unused0]`, `[unused1]`, ... at the other ids below `unused_below`, and `w<n>` at the
    rest, n counting up from `first_word`."""
    words, unused, word = [], 0, first_word
    for i in range(size):
        if i in specials:
            words.append(specials[i])
        elif i < unused_below:
            words.append(f"[unused{unused}]")
            unused += 1
        else:
            words.append(f"w{word}")
            word += 1
    return "".join(w + "\n" for w in words)


def masked(name, t, mask):
    """Select the compared entries of a golden tensor as a flat vector."""
    m = mask.bool()
    if name in ("embeddings", "last_hidden_state", "mlm_logits", "start_logits", "end_logits"):
        return t[m]
    if name == "logits" and t.dim() == 3:  # token classification [B, S, N]
        return t[m]
    if name == "hidden_states":
        return t[:, m]
    if name == "attentions":  # [L, B, A, S, S]: query rows where mask is 1
        return t.permute(1, 3, 0, 2, 4)[m]
    return t  # pooler_output, nsp_logits, sequence-classification logits [B, N]
