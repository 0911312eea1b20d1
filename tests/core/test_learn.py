"""Learning a kernel: the seed's run, the layer against torch, task alignment, stability, runs."""

from __future__ import annotations

import contextlib
import io
import math
import sys
import threading
import types

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import core
from core import learn, learn_task
from core.images import SAMPLES, shapes, stripes
from core.kernels import D2L_EDGE, SOBEL_X


def seed_task() -> tuple[torch.Tensor, torch.Tensor]:
    X = stripes()
    return X, core.corr2d(X, D2L_EDGE)


# --- the seed's experiment ---------------------------------------------------------------------

def test_seed_zero_prints_the_same_four_losses_every_time():
    X, Y = seed_task()
    for _ in range(2):
        steps = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.01, steps=20, seed=0))
        assert [f"{s.loss:.3f}" for s in steps[4::5]] == ["7.148", "0.802", "0.091", "0.011"]


def test_the_private_generator_draws_what_manual_seed_would():
    torch.manual_seed(7)
    w, b = torch.randn(1, 2), torch.randn(1)
    net = learn.Conv2D((1, 2), generator=torch.Generator().manual_seed(7))
    assert torch.equal(net.weight.data, w) and torch.equal(net.bias.data, b)


def test_learning_leaves_the_global_random_state_alone():
    X, Y = seed_task()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    list(core.learn_kernel(X, Y, kernel_size=(1, 2), seed=5))
    assert torch.equal(torch.rand(3), expected)


def test_two_runs_in_threads_at_once_do_not_disturb_each_other():
    X, Y = seed_task()
    alone = {seed: [s.loss for s in core.learn_kernel(X, Y, kernel_size=(1, 2), seed=seed)]
             for seed in (0, 1)}
    together: dict[int, list[float]] = {}

    def go(seed: int) -> None:
        together[seed] = [s.loss for s in core.learn_kernel(X, Y, kernel_size=(1, 2), seed=seed)]

    threads = [threading.Thread(target=go, args=(s,)) for s in (0, 1, 0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert together == alone


def test_lr_003_diverges_at_step_9_before_any_inf():
    X, Y = seed_task()
    steps = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.03, steps=20))
    assert [s.step for s in steps if s.diverged] == [9] and len(steps) == 9
    assert all(torch.isfinite(torch.tensor(s.loss)) for s in steps)
    assert steps[-1].loss > learn.DIVERGENCE_FACTOR * steps[0].loss


def test_bad_settings_raise_at_the_call_not_at_the_first_step():
    X, Y = seed_task()
    with pytest.raises(ValueError, match="lr must be a positive"):
        core.learn_kernel(X, Y, kernel_size=(1, 2), lr=-1)
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        core.learn_kernel(X, Y, kernel_size=(1, 2), seed=-3)


# --- the notebook's cells, run as pasted (the tour shows them) ---------------------------------

@pytest.fixture
def d2l_torch(monkeypatch):
    """``import d2l.torch as d2l`` without the d2l package: its corr2d is our d2l double loop."""
    pkg, mod = types.ModuleType("d2l"), types.ModuleType("d2l.torch")
    mod.corr2d, pkg.torch = core.corr2d_loop, mod
    monkeypatch.setitem(sys.modules, "d2l", pkg)
    monkeypatch.setitem(sys.modules, "d2l.torch", mod)


def notebook_namespace() -> dict:
    ns: dict = {}
    exec(learn.NOTEBOOK_CONV2D, ns)  # the text the tour shows, run as a notebook would
    return ns


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_the_notebooks_class_draws_and_computes_what_ours_does(d2l_torch, seed):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        theirs = notebook_namespace()["Conv2D"]((1, 2))
    ours = learn.Conv2D((1, 2), generator=torch.Generator().manual_seed(seed))
    assert torch.equal(theirs.weight.data, ours.weight.data)
    assert torch.equal(theirs.bias.data, ours.bias.data)
    X = torch.randn(6, 8, generator=torch.Generator().manual_seed(seed))
    assert torch.allclose(theirs(X), ours(X), atol=1e-6)


