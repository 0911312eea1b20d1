"""Every result printed in the seed notebook, reproduced exactly by `core`."""

import torch

import core
from core.images import stripes

SEED_X = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
MULTI_X = torch.tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
MULTI_K = torch.tensor([[[0, 1], [2, 3]], [[1, 2], [3, 4]]])


def test_d2l_cross_correlation_example():
    Y = core.corr2d(SEED_X, torch.tensor([[0, 1], [2, 3]]))
    assert torch.equal(Y, torch.tensor([[19.0, 25.0], [37.0, 43.0]]))


def test_stripe_image_is_the_seeds():
    expected_row = torch.tensor([1.0, 1, 0, 0, 0, 0, 1, 1])
    X = stripes()
    assert X.shape == (6, 8)
    assert all(torch.equal(row, expected_row) for row in X)


def test_edge_kernel_marks_both_edges_with_plus_and_minus_one():
    Y = core.corr2d(stripes(), torch.tensor([[1, -1]]))
    expected_row = torch.tensor([0.0, 1, 0, 0, 0, -1, 0])
    assert Y.shape == (6, 7)
    assert all(torch.equal(row, expected_row) for row in Y)


def test_multi_input_channels_sum():
    Y = core.corr2d_multi_in(MULTI_X, MULTI_K)
    assert torch.equal(Y, torch.tensor([[56.0, 72.0], [104.0, 120.0]]))


def test_multi_output_channels_stack_k_k1_k2():
    K = torch.stack([MULTI_K, MULTI_K + 1, MULTI_K + 2])
    assert K.shape == (3, 2, 2, 2)
    Y = core.corr2d_multi_in_out(MULTI_X, K)
    assert torch.equal(Y, torch.tensor([
        [[56.0, 72.0], [104.0, 120.0]],
        [[76.0, 100.0], [148.0, 172.0]],
        [[96.0, 128.0], [192.0, 224.0]],
    ]))


def test_one_by_one_convolution_equals_the_matrix_product():
    torch.manual_seed(0)
    X, K = torch.rand(3, 3, 3), torch.rand(2, 3, 1, 1)
    Y1 = core.corr2d_multi_in_out_1x1(X, K)
    Y2 = core.corr2d_multi_in_out(X, K)
    assert Y1.shape == (2, 3, 3)
    assert (Y1 - Y2).norm().item() < 1e-6


def test_the_four_padding_and_stride_cells():
    assert core.conv_output_shape((8, 8), 3, padding=1) == (8, 8)
    assert core.conv_output_shape((8, 8), (5, 3), padding=(2, 1)) == (8, 8)
    assert core.conv_output_shape((8, 8), (5, 3), padding=(2, 1), stride=2) == (4, 4)
    assert core.conv_output_shape((8, 8), (3, 5), padding=(0, 1), stride=(3, 4)) == (2, 2)


def test_the_four_shape_cells_agree_with_nn_conv2d_as_the_seed_ran_them():
    X = torch.randn(1, 1, 8, 8)
    for kwargs in (
        {"kernel_size": 3, "padding": 1},
        {"kernel_size": (5, 3), "padding": (2, 1)},
        {"kernel_size": (5, 3), "padding": (2, 1), "stride": 2},
        {"kernel_size": (3, 5), "padding": (0, 1), "stride": (3, 4)},
    ):
        shape = torch.nn.Conv2d(1, 1, **kwargs)(X).shape[2:]
        geometry = {k: v for k, v in kwargs.items() if k != "kernel_size"}
        assert core.conv_output_shape((8, 8), kwargs["kernel_size"], **geometry) == tuple(shape)


def test_learning_the_edge_kernel_at_lr_001_converges_to_one_minus_one():
    X = stripes()
    Y = core.corr2d(X, torch.tensor([[1, -1]]))
    steps = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.01, steps=20, seed=0))
    losses = [s.loss for s in steps]
    assert len(steps) == 20 and not any(s.diverged for s in steps)
    # The printout every 5 steps falls, as in the seed (8.531, 2.260, 0.616, 0.170 there).
    printed = losses[4::5]
    assert all(a > b for a, b in zip(printed, printed[1:]))
    assert printed[-1] < 0.2
    assert torch.allclose(steps[-1].weight, torch.tensor([[1.0, -1.0]]), atol=0.05)


def test_learning_at_lr_003_reports_divergence():
    X = stripes()
    Y = core.corr2d(X, torch.tensor([[1, -1]]))
    steps = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.03, steps=20, seed=0))
    assert steps[-1].diverged
    assert len(steps) < 20
    assert not any(s.diverged for s in steps[:-1])
