"""What the fixture and checkpoint generators share: drawing random weights for
a model's state dict, and the entries of a golden tensor that are compared."""
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


def random_state(model, generator, init, skip=lambda name: name.startswith("cls.predictions.decoder.")):
    """name -> tensor for every entry of model.state_dict() (in sorted order, so
    the draws are reproducible) but the skipped ones (tied aliases, buffers):
    init(name, shape, z) scales z, a standard normal draw of that shape."""
    sd = model.state_dict()
    out = {}
    for name in sorted(sd):
        if skip(name):
            continue
        shape = tuple(sd[name].shape)
        z = torch.randn(shape, generator=generator, dtype=torch.float32)
        out[name] = init(name, shape, z)
    return out


def scaled_normal(ln_weight, ln_bias, embedding, gain, bias):
    """An init for random_state: LayerNorm weights 1 + ln_weight·z, LayerNorm
    biases ln_bias·z, embeddings embedding·z, other weights (gain / √fan_in)·z,
    other biases bias·z."""
    def init(name, shape, z):
        if ".LayerNorm." in name and name.endswith(".weight"):
            return 1.0 + ln_weight * z
        if ".LayerNorm." in name:
            return ln_bias * z
        if "embeddings." in name:
            return embedding * z
        if name.endswith(".weight"):
            return (gain / shape[1] ** 0.5) * z
        return bias * z
    return init


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
