"""What the learning page offers in one click, and the book's editions whose numbers it quotes.

Page state, not math: ``SETUPS`` are widget values by name, which ``use`` sets (adding the
page's ``lk_`` prefix); ``divergence_text`` says why a run diverged and which values fix it.
A label claims no more than its values and its run bear out; tests/app/test_learn.py trains
every set-up and checks its label against the values and the outcome. Labels are message ids
(the page shows ``_(setup.label)``); the texts are worded in the session's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from core import learn
from core.images import stripes
from i18n import N_, fmt, sentences
from ui.lang import gettext_for_session


@dataclass(frozen=True)
class Setup:
    """A button's ``label`` and the widget ``values`` it sets (names without the prefix)."""

    label: str
    values: dict[str, Any]


#: The seed's data and plain gradient descent on the sum of squares, as both editions train.
_SEED_DATA = {"target": "d2l edge [1, -1]", "input": "Seed stripes 6×8", "same": True,
              "opt": "sgd", "loss": "sum", "noise": 0.0, "seed": 0}

SETUPS: dict[str, Setup] = {
    "notebook": Setup(N_("The notebook: bias, lr 0.01"), {
        **_SEED_DATA, "bias": True, "init": "randn", "lr": 0.01, "steps": 20}),
    # The 2nd edition's §6.2.4: nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False), lr 3e-2,
    # 10 steps on the sum of squares (d2l-ai/d2l-zh, chapter_convolutional-neural-networks/
    # conv-layer.md). Its start is nn.Conv2d's own draw: init "conv2d".
    "book": Setup(N_("The book, 2nd ed.: no bias, lr 0.03"), {
        **_SEED_DATA, "bias": False, "init": "conv2d", "lr": 0.03, "steps": 10}),
    # Measured: within 0.01 of Sobel x after 299 steps (plain SGD at lr 0.5 diverges).
    "sobel": Setup(N_("Sobel on a real picture"), {
        "target": "Sobel x", "input": "Shapes 64×64", "same": True, "bias": True,
        "init": "randn", "opt": "momentum", "lr": 0.2, "steps": 400, "loss": "mean",
        "noise": 0.0, "seed": 0}),
    "diverge": Setup(N_("Too big a step: lr 0.03 with a bias"), {
        **_SEED_DATA, "bias": True, "init": "randn", "lr": 0.03, "steps": 20}),
}

def use(values: dict[str, Any]) -> None:
    """Set the page's widgets by name (a callback: it runs before they are drawn)."""
    for k, v in values.items():
        st.session_state[f"lk_{k}"] = v


def new_start() -> None:
    """The next random start (a callback for the page's "New random start" button)."""
    st.session_state["lk_seed"] = (st.session_state.get("lk_seed", 0) + 1) % 1_000_000


def divergence_text(tip: learn.Advice, *, step: int, loss: float, first: float, lr: float,
                    entries: int) -> tuple[str, str]:
    """Why a run diverged at ``step`` (``loss``, first loss ``first``) and what to try, from
    ``core.learn.divergence_advice``; ``entries``: Y's size. Returns (the text, the fix's name)."""
    t = gettext_for_session()
    parts = [fmt(t, "lr = {lr:g}", lr=v) if k == "lr" else fmt(t, "the {loss} loss", loss=v)
             for k, v in tip.fix.items()]
    what = parts[0] if len(parts) == 1 else fmt(t, "{first} and {second}", first=parts[0],
                                                 second=parts[1])
    why = [fmt(t, "Diverged at step {step}: the loss reached {loss:.3g}, over a million times its "
                  "first value {first:.3g}, so training stopped. Each step overshoots the "
                  "minimum by more than it corrects.", step=step, loss=loss, first=first)]
    if tip.bound:
        why.append(fmt(t, "With these settings gradient descent is stable only for lr < "
                          "{bound:.3g}.", bound=tip.bound))
    if tip.without_bias:
        why.append(fmt(t, "Without the bias it is stable for lr < {bound:.3g}, so lr = {lr:g} "
                          "converges with \"Bias b\" unticked (a bias moves all {entries} "
                          "entries of Ŷ at once, so the loss curves more steeply); the book's "
                          "2nd edition trains this layer with `bias=False` at lr 0.03.",
                       bound=tip.without_bias, lr=lr, entries=entries))
    why.append(fmt(t, "Try {what}, or untick the bias.", what=what) if tip.without_bias
               else fmt(t, "Try {what}.", what=what))
    return sentences(t, why), what


