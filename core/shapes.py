"""Shapes, parameters and receptive fields through convolution and pooling layers.

Everything the shapes page computes: one convolution's output shape written out in
both conventions (PyTorch's per-side ``padding`` and d2l's total ``p_h``), a stack of
layers in a compact text form (``"conv:16,3,1,1;pool:max,2,2"``), its per-layer
shapes, parameters, multiply-accumulates and receptive fields, the equivalent
``nn.Sequential`` code, and a padding solver. Checks against PyTorch run only where
the tensors are small (``MAX_RUN_*``).
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, Union

import torch
from torch import nn

from core.corr import check_groups
from core.geometry import (
    MAX_GEOMETRY,
    Pair,
    conv_output_shape,
    output_length,
    pair,
    resolve_padding,
    span,
)

Shape3 = tuple[int, int, int]  # (C, H, W)
Kind = Literal["conv", "max", "avg"]
Padding = Union[Pair, Literal["same", "valid"]]

#: Largest input height/width, as core.geometry accepts (conv_output_shape checks it).
MAX_INPUT = MAX_GEOMETRY
MAX_CHANNELS = 4096
MAX_LAYERS = 16
#: Largest padded input (per side) drawn cell by cell with its windows.
MAX_PICTURE = 40
#: A PyTorch run happens only below these: input cells, multiply-accumulates, parameters.
MAX_RUN_CELLS = 1024 * 1024
MAX_RUN_MACS = 2 * 10**8
MAX_RUN_PARAMS = 5 * 10**6
#: Padding solver: most (kernel, stride) combinations tried in one go; the ranges it offers.
MAX_COMBOS = 512
SOLVER_KERNELS: Pair = (1, 15)
SOLVER_STRIDES: Pair = (1, 8)

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


# ---------------------------------------------------------------- PyTorch code text

#: PyTorch's defaults for the arguments written out; a pool's stride defaults to its kernel.
_DEFAULTS: dict[str, dict[str, object]] = {
    "Conv2d": {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True,
               "padding_mode": "zeros"},
    "MaxPool2d": {"stride": "kernel_size", "padding": 0, "dilation": 1},
    "AvgPool2d": {"stride": "kernel_size", "padding": 0},
}


def _value(v: object) -> object:
    """An argument as PyTorch writes it: an (a, a) pair as a, "valid" padding as 0."""
    if isinstance(v, (tuple, list)) and len(v) == 2 and v[0] == v[1]:
        return v[0]
    return tuple(v) if isinstance(v, list) else v


def module_code(name: str, *args: object, always: tuple[str, ...] = (), **kwargs: object) -> str:
    """``nn.<name>(...)`` on one line: the only place the page's PyTorch layers are written.

    Positional ``args`` first, then ``kwargs`` in the order given, each left out when it is
    PyTorch's default (unless named in ``always``); (a, a) pairs as a, strings quoted.

    >>> module_code("Conv2d", 1, 6, kernel_size=(5, 5), stride=1, padding=(2, 1))
    'nn.Conv2d(1, 6, kernel_size=5, padding=(2, 1))'
    >>> module_code("MaxPool2d", kernel_size=3, stride=3, padding="valid")
    'nn.MaxPool2d(kernel_size=3)'
    """
    defaults = _DEFAULTS.get(name, {})
    words = [repr(_value(a)) for a in args]
    for key, v in kwargs.items():
        default = defaults.get(key, inspect.Parameter.empty)
        default = _value(kwargs.get("kernel_size")) if default == "kernel_size" else default
        v = _value(v)
        if key not in always and (v == default or (key == "padding" and v == "valid")):
            continue
        words.append(f"{key}={v!r}".replace("'", '"'))
    return f"nn.{name}({', '.join(words)})"


# ---------------------------------------------------------------- one convolution


@dataclass(frozen=True)
class ConvGeometry:
    """One ``nn.Conv2d`` on an (H, W) input; ``padding`` per side, or "same" / "valid"."""

    input_size: Pair
    kernel: Pair
    padding: Padding = (0, 0)
    stride: Pair = (1, 1)
    dilation: Pair = (1, 1)

    def pads(self) -> tuple[Pair, Pair]:
        """((top, bottom), (left, right)); ValueError for "same" with a stride."""
        return resolve_padding(self.padding, self.kernel, stride=self.stride,
                               dilation=self.dilation)

    def code(self) -> str:
        """The ``nn.Conv2d`` call for this geometry, 1 channel in and out."""
        return module_code("Conv2d", 1, 1, kernel_size=self.kernel, stride=self.stride,
                           padding=self.padding, dilation=self.dilation)

    def output_shape(self) -> Pair:
        """(H_out, W_out) by the rule; ValueError naming it when there is no output."""
        return conv_output_shape(self.input_size, self.kernel, padding=self.padding,
                                 stride=self.stride, dilation=self.dilation)

    def label(self) -> str:
        """Short name with the output the rule gives: "k3 p1 → 8×8" (input left out)."""

        def short(p: Pair) -> str:
            return str(p[0]) if p[0] == p[1] else f"({p[0]},{p[1]})"

        out = self.output_shape()
        pad = self.padding if isinstance(self.padding, str) else short(self.padding)
        s = "" if self.stride == (1, 1) else f" s{short(self.stride)}"
        return f"k{short(self.kernel)} p{pad}{s} → {out[0]}×{out[1]}"


#: The notebook's four padding/stride cells (In [26]–[28]), all on an 8×8 input.
SEED_CELLS: tuple[ConvGeometry, ...] = (
    ConvGeometry((8, 8), (3, 3), (1, 1)),
    ConvGeometry((8, 8), (5, 3), (2, 1)),
    ConvGeometry((8, 8), (5, 3), (2, 1), stride=(2, 2)),
    ConvGeometry((8, 8), (3, 5), (0, 1), stride=(3, 4)),
)

PYTORCH_RULE = "⌊(n + p_before + p_after − d·(k − 1) − 1) / s⌋ + 1"
D2L_RULE = "⌊(n − k + p + s) / s⌋"
PYTORCH_TEX = r"n_{out} = \left\lfloor \frac{n + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1"
D2L_TEX = r"n_{out} = \left\lfloor \frac{n_h - k_h + p_h + s_h}{s_h} \right\rfloor"


def exact_quotient(a: int, b: int) -> str:
    """a / b written exactly: whole, a terminating decimal, or whole part and fraction.

    The fraction is in lowest terms after a narrow no-break space ("74 1/3" is 74 + 1/3);
    a negative quotient takes "−" in front of the whole: "−2 1/3" is −(2 + 1/3).

    >>> exact_quotient(223, 2), exact_quotient(1, 16), exact_quotient(223, 3)
    ('111.5', '0.0625', '74\u202f1/3')
    >>> exact_quotient(-7, 3), exact_quotient(6, 3)
    ('−2\u202f1/3', '2')
    """
    q = Fraction(a, b)
    sign, q = ("−" if q < 0 else ""), abs(q)
    whole, rest = divmod(q.numerator, q.denominator)
    if not rest:
        return f"{sign}{whole}"
    den, twos, fives = q.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den == 1:  # only 2s and 5s below: the decimal ends after max(twos, fives) digits
        digits = max(twos, fives)
        return f"{sign}{whole}.{rest * 10**digits // q.denominator:0{digits}d}"
    fraction = f"{rest}/{q.denominator}"
    return f"{sign}{whole}\u202f{fraction}" if whole else f"{sign}{fraction}"


def _floor_steps(a: int, b: int, plus: str = "") -> str:
    """"⌊7 / 2⌋ + 1 = ⌊3.5⌋ + 1 = 3 + 1 = 4": the division, its exact value, the floor."""
    steps = [f"⌊{a} / {b}⌋{plus}"]
    if a % b:
        steps.append(f"⌊{exact_quotient(a, b)}⌋{plus}")
    if plus:
        steps.append(f"{a // b}{plus}")
    steps.append(str(a // b + (1 if plus else 0)))
    return " = ".join(steps).replace("-", "−")


@dataclass(frozen=True)
class AxisFormula:
    """One axis of the output-size rule, written with its numbers in both conventions.

    ``out`` may be < 1 (then there is no output); the page says so.
    """

    pytorch: str
    d2l: str
    out: int


def axis_formula(n: int, k: int, before: int, after: int, s: int, d: int) -> AxisFormula:
    """The rule along one axis with the numbers put in.

    >>> f = axis_formula(8, 5, 2, 2, 2, 1)
    >>> f.pytorch
    '⌊(8 + 2 + 2 − 1·(5 − 1) − 1) / 2⌋ + 1 = ⌊7 / 2⌋ + 1 = ⌊3.5⌋ + 1 = 3 + 1 = 4'
    >>> f.d2l
    '⌊(8 − 5 + 4 + 2) / 2⌋ = ⌊9 / 2⌋ = ⌊4.5⌋ = 4'
    """
    top = n + before + after - d * (k - 1) - 1
    out = top // s + 1
    pytorch = (f"⌊({n} + {before} + {after} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = "
               + _floor_steps(top, s, " + 1"))
    reach = span(k, d)  # d2l has no dilation: the dilated kernel covers `reach` cells
    num = n - reach + before + after + s
    d2l = f"⌊({n} − {reach} + {before + after} + {s}) / {s}⌋ = " + _floor_steps(num, s)
    return AxisFormula(pytorch, d2l, out)


def formulas(g: ConvGeometry) -> tuple[AxisFormula, AxisFormula]:
    """(height, width) formulas; ValueError when the padding cannot be resolved."""
    (top, bottom), (left, right) = g.pads()
    return (
        axis_formula(g.input_size[0], g.kernel[0], top, bottom, g.stride[0], g.dilation[0]),
        axis_formula(g.input_size[1], g.kernel[1], left, right, g.stride[1], g.dilation[1]),
    )


def check_input_size(size: Pair, name: str = "input size") -> Pair:
    """``size`` as (H, W), each a whole number in 1..MAX_INPUT, or ValueError."""
    if len(size) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in size):
        raise ValueError(f"{name} must be two whole numbers, got {size!r}")
    if not all(1 <= v <= MAX_INPUT for v in size):
        raise ValueError(f"{name} must be 1..{MAX_INPUT} on each side, got {size[0]}×{size[1]}")
    return int(size[0]), int(size[1])


def torch_check_limit(g: ConvGeometry, out: Pair) -> str | None:
    """Why running ``nn.Conv2d`` for ``g`` would cost too much, or None when it is cheap."""
    (H, W), f = g.input_size, format_count
    if H * W > MAX_RUN_CELLS:
        return f"the input has {f(H * W)} cells (the check runs up to {f(MAX_RUN_CELLS)})"
    work = out[0] * out[1] * g.kernel[0] * g.kernel[1]
    if work > MAX_RUN_MACS:
        return f"it needs {f(work)} multiply-accumulates (the check runs up to {f(MAX_RUN_MACS)})"
    return None


def torch_output_shape(g: ConvGeometry, *, meta: bool = False) -> Pair:
    """(H_out, W_out) that ``nn.Conv2d(1, 1, ...)`` gives on ``torch.zeros(1, 1, H, W)``.

    ``meta``: layer and input on the meta device, shapes without storage or arithmetic.
    torch's own errors come out as ValueError.
    """
    device = torch.device("meta") if meta else contextlib.nullcontext()
    try:
        with torch.no_grad(), device:
            conv = nn.Conv2d(1, 1, g.kernel, stride=g.stride, padding=g.padding,
                             dilation=g.dilation, bias=False)
            Y = conv(torch.zeros((1, 1) + tuple(g.input_size)))  # (1, 1, H_out, W_out)
    except (RuntimeError, ValueError) as e:
        raise ValueError(f"PyTorch refused: {e}") from None
    return int(Y.shape[2]), int(Y.shape[3])


def torch_check(g: ConvGeometry) -> tuple[Pair, bool]:
    """(H_out, W_out) from PyTorch, and whether it ran on the meta device (shapes only),
    as it does above ``torch_check_limit``. ValueError when the geometry has no output."""
    meta = torch_check_limit(g, g.output_shape()) is not None
    return torch_output_shape(g, meta=meta), meta


# ------------------------------------------------------------ the window picture


@dataclass(frozen=True)
class WindowMap:
    """Which cells of the padded input the windows read.

    cells: (H + top + bottom) rows of (W + left + right) codes: 0 padding, 1 input read
    by some window, 2 input no window reads. anchors: each window's top-left tap in
    padded coordinates, row-major (one per output cell). first: the taps of window (0, 0).
    offset = (top, left): where input cell (0, 0) sits. unreached: input rows, columns.
    """

    cells: tuple[tuple[int, ...], ...]
    anchors: tuple[tuple[int, int], ...]
    first: tuple[tuple[int, int], ...]
    offset: Pair
    out: Pair
    unreached_rows: tuple[int, ...]
    unreached_cols: tuple[int, ...]


def window_map(g: ConvGeometry) -> WindowMap:
    """Every window position the stride visits on the padded input (up to MAX_PICTURE)."""
    (top, bottom), (left, right) = g.pads()
    (H, W), (kh, kw), (sh, sw), (dh, dw) = g.input_size, g.kernel, g.stride, g.dilation
    Hp, Wp = H + top + bottom, W + left + right
    if max(Hp, Wp) > MAX_PICTURE:
        raise ValueError(f"the picture is drawn for padded inputs up to {MAX_PICTURE}×"
                         f"{MAX_PICTURE}; this one is {Hp}×{Wp}")
    Ho = output_length(H, kh, top, bottom, sh, dh, axis="the height")
    Wo = output_length(W, kw, left, right, sw, dw, axis="the width")
    rows = {i * sh + a * dh for i in range(Ho) for a in range(kh)}  # padded rows read
    cols = {j * sw + b * dw for j in range(Wo) for b in range(kw)}

    def code(r: int, c: int) -> int:
        if not (top <= r < top + H and left <= c < left + W):
            return 0
        return 1 if r in rows and c in cols else 2

    return WindowMap(
        cells=tuple(tuple(code(r, c) for c in range(Wp)) for r in range(Hp)),
        anchors=tuple((i * sh, j * sw) for i in range(Ho) for j in range(Wo)),
        first=tuple((a * dh, b * dw) for a in range(kh) for b in range(kw)),
        offset=(top, left), out=(Ho, Wo),
        unreached_rows=tuple(r for r in range(H) if r + top not in rows),
        unreached_cols=tuple(c for c in range(W) if c + left not in cols),
    )


# --------------------------------------------------------------- layer stacks


@dataclass(frozen=True)
class Layer:
    """One layer of a stack: a Conv2d (kind "conv") or a MaxPool2d / AvgPool2d.

    ``padding`` is per side (or "same"/"valid", convs only); ``out_channels`` None keeps
    the input's channel count. Read from pasted code, a conv also knows the
    ``in_channels`` it was written for (checked against what arrives; the compact text
    does not keep it), and every layer its ``source``.
    """

    kind: Kind
    kernel: Pair
    stride: Pair
    padding: Padding = (0, 0)
    dilation: Pair = (1, 1)
    out_channels: int | None = None
    groups: int = 1
    bias: bool = True
    in_channels: int | None = None
    source: str = field(default="", compare=False)


class LayerError(ValueError):
    """A ValueError that knows which layer (0-based ``index``) it is about."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


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
        raise ValueError(f"{name} must be a whole number or rows×cols like 5x3, got {text!r}")
    return pair(values[0] if len(values) == 1 else tuple(values), name, minimum=minimum)


