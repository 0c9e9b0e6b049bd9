"""Shared helpers for the golden-fixture generators (run with Debian's /usr/bin/python3 + python3-torch).

Each scripts/golden/<family>.py writes test/fixtures/<family>.safetensors with inputs and PyTorch's
outputs and gradients (float64 math, stored as F32; integer tensors as I32), which the TS tests load.
safetensors is written by hand (the format is tiny) because python3-safetensors is not in Debian.
"""
import json
import os
import struct

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "test", "fixtures")


def write_safetensors(path, tensors, metadata=None):
    """tensors: dict name -> torch.Tensor. float tensors are stored F32, integer tensors I32 (unless
    already a stored dtype such as float16/bfloat16/int64, which are kept)."""
    header = {}
    blobs = []
    offset = 0
    dtypes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32"}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.float64:
            t = t.float()
        if t.dtype in (torch.int16, torch.int8, torch.uint8, torch.bool):
            t = t.int()
        dt = dtypes[t.dtype]
        raw = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def fixture_path(family):
    os.makedirs(FIXTURES, exist_ok=True)
    return os.path.join(FIXTURES, family + ".safetensors")


def read_safetensors(path):
    """The inverse of write_safetensors for F32/I32/I64 tensors (metadata skipped)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dt = {"F32": torch.float32, "I64": torch.int64, "I32": torch.int32}[info["dtype"]]
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=dt).reshape(info["shape"]).clone()
    return out