def test_the_notebooks_training_cell_prints_what_learn_kernel_computes(d2l_torch):
    X, Y = seed_task()
    ns = {**notebook_namespace(), "X": X, "Y": Y}
    out = io.StringIO()
    with torch.random.fork_rng(), contextlib.redirect_stdout(out):
        torch.manual_seed(0)
        exec(learn.NOTEBOOK_TRAINING, ns)
    steps = core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.01, steps=20, seed=0)
    assert out.getvalue().strip() == learn.notebook_printout(steps)
    assert out.getvalue().count("Step") == 4


# --- the book's current edition: nn.Conv2d without a bias, lr 3e-2 ------------------------------

@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("size", [(1, 2), (3, 3), (2, 5)])
def test_the_book_start_draws_what_nn_conv2d_would(size, bias):
    with torch.random.fork_rng():
        torch.manual_seed(11)
        ref = nn.Conv2d(1, 1, kernel_size=size, bias=bias)
    net = learn.Conv2D(size, bias=bias, init="conv2d", generator=torch.Generator().manual_seed(11))
    assert torch.equal(net.weight.data, ref.weight.data[0, 0])
    assert (net.bias is None) if not bias else torch.equal(net.bias.data, ref.bias.data)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_current_editions_training_is_ours_with_the_book_start(seed):
    X, Y = seed_task()
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)  # as the 2nd edition builds it
        X4, Y4 = X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7)
        theirs = []
        for _ in range(10):
            l = ((conv2d(X4) - Y4) ** 2).sum()
            conv2d.zero_grad()
            l.backward()
            conv2d.weight.data[:] -= 3e-2 * conv2d.weight.grad
            theirs.append(l.item())
    ours = [s.loss for s in core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.03, steps=10,
                                              bias=False, init="conv2d", seed=seed)]
    assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-6)


def test_without_the_bias_lr_003_is_below_the_bound_and_converges():
    with_bias = learn.stable_lr(stripes(), (1, 2))
    without = learn.stable_lr(stripes(), (1, 2), bias=False)
    assert with_bias < 0.03 < without and without == pytest.approx(1 / 30)
    X, Y = seed_task()
    for init in learn.INITS:
        steps = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.03, steps=10, bias=False,
                                       init=init))
        assert not steps[-1].diverged and steps[-1].loss < steps[0].loss / 10
    # the notebook's randn start, seed 0: what unticking "Bias b" at lr 0.03 showed
    randn = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.03, steps=10, bias=False))
    assert [f"{randn[i].loss:.3f}" for i in (4, 9)] == ["3.919", "0.421"]


def test_an_unknown_start_is_refused_at_the_call():
    X, Y = seed_task()
    with pytest.raises(ValueError, match="init must be one of"):
        core.learn_kernel(X, Y, kernel_size=(1, 2), init="zeros")


# --- the layer and one step against torch (compute twice, compare) ----------------------------

@settings(max_examples=60)  # each example builds a layer and runs autograd twice
@given(st.integers(2, 9), st.integers(2, 9), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 10_000), st.sampled_from(["sum", "mean"]))
def test_one_step_matches_torch_forward_and_backward(H, W, kh, kw, seed, loss):
    kh, kw = min(kh, H), min(kw, W)
    g = torch.Generator().manual_seed(seed)
    X, Y = torch.randn(H, W, generator=g), torch.randn(H - kh + 1, W - kw + 1, generator=g)
    first = next(core.learn_kernel(X, Y, kernel_size=(kh, kw), lr=0.1, seed=seed, loss=loss))
    ref = learn.Conv2D((kh, kw), generator=torch.Generator().manual_seed(seed))
    w, b = ref.weight.detach().requires_grad_(), ref.bias.detach().requires_grad_()
    Y_hat = F.conv2d(X[None, None], w[None, None])[0, 0] + b
    err = (Y_hat - Y) ** 2
    (err.sum() if loss == "sum" else err.mean()).backward()
    assert torch.allclose(first.prediction, Y_hat.detach(), atol=1e-5)
    assert torch.allclose(first.grad, w.grad, rtol=1e-4, atol=1e-5)
    assert torch.allclose(first.weight, (w - 0.1 * w.grad).detach(), atol=1e-5)


