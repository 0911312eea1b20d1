"""PyTorch code text: the ``nn.Conv2d(...)`` calls the app writes, and pasted code it reads.

``module_code`` is the one place a layer's constructor call is written (the shapes and
channels pages, the padding solver, the ``nn.Sequential`` export). ``read_code`` reads
pasted ``nn.Conv2d`` / ``nn.MaxPool2d`` / ``nn.AvgPool2d`` calls with ``ast`` (nothing is
run) into ``core.layers.Layer`` records.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass

from torch import nn

from core.errors import ENGLISH, N_, CoreError, Words
from core.geometry import pair
from core.layers import (
    LAYER_NAMES,
    MAX_LAYER_CHANNELS,
    MAX_LAYERS,
    ROW_KEYS,
    Kind,
    Layer,
    LayerError,
    NotABool,
    _chunks,
    _fields,
    layer_fields,
    parse_layer,
)
from core.pysource import parse

#: PyTorch's defaults for the arguments written out; a pool's stride defaults to its kernel.
_DEFAULTS: dict[str, dict[str, object]] = {
    "Conv2d": {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True,
               "padding_mode": "zeros"},
    "MaxPool2d": {"stride": "kernel_size", "padding": 0, "dilation": 1},
    "AvgPool2d": {"stride": "kernel_size", "padding": 0},
    "ConvTranspose2d": {"stride": 1, "padding": 0, "output_padding": 0, "groups": 1,
                        "bias": True, "dilation": 1, "padding_mode": "zeros"},
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


# -- what the code reader refuses (core.errors: the template is the message id) -----------
class StarredArguments(CoreError):
    template = N_("write the arguments out: * and ** are not read")
    fields_ = ()


class NotAValue(CoreError):
    template = N_("`{code}` is not a value: the planner reads numbers, tuples, strings and "
                  "True/False; it runs no code")
    fields_ = ("code",)


class _Binding(CoreError):
    """Arguments PyTorch's signature does not take (``signature``: the call's parameters)."""


class TooManyArguments(_Binding):
    template = N_("too many positional arguments: {given}, at most {most}; PyTorch's "
                  "signature is {signature}")
    fields_ = ("given", "most", "signature")


class ArgumentTwice(_Binding):
    template = N_("multiple values for argument {name!r}; PyTorch's signature is {signature}")
    fields_ = ("name", "signature")


class MissingArgument(_Binding):
    template = N_("missing a required argument: {name!r}; PyTorch's signature is {signature}")
    fields_ = ("name", "signature")


class UnknownArgument(_Binding):
    template = N_("got an unexpected keyword argument {name!r}; PyTorch's signature is "
                  "{signature}")
    fields_ = ("name", "signature")


class BadPaddingMode(CoreError):
    template = N_("padding_mode must be one of {modes}, got {value!r}")
    fields_ = ("modes", "value")


class CeilModeNotPlanned(CoreError):
    template = N_("ceil_mode=True rounds the output size up (⌈ ⌉); the planner follows "
                  "PyTorch's default, the floor (ceil_mode=False)")
    fields_ = ()


class ReturnIndicesNotPlanned(CoreError):
    template = N_("return_indices=True makes the pool return (values, indices), which the "
                  "next layer cannot take")
    fields_ = ()


class BadPaddingWord(CoreError):
    template = N_('padding must be a number, a pair, "same" or "valid", got {value!r}')
    fields_ = ("value",)


class BadCount(CoreError):
    template = N_("{name} must be a whole number 1..{maximum}, got {value!r}")
    fields_ = ("name", "maximum", "value")


class NotPython(CoreError):
    template = N_("the code does not parse as Python (line {line}: {reason})")
    alternative = N_("the code does not parse as Python ({reason})")
    fields_ = ("line", "reason")

    @staticmethod
    def use_alternative(fields: dict) -> bool:
        return fields["line"] is None


class NotAPlannerLayer(CoreError):
    template = N_("not a layer the planner reads: it reads nn.Conv2d, nn.MaxPool2d and "
                  "nn.AvgPool2d, and skips layers that keep the shape (ReLU, BatchNorm2d, …)")
    fields_ = ()


class TooManyLayers(CoreError):
    template = N_("at most {most} layers; remove some")
    alternative = N_("at most {most} layers, got {count}; remove some")
    fields_ = ("most", "count")

    @staticmethod
    def use_alternative(fields: dict) -> bool:
        return fields["count"] is not None


def _bind(name: str, args: list, kwargs: dict) -> dict[str, object]:
    """The arguments by parameter name, checked against PyTorch's signature in the order
    Python's own binding checks them (its messages, as typed errors)."""
    params = list(_SIGNATURES[name].parameters.values())
    signature = _signature(name)
    if len(args) > len(params):
        raise TooManyArguments(given=len(args), most=len(params), signature=signature)
    given = {p.name: v for p, v in zip(params, args)}
    for key in kwargs:
        if key in given:
            raise ArgumentTwice(name=key, signature=signature)
    for p in params:
        if p.default is p.empty and p.name not in given and p.name not in kwargs:
            raise MissingArgument(name=p.name, signature=signature)
    for key in kwargs:
        if key not in _SIGNATURES[name].parameters:
            raise UnknownArgument(name=key, signature=signature)
    return given | kwargs


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

    def note(self, words: Words = ENGLISH) -> str:
        """One line for the page: what was read, skipped and left out; ``words``: the
        reader's (gettext, ngettext), English by default."""
        _, ngettext = words
        n = len(self.layers)
        text = ngettext("Read {n} layer from the pasted PyTorch code",
                        "Read {n} layers from the pasted PyTorch code", n).format(n=n)
        if self.skipped:
            names = sorted(set(self.skipped), key=self.skipped.index)
            text += ngettext("; skipped {n} that keeps the shape ({names})",
                             "; skipped {n} that keep the shape ({names})",
                             len(self.skipped)).format(n=len(self.skipped),
                                                       names=", ".join(names))
        if self.values_only:
            text += _("; left out {names} (values, not shapes)").format(
                names=", ".join(self.values_only))
        return text + _(".")


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
            raise StarredArguments()
        try:
            v = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise NotAValue(code=ast.unparse(value)) from None
        if isinstance(node, ast.keyword):
            if node.arg in kwargs:  # ast parses a repeated keyword; compiling it would fail
                raise ArgumentTwice(name=node.arg, signature=_signature(name))
            kwargs[node.arg] = v
        else:
            args.append(v)
    given = _bind(name, args, kwargs)
    arg = {p: given.get(p, v.default) for p, v in _SIGNATURES[name].parameters.items()}
    kind = CODE_LAYERS[name]
    for key, default in _VALUES_ONLY.items():
        if key in given and given[key] != default:
            values_only.append(f"{key}={given[key]!r}")
    if arg.get("padding_mode", "zeros") not in _PADDING_MODES:
        raise BadPaddingMode(modes=", ".join(map(repr, _PADDING_MODES)),
                             value=arg["padding_mode"])
    if arg.get("ceil_mode"):
        raise CeilModeNotPlanned()
    if arg.get("return_indices"):
        raise ReturnIndicesNotPlanned()
    kernel = pair(arg["kernel_size"], "kernel_size", minimum=1)
    stride = kernel if arg["stride"] is None else pair(arg["stride"], "stride", minimum=1)
    padding = arg["padding"]
    if isinstance(padding, str) and kind == "conv":
        if padding not in ("same", "valid"):
            raise BadPaddingWord(value=padding)
    else:
        padding = pair(padding, "padding", minimum=0)
    dilation = pair(arg.get("dilation", 1), "dilation", minimum=1)
    if kind != "conv":
        return Layer(kind, kernel, stride, padding, dilation, source=source)
    counts = [_count(arg[k], k) for k in ("in_channels", "out_channels", "groups")]
    if not isinstance(arg["bias"], bool):
        raise NotABool(name="bias", text=arg["bias"])
    return Layer("conv", kernel, stride, padding, dilation, counts[1], counts[2], arg["bias"],
                 counts[0], source)


