"""Weights of an exported quotewire model read back from its ONNX file, for further training.

The shipped `model.onnx` is what a later session has: the fp32 checkpoint stays in the
(ignored) work folder of the machine that trained it. `train_twohead.py --init-onnx` continues
training from the shipped model instead of from the base model.

The graph is the one `train_ner.export_onnx` writes and `train_ner.quantize` quantizes:
  * parameters that stay fp32 (LayerNorms, biases, and whatever the quantizer left alone) keep
    their PyTorch names as initializer names;
  * a `Linear` becomes `MatMul` (weight transposed, anonymous name) then `Add` with the named
    bias; after int8 dynamic quantization the weight is `<w>_quantized` with per-channel
    `<w>_scale` and `<w>_zero_point`, read by a `MatMulInteger` or `DynamicQuantizeMatMul` node;
  * an embedding table may be quantized the same way and read by `Gather`.
Dequantizing (`(q - zero_point) * scale`) gives back the fp32 weights up to the int8 rounding,
which the next training steps absorb.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _tensors(graph):
    from onnx import numpy_helper

    return {t.name: numpy_helper.to_array(t) for t in graph.initializer}


def _dequantize(tensors: dict, name: str) -> np.ndarray:
    """fp32 value of initializer `name`, dequantizing `<name>_quantized` when that is stored."""
    if name in tensors and not name.endswith("_quantized"):
        return tensors[name].astype(np.float32)
    base = name[: -len("_quantized")] if name.endswith("_quantized") else name
    q = tensors[base + "_quantized"].astype(np.float32)
    scale = tensors[base + "_scale"].astype(np.float32)
    zero = tensors.get(base + "_zero_point", np.zeros_like(scale)).astype(np.float32)
    if scale.ndim == 1 and scale.shape[0] > 1:
        # per channel: the axis whose length is the number of scales (the output axis)
        axis = next(a for a in reversed(range(q.ndim)) if q.shape[a] == scale.shape[0])
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return (q - zero) * scale


def state_from_onnx(path: Path, state: dict) -> dict:
    """A copy of `state` (a model's `state_dict`, names as in train_ner.Bert) with every
    parameter taken from the ONNX model at `path`. Fails naming what it could not find."""
    import onnx
    import torch

    graph = onnx.load(str(path)).graph
    tensors = _tensors(graph)
    # the exporter keeps one copy of equal initializers and names the others through Identity
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in tensors:
            tensors.setdefault(node.output[0], tensors[node.input[0]])
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def bias_after(output: str, hops: int = 6):
        """Name of the bias initializer added to `output` within a few elementwise steps."""
        frontier = [output]
        for _ in range(hops):
            nxt = []
            for name in frontier:
                for node in consumers.get(name, []):
                    named = [i for i in node.input if i in state and i.endswith(".bias")]
                    if node.op_type == "Add" and named:
                        return named[0]
                    if node.op_type in ("Mul", "Cast", "Add", "MatMulIntegerToFloat"):
                        nxt.extend(node.output)
            frontier = nxt
        return None

    out, found = {}, set()
    for node in graph.node:
        if node.op_type in ("MatMul", "MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat"):
            weight = next((i for i in node.input[1:] if i in tensors and (i.endswith("_quantized") or tensors[i].ndim == 2)), None)
            if weight is None:
                continue
            bias = bias_after(node.output[0]) if node.op_type != "MatMulIntegerToFloat" else next(
                (i for i in node.input if i in state and i.endswith(".bias")), None) or bias_after(node.output[0])
            if bias is None:
                raise SystemExit(f"{path}: no bias found after the MatMul reading {weight}")
            name = bias[: -len(".bias")] + ".weight"
            out[name] = torch.from_numpy(np.ascontiguousarray(_dequantize(tensors, weight).T))
            found.add(name)
    for name in state:
        if name in found:
            continue
        if name in tensors or name + "_quantized" in tensors:
            out[name] = torch.from_numpy(np.ascontiguousarray(_dequantize(tensors, name)))
        else:
            raise SystemExit(f"{path}: no initializer for parameter {name}")
    for name, value in out.items():
        if tuple(value.shape) != tuple(state[name].shape):
            raise SystemExit(f"{path}: {name} has shape {tuple(value.shape)}, the model wants {tuple(state[name].shape)}")
    return {name: out[name].to(state[name].dtype) for name in state}