# --- setting up a task -------------------------------------------------------------------------

def test_same_size_task_is_the_seed_data():
    task = learn_task.make_task(stripes(), D2L_EDGE)
    assert torch.equal(task.Y, core.corr2d(stripes(), D2L_EDGE))
    assert torch.equal(task.K_view, D2L_EDGE) and task.exact and task.shift == (0, 0)


def test_a_larger_learned_kernel_holds_the_target_with_zeros_and_fits_exactly():
    task = learn_task.make_task(shapes(), SOBEL_X, kernel_size=(5, 4))
    assert task.Y.shape == (60, 61) and task.X.shape == (64, 64)
    assert task.K_view[1:4, 0:3].equal(SOBEL_X) and task.K_view.abs().sum() == SOBEL_X.abs().sum()
    best = core.best_kernel(task.X, task.Y, kernel_size=(5, 4))
    assert best.loss < 1e-8
    assert torch.allclose(best.weight, task.K_view, atol=1e-4)


def test_a_smaller_learned_kernel_cannot_fit_exactly():
    task = learn_task.make_task(shapes(), SOBEL_X, kernel_size=(2, 2))
    assert not task.exact and task.shift == (0, 0)
    assert task.Y.shape == (62, 62) and task.X.shape == (63, 63)
    assert torch.equal(task.K_view, SOBEL_X[:2, :2])
    assert core.best_kernel(task.X, task.Y, kernel_size=(2, 2)).loss > 1.0


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5),
       st.integers(0, 99))
def test_any_sizes_align_and_exact_ones_are_reproduced_by_k_view(th, tw, kh, kw, seed):
    g = torch.Generator().manual_seed(seed)
    X, K = torch.rand(9, 10, generator=g), torch.randn(th, tw, generator=g)
    task = learn_task.make_task(X, K, kernel_size=(kh, kw))
    assert task.Y.shape == (task.X.shape[0] - kh + 1, task.X.shape[1] - kw + 1)
    assert task.K_view.shape == (kh, kw)
    if task.exact:
        assert torch.allclose(core.corr2d(task.X, task.K_view), task.Y, atol=1e-5)


def test_noise_is_seeded_and_the_same_whatever_the_learned_size():
    a = learn_task.make_task(shapes(), SOBEL_X, noise=0.5, seed=3)
    b = learn_task.make_task(shapes(), SOBEL_X, noise=0.5, seed=3)
    c = learn_task.make_task(shapes(), SOBEL_X, kernel_size=(5, 5), noise=0.5, seed=3)
    assert torch.equal(a.Y, b.Y) and torch.equal(a.Y[1:-1, 1:-1], c.Y)
    clean = core.corr2d(shapes(), SOBEL_X)
    assert 0.4 < float((a.Y - clean).std()) < 0.6


@pytest.mark.parametrize("kwargs, words", [
    ({"kernel_size": (8, 1)}, "at most 7×7"),
    ({"kernel_size": (7, 7)}, "does not fit in the 6×8 input"),
    ({"noise": -0.1}, "noise must be a number from 0"),
    ({"noise": float("nan")}, "noise must be a number from 0"),
])
def test_bad_tasks_say_what_to_change(kwargs, words):
    with pytest.raises(ValueError, match=words):
        learn_task.make_task(stripes(), D2L_EDGE, **kwargs)


