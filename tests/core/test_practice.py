"""core.practice: right answers come from core's rules (and agree with torch), each named
mistake is recognised, unreadable answers are refused with typed errors, seeds repeat."""

import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core import practice as pr


def test_the_books_shape_exercise_is_two_by_two():
    assert pr.BOOK_SHAPE.answer() == (2, 2)
    assert pr.BOOK_SHAPE.check("2×2") == pr.Verdict(True, None, (2, 2))


@pytest.mark.parametrize("text", ["2x2", "2 × 2", "(2, 2)", "2,2", " 2 2 ", "2X2", "（2，2）"])
def test_shapes_are_read_as_learners_write_them(text):
    assert pr.read_shape(text) == (2, 2)


@pytest.mark.parametrize("text, error", [
    ("", pr.AnswerEmpty), ("   ", pr.AnswerEmpty), ("2", pr.AnswerNotAShape),
    ("2×2×2", pr.AnswerNotAShape), ("two × 2", pr.AnswerNotANumber),
    ("2.5×2", pr.AnswerNotANumber), ("99999999999×2", pr.AnswerTooLarge),
])
def test_unreadable_shapes_are_refused_by_type(text, error):
    with pytest.raises(error):
        pr.read_shape(text)


@pytest.mark.parametrize("answer, mistake", [
    ("1×1", "dropped_plus_s"), ("3×3", "rounded_up"), ("6×6", "ignored_stride"),
])
def test_the_books_exercise_names_each_known_slip(answer, mistake):
    verdict = pr.BOOK_SHAPE.check(answer)
    assert not verdict.right and verdict.mistake == mistake and verdict.expected == (2, 2)


def test_padding_conventions_are_told_apart():
    torch_task = pr.ShapeTask(n=(8, 8), k=(3, 3), p=(2, 2), s=(1, 1), convention="torch")
    d2l_task = pr.ShapeTask(n=(8, 8), k=(3, 3), p=(2, 2), s=(1, 1), convention="d2l")
    assert torch_task.answer() == (10, 10) and d2l_task.answer() == (8, 8)
    assert torch_task.check("8×8").mistake == "padding_per_side_as_total"
    assert d2l_task.check("10×10").mistake == "padding_total_as_per_side"


def test_an_answer_no_slip_explains_is_just_wrong():
    verdict = pr.BOOK_SHAPE.check("7×2")
    assert not verdict.right and verdict.mistake is None


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), index=st.integers(0, 20),
       convention=st.sampled_from(["torch", "d2l"]))
