"""A figure kept as the plain dict Plotly.js reads, for the figures drawn on every rerun.

``go.Figure`` validates every property on the way in (``heatmap`` of a 3×3 grid: ≈ 1 ms) and
deep-copies the figure, its theme template included, on the way out (``to_dict``, what
``st.plotly_chart`` sends: ≈ 0.5 ms for an empty figure). ConvScope's figures are built from
numbers by its own code, so ``PlainFigure`` skips both: it holds ``data`` and ``layout`` as
given and hands them out uncopied, with the session's theme template (Streamlit's, set when
Streamlit is imported) added by reference. Tests validate each builder's output once, through
``validated()`` (what ``.data`` / ``.layout`` read), so a wrong property still fails loudly.

A PlainFigure is read-only: the ``update_*`` / ``add_*`` methods of ``go.Figure`` are not
available (they raise); build the dicts completely first.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import is_skipped_key, to_typed_array_spec  # go.Figure.to_dict's

#: Plotly's test of a key whose value is never a typed array, memoized (a figure with frames
#: asks it for every key of every frame).
_skipped = cache(is_skipped_key)


@cache
def _template(name: str) -> dict:
    """A named template as a plain dict, made once per name and shared read-only."""
    return pio.templates[name].to_plotly_json()


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _without_none(d: dict) -> dict:
    """A layout without None values and empty lists (no shapes, no annotations): go.Figure
    drops both, and Plotly.js would read a null."""
    return {k: v for k, v in d.items() if v is not None and not (isinstance(v, list) and not v)}


def _typed(v: Any) -> Any:
    """v with every NumPy array as a typed-array spec, the dicts and lists holding one copied
    (the rest shared): Plotly's ``convert_to_base64`` without writing into v."""
    if type(v) in _LEAVES:  # most values: a figure's (or a frame's) text, numbers and flags
        return v
    if isinstance(v, np.ndarray):
        return to_typed_array_spec(v)
    if isinstance(v, dict):
        out = {k: x if _skipped(k) else _typed(x) for k, x in v.items()}
        return v if all(out[k] is x for k, x in v.items()) else out
    # A list is walked when its first item is a container: the traces, shapes, frames and
    # rows of a grid are homogeneous, and a grid's labels (a list of strings) are not walked
    # string by string. An array missed here is still sent right, as a list of numbers.
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], (dict, list, tuple, np.ndarray)):
        first = v[0]
        if isinstance(first, (list, tuple)) and first and not isinstance(
                first[0], (dict, list, tuple, np.ndarray)):
            return v  # a grid of numbers or labels, row by row: nothing to convert
        out = [_typed(x) for x in v]
        return v if all(a is b for a, b in zip(out, v)) else out
    return v


class PlainFigure(go.Figure):
    """``go.Figure`` whose content stays the plain dicts it was made from (see the module)."""

    def __init__(self, data: list[dict], layout: dict,
                 frames: list[dict] | None = None) -> None:  # noqa: D107
        # go.Figure.__init__ is skipped on purpose: it validates and copies.
        layout = _without_none(layout)
        object.__setattr__(self, "_plain", (data, layout, frames or []))
        # What is sent: NumPy arrays as Plotly.js typed arrays (base64), as go.Figure.to_dict
        # writes them; made once, the given dicts are left as they are (``validated`` reads).
        object.__setattr__(self, "_sent", (_typed(data), _typed(layout), _typed(frames or [])))
        object.__setattr__(self, "_checked", None)

    def to_dict(self) -> dict:
        data, layout, frames = self._sent
        if "template" not in layout and pio.templates.default:
            layout = {"template": _template(pio.templates.default), **layout}
        return {"data": data, "layout": layout, **({"frames": frames} if frames else {})}

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def validated(self) -> go.Figure:
        """The same figure through Plotly's validation (raises on a wrong property)."""
        if self._checked is None:
            data, layout, frames = self._plain
            object.__setattr__(self, "_checked", go.Figure(
                {"data": data, "layout": layout, "frames": frames}))
        return self._checked

    @property
    def data(self) -> Any:
        return self.validated().data

    @property
    def layout(self) -> Any:
        return self.validated().layout

    @property
    def frames(self) -> Any:
        return self.validated().frames

    @property
    def plain_layout(self) -> dict:
        """The layout as given (read, don't change): cheaper than ``layout``, which validates."""
        return self._plain[1]

    def __repr__(self) -> str:
        return f"PlainFigure({len(self._plain[0])} traces)"

    def __reduce__(self):
        return PlainFigure, self._plain

    def __getattr__(self, name: str) -> Any:
        # Only reached for names go.Figure's own machinery would find in the state that
        # __init__ skipped: a PlainFigure is not changed after it is made.
        raise AttributeError(f"PlainFigure is read-only and plain: no {name!r}")


def _read_only(name: str):
    def refuse(self, *args, **kwargs):
        raise TypeError(f"PlainFigure is read-only: build its dicts whole instead of {name}()")
    refuse.__name__ = name
    return refuse


# go.Figure's changing methods would change the validated copy and be lost: refuse them.
for _name in ("update", "update_layout", "update_traces", "update_xaxes", "update_yaxes",
              "add_trace", "add_traces", "add_shape", "add_annotation", "add_hline",
              "add_vline", "add_hrect", "add_vrect", "add_layout_image", "plotly_update",
              "batch_update", "set_subplots", "for_each_trace", "update_annotations",
              "update_shapes"):
    setattr(PlainFigure, _name, _read_only(_name))