def test_big_pictures_are_shrunk_to_64_a_side_keeping_the_aspect():
    assert learn_task.fit_input(torch.rand(200, 100)).shape == (64, 32)
    X = torch.rand(256, 128)
    small = learn_task.fit_input(X)  # 4× smaller: each pixel is the mean of a 4×4 block
    assert small.shape == (64, 32)
    assert float(small[5, 7]) == pytest.approx(float(X[20:24, 28:32].mean()), abs=1e-6)
    assert learn_task.fit_input(stripes()).equal(stripes())


# --- stability and identifiability ------------------------------------------------------------

def test_the_seed_set_up_is_stable_below_0016_and_that_is_why_003_diverges():
    bound = learn.stable_lr(stripes(), (1, 2))
    assert 0.0160 < bound < 0.0162
    assert learn.nice_lr_below(bound) == 0.01


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_the_stable_lr_separates_converging_from_diverging(optimizer):
    X, Y = seed_task()
    bound = learn.stable_lr(X, (1, 2), optimizer=optimizer)
    below = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.9 * bound, steps=300,
                                   optimizer=optimizer))
    above = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=1.5 * bound, steps=300,
                                   optimizer=optimizer))
    assert not below[-1].diverged and below[-1].loss < 1e-3
    assert above[-1].diverged


def test_divergence_advice_names_the_bias_only_when_dropping_it_converges():
    X = stripes()
    tip = learn.divergence_advice(X, (1, 2), lr=0.03, bias=True, loss="sum", optimizer="sgd")
    assert tip.fix == {"lr": 0.01} and tip.bound == pytest.approx(0.0161, abs=1e-4)
    assert tip.without_bias == pytest.approx(1 / 30)  # 0.03 < 0.0333: untick the bias
    too_big = learn.divergence_advice(X, (1, 2), lr=0.05, bias=True, loss="sum", optimizer="sgd")
    assert too_big.without_bias is None  # 0.05 diverges without the bias too
    no_bias = learn.divergence_advice(X, (1, 2), lr=0.05, bias=False, loss="sum",
                                      optimizer="sgd")
    assert no_bias.without_bias is None and no_bias.fix == {"lr": 0.02}
    picture = learn_task.make_task(shapes(), SOBEL_X)
    mean = learn.divergence_advice(picture.X, (3, 3), lr=0.01, bias=True, loss="sum",
                                   optimizer="sgd")
    assert mean.fix == {"loss": "mean", "lr": 0.5} and mean.without_bias is None


def test_the_mean_loss_allows_an_lr_n_times_larger():
    n = 6 * 7
    ratio = learn.stable_lr(stripes(), (1, 2), loss="mean") / learn.stable_lr(stripes(), (1, 2))
    assert ratio == pytest.approx(n)
    assert learn.stable_lr(stripes(), (1, 2), optimizer="adam") is None


def test_stripes_cannot_pin_down_a_taller_kernel():
    assert learn.free_directions(stripes(), (1, 2)) == 0
    assert learn.free_directions(stripes(), (3, 3)) > 0  # every row of the stripes is the same
    assert learn.free_directions(shapes(), (3, 3)) == 0


# --- the design matrix ---------------------------------------------------------------------

def test_the_design_matrix_is_every_window_then_a_column_of_ones():
    X = torch.arange(12.0).reshape(3, 4)
    A = learn.design_matrix(X, (2, 2), bias=True)  # (2·3 windows, 2·2 taps + 1)
    assert A.shape == (6, 5) and A.dtype == torch.float64
    assert A[0].tolist() == [0, 1, 4, 5, 1] and A[5].tolist() == [6, 7, 10, 11, 1]
    assert learn.design_matrix(X, (2, 2), bias=False).equal(A[:, :4])
    # A θ is corr2d(X, K) + b: the matrix every exact answer on the page is built from
    K, b = torch.tensor([[1.0, -2.0], [0.5, 3.0]]), 0.25
    theta = torch.cat([K.reshape(-1), torch.tensor([b])]).double()
    assert torch.allclose((A @ theta).reshape(2, 3).float(), core.corr2d(X, K) + b)


