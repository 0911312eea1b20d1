"""Edge detection: the seed's K = [1, −1] on its stripes, then real kernels on real pictures, in
the visitor's language."""

import numpy as np
import streamlit as st
import torch

import core
from core.images import MAX_SIDE, SAMPLES, sample, value_range
from core.kernels import PRESETS
from i18n import N_, fmt
from ui import edges as E
from ui.edges import ERR, LAST, PIC, SEED_X, UPLOAD, uploaded
from ui.frame import Frame, reject
from ui.grid import grid_input
from ui.lang import gettext_for_session, plotly_words, uploader_words
from ui.url import BIND, choice
from viz import colours
from viz.config import chart_config
from viz.edges import HOVER_MAX
from viz.grid import column_widths

CUSTOM = N_("Custom kernel")  # an id: it ends up in the URL (shown translated)
SEED_XT, SEED_K = "Seed stripes transposed Xᵀ 8×6", "d2l edge [1, -1]"
FIGURES = [5, 3, 5]  # column widths of X, K and Y
#: d2l's follow-ups: button key → (label, picture, kernel).
FOLLOW_UPS = {
    "ed_go_seed": (N_("① K on X: the seed"), SEED_X, SEED_K),
    "ed_go_xt": (N_("② K on Xᵀ"), SEED_XT, SEED_K),
    "ed_go_kt": (N_("③ Kᵀ on Xᵀ"), SEED_XT, "d2l edge transposed"),
    "ed_go_diag": (N_("④ K on a diagonal edge"), "Diagonal edge 8×8", SEED_K),
}
#: The notebook's own code for the pictures it builds.
X_CODE = {SEED_X: "X = torch.ones(6, 8)\nX[:, 2:6] = 0", SEED_XT: "X = torch.ones(6, 8)\n"
          "X[:, 2:6] = 0\nX = X.T", "Diagonal edge 8×8": "X = torch.tril(torch.ones(8, 8))"}
#: What to see in the follow-ups: (picture, kernel) → note (a message id).
NOTES = {
    (SEED_X, SEED_K): N_(
        "Where horizontal neighbours are equal, the output is 0; where they differ, it is not. "
        "Y = X[i, j] − X[i, j+1]: **+1** where 1 turns to 0 (left to right), **−1** where 0 "
        "turns back to 1, 0 elsewhere."),
    (SEED_XT, SEED_K): N_(
        "**All zeros**: along every row of Xᵀ the neighbours are equal. K = [1, −1] compares "
        "left with right, so it only sees vertical edges."),
    (SEED_XT, "d2l edge transposed"): N_(
        "Kᵀ = [[1], [−1]] compares each pixel with the one below it: it finds the "
        "**horizontal** edges of Xᵀ, +1 then −1."),
    ("Diagonal edge 8×8", SEED_K): N_(
        "A diagonal edge changes along every row, so K = [1, −1] sees it: a **+1** on each row "
        "where 1 turns to 0 (the last row has no edge)."),
}


def _go(picture: str, kernel: str) -> None:
    st.session_state.update(ed_img=picture, ed_kernel=kernel, ed_pad=0, ed_stride=1,
                            ed_mode="zeros", ed_sobel=False)


def panel(col, title: str, Z: np.ndarray, key: str, *, source: tuple, width: int,
         zmax: float | None = None) -> None:
    """One grid in a column ``width`` px wide, its colour bar and, underneath, its shape and
    value range; ``zmax``: a colour scale shared with the panels beside it."""
    lo, hi = value_range(torch.from_numpy(Z))
    col.plotly_chart(E.grid_figure(source=source, title=title, width=width, zmax=zmax, lang=t.lang,
                             projector=page.projector, _Z=Z), key=key,
                     config=chart_config(t.lang))
    col.caption(fmt(t, "{h}×{w}, values from {lo:.4g} to {hi:.4g}", h=Z.shape[0], w=Z.shape[1],
                    lo=lo, hi=hi))


t = gettext_for_session()
_, ngettext = t

page = Frame("ed_", _("Edge detection"), share_note=_(
    "The link carries every setting except an uploaded picture: a file cannot travel in a "
    "link, so whoever opens it sees the default picture."), intro=_(
    "A kernel K slides over the picture X; each output Y[i, j] is the sum of K times the "
    "window under it (`corr2d`). The seed notebook's K = [1, −1] answers *“does this pixel "
    "differ from its right neighbour?”*, which is an edge detector. Start there, then try "
    "d2l's follow-ups, real kernels and your own pictures."))
for col, (key, (label, picture, kernel)) in zip(st.columns(len(FOLLOW_UPS)), FOLLOW_UPS.items()):
    col.button(_(label), key=key, on_click=_go, args=(picture, kernel), width="stretch")

