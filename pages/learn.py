"""Learn a kernel (seed cell 22): gradient descent finds K from X and Y = corr2d(X, K); the whole
run is computed at once and played in the browser as one animation; in the visitor's language."""


import streamlit as st

import core
import i18n
from core import learn, learn_task
from core.images import SAMPLES
from core.kernels import PRESETS
from core.pysource import source_text
from i18n import N_, fmt, sentences
from ui import learn_run
from ui.charts import plain
from ui.frame import Frame, reject
from ui.grid import grid_input
from ui.lang import gettext_for_session
from ui.learn_setups import BOOK_LAYER, SETUPS, divergence_text, editions_markdown, new_start, use
from ui.url import BIND, choice
from ui.view import keyboard_steps
from ui.viewport import main_width
from viz import STATIC
from viz.grid import column_widths, narrow

TYPED = N_("Typed…")
# Option values are URL values (lk_opt=momentum): ids, shown by name (format_func) through
# ui.url.choice, which keeps the id in the link; captions explain them. Names and captions
# are message ids.
OPTIMIZERS = {"sgd": N_("the notebook's update w ← w − lr·∇w"),
              "momentum": N_("SGD with momentum 0.9"), "adam": N_("`torch.optim.Adam`")}
LOSSES = {"sum": N_("Σ (Ŷ − Y)², the notebook's"), "mean": N_("its mean, as `nn.MSELoss`")}
INITS = {"randn": N_("`torch.randn`, the notebook's"),
         "conv2d": N_("`nn.Conv2d`'s own, the book's 2nd ed.")}
#: The options' names: the ids themselves in English.
OPTION_NAMES = {"sgd": N_("sgd"), "momentum": N_("momentum"), "adam": N_("adam"),
                "sum": N_("sum"), "mean": N_("mean"), "randn": N_("randn"),
                "conv2d": N_("conv2d")}


def four_decimals(v: float) -> str:
    """Four decimals without a "-0.0000"."""
    return f"{round(v, 4) + 0.0:.4f}"


t = gettext_for_session()
_, ngettext = t


def name_of(option: str) -> str:
    return _(OPTION_NAMES[option])


page = Frame("lk_", _("Learn a kernel"), _(
    "The notebook's third experiment: a `Conv2D` layer sees only the input **X** and the output "
    "**Y = corr2d(X, K)** of a kernel **K** it is never shown, and gradient descent finds K from "
    "that data alone. Pick a set-up or change anything in the sidebar, and watch it learn."))
for col, (name, setup) in zip(st.columns(len(SETUPS)), SETUPS.items()):
    col.button(_(setup.label), key=f"lk_setup_{name}", on_click=use, args=(setup.values,),
               width="stretch")

with st.sidebar:
    st.header(_("Settings"))
    target = choice(st.selectbox, _("Target kernel K (makes Y)"), [*PRESETS, TYPED],
                    key="lk_target", format_func=_)
    K, bad = (PRESETS[target], None) if target != TYPED else grid_input(
        _("K, typed"), key="lk_K", default="1 -1", max_rows=learn.MAX_LEARNED_KERNEL,
        max_cols=learn.MAX_LEARNED_KERNEL, editor=False)
    source = choice(st.selectbox, _("Input X"), list(SAMPLES), key="lk_input", format_func=_,
                    help=fmt(t, "Pictures over {side} pixels a side are shrunk.",
                             side=learn.MAX_TRAIN_SIDE))
    size = None
    if not st.checkbox(_("Learn a kernel the size of K"), True, key="lk_same", **BIND):
        c1, c2 = st.columns(2)
        size = (c1.number_input("kh", 1, learn.MAX_LEARNED_KERNEL, 3, key="lk_kh", **BIND),
                c2.number_input("kw", 1, learn.MAX_LEARNED_KERNEL, 3, key="lk_kw", **BIND))
    bias = st.checkbox(_("Bias b"), True, key="lk_bias", **BIND)
    init = choice(st.radio, _("Start"), list(INITS), key="lk_init", format_func=name_of,
                  captions=[_(c) for c in INITS.values()])
    opt = choice(st.radio, _("Optimizer"), list(OPTIMIZERS), key="lk_opt", format_func=name_of,
                 captions=[_(c) for c in OPTIMIZERS.values()])
    loss = choice(st.radio, _("Loss"), list(LOSSES), key="lk_loss", format_func=name_of,
                  captions=[_(c) for c in LOSSES.values()])
    lr = st.number_input(_("Learning rate lr"), 1e-4, 10.0, 0.01, step=0.01, format="%g",
                         key="lk_lr", **BIND)
    steps = st.number_input(_("Steps"), 1, learn.MAX_LIVE_STEPS, 20, key="lk_steps", **BIND)
    noise = st.slider(_("Noise σ added to Y"), 0.0, 1.0, 0.0, 0.05, key="lk_noise", **BIND)
    seed = st.number_input(_("Random seed (the start)"), 0, 999_999, 0, key="lk_seed", **BIND)
    st.button(_("New random start"), key="lk_reseed", on_click=new_start)
    log = st.toggle(_("Loss on a log scale"), True, key="lk_log", **BIND)