@pytest.mark.parametrize("picture", ["Shapes 64×64", "Circles 64×64"])
def test_plain_sgd_at_lr_05_on_the_mean_diverges_exactly_where_the_bound_says(picture):
    task = learn_task.make_task(SAMPLES[picture](), SOBEL_X)
    bound = learn.stable_lr(task.X, (3, 3), loss="mean")
    last = list(core.learn_kernel(task.X, task.Y, kernel_size=(3, 3), lr=0.5, steps=300,
                                  loss="mean"))[-1]
    assert last.diverged == (0.5 > bound)  # Circles: bound 0.22; Shapes: 0.64


def test_outcome_measures_errors_against_truth_and_optimum():
    task = learn_task.make_task(stripes(), D2L_EDGE)
    best = core.best_kernel(task.X, task.Y, kernel_size=(1, 2))
    out = learn_task.outcome(torch.tensor([[1.5, -1.0]]), task, best)
    assert out.max_error == pytest.approx(0.5) and out.to_optimum == pytest.approx(0.5, abs=1e-5)
    assert out.error.tolist() == [[0.5, 0.0]]


# --- every step against autograd + torch.optim (compute twice, compare) -------------------------

def autograd_steps(X, Y, *, kernel_size, lr, steps, seed, bias, optimizer, loss, init):
    """The plain reference: Conv2D's forward, autograd's backward, torch.optim's update (the
    notebook's w ← w − lr·∇w for "sgd"), one step at a time. Yields what learn_kernel's Step
    holds, and the kernel and bias the forward pass used (``K_in``, ``b_in``)."""
    net = learn.Conv2D(kernel_size, bias=bias, init=init,
                       generator=torch.Generator().manual_seed(seed))
    params = list(net.parameters())
    opt = {"sgd": None, "momentum": torch.optim.SGD(params, lr=lr, momentum=0.9),
           "adam": torch.optim.Adam(params, lr=lr)}[optimizer]
    first = None
    for _ in range(steps):
        K_in = net.weight.detach().clone()
        b_in = 0.0 if net.bias is None else float(net.bias.detach()[0])
        Y_hat = net(X)
        err = (Y_hat - Y) ** 2
        l = err.sum() if loss == "sum" else err.mean()
        for p in params:
            p.grad = None
        l.backward()
        value = l.item()
        first = value if first is None else first
        diverged = not math.isfinite(value) or value > learn.DIVERGENCE_FACTOR * max(first, 1e-12)
        grad = net.weight.grad.clone()
        if not diverged:
            if opt is None:
                with torch.no_grad():
                    for p in params:
                        p -= lr * p.grad
            else:
                opt.step()
        yield types.SimpleNamespace(
            loss=value, weight=net.weight.detach().clone(),
            bias=None if net.bias is None else float(net.bias.detach()[0]), grad=grad,
            prediction=Y_hat.detach().clone(), diverged=diverged, K_in=K_in, b_in=b_in)
        if diverged:
            return


def float32_reach(X, Y, ref, loss, dK, db):
    """How far float32 lets two honest computations of a step's loss and ∂L/∂K lie apart when
    their kernels going in differ by dK (kh, kw) and their biases by db.

    Each cell of r = Ŷ − Y sums terms of total size R = corr2d(|X|, |K|) + |b| + |Y|, so it is
    known to δ = a few ulps of R (not of itself: near the optimum it cancels) plus what the
    inputs differ by, corr2d(|X|, dK) + db. Then L = Σr² (÷ n) is known to Σ(2|r|δ + δ²) (÷ n)
    and ∂L/∂K = 2·corr2d(X, r) (÷ n) to 2·corr2d(|X|, δ) (÷ n).
    """
    def corr(A, B):
        return F.conv2d(A[None, None], B[None, None])[0, 0]
    ulps = 8 * torch.finfo(torch.float32).eps
    Xa = X.abs().double()
    R = corr(Xa, ref.K_in.abs().double()) + abs(ref.b_in) + Y.abs().double()
    delta = ulps * R + corr(Xa, dK.double()) + db
    r, n = (ref.prediction - Y).abs().double(), Y.numel() if loss == "mean" else 1
    return float((2 * r * delta + delta**2).sum()) / n, 2 * float(corr(Xa, delta).max()) / n