#: The layer the 2nd edition trains, as a line of PyTorch.
BOOK_LAYER = "nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)"


@dataclass(frozen=True)
class Edition:
    """One printed version of the experiment: where, its layer and bias, lr, steps, printout
    (texts are message ids, translated where shown; code in backticks stays code)."""

    source: str
    layer: str
    bias: str
    lr: float
    steps: int
    printed: str


# Sources, as the search tool reads them: d2l-ai/d2l-zh conv-layer.ipynb (the 1st edition's
# MXNet notebook, with its outputs) and conv-layer.md (the 2nd edition's source, which holds
# no outputs: the online book runs the code when it is built); ShusenTang/Dive-into-DL-PyTorch
# docs/chapter05_CNN/5.1_conv-layer.md; the seed notebook, cells 19–22.
EDITIONS = (
    Edition(N_("《动手学深度学习》1st edition (MXNet), §5.1 Two-dimensional convolutional layers"),
            N_("Gluon `nn.Conv2D(1, kernel_size=(1, 2))`"), N_("starts at 0, never updated"),
            0.03, 10, N_("batch 2, loss 4.949 · 4, 0.831 · 6, 0.140 · 8, 0.024 · 10, 0.004")),
    Edition(N_("Dive-into-DL-PyTorch §5.1.4, the 1st edition ported to PyTorch"),
            N_("its own `Conv2D`, `torch.randn` start"), N_("trained"), 0.01, 20,
            N_("Step 5, loss 1.844 · 10, 0.206 · 15, 0.023 · 20, 0.003")),
    Edition(N_("The notebook: the port's code, run once"), N_("the same `Conv2D`"), N_("trained"),
            0.01, 20, N_("Step 5, loss 8.531 · 10, 2.260 · 15, 0.616 · 20, 0.170")),
    Edition(N_("《动手学深度学习》2nd edition (PyTorch), §6.2.4 Learning a kernel"),
            f"`{BOOK_LAYER}`", N_("none"), 0.03, 10,
            N_("every 2nd step; the source holds no printout (the online book prints what its "
               "build drew)")),
)


def editions_markdown() -> str:
    """The editions as a Markdown table, then what decides lr 0.03 on the seed's data.

    The two bounds are computed (core.learn.stable_lr on the seed's 6×8 stripes, 1×2 kernel,
    sum of squares), not written down.
    """
    t = gettext_for_session()
    _ = t.gettext
    rows = [_("| where | layer | bias | lr | steps | printed |"), "|---|---|---|---|---|---|"]
    rows += [f"| {_(e.source)} | {_(e.layer)} | {_(e.bias)} | {e.lr:g} | {e.steps} | "
             f"{_(e.printed)} |" for e in EDITIONS]
    with_b, without = (learn.stable_lr(stripes(), (1, 2), bias=b) for b in (True, False))
    return "\n".join(rows) + "\n\n" + fmt(
        t, "Every printout above came from an unseeded random start, so no seed brings those "
        "exact numbers back; here the seed field fixes the start. On this data plain gradient "
        "descent is stable for lr < {with_bias:.3g} with a trained bias and for lr < "
        "{without_bias:.3g} without one: lr 0.03 converges in both editions of the book "
        "(neither trains a bias) and diverges with the port's trained bias; the port and the "
        "notebook take lr 0.01.", with_bias=with_b, without_bias=without)