try:
    if bad:
        raise bad
    K_plain = plain(core.as_tensor(K, "K", ndim=2))
    task = learn_run.task(source=source, K=K_plain, kernel_size=size, noise=noise, seed=seed)
    land = learn_run.landscape(source=source, K=K_plain, kernel_size=size, noise=noise, seed=seed,
                                bias=bias, loss=loss)
    best, free = land.best, land.free
    settings = {"lr": lr, "steps": steps, "seed": seed, "bias": bias, "optimizer": opt,
                "loss": loss, "init": init}
    # The visitor's run, computed at once and cached per settings (kept for tests and bench).
    with st.spinner(_("Training…")):
        run = st.session_state.lk_run = learn_run.train(source=source, K=K_plain,
                                                          kernel_size=size, noise=noise,
                                                          **settings)
except ValueError as e:
    reject(e)
    page.stop()

(kh, kw), (th, tw) = task.kernel_size, task.K_true.shape
kmax, ymax = float(task.K_view.abs().max()) or 1.0, float(task.Y.abs().max()) or 1.0
st.subheader(_("The data"))
c1, c2, c3 = st.columns([3, 2, 3])
widths = column_widths([3, 2, 3])
c1.plotly_chart(learn_run.input_figure(
    source=source, title=f"X ({task.X.shape[0]}×{task.X.shape[1]})", width=widths[0],
    lang=t.lang, projector=page.projector), key="lk_fig_X", config=STATIC)
c2.plotly_chart(learn_run.kernel_figure(
    task.K_true, title=fmt(t, "true K ({h}×{w}), hidden", h=th, w=tw), width=widths[1],
    lang=t.lang, projector=page.projector), key="lk_fig_Kt", config=STATIC)
with c3:
    st.markdown(fmt(t, "The layer learns a **{kh}×{kw}** kernel and a bias from X and Y "
                       "({h}×{w}).", kh=kh, kw=kw, h=task.Y.shape[0], w=task.Y.shape[1])
                if bias else
                fmt(t, "The layer learns a **{kh}×{kw}** kernel from X and Y ({h}×{w}).",
                    kh=kh, kw=kw, h=task.Y.shape[0], w=task.Y.shape[1]))
    if init == "conv2d":
        st.caption(fmt(t, "Its start is what `{layer}` draws after `torch.manual_seed({seed})`.",
                       layer=f"nn.Conv2d(1, 1, kernel_size=({kh}, {kw}), bias={bias})",
                       seed=seed))
    if (kh, kw) != (th, tw) and task.exact:
        st.info(fmt(t, "The learned {kh}×{kw} kernel is larger than K: it can hold K with zeros "
                       "around it, so an exact fit exists. Y loses the border its wider window "
                       "cannot reach.", kh=kh, kw=kw))
    elif not task.exact:
        st.warning(fmt(t, "The learned {kh}×{kw} kernel is smaller than K ({th}×{tw}): no kernel "
                          "of this size reproduces Y. The best it can do is the least-squares "
                          "loss {loss:.4g}, the floor of the loss curve.",
                       kh=kh, kw=kw, th=th, tw=tw, loss=best.loss))
    if free:
        st.warning(i18n.count(
            t, "X cannot pin K down: {n} change of the kernel leaves Ŷ unchanged (e.g. the "
               "stripes are the same in every row). Many kernels fit equally well, and the one "
               "learned depends on the random start.",
            "X cannot pin K down: {n} independent changes of the kernel leave Ŷ unchanged (e.g. "
            "the stripes are the same in every row). Many kernels fit equally well, and the one "
            "learned depends on the random start.", free))
    if noise:
        st.info(fmt(t, "Y carries noise σ = {noise:g}: even the true K leaves a loss, and the "
                       "least-squares optimum bends a little towards the noise.", noise=noise))

shown = (_("every step") if len(run.steps) == run.last_step else
         fmt(t, "{n} of its {total} steps: the first, the last and one about every {every} "
                "steps between", n=len(run.steps), total=run.last_step,
             every=max(1, round(run.last_step / len(run.steps)))))
st.caption(fmt(t, "The whole run, computed at once: ▶ plays it in your browser, ■ pauses, the "
                  "slider picks a step. It shows {shown}. Every frame is a real step of "
                  "`core.learn_kernel`.", shown=shown))
st.plotly_chart(learn_run.animation(source=source, K=K_plain, kernel_size=size, noise=noise,
                                    log=log, optimum=best.loss, kmax=kmax, ymax=ymax,
                                    lang=t.lang, width=narrow(main_width()),
                                    projector=page.projector, **settings),
                key="lk_fig_run", config={"displayModeBar": False})  # phone: 2 grids a row
if page.projector:
    keyboard_steps("lk_fig_run", play=3)  # ← → step, space plays (its ▶ Play button)