def _layer(kind: Kind, f: dict[str, str]) -> Layer:
    """Build a Layer from its text fields (empty = PyTorch's default)."""
    kernel = parse_pair(f.get("kernel") or ("3" if kind == "conv" else "2"), "kernel", minimum=1)
    stride = parse_pair(f["stride"], "stride", minimum=1) if f.get("stride") else (
        (1, 1) if kind == "conv" else kernel)  # pools stride by their kernel by default
    p = (f.get("padding") or "0").strip().lower()
    if p in ("same", "valid"):
        if kind != "conv":
            raise ValueError(f'pooling takes a number of padding cells, not "{p}"')
        padding: Padding = p  # type: ignore[assignment]
    else:
        padding = parse_pair(p, "padding", minimum=0)
    dilation = parse_pair(f.get("dilation") or "1", "dilation", minimum=1)
    out, groups, bias = None, 1, True
    if kind == "conv":
        out = _int(f.get("out"), "out channels", maximum=MAX_CHANNELS) if f.get("out") else None
        groups = _int(f.get("groups") or "1", "groups", maximum=MAX_CHANNELS)
        bias = _bool(f.get("bias") or "True", "bias")
    return Layer(kind, kernel, stride, padding, dilation, out, groups, bias)


def _bool(text: str, name: str) -> bool:
    v = str(text).strip().lower()
    if v not in ("true", "false", "1", "0"):
        raise ValueError(f"{name} must be True or False, got {text!r}")
    return v in ("true", "1")


