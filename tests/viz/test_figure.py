"""viz.figure.PlainFigure: what it sends is what Plotly's validated figure of the same dicts
sends, for every builder that makes one; it copies nothing it was given; it refuses changes."""

import json
import pickle

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import torch

from core import channels as ch
from core.formula import SEED_CELLS, window_map
from core.windows import sliding_windows
from viz import sliding
from viz.channels import groups_figure, matmul_figure, multi_in_figure, multi_out_figure
from viz.figure import PlainFigure
from viz.grid import heatmap, picture
from viz.learn import loss_curve, training_animation
from viz.shapes import window_figure


def _sent(fig) -> dict:
    """The JSON st.plotly_chart sends for fig (validate=False, as Streamlit calls it)."""
    return json.loads(pio.to_json(fig, validate=False))


def _builders():
    mi = ch.multi_in(ch.SEED_X, ch.SEED_K)
    T = ch.channel_tensors(ci=2, co=3, n=3, k=2)
    ob = ch.one_by_one(T.X, T.K1)
    rng = np.random.default_rng(0)
    W = np.array([[[1.0, -0.5]], [[1.5, -0.98765]], [[1.01, -0.98]]])
    P = np.arange(3 * 6 * 7, dtype=float).reshape(3, 6, 7) / 10
    return {
        "heatmap 3×3 with numbers": lambda: heatmap(np.arange(9.0).reshape(3, 3) / 7,
                                                     title="X", colorbar=True),
        "heatmap 40×40 colours only": lambda: heatmap(rng.normal(size=(40, 40))),
        "picture 300×260": lambda: picture(rng.normal(size=(300, 260)), title="P",
                                           colorbar=True),
        "window_figure": lambda: window_figure(window_map(SEED_CELLS[3]), title="W"),
        "multi_in_figure": lambda: multi_in_figure(ch.SEED_X, ch.SEED_K, mi.parts, mi.Y),
        "multi_out_figure": lambda: multi_out_figure(T.K, T.K.sum(axis=1)),
        "matmul_figure": lambda: matmul_figure(ob.Xm, ob.Km, ob.Ym, ob.Y1),
        "groups_figure": lambda: groups_figure(ch.group_mask(4, 8, 2), kernel="3×3"),
        "loss_curve with optimum, diverged": lambda: loss_curve(
            [9.0, 4.0, 1e9], total=5, optimum=0.5, diverged=True),
        "sliding animation 5×5, padding 1": lambda: sliding.animation(sliding_windows(
            torch.arange(25.0).reshape(5, 5), torch.arange(9.0).reshape(3, 3), padding=1)),
        "sliding snapshot": lambda: sliding.snapshot(sliding_windows(
            torch.arange(9.0).reshape(3, 3), torch.arange(4.0).reshape(2, 2)), 2, title="n"),
        "training_animation wide": lambda: training_animation(
            [9.0, 4.0, 2.0], [1, 2, 3], W, -W, P, P[-1], total=3, optimum=0.5),
        "training_animation phone": lambda: training_animation(
            [9.0, 4.0, 2.0], [1, 2, 3], W, -W, P, P[-1], total=3, optimum=0.5, width=340),
        "training_animation 20×20 levels": lambda: training_animation(
            [9.0, 4.0], [1, 2], W[:2], -W[:2], rng.normal(size=(2, 20, 20)),
            np.zeros((20, 20)), total=2),
    }


@pytest.mark.parametrize("name", list(_builders()))
def test_a_builder_sends_what_the_validated_figure_sends(name):
    fig = _builders()[name]()
    assert isinstance(fig, PlainFigure)
    validated = fig.validated()  # raises on any property Plotly does not know
    assert _sent(fig) == _sent(validated)


def test_nothing_given_is_copied_or_changed():
    z = np.arange(6.0).reshape(2, 3)
    trace = {"type": "heatmap", "z": z, "text": [["a", "b", "c"], ["d", "e", "f"]]}
    layout = {"height": 200, "title": None, "meta": {"numbers": True}}
    fig = PlainFigure([trace], layout)
    sent = fig.to_dict()
    assert trace["z"] is z  # the caller's dict keeps its array (the typed copy is sent)
    assert sent["data"][0]["z"]["dtype"] == "f8"  # a Plotly.js typed array
    assert sent["data"][0]["text"] is trace["text"]  # shared, not copied
    assert "title" not in sent["layout"]  # None left out, as go.Figure does
    assert sent["layout"]["template"] is fig.to_dict()["layout"]["template"]  # one template
    assert fig.plain_layout["meta"] == {"numbers": True}


def test_the_theme_template_is_the_default_one():
    fig = PlainFigure([{"type": "heatmap", "z": [[1]]}], {})
    expected = go.Figure().to_dict()["layout"]["template"]
    assert json.loads(json.dumps(fig.to_dict()["layout"]["template"])) == json.loads(
        json.dumps(expected, default=str))


def test_a_wrong_property_fails_when_validated():
    fig = PlainFigure([{"type": "heatmap", "z": [[1]], "colour": "red"}], {})
    with pytest.raises(ValueError):
        fig.validated()


@pytest.mark.parametrize("change", [
    lambda f: f.update_layout(height=10), lambda f: f.add_trace(go.Scatter()),
    lambda f: f.update_xaxes(range=[0, 1]), lambda f: f.add_shape(type="rect"),
])
def test_changes_are_refused(change):
    with pytest.raises(TypeError, match="read-only"):
        change(heatmap(np.eye(2)))


def test_it_survives_a_pickle_as_st_cache_data_makes():
    fig = heatmap(np.eye(3), title="I")
    back = pickle.loads(pickle.dumps(fig))
    assert isinstance(back, PlainFigure)
    assert _sent(back) == _sent(fig)


def test_figures_are_encoded_by_orjson(monkeypatch):
    """requirements.txt installs orjson: Plotly's JSON engine then (≈ 4× the standard
    library's speed on a figure), what st.plotly_chart's plotly.io.to_json uses."""
    import orjson

    calls = []
    real = orjson.dumps
    monkeypatch.setattr(orjson, "dumps", lambda *a, **k: calls.append(1) or real(*a, **k))
    pio.to_json(heatmap(np.eye(2)), validate=False)
    assert calls