s = run.last
if run.status == "diverged":
    tip = learn.divergence_advice(task.X, task.kernel_size, lr=lr, bias=bias, loss=loss,
                                  optimizer=opt)
    why, what = divergence_text(tip, step=s.step, loss=s.loss, first=run.losses[0], lr=lr,
                                entries=task.Y.numel())
    st.error(why)
    fixes = st.columns([1, 1, 3])
    fixes[0].button(fmt(t, "Use {what}", what=what), key="lk_fix", on_click=use, args=(tip.fix,),
                    width="stretch")
    if tip.without_bias:
        fixes[1].button(_("Untick the bias"), key="lk_fix_bias", on_click=use,
                        args=({"bias": False},), width="stretch",
                        help=fmt(t, "Keeps lr = {lr:g}.", lr=lr))
else:
    floor = "≈ 0" if best.loss <= 1e-9 * max(run.losses) else f"{best.loss:.4g}"
    st.success(fmt(t, "Done: loss {first:.4g} at step 1 → {last:.4g} at step {step} (best "
                      "possible {floor}). Press ⟲ Replay to watch it learn.",
                   first=run.losses[0], last=s.loss, step=s.step, floor=floor))

st.subheader(_("Result"))
out = learn_task.outcome(s.weight, task, best)
true_title = (_("true K") if (kh, kw) == (th, tw) else
              fmt(t, "true K as {kh}×{kw}", kh=kh, kw=kw))
# one colour scale (±max |K|) for all four: a pale error cell is a small error
n_cols = 4 if kw <= 3 else 2
for col, (T, key, title) in zip(st.columns(n_cols) * 2, [
    (s.weight, "learned K", _("learned K")), (task.K_view, "true K", true_title),
    (best.weight, "least-squares optimum", _("least-squares optimum")),
    (out.error, "error = learned − true", _("error = learned − true")),
]):
    col.plotly_chart(learn_run.kernel_figure(T, title=title, zmax=kmax, lang=t.lang,
                                             width=column_widths(n_cols)[0],
                                             projector=page.projector),
                     key=f"lk_fig_res_{key}", config=STATIC)
st.markdown(sentences(t, [part for part in [
    fmt(t, "Largest error per entry: **{error:.4g}** against the true K, **{optimum:.4g}** "
           "against the optimum.", error=out.max_error, optimum=out.to_optimum),
    fmt(t, "Bias: learned **{learned}**, optimum **{best}**.", learned=four_decimals(s.bias),
        best=four_decimals(best.bias)) if bias else "",
] if part]))
c1, c2 = st.columns(2)
c1.markdown(fmt(t, "**Loss every {every} steps**, printed as the notebook (every 5th) and the "
                   "book's 2nd edition (every 2nd of 10) print it", every=run.every))
# the seed's "%.3f", unless that would print 0.000
c1.code("\n".join(f"Step {i}, loss {l:.3f}" if l >= 5e-4 or l == 0 else f"Step {i}, loss {l:.2e}"
                  for i, l in run.table()) or _("(too few steps)"), language=None)
c2.markdown(fmt(
    t, "The notebook printed *Step 5, loss 8.531 · Step 10, 2.260 · Step 15, 0.616 · Step 20, "
       "0.170*, running the code of the book's 1st edition as ported to PyTorch. Its start was "
       "`torch.randn` **without a seed**, so those exact numbers belong to one random start that "
       "no seed brings back. Here the start comes from the seed field: the same seed gives the "
       "same numbers every time, in every browser, and the loss falls the same way. The book's "
       "2nd edition trains `{layer}` at lr 0.03 for 10 steps: the set-up button above.",
    layer=BOOK_LAYER))
page.essentials_end()  # the rest explains the numbers: for a learner at a screen
with st.expander(_("Whose numbers? The book's editions")):
    st.markdown(editions_markdown())
n = task.Y.numel()
sum_lr, mean_lr = land.stable["sum"], land.stable["mean"]
with st.expander(_("Sum or mean of squares?")):
    st.markdown(sentences(t, [part for part in [
        fmt(t, "The sum adds one squared error per entry of Y, and Y has **{n}** entries here "
               "(the notebook's has 42, a 64×64 picture's 3 844 with a 3×3 kernel). Its gradient "
               "grows with that count, so a learning rate tuned on the toy takes steps ~90× too "
               "long on a picture and diverges. The mean divides by the count, so one lr takes "
               "steps of the same size on any picture: that is why PyTorch's `nn.MSELoss` "
               "averages.", n=n),
        fmt(t, "Plain gradient descent on this data is stable for lr < {sum_lr:.3g} with the "
               "sum and lr < {mean_lr:.3g} with the mean (2/λ_max of the loss's curvature; "
               "{n}× apart).", sum_lr=sum_lr, mean_lr=mean_lr, n=n) if sum_lr and mean_lr
        else "",
    ] if part]))
with st.expander(_("The training loop: `core.learn_kernel`")):
    st.code(source_text(learn.learn_kernel) + "\n\n" + source_text(learn._descend),
            language="python")
page.end()
