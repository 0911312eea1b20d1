"""Learn a kernel (seed cell 22): gradient descent finds K from X and Y = corr2d(X, K); the whole
run is computed at once and played in the browser as one animation."""


import streamlit as st

import core
from core import learn, learn_task
from core.images import SAMPLES
from core.kernels import PRESETS
from core.pysource import source_text
from ui import learn_run
from ui.charts import plain
from ui.frame import Frame, reject
from ui.grid import grid_input
from ui.learn_setups import BOOK_LAYER, SETUPS, divergence_text, editions_markdown, new_start, use
from ui.url import BIND
from ui.viewport import main_width
from viz import STATIC
from viz.grid import column_widths, narrow

TYPED = "Typed…"
# Option values double as URL values (lk_opt=momentum): no format_func, captions explain them.
OPTIMIZERS = {"sgd": "the notebook's update w ← w − lr·∇w", "momentum": "SGD with momentum 0.9",
              "adam": "torch.optim.Adam"}
LOSSES = {"sum": "Σ (Ŷ − Y)², the notebook's", "mean": "its mean, as nn.MSELoss"}
INITS = {"randn": "torch.randn, the notebook's", "conv2d": "nn.Conv2d's own, the book's 2nd ed."}


def four_decimals(v: float) -> str:
    """Four decimals without a "-0.0000"."""
    return f"{round(v, 4) + 0.0:.4f}"


page = Frame("lk_", "Learn a kernel · 通过数据学习核数组", (
    "The notebook's third experiment: a `Conv2D` layer sees only the input **X** and the output "
    "**Y = corr2d(X, K)** of a kernel **K** it is never shown, and gradient descent finds K from "
    "that data alone. Pick a set-up or change anything in the sidebar, and watch it learn."))
for col, (name, setup) in zip(st.columns(len(SETUPS)), SETUPS.items()):
    col.button(setup.label, key=f"lk_setup_{name}", on_click=use, args=(setup.values,),
               width="stretch")

with st.sidebar:
    st.header("Settings 设置")
    target = st.selectbox("Target kernel K (makes Y)", [*PRESETS, TYPED], key="lk_target", **BIND)
    K, bad = (PRESETS[target], None) if target != TYPED else grid_input(
        "K, typed", key="lk_K", default="1 -1", max_rows=learn.MAX_LEARNED_KERNEL,
        max_cols=learn.MAX_LEARNED_KERNEL, editor=False)
    source = st.selectbox("Input X", list(SAMPLES), key="lk_input", **BIND,
                          help=f"Pictures over {learn.MAX_TRAIN_SIDE} pixels a side are shrunk.")
    size = None
    if not st.checkbox("Learn a kernel the size of K", True, key="lk_same", **BIND):
        c1, c2 = st.columns(2)
        size = (c1.number_input("kh", 1, learn.MAX_LEARNED_KERNEL, 3, key="lk_kh", **BIND),
                c2.number_input("kw", 1, learn.MAX_LEARNED_KERNEL, 3, key="lk_kw", **BIND))
    bias = st.checkbox("Bias b", True, key="lk_bias", **BIND)
    init = st.radio("Start 初始化", list(INITS), captions=list(INITS.values()), key="lk_init",
                    **BIND)
    opt = st.radio("Optimizer", list(OPTIMIZERS), captions=list(OPTIMIZERS.values()),
                   key="lk_opt", **BIND)
    loss = st.radio("Loss", list(LOSSES), captions=list(LOSSES.values()), key="lk_loss", **BIND)
    lr = st.number_input("Learning rate lr", 1e-4, 10.0, 0.01, step=0.01, format="%g",
                         key="lk_lr", **BIND)
    steps = st.number_input("Steps", 1, learn.MAX_LIVE_STEPS, 20, key="lk_steps", **BIND)
    noise = st.slider("Noise σ added to Y", 0.0, 1.0, 0.0, 0.05, key="lk_noise", **BIND)
    seed = st.number_input("Random seed (the start)", 0, 999_999, 0, key="lk_seed", **BIND)
    st.button("New random start", key="lk_reseed", on_click=new_start)
    log = st.toggle("Loss on a log scale", True, key="lk_log", **BIND)

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
    run = st.session_state.lk_run = learn_run.train(source=source, K=K_plain,
                                                      kernel_size=size, noise=noise, **settings)