def _count(v: object, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_LAYER_CHANNELS:
        raise BadCount(name=name, maximum=MAX_LAYER_CHANNELS, value=v)
    return v


def read_code(text: str) -> CodeRead:
    """Layers from pasted PyTorch: ``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AvgPool2d`` calls (also
    ``torch.nn.`` or bare), one per line, in a list or in ``nn.Sequential(...)``, arguments
    as PyTorch's signatures take them. Parsed with ``ast``, values read with
    ``ast.literal_eval``: nothing is run. Layers that keep the shape (ReLU, BatchNorm2d, …)
    are skipped and listed; anything else stops the reading, naming the piece.

    >>> r = read_code("nn.Sequential(nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3), "
    ...               "nn.ReLU(), nn.MaxPool2d(3, 2, 1))")
    >>> from core.layers import format_stack
    >>> format_stack(list(r.layers)), r.skipped
    ('conv:64,7,2,3;pool:max,3,2,1', ('ReLU',))
    """
    source = textwrap.dedent(text).strip()
    try:
        pieces = _items(parse(source))
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        error = NotPython(line=e.lineno, reason=e.msg) if isinstance(e, SyntaxError) else \
            NotPython(line=None, reason=str(e))
        return CodeRead((), error=LayerError(0, str(error), cause=error))
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
                raise NotAPlannerLayer()
            if len(layers) == MAX_LAYERS:
                raise TooManyLayers(most=MAX_LAYERS, count=None)
            layers.append(_code_layer(node, name, piece, values_only))
        except ValueError as e:
            return CodeRead(tuple(layers), tuple(skipped), tuple(values_only),
                            LayerError(len(layers), str(e), f"`{piece}`", cause=e))
    return CodeRead(tuple(layers), tuple(skipped), tuple(values_only))


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