pic_col, k_col, geo_col = st.columns([4, 5, 4])  # room for a 7-column editor
with pic_col:
    name = choice(st.selectbox, _("Picture X"), [*SAMPLES, UPLOAD], key="ed_img", format_func=_)
    st.file_uploader(
        _("Your own picture (PNG or JPEG)"), type=["png", "jpg", "jpeg"], key="ed_upload",
        on_change=uploaded,
        help=fmt(t, "Made grayscale and scaled to at most {side} px on the long side. It stays "
                    "in this browser session: a shared link cannot carry it.", side=MAX_SIDE),
    )
    uploader_words("ed_upload", types="PNG、JPEG")
    if ERR in st.session_state:
        file, error = st.session_state[ERR]
        reject(error, lead=fmt(t, "“{file}” was not used:", file=file),
               hint=_("Still showing the picture from before."))
with k_col:
    kernel = choice(st.selectbox, _("Kernel K"), [*PRESETS, CUSTOM], key="ed_kernel",
                    format_func=_)
    if kernel == CUSTOM:  # starts from the preset chosen before
        K, k_error = grid_input(
            _("Custom kernel K"), key="ed_custom", max_rows=7, max_cols=7,
            default=core.format_grid(PRESETS[st.session_state.get(LAST, SEED_K)]),
        )
    else:
        st.session_state[LAST] = kernel
        K, k_error = PRESETS[kernel], None
with geo_col:
    pad = st.slider(_("Padding per side"), 0, 6, key="ed_pad", **BIND,
                    help=_("PyTorch's padding, on each side; d2l's p_h is the total, 2×."))
    stride = st.slider(_("Stride"), 1, 8, key="ed_stride", **BIND)
    mode = choice(st.selectbox, _("Padding mode"), core.PADDING_MODES, key="ed_mode",
                  format_func=_)
    sobel = st.toggle(_("Sobel gradient magnitude"), key="ed_sobel", **BIND)

if name == UPLOAD and PIC in st.session_state:
    X, image_id = st.session_state[PIC]["X"], st.session_state[PIC]["id"]
    x_name = st.session_state[PIC]["name"]
else:
    if name == UPLOAD:
        st.info(fmt(t, "No picture has been uploaded in this session (an upload cannot travel "
                       "in a link), so this is the default picture, {name}. Upload one above.",
                    name=_(SEED_X)))
        name = SEED_X
    X, image_id, x_name = sample(name).numpy(), f"sample:{name}", _(name)
x_title = f"X · {x_name}"

if k_error:
    reject(k_error, hint=_("Fix the kernel to see Y; the picture is shown meanwhile."))
else:
    K_rows = tuple(tuple(float(v) for v in row) for row in K.tolist())
    # One kernel row per line, aligned like a matrix, as torch prints it.
    literal = ",\n                  ".join(
        "[" + ", ".join(f"{v:g}" for v in r) + "]" for r in K_rows)
    x_code = X_CODE.get(name, fmt(t, "# X: {name} (grayscale, values in [0, 1])", name=x_name))
    st.code(f"{x_code}\nK = torch.tensor([{literal}])\n"
            f"Y = corr2d(X, K, padding={pad}, stride={stride}, padding_mode={mode!r})",
            language="python")
x_col, k_fig_col, y_col = st.columns(FIGURES)
panel(x_col, x_title, X, "ed_fig_x", source=(image_id,), width=column_widths(FIGURES)[0])
if not k_error:
    panel(k_fig_col, f"K · {_(kernel)}", K.numpy(), "ed_fig_k", source=("K", K_rows),
         width=column_widths(FIGURES)[1])
    try:
        Y = E.correlate(image_id=image_id, kernel=K_rows, padding=pad, stride=stride, mode=mode,
                       _X=X)
    except ValueError as e:
        reject(e, lead=_("No output:"), where=y_col)
    else:
        panel(y_col, "Y = corr2d(X, K)", Y, "ed_fig_y", width=column_widths(FIGURES)[2],
             source=(image_id, K_rows, pad, stride, mode))
if (name, kernel) in NOTES and name != UPLOAD:
    st.info(_(NOTES[name, kernel]))
if max(X.shape) > HOVER_MAX:
    st.caption(fmt(t, "Pictures over {px} px are drawn as images: hover shows block means; "
                      "the exact range is under each picture.", px=HOVER_MAX))

if sobel:
    st.subheader(_("Gradient magnitude"))
    st.markdown(_("Sobel x finds vertical edges, Sobel y horizontal ones; the length of the "
                  "gradient (Gx, Gy) finds edges of **every** orientation."))
    try:
        Gx, Gy, M = E.sobel_gradients(image_id=image_id, padding=pad, stride=stride, mode=mode,
                                      _X=X)
    except ValueError as e:
        reject(e, lead=_("No gradient:"))
    else:
        panels = (("Gx = corr2d(X, Sobel x)", Gx, "ed_fig_gx"),
                  ("Gy = corr2d(X, Sobel y)", Gy, "ed_fig_gy"), ("√(Gx² + Gy²)", M, "ed_fig_m"))
        top = colours.top(Gx, Gy, M)  # one scale: the three are compared
        for col, (title, G, key) in zip(st.columns(3), panels):
            panel(col, title, G, key, source=(image_id, key, pad, stride, mode),
                 width=column_widths(3)[0], zmax=top)
plotly_words()
page.end()
