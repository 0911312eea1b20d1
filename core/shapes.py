"""Shapes, parameters and receptive fields through convolution and pooling layers.

Everything the shapes page computes: one convolution's output shape written out in
both conventions (PyTorch's per-side ``padding`` and d2l's total ``p_h``), a stack of
layers in a compact text form (``"conv:16,3,1,1;pool:max,2,2"``), its per-layer
shapes, parameters, multiply-accumulates and receptive fields, the equivalent
``nn.Sequential`` code, and a padding solver. Checks against PyTorch run only where
the tensors are small (``MAX_RUN_*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
#: Padding solver: most (kernel, stride) combinations tried in one go.
MAX_COMBOS = 512

#: How the planner table names each kind, and back.
LAYER_NAMES: dict[str, str] = {"conv": "conv", "max": "max pool", "avg": "avg pool"}
_KINDS = {v: k for k, v in LAYER_NAMES.items()}
#: Field names per kind, in ``nn.Conv2d`` / ``nn.MaxPool2d`` positional order.
FIELDS: dict[str, tuple[str, ...]] = {
    "conv": ("out", "kernel", "stride", "padding", "dilation", "groups"),
    "max": ("kernel", "stride", "padding", "dilation"),
    "avg": ("kernel", "stride", "padding"),
}
ROW_KEYS = ("layer", "out", "kernel", "stride", "padding", "dilation", "groups")


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
        """The ``nn.Conv2d`` call the seed would write for this geometry (1 channel in/out)."""
        kw = [f"kernel_size={_arg(self.kernel)}"]
        kw += [f"padding={_arg(self.padding)}"] if self.padding != (0, 0) else []
        kw += [f"stride={_arg(self.stride)}"] if self.stride != (1, 1) else []
        kw += [f"dilation={_arg(self.dilation)}"] if self.dilation != (1, 1) else []
        return f"nn.Conv2d(1, 1, {', '.join(kw)})"

    def label(self) -> str:
        """Short name with the output the rule gives: "k3 p1 → 8×8" (input left out)."""

        def short(p: Pair) -> str:
            return str(p[0]) if p[0] == p[1] else f"({p[0]},{p[1]})"

        out = conv_output_shape(self.input_size, self.kernel, padding=self.padding,
                                stride=self.stride, dilation=self.dilation)
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


def _floor_steps(a: int, b: int, plus: str = "") -> str:
    """"⌊7 / 2⌋ + 1 = ⌊3.5⌋ + 1 = 3 + 1 = 4": the division, then what the floor does to it."""
    steps = [f"⌊{a} / {b}⌋{plus}"]
    if a % b:
        steps.append(f"⌊{a / b:.3g}⌋{plus}".replace("-", "−"))
    if plus:
        steps.append(f"{a // b}{plus}")
    steps.append(str(a // b + (1 if plus else 0)))
    return " = ".join(steps).replace("(-", "(−")


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
    H, W = g.input_size
    if H * W > MAX_RUN_CELLS:
        return f"the input has {H * W:,} cells (the check runs up to {MAX_RUN_CELLS:,})"
    work = out[0] * out[1] * g.kernel[0] * g.kernel[1]
    if work > MAX_RUN_MACS:
        return f"it needs {work:,} multiply-accumulates (the check runs up to {MAX_RUN_MACS:,})"
    return None


def torch_output_shape(g: ConvGeometry) -> Pair:
    """(H_out, W_out) that ``nn.Conv2d(1, 1, ...)`` gives on ``torch.zeros(1, 1, H, W)``.

    Call only when ``torch_check_limit`` is None; torch's own errors come out as ValueError.
    """
    conv = nn.Conv2d(1, 1, g.kernel, stride=g.stride, padding=g.padding, dilation=g.dilation,
                     bias=False)
    try:
        with torch.no_grad():
            Y = conv(torch.zeros((1, 1) + tuple(g.input_size)))  # (1, 1, H_out, W_out)
    except (RuntimeError, ValueError) as e:
        raise ValueError(f"PyTorch refused: {e}") from None
    return int(Y.shape[2]), int(Y.shape[3])


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
    the input's channel count.
    """

    kind: Kind
    kernel: Pair
    stride: Pair
    padding: Padding = (0, 0)
    dilation: Pair = (1, 1)
    out_channels: int | None = None
    groups: int = 1


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
    out = groups = None
    if kind == "conv":
        out = _int(f.get("out"), "out channels", maximum=MAX_CHANNELS) if f.get("out") else None
        groups = _int(f.get("groups") or "1", "groups", maximum=MAX_CHANNELS)
    return Layer(kind, kernel, stride, padding, dilation, out, groups or 1)


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
        f |= {"out": str(layer.out_channels or ""), "groups": str(layer.groups)}
    return {k: f.get(k, "") for k in FIELDS[layer.kind]}