except ValueError as e:
    reject(e)
    page.stop()

(kh, kw), (th, tw) = task.kernel_size, task.K_true.shape
kmax, ymax = float(task.K_view.abs().max()) or 1.0, float(task.Y.abs().max()) or 1.0
st.subheader("The data 数据")
c1, c2, c3 = st.columns([3, 2, 3])
widths = column_widths([3, 2, 3])
c1.plotly_chart(learn_run.input_figure(
    source=source, title=f"X ({task.X.shape[0]}×{task.X.shape[1]})", width=widths[0]),
    key="lk_fig_X", config=STATIC)
c2.plotly_chart(learn_run.kernel_figure(task.K_true, title=f"true K ({th}×{tw}), hidden",
                                        width=widths[1]), key="lk_fig_Kt", config=STATIC)
with c3:
    st.markdown(f"The layer learns a **{kh}×{kw}** kernel{' and a bias' if bias else ''} from "
                f"X and Y ({task.Y.shape[0]}×{task.Y.shape[1]}).")
    if init == "conv2d":
        st.caption(f"Its start is what `nn.Conv2d(1, 1, kernel_size=({kh}, {kw}), bias={bias})` "
                   f"draws after `torch.manual_seed({seed})`.")
    if (kh, kw) != (th, tw) and task.exact:
        st.info(f"The learned {kh}×{kw} kernel is larger than K: it can hold K with zeros around "
                "it, so an exact fit exists. Y loses the border its wider window cannot reach.")
    elif not task.exact:
        st.warning(f"The learned {kh}×{kw} kernel is smaller than K ({th}×{tw}): no kernel of "
                   f"this size reproduces Y. The best it can do is the least-squares loss "
                   f"{best.loss:.4g}, the floor of the loss curve.")
    if free:
        st.warning(f"X cannot pin K down: {free} independent change(s) of the kernel leave Ŷ "
                   "unchanged (e.g. the stripes are the same in every row). Many kernels fit "
                   "equally well, and the one learned depends on the random start.")
    if noise:
        st.info(f"Y carries noise σ = {noise:g}: even the true K leaves a loss, and the "
                "least-squares optimum bends a little towards the noise.")

shown = ("every step" if len(run.steps) == run.last_step else
         f"{len(run.steps)} of its {run.last_step} steps: the first, the last and one about "
         f"every {max(1, round(run.last_step / len(run.steps)))} steps between")
st.caption(f"The whole run, computed at once: ▶ plays it in your browser, ■ pauses, the slider "
           f"picks a step. It shows {shown}. Every frame is a real step of `core.learn_kernel`.")
st.plotly_chart(learn_run.animation(source=source, K=K_plain, kernel_size=size, noise=noise,
                                    log=log, optimum=best.loss, kmax=kmax, ymax=ymax,
                                    width=narrow(main_width()), **settings),
                key="lk_fig_run", config={"displayModeBar": False})  # phone: 2 grids a row
s = run.last
if run.status == "diverged":
    tip = learn.divergence_advice(task.X, task.kernel_size, lr=lr, bias=bias, loss=loss,
                                  optimizer=opt)
    why, what = divergence_text(tip, step=s.step, loss=s.loss, first=run.losses[0], lr=lr,
                                entries=task.Y.numel())
    st.error(why)
    fixes = st.columns([1, 1, 3])
    fixes[0].button(f"Use {what}", key="lk_fix", on_click=use, args=(tip.fix,), width="stretch")
    if tip.without_bias:
        fixes[1].button("Untick the bias", key="lk_fix_bias", on_click=use,
                        args=({"bias": False},), width="stretch", help=f"Keeps lr = {lr:g}.")
