"""What `core` refuses, as data: one ``ValueError`` subclass per rule, carrying its numbers.

A page decides what to say by the error's type, never by matching its text, and a translation
rebuilds the message from ``template`` and ``fields`` in the reader's language: the English
``template`` is the message id. ``str(error)`` is the English message.

>>> e = NoOutput(axis="height", n=3, k=5, dilation=1, before=0, after=0)
>>> isinstance(e, ValueError), e.reach, e.padded
(True, 5, 3)
>>> str(e)
'no output along the height: kernel 5 with dilation 1 spans 5 > padded input 3 (= 3 + 0 + 0); use a smaller kernel or dilation, or more padding'
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar


def N_(message: str) -> str:
    """Mark ``message`` for the translation catalog without translating it here (gettext's
    convention for messages defined at import time)."""
    return message


def _plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


#: Words core writes (descriptions, notes) in English: (gettext, ngettext). A page passes its
#: visitor's language instead (an ``i18n.Texts`` unpacks the same way); core knows no catalog.
ENGLISH: tuple[Callable[[str], str], Callable[[str, str, int], str]] = (str, _plural)
Words = Iterable[Callable[..., str]]


class CoreError(ValueError):
    """A rejected input: ``template`` (str.format fields) plus the fields that fill it.

    Subclasses name their fields in ``fields_``; every field is also an attribute. A rule
    worded two ways (a singular, a missing axis) gives the other wording as ``alternative``
    and says when it applies in ``use_alternative``.
    """

    template: ClassVar[str] = N_("{detail}")
    alternative: ClassVar[str | None] = None
    fields_: ClassVar[tuple[str, ...]] = ("detail",)

    def __init__(self, **fields: Any) -> None:
        missing = set(self.fields_) - set(fields)
        if missing:
            raise TypeError(f"{type(self).__name__} needs {sorted(missing)}")
        self.fields = {**fields, **self.derived(fields)}
        for name, value in self.fields.items():
            setattr(self, name, value)
        super().__init__(self.message_id().format(**self.fields))

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        """Numbers the message shows that follow from the fields (none by default)."""
        return {}

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        """Whether these fields take the ``alternative`` wording (never by default)."""
        return False

    def message_id(self) -> str:
        """The English template this error's message is built from (the catalog's key)."""
        if self.alternative is not None and self.use_alternative(self.fields):
            return self.alternative
        return self.template

    def __reduce__(self):  # picklable (st.cache_data stores exceptions it re-raises)
        return _rebuild, (type(self), {k: self.fields[k] for k in self.fields_})


def _rebuild(cls: type[CoreError], fields: dict[str, Any]) -> CoreError:
    return cls(**fields)


class GeometryValueError(CoreError):
    """A kernel size, padding, stride or dilation that is not a whole number or a pair."""

    template = N_("{name} must be an int or an (h, w) pair of ints, got {value!r}")
    fields_ = ("name", "value")


class TooSmall(GeometryValueError):
    template = N_("{name} must be at least {minimum}, got {value}")
    fields_ = ("name", "minimum", "value")


class TooLarge(GeometryValueError):
    template = N_("{name} must be at most {maximum}, got {value}")
    fields_ = ("name", "maximum", "value")


class NoOutput(CoreError):
    """No window fits along one axis: the dilated kernel is longer than the padded input."""

    template = N_(
        "no output along the {axis}: kernel {k} with dilation {dilation} spans {reach} > padded "
        "input {padded} (= {n} + {before} + {after}); use a smaller kernel or dilation, or more "
        "padding"
    )
    alternative = N_(  # no axis named: a 1-D length
        "no output: kernel {k} with dilation {dilation} spans {reach} > padded input {padded} "
        "(= {n} + {before} + {after}); use a smaller kernel or dilation, or more padding"
    )
    fields_ = ("axis", "n", "k", "dilation", "before", "after")

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return not fields["axis"]

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        return {"reach": fields["dilation"] * (fields["k"] - 1) + 1,
                "padded": fields["n"] + fields["before"] + fields["after"]}


class SameNeedsStride1(CoreError):
    template = N_(
        'padding="same" needs stride 1 (as in PyTorch), got stride {stride}: with a larger '
        "stride no padding keeps the size; use a number instead"
    )
    fields_ = ("stride",)


class PaddingTooLarge(CoreError):
    """Reflect padding must be smaller than the input; circular padding wraps at most once."""

    template = N_(
        "reflect padding must be smaller than the input on each axis: padding {padding} on an "
        "input of {H}×{W}; use less padding or another padding mode"
    )
    alternative = N_(
        "circular padding can wrap at most once: padding {padding} on an input of {H}×{W}; use "
        "less padding or another padding mode"
    )
    fields_ = ("mode", "padding", "H", "W")

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return fields["mode"] == "circular"


class ChannelMismatch(CoreError):
    """X's input channels (per group) differ from K's."""

    template = N_(
        "channel mismatch: X has {x_channels} input channels but K has {k_channels}; they must "
        "be equal"
    )
    alternative = N_(
        "channel mismatch: X has {x_channels} input channels per group (groups={groups}) but K "
        "has {k_channels}; they must be equal"
    )
    fields_ = ("x_channels", "k_channels", "groups")

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return fields["groups"] > 1


class GroupsMismatch(CoreError):
    """``groups`` must divide both channel counts."""

    template = N_(
        "groups={groups} must divide both the input channels ({ci}) and the output channels "
        "({co}); try a divisor of both"
    )
    fields_ = ("groups", "ci", "co")


class NotAKernelShape(CoreError):
    template = N_("a 1×1 convolution needs K of shape (co, ci, 1, 1), got {shape}")
    fields_ = ("shape",)


class UnknownName(CoreError):
    """A named preset (kernel, picture, example) that does not exist."""

    template = N_("unknown {what} {name!r}; choose one of {choices}")
    fields_ = ("what", "name", "choices")


class OutOfRange(CoreError):
    """A whole number outside [lo, hi]."""

    template = N_("{name} must be a whole number from {lo} to {hi}, got {value!r}")
    fields_ = ("name", "lo", "hi", "value")


class ImageRefused(CoreError):
    """An upload that is not a picture ConvScope can use."""


class EmptyFile(ImageRefused):
    template = N_("the file is empty")
    fields_ = ()


class FileTooLarge(ImageRefused):
    template = N_("the file is {megabytes:.1f} MB; at most {max_megabytes} MB is accepted: save "
                  "a smaller picture")
    fields_ = ("megabytes", "max_megabytes")


class NotAnImage(ImageRefused):
    template = N_("this is not an image: upload a PNG or JPEG file")
    fields_ = ()


class FormatRefused(ImageRefused):
    template = N_("{format} files are not accepted: upload a PNG or JPEG file")
    fields_ = ("format",)


class TooManyPixels(ImageRefused):
    """More pixels than allowed; ``width`` and ``height`` are None when the header hid them."""

    template = N_("the picture has {width}×{height} = {millions:.0f} million pixels; at most "
                  "{max_millions:g} million are accepted (it would be scaled to {max_side} px "
                  "anyway): scale it down before uploading")
    alternative = N_("the picture has far too many pixels; at most {max_millions:g} million "
                          "are accepted (it would be scaled to {max_side} px anyway): scale it "
                          "down before uploading")
    fields_ = ("width", "height", "max_pixels", "max_side")

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        w, h = fields["width"], fields["height"]
        return {"millions": w * h / 1e6 if w and h else 0.0,
                "max_millions": fields["max_pixels"] / 1e6}

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return not (fields["width"] and fields["height"])


class Undecodable(ImageRefused):
    template = N_("the image could not be decoded; the file may be truncated or damaged "
                  "({reason})")
    fields_ = ("reason",)


class PoolPaddingTooLarge(CoreError):
    """A pool's padding above half its kernel: PyTorch refuses it (a window could then lie
    wholly on padding)."""

    template = N_(
        "a pool's padding must be at most half its kernel (PyTorch's rule): padding {padding} > "
        "{k} // 2 along the {axis}; use at most {limit}"
    )
    fields_ = ("axis", "padding", "k")

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        return {"limit": fields["k"] // 2}


class OutputPaddingTooLarge(CoreError):
    """``output_padding`` of a transposed convolution not below its stride or its dilation."""

    template = N_(
        "output_padding must be smaller than the stride or the dilation (PyTorch's rule): "
        "output_padding {output_padding} along the {axis} with stride {stride} and dilation "
        "{dilation}; use at most {limit}"
    )
    fields_ = ("axis", "output_padding", "stride", "dilation")

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        return {"limit": max(fields["stride"], fields["dilation"]) - 1}


class TransNoOutput(CoreError):
    """A transposed convolution whose padding crops away every output cell."""

    template = N_(
        "no output along the {axis}: (n − 1)·s − 2p + d·(k − 1) + output_padding + 1 = "
        "({n} − 1)·{stride} − 2·{padding} + {dilation}·({k} − 1) + {output_padding} + 1 = "
        "{out}; use less padding"
    )
    fields_ = ("axis", "n", "k", "padding", "stride", "dilation", "output_padding")

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        from core.geometry import trans_output_length  # geometry imports this module

        f = fields
        return {"out": trans_output_length(f["n"], f["k"], f["padding"], f["stride"],
                                           f["dilation"], f["output_padding"])}


class TooManyElements(CoreError):
    """A result (an output, a matrix, an animation's record) above its size cap, refused
    before it is computed."""

    template = N_(
        "the result would have {elements} numbers (shape {shape}); at most {maximum} are "
        "allowed: use a smaller input, kernel or stride"
    )
    fields_ = ("shape", "maximum")

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        elements = 1
        for n in fields["shape"]:
            elements *= n
        return {"elements": elements}
