"""A stack of layers on a (C, H, W) input: shapes, parameters, MACs and receptive fields.

``plan`` walks the layers up to the first error; ``sequential_script`` writes the stack as
``nn.Sequential`` and ``run_plan`` runs it (on the meta device when it is large).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from core import geometry
from core.channels import ConvCost
from core.corr import check_groups
from core.errors import N_, CoreError
from core.formula import MAX_RUN_CELLS, MAX_RUN_MACS, MAX_RUN_PARAMS, check_input_size, format_count
from core.geometry import Pair, check_pool_padding, output_length, resolve_padding, span
from core.layers import (
    MAX_LAYER_CHANNELS,
    MAX_LAYERS,
    Layer,
    LayerError,
    NumberOutOfRange,
    Shape3,
    _chunks,
    format_layer,
    format_stack,
    parse_layer,
)
from core.torchcode import CodeRead, TooManyLayers, is_code, module_code, read_code


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


class ChannelError(CoreError):
    """A pasted conv's ``in_channels`` is not the number of channels that arrive."""

    template = N_("in_channels={written}, but {arriving} channels arrive here")
    alternative = N_("in_channels={written}, but {arriving} channel arrives here")
    fields_ = ("written", "arriving")

    def __init__(self, written: int, arriving: int) -> None:
        super().__init__(written=written, arriving=arriving)

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return fields["arriving"] == 1


def plan_layer(layer: Layer, shape: Shape3, rf: ReceptiveField) -> PlannedLayer:
    """One layer on a (C, H, W) input; ValueError naming the rule when PyTorch would refuse."""
    C, H, W = shape
    if layer.in_channels is not None and layer.in_channels != C:
        raise ChannelError(layer.in_channels, C)
    kh, kw = layer.kernel_size
    pads = resolve_padding(layer.padding, layer.kernel_size, stride=layer.stride,
                           dilation=layer.dilation)
    if layer.kind != "conv":
        check_pool_padding(layer.kernel_size, (pads[0][0], pads[1][0]))
    Ho = output_length(H, kh, *pads[0], layer.stride[0], layer.dilation[0], axis="the height")
    Wo = output_length(W, kw, *pads[1], layer.stride[1], layer.dilation[1], axis="the width")
    co, params, macs = C, 0, 0
    if layer.kind == "conv":
        co = layer.out_channels or C
        check_groups(C, co, layer.groups)
        cost = ConvCost(C, co, layer.kernel_size, (Ho, Wo), groups=layer.groups, bias=layer.bias)
        params, macs = cost.params, cost.macs
    rf = _receptive(rf, layer.kernel_size, layer.stride, layer.dilation, (pads[0][0], pads[1][0]))
    return PlannedLayer(layer, shape, (co, Ho, Wo), pads, params, macs, rf)


class ChannelFix(CoreError):
    """A ``ChannelError`` with where the arriving channels come from and the change that
    fits: the input (``layer`` None) or the last convolution before it (1-based)."""

    template = N_("in_channels={written}, but {arriving} channels arrive here (layer {layer} "
                  "makes {arriving}): write in_channels={arriving}, or out_channels={written} "
                  "in layer {layer}")
    alternative = N_("in_channels={written}, but {arriving} channels arrive here (the input "
                     "has {arriving}): set the input channels to {written}")
    fields_ = ("written", "arriving", "layer")

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return fields["layer"] is None


class ChannelFixOne(ChannelFix):
    """``ChannelFix`` when one channel arrives (its own wording: "1 channel arrives")."""

    template = N_("in_channels={written}, but 1 channel arrives here (layer {layer} makes 1): "
                  "write in_channels=1, or out_channels={written} in layer {layer}")
    alternative = N_("in_channels={written}, but 1 channel arrives here (the input has 1): "
                     "set the input channels to {written}")