def _int(text: str | None, name: str, *, maximum: int) -> int:
    try:
        v = int(str(text).strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {text!r}") from None
    if not 1 <= v <= maximum:
        raise ValueError(f"{name} must be 1..{maximum}, got {v}")
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
        raise ValueError(f"too many fields: {len(values)}, at most {len(names)} "
                         f"({', '.join(names)})")
    return head, dict(zip(names, values))


def _chunks(text: str) -> list[str]:
    return [c.strip() for c in text.split(";") if c.strip()]


def parse_layer(chunk: str) -> Layer:
    """One layer from its text form; ValueError naming the rule.

    >>> L = parse_layer("conv:16,3,1,1")
    >>> L.out_channels, L.kernel, L.stride, L.padding
    (16, (3, 3), (1, 1), (1, 1))
    """
    kind, f = _fields(chunk)
    if not kind:
        raise ValueError('a layer starts with "conv:" or "pool:max," / "pool:avg,"')
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
            raise LayerError(i, f"layer {i + 1} (`{chunk}`): {e}") from None
    return layers


def _pair_text(p: Padding) -> str:
    return p if isinstance(p, str) else str(p[0]) if p[0] == p[1] else f"{p[0]}x{p[1]}"


def layer_fields(layer: Layer) -> dict[str, str]:
    """All fields of ``layer`` written out (empty out = keeps the channels)."""
    f = {"kernel": _pair_text(layer.kernel), "stride": _pair_text(layer.stride),
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


def editor_rows(text: str) -> list[dict[str, str]]:
    """The stack as table rows (keys ROW_KEYS): parsed layers written out in full, a
    layer that does not parse as its raw fields, so it can be fixed in the table. Pasted
    code gives the rows of the layers read from it."""
    def row(kind: str, f: dict[str, str]) -> dict[str, str]:
        return {"layer": LAYER_NAMES.get(kind, "")} | {k: f.get(k, "") for k in ROW_KEYS[1:]}

    if is_code(text):
        return [row(x.kind, layer_fields(x)) for x in read_code(text).layers]
    rows = []
    for chunk in _chunks(text)[:MAX_LAYERS]:
        try:
            layer = parse_layer(chunk)
            kind, f = layer.kind, layer_fields(layer)
        except ValueError:
            try:
                kind, f = _fields(chunk)
            except ValueError:
                kind, f = "", {}
        rows.append(row(kind, f))
    return rows


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


# ------------------------------------------------------------ pasted PyTorch

#: The layers read from pasted PyTorch code, by class name, with PyTorch's signatures.
CODE_LAYERS: dict[str, Kind] = {"Conv2d": "conv", "MaxPool2d": "max", "AvgPool2d": "avg"}
_SIGNATURES = {name: inspect.signature(getattr(nn, name)) for name in CODE_LAYERS}
#: Layers that keep (C, H, W): skipped when pasted, and named in the note.
SHAPE_KEEPING = frozenset({
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "CELU", "GELU", "SiLU",
    "Mish", "Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "Softsign",
    "LogSigmoid", "Softmax", "LogSoftmax", "Softmax2d", "Identity", "Dropout", "Dropout2d",
    "AlphaDropout", "FeatureAlphaDropout", "BatchNorm2d", "SyncBatchNorm", "InstanceNorm2d",
    "GroupNorm", "LocalResponseNorm", "ChannelShuffle",
})
#: Arguments read and left out of the plan: they change values, not shapes.
_VALUES_ONLY = {"padding_mode": "zeros", "count_include_pad": True, "divisor_override": None,
                "device": None, "dtype": None}
_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
#: Longest text the planner's field takes (pasted code is longer than the compact form).
MAX_TEXT = 4000


def is_code(text: str) -> bool:
    """Whether ``text`` is PyTorch code rather than the compact form: a name and "(".

    >>> is_code("nn.MaxPool2d(3, 2, 1)"), is_code("conv:6,5,1,2;pool:max,(2)")
    (True, False)
    """
    return re.search(r"[A-Za-z_][\w.]*\s*\(", text) is not None


@dataclass(frozen=True)
class CodeRead:
    """What ``read_code`` found: the layers (up to the first problem, then ``error``), the
    shape-keeping layers it skipped, and arguments it read that change no shape."""

    layers: tuple[Layer, ...]
    skipped: tuple[str, ...] = ()
    values_only: tuple[str, ...] = ()
    error: LayerError | None = None

    def note(self) -> str:
        """One line for the page: what was read, skipped and left out."""
        n = len(self.layers)
        text = f"Read {n} layer{'' if n == 1 else 's'} from the pasted PyTorch code"
        if self.skipped:
            names = sorted(set(self.skipped), key=self.skipped.index)
            text += (f"; skipped {len(self.skipped)} that keep the shape "
                     f"({', '.join(names)})")
        if self.values_only:
            text += f"; left out {', '.join(self.values_only)} (values, not shapes)"
        return text + "."


def _dotted(node: ast.expr) -> str | None:
    """``torch.nn.Conv2d`` → "torch.nn.Conv2d"; None for anything but names and dots."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (head := _dotted(node.value)):
        return f"{head}.{node.attr}"
    return None


def _class_name(call: ast.Call) -> str | None:
    """"Conv2d" for ``Conv2d``, ``nn.Conv2d`` or ``torch.nn.Conv2d``; else None."""
    name = _dotted(call.func) or ""
    for prefix in ("torch.nn.", "nn.", ""):
        if name.startswith(prefix) and "." not in name[len(prefix):]:
            return name[len(prefix):]
    return None


def _items(node: ast.AST) -> list[ast.AST]:
    """The pieces of pasted code in order: statements, tuples, lists and ``nn.Sequential``
    opened up; imports dropped; everything else (a call or not) is one piece."""
    if isinstance(node, ast.Module):
        return [i for stmt in node.body for i in _items(stmt)]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return []
    if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) and node.value is not None:
        return _items(node.value)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [i for e in node.elts for i in _items(e)]
    if (isinstance(node, ast.Call) and _class_name(node) == "Sequential" and not node.keywords
            and not any(isinstance(a, ast.Starred) for a in node.args)):
        return [i for a in node.args for i in _items(a)]
    return [node]


def _signature(name: str) -> str:
    """PyTorch's signature without types: "nn.MaxPool2d(kernel_size, stride=None, …)"."""
    params = [p.name if p.default is p.empty else f"{p.name}={p.default!r}"
              for p in _SIGNATURES[name].parameters.values()]
    return f"nn.{name}({', '.join(params)})"


def _code_layer(call: ast.Call, name: str, source: str, values_only: list[str]) -> Layer:
    """One Conv2d / MaxPool2d / AvgPool2d call, bound to PyTorch's signature; values are
    read with ``ast.literal_eval`` (data only). ValueError naming the argument."""
    args, kwargs = [], {}
    for node in [*call.args, *call.keywords]:
        value = node.value if isinstance(node, ast.keyword) else node
        if isinstance(node, ast.Starred) or (isinstance(node, ast.keyword) and node.arg is None):
            raise ValueError("write the arguments out: * and ** are not read")
        try:
            v = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise ValueError(f"`{ast.unparse(value)}` is not a value: the planner reads numbers, "
                             "tuples, strings and True/False; it runs no code") from None
        if isinstance(node, ast.keyword):
            kwargs[node.arg] = v
        else:
            args.append(v)
    try:
        given = _SIGNATURES[name].bind(*args, **kwargs).arguments
    except TypeError as e:
        raise ValueError(f"{e}; PyTorch's signature is {_signature(name)}") from None
    arg = {p: given.get(p, v.default) for p, v in _SIGNATURES[name].parameters.items()}
    kind = CODE_LAYERS[name]
    for key, default in _VALUES_ONLY.items():
        if key in given and given[key] != default:
            values_only.append(f"{key}={given[key]!r}")
    if arg.get("padding_mode", "zeros") not in _PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {', '.join(map(repr, _PADDING_MODES))}, "
                         f"got {arg['padding_mode']!r}")
    if arg.get("ceil_mode"):
        raise ValueError("ceil_mode=True rounds the output size up (⌈ ⌉); the planner follows "
                         "PyTorch's default, the floor (ceil_mode=False)")
    if arg.get("return_indices"):
        raise ValueError("return_indices=True makes the pool return (values, indices), which "
                         "the next layer cannot take")
    kernel = pair(arg["kernel_size"], "kernel_size", minimum=1)
    stride = kernel if arg["stride"] is None else pair(arg["stride"], "stride", minimum=1)
    padding = arg["padding"]
    if isinstance(padding, str) and kind == "conv":
        if padding not in ("same", "valid"):
            raise ValueError(f'padding must be a number, a pair, "same" or "valid", got '
                             f"{padding!r}")
    else:
        padding = pair(padding, "padding", minimum=0)
    dilation = pair(arg.get("dilation", 1), "dilation", minimum=1)
    if kind != "conv":
        return Layer(kind, kernel, stride, padding, dilation, source=source)
    counts = [_count(arg[k], k) for k in ("in_channels", "out_channels", "groups")]
    if not isinstance(arg["bias"], bool):
        raise ValueError(f"bias must be True or False, got {arg['bias']!r}")
    return Layer("conv", kernel, stride, padding, dilation, counts[1], counts[2], arg["bias"],
                 counts[0], source)


def _count(v: object, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_CHANNELS:
        raise ValueError(f"{name} must be a whole number 1..{MAX_CHANNELS}, got {v!r}")
    return v


def read_code(text: str) -> CodeRead:
    """Layers from pasted PyTorch: ``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d`` calls (also
    ``torch.nn.`` or bare), one per line, in a list or in ``nn.Sequential(...)``, arguments
    as PyTorch's signatures take them. Parsed with ``ast``, values read with
    ``ast.literal_eval``: nothing is run. Layers that keep the shape (ReLU, BatchNorm2d, …)
    are skipped and listed; anything else stops the reading, naming the piece.

    >>> r = read_code("nn.Sequential(nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3), "
    ...               "nn.ReLU(), nn.MaxPool2d(3, 2, 1))")
    >>> format_stack(list(r.layers)), r.skipped
    ('conv:64,7,2,3;pool:max,3,2,1', ('ReLU',))
    """
    source = textwrap.dedent(text).strip()
    try:
        pieces = _items(ast.parse(source))
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        where = f"line {e.lineno}: {e.msg}" if isinstance(e, SyntaxError) else str(e)
        return CodeRead((), error=LayerError(0, f"the code does not parse as Python ({where})"))
    layers: list[Layer] = []
    skipped: list[str] = []
    values_only: list[str] = []
    for node in pieces:
        piece = " ".join((ast.get_source_segment(source, node) or ast.unparse(node)).split())
        piece = piece if len(piece) <= 90 else piece[:89] + "…"
        name = _class_name(node) if isinstance(node, ast.Call) else None
        try:
            if name in SHAPE_KEEPING:
                skipped.append(name)
                continue
            if name not in CODE_LAYERS:
                raise ValueError("not a layer the planner reads: it reads nn.Conv2d, "
                                 "nn.MaxPool2d and nn.AvgPool2d, and skips layers that keep "
                                 "the shape (ReLU, BatchNorm2d, …)")
            if len(layers) == MAX_LAYERS:
                raise ValueError(f"at most {MAX_LAYERS} layers; remove some")
            layers.append(_code_layer(node, name, piece, values_only))
        except ValueError as e:
            return CodeRead(tuple(layers), tuple(skipped), tuple(values_only),
                            LayerError(len(layers), f"`{piece}`: {e}"))
    return CodeRead(tuple(layers), tuple(skipped), tuple(values_only))


def compact_from_code(input_shape: Shape3, text: str) -> tuple[str, str] | None:
    """(compact text, note) for pasted code that reads and plans without error on
    ``input_shape``; None otherwise (then the code is kept as typed, since the compact
    form would drop the in_channels it is checked against)."""
    if not is_code(text):
        return None
    r = read_code(text)
    if r.error or not r.layers or plan(input_shape, list(r.layers)).error:
        return None
    return format_stack(list(r.layers)), r.note()


# -------------------------------------------------------------------- planning


@dataclass(frozen=True)
class ReceptiveField:
    """Per axis (h, w): ``size`` input cells seen by one output cell, ``jump`` input cells
    between neighbouring outputs, ``start`` the first input cell output 0 sees (negative:
    in the padding). Output i sees input cells start + i·jump … start + i·jump + size − 1."""

    size: Pair
    jump: Pair
    start: Pair


@dataclass(frozen=True)
class PlannedLayer:
    """A layer with its input and output (C, H, W), resolved padding and costs."""

    layer: Layer
    in_shape: Shape3
    out_shape: Shape3
    pads: tuple[Pair, Pair]
    params: int
    macs: int
    rf: ReceptiveField


@dataclass(frozen=True)
class Plan:
    """The layers that worked, then the first error (if any) and where it is."""

    input_shape: Shape3
    rows: tuple[PlannedLayer, ...]
    error: LayerError | None = None

    @property
    def out_shape(self) -> Shape3:
        return self.rows[-1].out_shape if self.rows else self.input_shape

    @property
    def params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def macs(self) -> int:
        return sum(r.macs for r in self.rows)


def _receptive(rf: ReceptiveField, k: Pair, s: Pair, d: Pair, before: Pair) -> ReceptiveField:
    """The Distill recurrences (Araujo et al. 2019), forward, dilation as a wider kernel:
    size += (d(k − 1) + 1 − 1)·jump; start −= p_before·jump; jump ·= s."""
    return ReceptiveField(
        size=tuple(r + (span(kk, dd) - 1) * j for r, kk, dd, j in zip(rf.size, k, d, rf.jump)),
        jump=tuple(j * ss for j, ss in zip(rf.jump, s)),
        start=tuple(u - p * j for u, p, j in zip(rf.start, before, rf.jump)),
    )


class ChannelError(ValueError):
    """A pasted conv's ``in_channels`` is not the number of channels that arrive."""

    def __init__(self, written: int, arriving: int) -> None:
        super().__init__(f"in_channels={written}, but {arriving} "
                         f"{'channel arrives' if arriving == 1 else 'channels arrive'} here")
        self.written, self.arriving = written, arriving


def plan_layer(layer: Layer, shape: Shape3, rf: ReceptiveField) -> PlannedLayer:
    """One layer on a (C, H, W) input; ValueError naming the rule when PyTorch would refuse."""
    C, H, W = shape
    if layer.in_channels is not None and layer.in_channels != C:
        raise ChannelError(layer.in_channels, C)
    kh, kw = layer.kernel
    pads = resolve_padding(layer.padding, layer.kernel, stride=layer.stride,
                           dilation=layer.dilation)
    if layer.kind != "conv":
        for (p, _), k, axis in ((pads[0], kh, "height"), (pads[1], kw, "width")):
            if p > k // 2:
                raise ValueError(f"a pool's padding must be at most half its kernel (PyTorch's "
                                 f"rule): padding {p} > {k} // 2 along the {axis}; use at most "
                                 f"{k // 2}")
    Ho = output_length(H, kh, *pads[0], layer.stride[0], layer.dilation[0], axis="the height")
    Wo = output_length(W, kw, *pads[1], layer.stride[1], layer.dilation[1], axis="the width")
    co, params, macs = C, 0, 0
    if layer.kind == "conv":
        co = layer.out_channels or C
        check_groups(C, co, layer.groups)
        per_out = (C // layer.groups) * kh * kw  # weights one output cell multiplies
        params, macs = co * per_out + co * layer.bias, co * Ho * Wo * per_out
    rf = _receptive(rf, layer.kernel, layer.stride, layer.dilation, (pads[0][0], pads[1][0]))
    return PlannedLayer(layer, shape, (co, Ho, Wo), pads, params, macs, rf)


def _channel_fix(e: ChannelError, rows: list[PlannedLayer]) -> str:
    """The mismatch, where the arriving channels come from, and the change that fits."""
    convs = [j for j, r in enumerate(rows) if r.layer.kind == "conv"]
    if not convs:
        return f"{e} (the input has {e.arriving}): set the input channels to {e.written}"
    return (f"{e} (layer {convs[-1] + 1} makes {e.arriving}): write in_channels={e.arriving}, "
            f"or out_channels={e.written} in layer {convs[-1] + 1}")


def plan(input_shape: Shape3, layers: list[Layer]) -> Plan:
    """Shapes, parameters, MACs and receptive fields layer by layer, up to the first error.

    >>> p = plan((1, 28, 28), parse_stack("conv:6,5,1,2;pool:avg,2,2;conv:16,5;pool:avg,2"))
    >>> p.out_shape, p.params, p.rows[-1].rf.size
    ((16, 5, 5), 2572, (16, 16))
    """
    C, H, W = input_shape
    if not 1 <= C <= MAX_CHANNELS:
        raise ValueError(f"input channels must be 1..{MAX_CHANNELS}, got {C}")
    check_input_size((H, W))
    rows: list[PlannedLayer] = []
    rf, shape = ReceptiveField((1, 1), (1, 1), (0, 0)), (C, H, W)
    for i, layer in enumerate(layers):
        try:
            row = plan_layer(layer, shape, rf)
        except ValueError as e:
            why = _channel_fix(e, rows) if isinstance(e, ChannelError) else str(e)
            where = f"`{layer.source}`" if layer.source else format_layer(layer)
            return Plan(input_shape, tuple(rows), LayerError(i, f"layer {i + 1} ({where}): {why}"))
        rows.append(row)
        rf, shape = row.rf, row.out_shape
    return Plan(input_shape, tuple(rows))


def plan_text(input_shape: Shape3, text: str) -> Plan:
    """``plan`` of a stack in text form (compact, or pasted PyTorch code): a layer that does
    not parse stops it like a layer that does not fit, so the layers before it still get
    their shapes."""
    if is_code(text):
        r = read_code(text)
        p = plan(input_shape, list(r.layers))
        return p if p.error or r.error is None else Plan(p.input_shape, p.rows, r.error)
    chunks, layers = _chunks(text), []
    for i, chunk in enumerate(chunks[:MAX_LAYERS]):
        try:
            layers.append(parse_layer(chunk))
        except ValueError as e:
            p = plan(input_shape, layers)
            return p if p.error else Plan(p.input_shape, p.rows,
                                          LayerError(i, f"layer {i + 1} (`{chunk}`): {e}"))
    p = plan(input_shape, layers)
    if p.error is None and len(chunks) > MAX_LAYERS:
        return Plan(p.input_shape, p.rows, LayerError(
            MAX_LAYERS, f"at most {MAX_LAYERS} layers, got {len(chunks)}; remove some"))
    return p


#: What each layer row of the planner shows, beside its settings.
RESULT_COLUMNS = ("output", "params", "MACs", "RF size", "RF jump", "RF start")


def table_rows(p: Plan, n: int) -> list[dict[str, str]]:
    """RESULT_COLUMNS for rows 0..n−1: numbers for planned layers, "✗" on the layer with
    the error, "—" after it (nothing flows past an error). Equal (h, w) pairs as one number."""
    def xy(v: Pair) -> str:
        return str(v[0]) if v[0] == v[1] else f"{v[0]}×{v[1]}"

    rows = []
    for i in range(n):
        if i < len(p.rows):
            r = p.rows[i]
            values = ("×".join(map(str, r.out_shape)), format_count(r.params),
                      format_count(r.macs),
                      xy(r.rf.size), xy(r.rf.jump), xy(r.rf.start).replace("-", "−"))
        else:
            bad = p.error is not None and p.error.index == i
            values = ("✗ see below",) + ("",) * 5 if bad else ("—",) * 6
        rows.append(dict(zip(RESULT_COLUMNS, values)))
    return rows


#: The planner's default: the convolution part of d2l's LeNet (§6.6) on a 1×28×28 image.
LENET_INPUT: Shape3 = (1, 28, 28)
LENET = "conv:6,5,1,2;pool:avg,2,2;conv:16,5,1,0;pool:avg,2,2"


def _module(row: PlannedLayer) -> str:
    """The PyTorch constructor for one planned layer, defaults left out."""
    L = row.layer
    geometry = {"kernel_size": L.kernel, "stride": L.stride, "padding": L.padding}
    if L.kind == "conv":
        return module_code("Conv2d", row.in_shape[0], row.out_shape[0], **geometry,
                           dilation=L.dilation, groups=L.groups, bias=L.bias)
    if L.kind == "max":
        return module_code("MaxPool2d", **geometry, dilation=L.dilation)
    return module_code("AvgPool2d", **geometry)


def sequential_script(p: Plan) -> str:
    """A runnable script: the stack as ``nn.Sequential``, fed a zero tensor of the input
    shape; ``Y`` holds the output. Built only from validated numbers (``run_plan``
    executes it); needs a plan without error."""
    if p.error is not None or not p.rows:
        raise ValueError("there is no valid layer stack to export")
    C, H, W = p.input_shape
    lines = ["import torch", "from torch import nn", "", "net = nn.Sequential("]
    lines += [f"    {_module(r)},  # → {r.out_shape}" for r in p.rows]
    lines += [")", f"X = torch.zeros(1, {C}, {H}, {W})  # (batch, channels, height, width)",
              "Y = net(X)", f"Y.shape  # torch.Size([1, {', '.join(map(str, p.out_shape))}])"]
    return "\n".join(lines)


def run_limit(p: Plan) -> str | None:
    """Why running the stack would cost too much, or None when it is cheap enough."""
    C, H, W = p.input_shape
    biggest = max([C * H * W] + [r.out_shape[0] * r.out_shape[1] * r.out_shape[2]
                                 for r in p.rows])
    f = format_count
    if biggest > MAX_RUN_CELLS:
        return f"a tensor would hold {f(biggest)} numbers (the run goes up to {f(MAX_RUN_CELLS)})"
    if p.macs > MAX_RUN_MACS:
        return f"it needs {f(p.macs)} multiply-accumulates (up to {f(MAX_RUN_MACS)} are run)"
    if p.params > MAX_RUN_PARAMS:
        return f"it has {f(p.params)} parameters (up to {f(MAX_RUN_PARAMS)} are run)"
    return None


def run_plan(p: Plan) -> tuple[tuple[int, ...], bool]:
    """Execute ``sequential_script(p)``: (``Y.shape`` with the batch dimension, on_meta).

    The script is built here from the plan's validated numbers, never from typed text.
    A stack over ``run_limit`` runs under ``torch.device("meta")``: its modules and tensors
    get shapes but no storage, so any size is checked at no cost (shapes only).
    """
    on_meta = run_limit(p) is not None
    namespace: dict[str, object] = {}
    device = torch.device("meta") if on_meta else contextlib.nullcontext()
    with torch.no_grad(), device:  # the device context is per thread: other sessions keep CPU
        exec(compile(sequential_script(p), "<nn.Sequential export>", "exec"), namespace)
    return tuple(namespace["Y"].shape), on_meta  # type: ignore[attr-defined]


def format_count(n: int) -> str:
    """Every count on the page (parameters, MACs, cells), written one way: exact, with commas.

    >>> format_count(9472), format_count(118_013_952)
    ('9,472', '118,013,952')
    """
    return f"{n:,}"


# ------------------------------------------------------------------ solver


@dataclass(frozen=True)
class PaddingSolution:
    """Padding ``before`` and ``after`` along one axis that turns n into the wanted size."""

    kernel: int
    stride: int
    dilation: int
    before: int
    after: int
    same: bool  # PyTorch's padding="same" pads exactly this

    @property
    def total(self) -> int:
        """d2l's p: both sides together."""
        return self.before + self.after

    def code(self) -> str:
        """One line of PyTorch that does it on both axes, 1 channel in and out: uneven
        padding that is not "same" goes into an ``nn.ZeroPad2d`` first."""
        geometry = {"kernel_size": self.kernel, "stride": self.stride, "dilation": self.dilation}
        if self.before == self.after or self.same:
            padding = self.before if self.before == self.after else "same"
            return module_code("Conv2d", 1, 1, **geometry, padding=padding)
        pad = module_code("ZeroPad2d", (self.before, self.after) * 2)  # (left, right, top, bottom)
        return f"nn.Sequential({pad}, {module_code('Conv2d', 1, 1, **geometry)})"

    def row(self) -> dict[str, object]:
        """One line of the solver's table."""
        return {"kernel": self.kernel, "stride": self.stride, "dilation": self.dilation,
                "before": self.before, "after": self.after, "d2l p": self.total,
                "same": "✓" if self.same else "",
                "PyTorch (both axes, 1 channel)": self.code()}


def solve_padding(n: int, m: int, *, kernels: Pair, strides: Pair,
                  dilation: int = 1) -> list[PaddingSolution]:
    """Every padding that maps size n to size m along one axis, for each kernel and stride
    in the inclusive ranges. Needs (m − 1)·s ≤ n + P − d(k − 1) − 1 < m·s for the total P;
    paddings so wide that a whole window could sit in them (a side ≥ d(k − 1) + 1) are
    left out. Odd totals split as PyTorch's "same" does: the extra cell goes after.

    >>> [(s.kernel, s.stride, s.before, s.after)
    ...  for s in solve_padding(8, 4, kernels=(5, 5), strides=(2, 2))]
    [(5, 2, 1, 2), (5, 2, 2, 2)]
    """
    n, m = check_input_size((n, m))
    (k0, k1), (s0, s1) = pair(kernels, "kernel", minimum=1), pair(strides, "stride", minimum=1)
    d = pair(dilation, "dilation", minimum=1)[0]
    if k0 > k1 or s0 > s1:
        raise ValueError(f"ranges go from small to large: kernel {k0}..{k1}, stride {s0}..{s1}")
    if (k1 - k0 + 1) * (s1 - s0 + 1) > MAX_COMBOS:
        raise ValueError(f"at most {MAX_COMBOS} kernel × stride combinations at once; "
                         "narrow the ranges")
    found = []
    for k in range(k0, k1 + 1):
        for s in range(s0, s1 + 1):
            lo, hi = _totals(n, m, k, s, d)
            for total in range(lo, hi + 1):
                same = s == 1 and m == n  # then total = d(k − 1), PyTorch's "same"
                found.append(PaddingSolution(k, s, d, total // 2, total - total // 2, same))
    return found


def _totals(n: int, m: int, k: int, s: int, d: int) -> Pair:
    """The range of total paddings P with (m − 1)·s ≤ n + P − d(k − 1) − 1 < m·s, each side
    below the span (empty when lo > hi)."""
    reach = span(k, d)
    return max(0, (m - 1) * s + reach - n), min(m * s + reach - 1 - n, 2 * (reach - 1))


def no_solution_advice(n: int, m: int, *, kernels: Pair, strides: Pair, dilation: int = 1) -> str:
    """Why no kernel and stride in the ranges turns n into m, and what would.

    Only padding grows a size, and by at most d·(k − 1) (each side below the kernel's
    span); a stride s divides it by about s. The search for what would work covers the
    solver's own ranges (SOLVER_KERNELS, SOLVER_STRIDES).
    """
    (k0, k1), (s0, s1), d = kernels, strides, dilation

    def works(k: int, s: int) -> bool:
        lo, hi = _totals(n, m, k, s, d)
        return lo <= hi

    all_k = range(SOLVER_KERNELS[0], SOLVER_KERNELS[1] + 1)
    all_s = range(SOLVER_STRIDES[0], SOLVER_STRIDES[1] + 1)
    ratio = f"{n / m:.2f}".rstrip("0").rstrip(".")
    text = f"No kernel {_runs(range(k0, k1 + 1))} with stride {_runs(range(s0, s1 + 1))} " \
           f"turns {n} into {m}. "
    if m > n:
        text += (f"Only padding makes a size larger, by at most d·(k − 1) = {d * (k1 - 1)} with "
                 f"kernel {k1} (padding d·(k − 1) per side is the most allowed here: with more, "
                 "a whole window would sit in the zeros), and only with stride 1: a stride "
                 "makes it smaller. ")
    else:
        text += f"A stride s divides the size by about s ({n} / {m} ≈ {ratio}). "
    if ok := [s for s in all_s if any(works(k, s) for k in range(k0, k1 + 1))]:
        text += f"Stride {_runs(ok)} works with kernel {_runs(range(k0, k1 + 1))}. "
    elif ok := [k for k in all_k if any(works(k, s) for s in range(s0, s1 + 1))]:
        text += f"Kernel {_runs(ok)} works with stride {_runs(range(s0, s1 + 1))}. "
    elif not any(works(k, s) for k in all_k for s in all_s):
        text += f"No kernel {_runs(all_k)} with stride {_runs(all_s)} does either. "
    if m > n:
        text += (f"To grow {n} to {m}, use a transposed convolution (nn.ConvTranspose2d) or "
                 f"upsampling (nn.Upsample(size={m})), then a convolution that keeps the size.")
    else:
        text += "Or use several layers."
    return text.strip()


def _runs(values: Sequence[int]) -> str:
    """Sorted whole numbers, runs of three or more as a range: [1, 2, 3, 5] → "1–3, 5"."""
    parts, run = [], []
    for v in [*values, None]:
        if run and v == run[-1] + 1:
            run.append(v)
            continue
        if run:
            parts += [f"{run[0]}–{run[-1]}"] if len(run) > 2 else [str(r) for r in run]
        run = [v]
    return ", ".join(parts)


def strides_without_solution(found: list[PaddingSolution], strides: Pair) -> list[int]:
    """The strides in the inclusive range for which no kernel gave a solution."""
    return [s for s in range(strides[0], strides[1] + 1) if all(f.stride != s for f in found)]