def test_drills_have_an_output_and_agree_with_torch(seed, index, convention):
    task = pr.shape_drill(seed, index, convention)
    assert task == pr.shape_drill(seed, index, convention)  # the same seed, the same task
    (nh, nw), (kh, kw), (ph, pw), (sh, sw) = task.n, task.k, task.p, task.s
    X = torch.zeros(1, 1, nh, nw)
    if convention == "d2l":  # total padding, the extra row/column on top/left as the book
        X = torch.nn.functional.pad(X, ((pw + 1) // 2, pw // 2, (ph + 1) // 2, ph // 2))
        padding = 0
    else:
        padding = (ph, pw)
    Y = torch.nn.functional.conv2d(X, torch.zeros(1, 1, kh, kw), padding=padding,
                                   stride=(sh, sw))
    assert task.answer() == tuple(Y.shape[2:])
    assert task.check(f"{Y.shape[2]}×{Y.shape[3]}").right
    for wrong in task.slips().values():  # each slip's answer is named as a slip
        verdict = task.check(f"{wrong[0]}×{wrong[1]}")
        assert not verdict.right and verdict.mistake in pr.MISTAKES


def test_different_seeds_give_different_sets():
    a = [pr.shape_drill(1, i, "torch") for i in range(5)]
    b = [pr.shape_drill(2, i, "torch") for i in range(5)]
    assert a != b


def test_the_pooling_stride_default_is_the_trap():
    assert pr.BOOK_POOL.answer() == 1
    assert pr.BOOK_POOL.check("1").right
    assert pr.BOOK_POOL.check("2").mistake == "pool_stride_one"
    pool = torch.nn.MaxPool2d(3)(torch.arange(16.0).reshape(1, 1, 4, 4))
    assert tuple(pool.shape[2:]) == (1, 1)


def test_the_diagonal_edge_grids_check_cell_by_cell_and_name_a_flipped_kernel():
    task = pr.edge_tasks()["K"]
    Y = task.answer()
    right = [[str(int(v)) for v in row] for row in Y.tolist()]
    verdict, marks = task.check(right)
    assert verdict.right and all(all(r) for r in marks)
    flipped = [[str(-int(v)) for v in row] for row in Y.tolist()]  # corr2d with K flipped
    verdict, marks = task.check(flipped)
    assert verdict.mistake == "flipped_kernel"
    one_off = [row[:] for row in right]
    one_off[0][0] = "5"
    verdict, marks = task.check(one_off)
    assert not verdict.right and verdict.mistake is None
    assert marks[0][0] is False and sum(not m for r in marks for m in r) == 1


def test_transposing_x_or_k_changes_the_edges_found():
    tasks = pr.edge_tasks()
    assert tasks["K"].answer().abs().sum() > 0
    assert tasks["Xt"].answer().shape == tasks["K"].answer().shape
    assert tasks["Kt"].answer().shape == (5, 6)


@pytest.mark.parametrize("cells, error", [
    ([["1"]], pr.AnswerWrongSize), ([["x"] * 5] * 6, pr.AnswerNotANumber),
    ([[""] * 5] * 6, pr.AnswerEmpty),
])
def test_bad_grids_are_refused_by_type(cells, error):
    with pytest.raises(error):
        pr.edge_tasks()["K"].check(cells)


def test_cost_counts_weights_biases_and_multiply_adds():
    task = pr.CostTask(ci=3, co=16, kh=3, kw=3, ho=32, wo=32, bias=True)
    layer = torch.nn.Conv2d(3, 16, 3, bias=True)
    assert task.params() == sum(p.numel() for p in layer.parameters())
    assert task.macs() == 16 * 3 * 9 * 32 * 32
    assert task.check_params(str(task.params())).right
    assert task.check_params(str(16 * 3 * 9)).mistake == "forgot_bias"
    assert task.check_params(str(16 * 9 + 16)).mistake == "forgot_in_channels"
    assert task.check_macs(str(16 * 9 * 32 * 32)).mistake == "forgot_in_channels"


def test_cost_drills_repeat_by_seed():
    assert pr.cost_drill(7, 0) == pr.cost_drill(7, 0)
    assert [pr.cost_drill(7, i) for i in range(4)] != [pr.cost_drill(8, i) for i in range(4)]


def test_every_named_mistake_has_a_message():
    names = set()
    for conv in ("torch", "d2l"):
        names |= set(pr._SHAPE_SLIPS[conv])
    names |= {"pool_stride_one", "flipped_kernel", "forgot_bias", "forgot_in_channels"}
    names |= set(pr.matrix_task(0).slips()) | {"pool_sum_not_mean", "max_not_min",
                                                "forgot_negate_back"}
    names |= {"pool_max_not_mean", "pool_mean_not_max", "pool_sum_not_divided",
              "pool_pad_counted", "pool_pad_not_counted"}
    names |= set(pr.TransShapeTask(n=(3, 3), k=(3, 3), p=(1, 1), s=(2, 2)).slips())
    book = torch.tensor([[0.0, 1], [2, 3]])  # the transposed page's quiz, stride and padding 2
    names |= {k for t in pr.trans_cell_tasks(book, book, stride=2, padding=1)
              for k, _v in t.slips}
    assert names == set(pr.MISTAKES)


@pytest.mark.parametrize("goal, K", [
    ("second_derivative_x", [[1.0, -2.0, 1.0]]),
    ("second_derivative_x", [[-0.5, 1.0, -0.5]]),  # any scale
    ("second_derivative_x", [[1.0, -2.0, 1.0], [2.0, -4.0, 2.0]]),  # smoothed along y
    ("blur", [[1 / 9] * 3] * 3), ("blur", [[0.25, 0.5, 0.25]]),
    ("vertical_edges", [[1.0, -1.0]]), ("vertical_edges", [[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    ("horizontal_edges", [[1.0], [-1.0]]),
])
def test_designed_kernels_pass_by_what_they_do(goal, K):
    verdict = pr.check_design(goal, torch.tensor(K))
    assert verdict.right, verdict.fails


@pytest.mark.parametrize("goal, K, fail", [
    ("second_derivative_x", [[1.0, -1.0]], "too_small"),
    ("second_derivative_x", [[1.0, -2.0, 2.0]], "not_zero_on_constant"),
    ("second_derivative_x", [[0.0, 0.0, 0.0]], "not_constant_on_parabola"),
    ("blur", [[0.5, -0.25, 0.75]], "negative_weight"),
    ("blur", [[1.0, 1.0, 1.0]], "not_sum_one"),
    ("blur", [[0.0, 1.0, 0.0]], "identity"),
    ("vertical_edges", [[1.0], [-1.0]], "no_response"),
    ("vertical_edges", [[1.0, -1.0], [1.0, 0.0]], "other_direction"),
    ("horizontal_edges", [[1.0, 1.0]], "not_zero_on_constant"),
])
def test_each_design_failure_is_named(goal, K, fail):
    verdict = pr.check_design(goal, torch.tensor(K))
    assert not verdict.right and fail in verdict.fails


def test_every_design_failure_has_a_message():
    import inspect
    src = inspect.getsource(pr.check_design)
    used = set(re.findall(r'fails.append\("(\w+)"\)', src))
    assert used == set(pr.DESIGN_FAILS)


# -- cross-correlation as a matrix product ----------------------------------------------------

def _grid(T: torch.Tensor) -> list[list[str]]:
    return [[f"{v:g}" for v in row] for row in T.tolist()]


def test_the_books_matrix_task_is_the_4_by_9_W_of_K_0123():
    task = pr.matrix_task(0)
    W = task.answer()
    assert W.shape == (4, 9)
    assert W[0].tolist() == [0, 1, 0, 2, 3, 0, 0, 0, 0]
    verdict, marks = task.check(_grid(W))
    assert verdict.right and all(all(row) for row in marks)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), values=st.lists(st.integers(-9, 9), min_size=9, max_size=9))
def test_the_matrix_times_vec_x_is_torchs_convolution(seed, values):
    task = pr.matrix_task(seed)
    X = torch.tensor(values, dtype=torch.float32).reshape(3, 3)
    Y = torch.nn.functional.conv2d(X[None, None], task.K[None, None])[0, 0]
    assert torch.equal(task.answer() @ X.reshape(-1), Y.reshape(-1))


@pytest.mark.parametrize("slip", ["flipped_kernel", "column_major", "transposed_matrix"])
def test_each_matrix_slip_is_named(slip):
    task = pr.matrix_task(0)
    verdict, _ = task.check(_grid(task.slips()[slip]))
    assert not verdict.right and verdict.mistake == slip


def test_a_matrix_of_another_shape_is_refused_with_the_shape_it_needs():
    with pytest.raises(pr.AnswerWrongSize) as e:
        pr.matrix_task(0).check([["1", "2"], ["3", "4"]])
    assert (e.value.want_rows, e.value.want_cols) == (4, 9)


def test_matrix_tasks_repeat_by_seed_and_their_kernels_are_not_symmetric():
    for seed in range(1, 30):
        K = pr.matrix_task(seed).K
        assert torch.equal(K, pr.matrix_task(seed).K)
        assert not torch.equal(K, torch.flip(K, (0, 1)))


# -- pooling ----------------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_min_pooling_is_minus_torchs_max_pooling_of_minus_x(seed):
    task = pr.min_pool_task(seed)
    want = -torch.nn.functional.max_pool2d(-task.X[None, None], task.k)[0, 0]
    assert torch.equal(task.answer(), want)
    assert task.check(_grid(want))[0].right


def test_the_min_pooling_slips_are_named():
    task = pr.min_pool_task(0)
    maxed = torch.nn.functional.max_pool2d(task.X[None, None], 2)[0, 0]
    assert task.check(_grid(maxed))[0].mistake == "max_not_min"
    assert task.check(_grid(-task.answer()))[0].mistake == "forgot_negate_back"
    with pytest.raises(pr.AnswerWrongSize):
        task.check([["1"]])
    with pytest.raises(pr.AnswerNotANumber):
        task.check([["a", "1"], ["1", "1"]])


@settings(max_examples=30, deadline=None)
@given(k=st.sampled_from([2, 3]), values=st.lists(st.integers(0, 9), min_size=36, max_size=36))
def test_the_mean_kernel_at_stride_k_is_torchs_average_pooling(k, values):
    X = torch.tensor(values, dtype=torch.float32).reshape(6, 6)
    task = pr.AvgKernelTask(k)
    by_conv = torch.nn.functional.conv2d(X[None, None], task.answer()[None, None], stride=k)
    assert torch.allclose(by_conv, torch.nn.functional.avg_pool2d(X[None, None], k), atol=1e-5)


@pytest.mark.parametrize("k, typed, right, slip", [
    (2, [[0.25, 0.25], [0.25, 0.25]], True, None),
    (3, [[0.111] * 3] * 3, True, None),  # 1/9 to three decimals
    (2, [[1, 1], [1, 1]], False, "pool_sum_not_mean"),
    (2, [[0.5, 0], [0, 0.5]], False, None),
])
def test_an_averaging_kernel_is_judged_by_what_it_does(k, typed, right, slip):
    verdict = pr.AvgKernelTask(k).check(torch.tensor(typed, dtype=torch.float32))
    assert (verdict.right, verdict.mistake) == (right, slip)


def test_an_averaging_kernel_of_another_shape_is_refused():
    with pytest.raises(pr.AnswerWrongSize):
        pr.AvgKernelTask(2).check(torch.ones(1, 3))


# -- transposed convolution -------------------------------------------------------------------

def test_the_books_transposed_example_is_four_by_four():
    assert pr.BOOK_TRANS.answer() == (4, 4)
    assert pr.BOOK_TRANS.check("4×4").right
    assert pr.BOOK_TRANS.check("1×1").mistake == "trans_conv_formula"
    assert pr.BOOK_TRANS.check("6×6").mistake == "trans_n_not_n_minus_1"


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), index=st.integers(0, 5))
def test_transposed_shapes_agree_with_torchs_conv_transpose(seed, index):
    task = pr.trans_drill(seed, index)
    layer = torch.nn.ConvTranspose2d(1, 1, kernel_size=task.k, stride=task.s, padding=task.p)
    with torch.no_grad():
        Y = layer(torch.zeros(1, 1, *task.n))
    assert tuple(Y.shape[2:]) == task.answer()
    assert min(task.answer()) >= 1
    for name, wrong in task.slips().items():
        assert wrong != task.answer()
        assert task.check(f"{wrong[0]}×{wrong[1]}").mistake == name


def test_transposed_slips_follow_their_rules():
    task = pr.TransShapeTask(n=(3, 3), k=(3, 3), p=(1, 1), s=(2, 2))
    assert task.answer() == (5, 5)
    assert task.slips() == {"trans_conv_formula": (2, 2), "trans_padding_added": (9, 9),
                            "trans_n_not_n_minus_1": (7, 7)}
    with pytest.raises(pr.AnswerNotAShape):
        task.check("5")


# -- predict, then reveal on the pooling page ----------------------------------------------------

def test_a_pooled_cell_names_its_slips():
    from core.pooling import pool_windows
    X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    task = pr.pool_cell_task(pool_windows(X, 2, "avg", stride=1).windows[0])
    assert task.check("2").right
    assert task.check("4").mistake == "pool_max_not_mean"
    assert task.check("8").mistake == "pool_sum_not_divided"
    assert task.check("3").mistake is None
    task = pr.pool_cell_task(pool_windows(X, 2, "max", stride=1).windows[0])
    assert task.check("4").right and task.check("2").mistake == "pool_mean_not_max"
    ones = [[1.0] * 4] * 4
    w = pool_windows(ones, 2, "avg", padding=1, stride=2).windows[0]
    assert pr.pool_cell_task(w).check("0.25").right
    assert pr.pool_cell_task(w).check("1").mistake == "pool_pad_not_counted"
    w = pool_windows(ones, 2, "avg", padding=1, stride=2, count_include_pad=False).windows[0]
    assert pr.pool_cell_task(w).check("1").right
    assert pr.pool_cell_task(w).check("0.25").mistake == "pool_pad_counted"


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 3), st.integers(0, 1),
       st.sampled_from(["max", "avg"]), st.booleans(), st.booleans(), st.integers(0, 99))
def test_every_pooled_cell_accepts_torchs_value_and_no_slip_equals_it(H, W, k, p, mode, cip,
                                                                       ceil, seed):
    import torch.nn.functional as F

    from core.pooling import pool_windows
    if 2 * p > k or H + 2 * p < k or W + 2 * p < k:
        return
    X = torch.randint(0, 10, (H, W), generator=torch.Generator().manual_seed(seed)).float()
    trace = pool_windows(X, k, mode, padding=p, ceil_mode=ceil, count_include_pad=cip)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    extra = {} if mode == "max" else {"count_include_pad": cip}
    Y = pool(X[None], k, padding=p, ceil_mode=ceil, **extra)[0].flatten().tolist()
    for w, y in zip(trace.windows, Y, strict=True):
        task = pr.pool_cell_task(w)
        assert task.check(repr(y)).right
        assert all(task.check(repr(v)).mistake == name for name, v in task.slips)
