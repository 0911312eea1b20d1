"""Layer records and their compact text form: ``"conv:16,3,1,1;pool:max,2,2"``.

A stack of layers is written one layer per ``;``: ``conv:OUT,K,S,P,D,G,BIAS``,
``pool:max,K,S,P,D``, ``pool:avg,K,S,P`` (fields optional, PyTorch's defaults). This module
parses and writes that form and the planner table's rows; pasted PyTorch code is read by
``core.torchcode``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from core import geometry
from core.errors import N_, CoreError
from core.geometry import LayerPadding, Pair, pair

Shape3 = tuple[int, int, int]  # (C, H, W)
Kind = Literal["conv", "max", "avg"]

MAX_LAYER_CHANNELS = 4096
MAX_LAYERS = 16

#: How the planner table names each kind, and back.
LAYER_NAMES: dict[str, str] = {"conv": "conv", "max": "max pool", "avg": "avg pool"}
_KINDS = {v: k for k, v in LAYER_NAMES.items()}
#: Field names per kind, in ``nn.Conv2d`` / ``nn.MaxPool2d`` positional order.
FIELDS: dict[str, tuple[str, ...]] = {
    "conv": ("out", "kernel", "stride", "padding", "dilation", "groups", "bias"),
    "max": ("kernel", "stride", "padding", "dilation"),
    "avg": ("kernel", "stride", "padding"),
}
ROW_KEYS = ("layer", "out", "kernel", "stride", "padding", "dilation", "groups", "bias")


@dataclass(frozen=True)
class Layer:
    """One layer of a stack: a Conv2d (kind "conv") or a MaxPool2d / AvgPool2d.

    ``padding`` is per side (or "same"/"valid", convs only); ``out_channels`` None keeps
    the input's channel count. Read from pasted code, a conv also knows the
    ``in_channels`` it was written for (checked against what arrives; the compact text
    does not keep it), and every layer its ``source``.
    """

    kind: Kind
    kernel_size: Pair
    stride: Pair
    padding: LayerPadding = (0, 0)
    dilation: Pair = (1, 1)
    out_channels: int | None = None
    groups: int = 1
    bias: bool = True
    in_channels: int | None = None
    source: str = field(default="", compare=False)


class LayerError(CoreError):
    """A rejection that knows which layer (0-based ``index``) it is about; ``detail`` is the
    message, already naming the layer, or, with ``where`` (the layer as written), the
    message of ``cause``, the rejection of that layer: a translation rewords the cause
    (``i18n.error_text``) and names the layer in its own words."""

    template = N_("{detail}")
    alternative = N_("layer {number} ({where}): {detail}")
    fields_ = ("index", "detail", "where")

    def __init__(self, index: int, detail: str, where: str | None = None, *,
                 cause: ValueError | None = None) -> None:
        super().__init__(index=index, detail=detail, where=where)
        self.cause = cause

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        return {"number": fields["index"] + 1}

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return fields["where"] is not None


class NotAPair(CoreError):
    template = N_("{name} must be a whole number or rows×cols like 5x3, got {text!r}")
    fields_ = ("name", "text")


class PoolPaddingWord(CoreError):
    template = N_('pooling takes a number of padding cells, not "{word}"')
    fields_ = ("word",)


class NotABool(CoreError):
    template = N_("{name} must be True or False, got {text!r}")
    fields_ = ("name", "text")


class NotAWholeNumber(CoreError):
    template = N_("{name} must be a whole number, got {text!r}")
    fields_ = ("name", "text")


class NumberOutOfRange(CoreError):
    template = N_("{name} must be 1..{maximum}, got {value}")
    fields_ = ("name", "maximum", "value")


class TooManyFields(CoreError):
    template = N_("too many fields: {count}, at most {most} ({names})")
    fields_ = ("count", "most", "names")


class UnknownLayerKind(CoreError):
    template = N_('a layer starts with "conv:" or "pool:max," / "pool:avg,"')
    fields_ = ()


def parse_pair(text: str, name: str, *, minimum: int) -> Pair:
    """"3" → (3, 3); "5x3", "5×3", "(5, 3)" → (5, 3).

    >>> parse_pair("5x3", "kernel", minimum=1)
    (5, 3)
    """
    parts = [p for p in re.split(r"[x×*,\s]+", text.strip().strip("()[]")) if p]
    try:
        values = [int(p) for p in parts]
    except ValueError:
        values = []
    if len(values) not in (1, 2):
        raise NotAPair(name=name, text=text)
    return pair(values[0] if len(values) == 1 else tuple(values), name, minimum=minimum)


def _layer(kind: Kind, f: dict[str, str]) -> Layer:
    """Build a Layer from its text fields (empty = PyTorch's default)."""
    kernel = parse_pair(f.get("kernel") or ("3" if kind == "conv" else "2"), "kernel", minimum=1)
    stride = parse_pair(f["stride"], "stride", minimum=1) if f.get("stride") else (
        (1, 1) if kind == "conv" else kernel)  # pools stride by their kernel by default
    p = (f.get("padding") or "0").strip().lower()
    if p in ("same", "valid"):
        if kind != "conv":
            raise PoolPaddingWord(word=p)
        padding: LayerPadding = p  # type: ignore[assignment]
    else:
        padding = parse_pair(p, "padding", minimum=0)
    dilation = parse_pair(f.get("dilation") or "1", "dilation", minimum=1)
    out, groups, bias = None, 1, True
    if kind == "conv":
        out = (_int(f.get("out"), "out channels", maximum=MAX_LAYER_CHANNELS) if f.get("out")
               else None)
        groups = _int(f.get("groups") or "1", "groups", maximum=MAX_LAYER_CHANNELS)
        bias = _bool(f.get("bias") or "True", "bias")
    return Layer(kind, kernel, stride, padding, dilation, out, groups, bias)


def _bool(text: str, name: str) -> bool:
    v = str(text).strip().lower()
    if v not in ("true", "false", "1", "0"):
        raise NotABool(name=name, text=text)
    return v in ("true", "1")


def _int(text: str | None, name: str, *, maximum: int) -> int:
    try:
        v = int(str(text).strip())
    except ValueError:
        raise NotAWholeNumber(name=name, text=text) from None
    if not 1 <= v <= maximum:
        raise NumberOutOfRange(name=name, maximum=maximum, value=v)
    return v


def _fields(chunk: str) -> tuple[str, dict[str, str]]:
    """"pool:max,2,2" → ("max", {"kernel": "2", "stride": "2"}); kind "" if unknown."""
    head, _, rest = chunk.partition(":")
    head, values = head.strip().lower(), [v.strip() for v in rest.split(",")] if rest else []
    if head == "pool":
        head, values = (values[0].lower() if values else ""), values[1:]
        head = head if head in ("max", "avg") else ""
    elif head != "conv":
        head = ""
    names = FIELDS.get(head, FIELDS["conv"])
    if len(values) > len(names):
        raise TooManyFields(count=len(values), most=len(names), names=", ".join(names))
    return head, dict(zip(names, values))


def _chunks(text: str) -> list[str]:
    return [c.strip() for c in text.split(";") if c.strip()]


def parse_layer(chunk: str) -> Layer:
    """One layer from its text form; ValueError naming the rule.

    >>> L = parse_layer("conv:16,3,1,1")
    >>> L.out_channels, L.kernel_size, L.stride, L.padding
    (16, (3, 3), (1, 1), (1, 1))
    """
    kind, f = _fields(chunk)
    if not kind:
        raise UnknownLayerKind()
    return _layer(kind, f)  # type: ignore[arg-type]


def parse_stack(text: str) -> list[Layer]:
    """Layers from "conv:OUT,K,S,P,D,G;pool:max,K,S,P,D;pool:avg,K,S,P" (fields optional).

    K, S, P, D are a number or rows×cols ("5x3"); P may be "same" or "valid" for
    convs. Raises LayerError naming the layer.

    >>> [l.kind for l in parse_stack("conv:16,3,1,1;pool:max,2,2")]
    ['conv', 'max']
    """
    layers, chunks = [], _chunks(text)
    if len(chunks) > MAX_LAYERS:
        raise LayerError(MAX_LAYERS, f"at most {MAX_LAYERS} layers, got {len(chunks)}; "
                         "remove some")
    for i, chunk in enumerate(chunks):
        try:
            layers.append(parse_layer(chunk))
        except ValueError as e:
            raise LayerError(i, str(e), f"`{chunk}`", cause=e) from None
    return layers


def _pair_text(p: LayerPadding) -> str:
    return p if isinstance(p, str) else geometry.pair_text(p, "{}x{}")


def layer_fields(layer: Layer) -> dict[str, str]:
    """All fields of ``layer`` written out (empty out = keeps the channels)."""
    f = {"kernel": _pair_text(layer.kernel_size), "stride": _pair_text(layer.stride),
         "padding": _pair_text(layer.padding), "dilation": _pair_text(layer.dilation)}
    if layer.kind == "conv":
        f |= {"out": str(layer.out_channels or ""), "groups": str(layer.groups),
              "bias": str(layer.bias)}
    return {k: f.get(k, "") for k in FIELDS[layer.kind]}


def format_layer(layer: Layer) -> str:
    """The compact text form, leaving out trailing defaults.

    >>> format_layer(parse_layer("pool: MAX, 2"))
    'pool:max,2,2'
    """
    f = layer_fields(layer)
    defaults = {"padding": "0", "dilation": "1", "groups": "1", "bias": "True"}
    values = [f[n] for n in FIELDS[layer.kind]]
    names = list(FIELDS[layer.kind])
    keep = 4 if layer.kind == "conv" else 2  # "conv:16,3,1,1", "pool:max,2,2" as in PyTorch
    while len(names) > keep and values[-1] == defaults.get(names[-1]):
        values.pop(), names.pop()
    head = "conv:" if layer.kind == "conv" else f"pool:{layer.kind},"
    return head + ",".join(values)


def format_stack(layers: list[Layer]) -> str:
    """Inverse of ``parse_stack`` (canonical spelling)."""
    return ";".join(format_layer(layer) for layer in layers)


def rows_text(rows: list[dict[str, object]]) -> str:
    """Table rows (as from ``editor_rows``; cells may be None) back to the text form, each
    layer in its canonical spelling when it parses, as typed when it does not."""
    out = []
    for row in rows:
        kind = _KINDS.get(str(row.get("layer") or "conv"), "conv")
        values = ["" if row.get(n) is None else str(row.get(n)).strip() for n in FIELDS[kind]]
        while values and not values[-1]:
            values.pop()
        chunk = ("conv:" if kind == "conv" else f"pool:{kind},") + ",".join(values)
        try:
            chunk = format_layer(parse_layer(chunk))
        except ValueError:
            pass  # kept as typed: the planner names the problem
        out.append(chunk)
    return ";".join(out)