def format_layer(layer: Layer) -> str:
    """The compact text form, leaving out trailing defaults.

    >>> format_layer(parse_layer("pool: MAX, 2"))
    'pool:max,2,2'
    """
    f = layer_fields(layer)
    defaults = {"padding": "0", "dilation": "1", "groups": "1"}
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
    layer that does not parse as its raw fields, so it can be fixed in the table."""
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
        rows.append({"layer": LAYER_NAMES.get(kind, "")} | {k: f.get(k, "") for k in ROW_KEYS[1:]})
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


def plan_layer(layer: Layer, shape: Shape3, rf: ReceptiveField) -> PlannedLayer:
    """One layer on a (C, H, W) input; ValueError naming the rule when PyTorch would refuse."""
    C, H, W = shape
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
        params, macs = co * per_out + co, co * Ho * Wo * per_out  # + co: the biases
    rf = _receptive(rf, layer.kernel, layer.stride, layer.dilation, (pads[0][0], pads[1][0]))
    return PlannedLayer(layer, shape, (co, Ho, Wo), pads, params, macs, rf)


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
            return Plan(input_shape, tuple(rows),
                        LayerError(i, f"layer {i + 1} ({format_layer(layer)}): {e}"))
        rows.append(row)
        rf, shape = row.rf, row.out_shape
    return Plan(input_shape, tuple(rows))


def plan_text(input_shape: Shape3, text: str) -> Plan:
    """``plan`` of a stack in text form: a layer that does not parse stops it like a layer
    that does not fit, so the layers before it still get their shapes."""
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
            values = ("×".join(map(str, r.out_shape)), human(r.params), human(r.macs),
                      xy(r.rf.size), xy(r.rf.jump), xy(r.rf.start).replace("-", "−"))
        else:
            bad = p.error is not None and p.error.index == i
            values = ("✗ see below",) + ("",) * 5 if bad else ("—",) * 6
        rows.append(dict(zip(RESULT_COLUMNS, values)))
    return rows


#: The planner's default: the convolution part of d2l's LeNet (§6.6) on a 1×28×28 image.
LENET_INPUT: Shape3 = (1, 28, 28)
LENET = "conv:6,5,1,2;pool:avg,2,2;conv:16,5,1,0;pool:avg,2,2"


def _arg(p: Padding) -> str:
    return f'"{p}"' if isinstance(p, str) else str(p[0]) if p[0] == p[1] else str(tuple(p))


def _module(row: PlannedLayer) -> str:
    """The PyTorch constructor for one planned layer, defaults left out."""
    L = row.layer
    kw = [f"kernel_size={_arg(L.kernel)}"]
    default_stride = (1, 1) if L.kind == "conv" else L.kernel
    kw += [f"stride={_arg(L.stride)}"] if L.stride != default_stride else []
    kw += [f"padding={_arg(L.padding)}"] if L.padding not in ((0, 0), "valid") else []
    kw += [f"dilation={_arg(L.dilation)}"] if L.dilation != (1, 1) else []
    if L.kind == "conv":
        kw += [f"groups={L.groups}"] if L.groups != 1 else []
        return f"nn.Conv2d({row.in_shape[0]}, {row.out_shape[0]}, {', '.join(kw)})"
    return f"nn.{'MaxPool2d' if L.kind == 'max' else 'AvgPool2d'}({', '.join(kw)})"


def sequential_script(p: Plan) -> str:
    """A runnable script: the stack as ``nn.Sequential``, fed a zero tensor of the input
    shape; ``Y`` holds the output. Built only from validated numbers (``run_script``
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
    if biggest > MAX_RUN_CELLS:
        return f"a tensor would hold {biggest:,} numbers (the check runs up to {MAX_RUN_CELLS:,})"
    if p.macs > MAX_RUN_MACS:
        return f"it needs {p.macs:,} multiply-accumulates (up to {MAX_RUN_MACS:,} are run)"
    if p.params > MAX_RUN_PARAMS:
        return f"it has {p.params:,} parameters (up to {MAX_RUN_PARAMS:,} are run)"
    return None


def run_script(script: str) -> tuple[int, ...]:
    """Execute a ``sequential_script`` and return ``Y.shape`` (batch dimension included)."""
    namespace: dict[str, object] = {}
    with torch.no_grad():
        exec(compile(script, "<nn.Sequential export>", "exec"), namespace)  # noqa: S102
    return tuple(namespace["Y"].shape)  # type: ignore[attr-defined]


def human(n: int) -> str:
    """Counts as people read them: exact below 10 000, else 3 digits and a unit.

    >>> human(2572), human(284_000), human(12_345_678)
    ('2,572', '284 k', '12.3 M')
    """
    for unit, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= max(size, 10_000):
            return f"{n / size:.3g} {unit}"
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

    def pytorch(self) -> str:
        """How to ask PyTorch for it."""
        if self.before == self.after:
            return f"padding={self.before}" + (' or padding="same"' if self.same else "")
        if self.same:
            return 'padding="same"'
        return f"nn.ZeroPad2d / F.pad: {self.before} before, {self.after} after"

    def row(self) -> dict[str, object]:
        """One line of the solver's table."""
        return {"kernel": self.kernel, "stride": self.stride, "dilation": self.dilation,
                "padding before": self.before, "padding after": self.after,
                "d2l total p": self.total, "same": "✓" if self.same else "",
                "in PyTorch": self.pytorch()}


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
        reach = span(k, d)
        for s in range(s0, s1 + 1):
            lo, hi = max(0, (m - 1) * s + reach - n), min(m * s + reach - 1 - n, 2 * (reach - 1))
            for total in range(lo, hi + 1):
                same = s == 1 and m == n  # then total = d(k − 1), PyTorch's "same"
                found.append(PaddingSolution(k, s, d, total // 2, total - total // 2, same))
    return found


def strides_without_solution(found: list[PaddingSolution], strides: Pair) -> list[int]:
    """The strides in the inclusive range for which no kernel gave a solution."""
    return [s for s in range(strides[0], strides[1] + 1) if all(f.stride != s for f in found)]