else:
    floor = "≈ 0" if best.loss <= 1e-9 * max(run.losses) else f"{best.loss:.4g}"
    st.success(f"Done: loss {run.losses[0]:.4g} at step 1 → {s.loss:.4g} at step {s.step} "
               f"(best possible {floor}). Press ⟲ Replay to watch it learn.")

st.subheader("Result 结果")
out = learn_task.outcome(s.weight, task, best)
same = "" if (kh, kw) == (th, tw) else f" as {kh}×{kw}"
# one colour scale (±max |K|) for all four: a pale error cell is a small error
n_cols = 4 if kw <= 3 else 2
for col, (T, title) in zip(st.columns(n_cols) * 2, [
    (s.weight, "learned K"), (task.K_view, f"true K{same}"), (best.weight, "least-squares optimum"),
    (out.error, "error = learned − true"),
]):
    col.plotly_chart(learn_run.kernel_figure(T, title=title, zmax=kmax,
                                             width=column_widths(n_cols)[0]),
                     key=f"lk_fig_res_{title}", config=STATIC)
st.markdown(
    f"Largest error per entry: **{out.max_error:.4g}** against the true K, "
    f"**{out.to_optimum:.4g}** against the optimum. "
    + (f"Bias: learned **{four_decimals(s.bias)}**, optimum **{four_decimals(best.bias)}**."
       if bias else "")
)
c1, c2 = st.columns(2)
c1.markdown(f"**Loss every {run.every} steps**, printed as the notebook (every 5th) and the book's "
            "2nd edition (every 2nd of 10) print it (打印损失)")
# the seed's "%.3f", unless that would print 0.000
c1.code("\n".join(f"Step {i}, loss {l:.3f}" if l >= 5e-4 or l == 0 else f"Step {i}, loss {l:.2e}"
                  for i, l in run.table()) or "(too few steps)", language=None)
c2.markdown(
    "The notebook printed *Step 5, loss 8.531 · Step 10, 2.260 · Step 15, 0.616 · Step 20, "
    "0.170*, running the code of the book's 1st edition as ported to PyTorch. Its start was "
    "`torch.randn` **without a seed**, so those exact numbers belong to one random start that no "
    "seed brings back. Here the start comes from the seed field: the same seed gives the same "
    "numbers every time, in every browser, and the loss falls the same way. The book's 2nd "
    f"edition trains `{BOOK_LAYER}` at lr 0.03 for 10 steps: the set-up button above."
)
with st.expander("Whose numbers? The book's editions 版本"):
    st.markdown(editions_markdown())
n = task.Y.numel()
sum_lr, mean_lr = land.stable["sum"], land.stable["mean"]
with st.expander("Sum or mean of squares? 为什么用均方误差"):
    st.markdown(
        f"The sum adds one squared error per entry of Y, and Y has **{n}** entries here (the "
        "notebook's has 42, a 64×64 picture's 3 844 with a 3×3 kernel). Its gradient grows with "
        "that count, so a learning rate tuned on the toy takes steps ~90× too long on a picture "
        f"and diverges. The mean divides by the count, so one lr takes steps of the same size on "
        "any picture: that is why PyTorch's `nn.MSELoss` averages."
        + (f" Plain gradient descent on this data is stable for lr < {sum_lr:.3g} with the sum "
           f"and lr < {mean_lr:.3g} with the mean (2/λ_max of the loss's curvature; {n}× apart)."
           if sum_lr and mean_lr else "")
    )
with st.expander("The training loop: core.learn_kernel"):
    st.code(source_text(learn.learn_kernel) + "\n\n" + source_text(learn._descend),
            language="python")
page.end()