def assert_same_steps(ours, theirs, X, Y, loss, *, rtol=1e-4):
    """Step by step: the same loss, weight, bias, grad and prediction to float32 tolerance."""
    assert len(ours) == len(theirs)
    dK, db = torch.zeros_like(ours[0].weight), 0.0  # the same start
    for s, ref in zip(ours, theirs):
        loss_atol, grad_atol = float32_reach(X, Y, ref, loss, dK, db)
        assert s.diverged == ref.diverged, s.step
        assert s.loss == pytest.approx(ref.loss, rel=rtol, abs=loss_atol), s.step
        assert torch.allclose(s.grad, ref.grad, rtol=rtol, atol=grad_atol), (s.step, s.grad, ref)
        assert (s.bias is None) == (ref.bias is None)
        theta = [torch.cat([w.reshape(-1), torch.tensor([b] if b is not None else [])])
                 for w, b in ((s.weight, s.bias), (ref.weight, ref.bias))]  # [vec K; b]
        for a, e in (theta, (s.prediction, ref.prediction)):
            atol = 1e-5 * max(1.0, float(e.abs().max()))  # the bias moves on K's scale
            assert torch.allclose(a, e, rtol=rtol, atol=atol), (s.step, a, e)
        dK, db = (s.weight - ref.weight).abs(), abs((s.bias or 0.0) - (ref.bias or 0.0))


@settings(max_examples=80, deadline=None)  # each example runs up to 40 autograd steps
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 4), st.integers(1, 4),
       st.sampled_from(learn.OPTIMIZERS), st.sampled_from(learn.LOSSES), st.booleans(),
       st.sampled_from(learn.INITS), st.integers(0, 10_000), st.integers(1, 40),
       st.sampled_from([0.1, 0.5, 0.9, 1.5]))
def test_every_step_is_the_step_autograd_and_torch_optim_take(
        H, W, kh, kw, optimizer, loss, bias, init, seed, steps, f):
    """Random sizes, kernels, optimizers, losses, bias on or off, starts, seeds and lengths; lr
    is f × the plain-descent bound (Adam: f / 10), so some runs converge and some diverge."""
    kh, kw = min(kh, H), min(kw, W)
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(H, W, generator=g)
    Y = core.corr2d(X, torch.randn(kh, kw, generator=g)) + 0.1 * torch.randn(
        H - kh + 1, W - kw + 1, generator=g)
    bound = learn.stable_lr(X, (kh, kw), bias=bias, loss=loss)
    lr = f / 10 if optimizer == "adam" or bound is None else f * bound
    run = {"kernel_size": (kh, kw), "lr": lr, "steps": steps, "seed": seed, "bias": bias,
           "optimizer": optimizer, "loss": loss, "init": init}
    assert_same_steps(list(core.learn_kernel(X, Y, **run)), list(autograd_steps(X, Y, **run)), X, Y,
                      loss)


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.1), ("momentum", 0.2), ("adam", 0.05)])
def test_three_hundred_steps_on_a_picture_are_the_steps_torch_optim_takes(optimizer, lr):
    task = learn_task.make_task(SAMPLES["Shapes 64×64"](), SOBEL_X)
    run = {"kernel_size": (3, 3), "lr": lr, "steps": 300, "seed": 0, "bias": True,
           "optimizer": optimizer, "loss": "mean", "init": "randn"}
    ours = list(core.learn_kernel(task.X, task.Y, **run))
    assert_same_steps(ours, list(autograd_steps(task.X, task.Y, **run)), task.X, task.Y, "mean")
    assert not ours[-1].diverged and ours[-1].loss < ours[0].loss / 100  # and they learn