def _channel_fix(e: ChannelError, rows: list[PlannedLayer]) -> ChannelFix:
    """The mismatch, where the arriving channels come from, and the change that fits."""
    convs = [j for j, r in enumerate(rows) if r.layer.kind == "conv"]
    kind = ChannelFixOne if e.arriving == 1 else ChannelFix
    return kind(written=e.written, arriving=e.arriving, layer=convs[-1] + 1 if convs else None)


def plan(input_shape: Shape3, layers: list[Layer]) -> Plan:
    """Shapes, parameters, MACs and receptive fields layer by layer, up to the first error.

    >>> from core.layers import parse_stack
    >>> p = plan((1, 28, 28), parse_stack("conv:6,5,1,2;pool:avg,2,2;conv:16,5;pool:avg,2"))
    >>> p.out_shape, p.params, p.rows[-1].rf.size
    ((16, 5, 5), 2572, (16, 16))
    """
    C, H, W = input_shape
    if not 1 <= C <= MAX_LAYER_CHANNELS:
        raise NumberOutOfRange(name="input channels", maximum=MAX_LAYER_CHANNELS, value=C)
    check_input_size((H, W))
    rows: list[PlannedLayer] = []
    rf, shape = ReceptiveField((1, 1), (1, 1), (0, 0)), (C, H, W)
    for i, layer in enumerate(layers):
        try:
            row = plan_layer(layer, shape, rf)
        except ValueError as e:
            why = _channel_fix(e, rows) if isinstance(e, ChannelError) else e
            where = f"`{layer.source}`" if layer.source else format_layer(layer)
            return Plan(input_shape, tuple(rows), LayerError(i, str(why), where, cause=why))
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
                                          LayerError(i, str(e), f"`{chunk}`", cause=e))
    p = plan(input_shape, layers)
    if p.error is None and len(chunks) > MAX_LAYERS:
        error = TooManyLayers(most=MAX_LAYERS, count=len(chunks))
        return Plan(p.input_shape, p.rows, LayerError(MAX_LAYERS, str(error), cause=error))
    return p


#: What each layer row of the planner shows, beside its settings.
RESULT_COLUMNS = ("output", "params", "MACs", "RF size", "RF jump", "RF start")


def table_rows(p: Plan, n: int) -> list[dict[str, str]]:
    """RESULT_COLUMNS for rows 0..n−1: numbers for planned layers, "✗" on the layer with
    the error, "—" after it (nothing flows past an error). Equal (h, w) pairs as one number."""
    xy = geometry.pair_text
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
    geometry = {"kernel_size": L.kernel_size, "stride": L.stride, "padding": L.padding}
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


def run_limit(p: Plan, gettext: Callable[[str], str] = str) -> str | None:
    """Why running the stack would cost too much, or None when it is cheap enough; worded by
    ``gettext`` (the reader's language; English by default)."""
    C, H, W = p.input_shape
    biggest = max([C * H * W] + [r.out_shape[0] * r.out_shape[1] * r.out_shape[2]
                                 for r in p.rows])
    f, _ = format_count, gettext
    if biggest > MAX_RUN_CELLS:
        return _("a tensor would hold {n} numbers (the run goes up to {limit})").format(
            n=f(biggest), limit=f(MAX_RUN_CELLS))
    if p.macs > MAX_RUN_MACS:
        return _("it needs {n} multiply-accumulates (up to {limit} are run)").format(
            n=f(p.macs), limit=f(MAX_RUN_MACS))
    if p.params > MAX_RUN_PARAMS:
        return _("it has {n} parameters (up to {limit} are run)").format(
            n=f(p.params), limit=f(MAX_RUN_PARAMS))
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


def compact_from_code(input_shape: Shape3, text: str) -> tuple[str, CodeRead] | None:
    """(compact text, what was read) for pasted code that reads and plans without error on
    ``input_shape`` (``CodeRead.note`` words it); None otherwise (then the code is kept as
    typed, since the compact form would drop the in_channels it is checked against)."""
    if not is_code(text):
        return None
    r = read_code(text)
    if r.error or not r.layers or plan(input_shape, list(r.layers)).error:
        return None
    return format_stack(list(r.layers)), r
