"""Tiny safetensors writer/reader for the bert-ts tools (no `safetensors` package needed).

Format: 8-byte little-endian header length N, N bytes of JSON header
({name: {"dtype", "shape", "data_offsets": [begin, end]}, optional "__metadata__"}),
then the raw little-endian tensor data; offsets are relative to the start of the data.

Supported dtypes: F32, F16, BF16 (written from torch.bfloat16 as raw bits), I64.
"""
import json
import struct

import torch

_TORCH_TO_ST = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
}
_ST_ITEMSIZE = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8}


def tensor_bytes(t):
    """Raw little-endian bytes of a contiguous CPU tensor (bfloat16 through its int16 bits)."""
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def serialize(tensors, metadata=None, align=8, order="name", pad_to=None):
    """Return the bytes of a safetensors file.

    tensors: dict name -> torch tensor.
    align: pad the JSON header with spaces so 8 + N is a multiple of `align`
        (8 like the official writer; 1 = no padding at all).
    pad_to: if given, pad the header so that (8 + N) % 8 == pad_to exactly
        (used to make deliberately unaligned files).
    order: "name" (alphabetical) or "dtype" (largest item size first, then name,
        like the official safetensors writer).
    """
    names = list(tensors)
    if order == "name":
        names.sort()
    elif order == "dtype":
        names.sort(key=lambda n: (-_ST_ITEMSIZE[_TORCH_TO_ST[tensors[n].dtype]], n))
    else:
        raise ValueError(order)
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name in names:
        t = tensors[name]
        if t.dtype not in _TORCH_TO_ST:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        b = tensor_bytes(t)
        header[name] = {
            "dtype": _TORCH_TO_ST[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(b)],
        }
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if pad_to is not None:
        while (8 + len(h)) % 8 != pad_to:
            h += b" "
    elif align > 1:
        while (8 + len(h)) % align != 0:
            h += b" "
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def save_file(tensors, path, metadata=None, **kw):
    data = serialize(tensors, metadata=metadata, **kw)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return n, json.loads(f.read(n))


def load_file(path):
    """Load every tensor of a safetensors file as a torch tensor (dtype preserved)."""
    with open(path, "rb") as f:
        buf = f.read()
    n = struct.unpack("<Q", buf[:8])[0]
    header = json.loads(buf[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = bytearray(buf[base + b:base + e])  # copy: writable and aligned
        dt = info["dtype"]
        shape = info["shape"]
        if dt == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32) if raw else torch.empty(0)
        elif dt == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16)
        elif dt == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16)
        elif dt == "I64":
            t = torch.frombuffer(raw, dtype=torch.int64)
        else:
            raise ValueError(f"{path}: {name}: unsupported dtype {dt}")
        out[name] = t.reshape(shape).clone()
    return out


def load_checkpoint(folder):
    """Load model.safetensors, or a sharded checkpoint through model.safetensors.index.json."""
    import os
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return load_file(single)
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        index = json.load(f)
    out = {}
    for shard in sorted(set(index["weight_map"].values())):
        out.update(load_file(os.path.join(folder, shard)))
    return out
