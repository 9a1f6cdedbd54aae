"""What the fixture and checkpoint generators share: drawing random weights for
a model's state dict, and the entries of a golden tensor that are compared."""
import torch


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
