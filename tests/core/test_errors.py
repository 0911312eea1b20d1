"""Invalid input raises ValueError whose message states the rule and the numbers."""

import pytest
import torch

import core

X3 = torch.arange(9.0).reshape(3, 3)


@pytest.mark.parametrize("kwargs, words", [
    ({"padding": -1}, "padding must be at least 0"),
    ({"stride": 0}, "stride must be at least 1"),
    ({"dilation": (1, 0)}, "dilation must be at least 1"),
    ({"stride": 1.5}, "stride must be"),
    ({"padding": True}, "padding must be an int"),
    ({"padding": "full"}, '"same" or "valid"'),
    ({"padding": (1, 2, 3)}, "(h, w) pair"),
    ({"padding": "same", "stride": 2}, 'padding="same" needs stride 1'),
    ({"padding_mode": "mirror"}, "padding_mode must be one of"),
    ({"padding": 3, "padding_mode": "reflect"}, "reflect padding must be smaller"),
    ({"padding": 4, "padding_mode": "circular"}, "circular padding can wrap at most once"),
    ({"stride": 10_000}, "at most"),
])
def test_bad_geometry_names_the_rule(kwargs, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        core.corr2d(X3, torch.ones(2, 2), **kwargs)


def test_no_output_states_span_and_padded_size():
    with pytest.raises(ValueError, match=r"kernel 5 with dilation 2 spans 9 > padded input 6"):
        core.corr2d(torch.ones(4, 4), torch.ones(5, 5), dilation=2, padding=1)


@pytest.mark.parametrize("X, words", [
    (torch.ones(3), "must have 2 dimensions"),
    (torch.ones(0, 3), "must not be empty"),
    ([[1, 2], [3]], "rectangular array of numbers"),
    (torch.ones(2, 2, dtype=torch.bool), "real numbers"),
    ([["a", "b"]], "rectangular array of numbers"),
])
def test_bad_arrays_are_refused(X, words):
    with pytest.raises(ValueError, match=words):
        core.corr2d(X, [[1]])


def test_oversized_input_is_refused_before_computing():
    with pytest.raises(ValueError, match="at most"):
        core.as_tensor(torch.zeros(1, 4097 * 4096), "X", ndim=2)


def test_channel_mismatch_and_groups_are_explained():
    with pytest.raises(ValueError, match="X has 2 input channels but K has 3"):
        core.corr2d_multi_in(torch.ones(2, 3, 3), torch.ones(3, 2, 2))
    with pytest.raises(ValueError, match="groups=3 must divide both"):
        core.corr2d_multi_in_out(torch.ones(4, 3, 3), torch.ones(6, 1, 2, 2), groups=3)
    with pytest.raises(ValueError, match=r"\(co, ci, 1, 1\)"):
        core.corr2d_multi_in_out_1x1(torch.ones(2, 3, 3), torch.ones(1, 2, 2, 2))


def test_ints_lists_and_numpy_give_float32():
    import numpy as np

    for X in ([[0, 1, 2], [3, 4, 5], [6, 7, 8]], np.arange(9).reshape(3, 3), torch.arange(9.0)
              .reshape(3, 3).double()):
        Y = core.corr2d(X, [[0, 1], [2, 3]])
        assert Y.dtype == torch.float32
        assert Y.tolist() == [[19.0, 25.0], [37.0, 43.0]]


def test_same_padding_keeps_the_size_and_puts_the_odd_cell_last():
    assert core.same_padding((4, 3)) == ((1, 2), (1, 1))
    assert core.corr2d(torch.ones(5, 6), torch.ones(4, 3), padding="same").shape == (5, 6)


def test_learn_kernel_refuses_bad_settings():
    X = torch.ones(6, 8)
    Y = torch.zeros(6, 7)
    for kwargs, words in [
        ({"lr": 0.0}, "lr must be a positive"),
        ({"steps": 0}, "steps must be an int from 1"),
        ({"optimizer": "rmsprop"}, "optimizer must be one of"),
        ({"loss": "l1"}, "loss must be one of"),
    ]:
        with pytest.raises(ValueError, match=words):
            next(core.learn_kernel(X, Y, kernel_size=(1, 2), **kwargs))
    with pytest.raises(ValueError, match=r"Y must have shape \(5, 7\)"):
        next(core.learn_kernel(X, Y, kernel_size=(2, 2)))


# Typed errors: a page decides by the type, a translation rebuilds the text from the numbers.
from core import errors as E  # noqa: E402


@pytest.mark.parametrize("call, kind, fields", [
    (lambda: core.corr2d(torch.ones(4, 4), torch.ones(5, 5), dilation=2, padding=1), E.NoOutput,
     {"axis": "height", "n": 4, "k": 5, "dilation": 2, "before": 1, "after": 1, "reach": 9,
      "padded": 6}),
    (lambda: core.conv_output_size(3, 5), E.NoOutput, {"axis": "", "reach": 5, "padded": 3}),
    (lambda: core.corr2d(X3, torch.ones(2, 2), padding=3, padding_mode="reflect"),
     E.PaddingTooLarge, {"mode": "reflect", "padding": (3, 3, 3, 3), "H": 3, "W": 3}),
    (lambda: core.corr2d(X3, torch.ones(2, 2), padding=4, padding_mode="circular"),
     E.PaddingTooLarge, {"mode": "circular"}),
    (lambda: core.corr2d_multi_in(torch.ones(2, 3, 3), torch.ones(3, 2, 2)), E.ChannelMismatch,
     {"x_channels": 2, "k_channels": 3, "groups": 1}),
    (lambda: core.corr2d_multi_in_out(torch.ones(4, 3, 3), torch.ones(6, 1, 2, 2), groups=3),
     E.GroupsMismatch, {"groups": 3, "ci": 4, "co": 6}),
    (lambda: core.corr2d(X3, torch.ones(2, 2), stride=0), E.TooSmall,
     {"name": "stride", "minimum": 1, "value": 0}),
    (lambda: core.corr2d(X3, torch.ones(2, 2), stride=10_000), E.TooLarge,
     {"name": "stride", "maximum": 1024}),
    (lambda: core.corr2d(X3, torch.ones(2, 2), padding="same", stride=2), E.SameNeedsStride1,
     {"stride": (2, 2)}),
    (lambda: core.corr2d(X3, torch.ones(2, 2), padding=True), E.GeometryValueError,
     {"name": "padding", "value": True}),
])
def test_each_rejection_has_its_type_and_numbers(call, kind, fields):
    with pytest.raises(kind) as info:
        call()
    e = info.value
    assert isinstance(e, ValueError)
    for name, value in fields.items():
        assert getattr(e, name) == value, name
    # the message is the template filled from the fields: what a translation rebuilds
    assert str(e) == e.message_id().format(**e.fields)


def test_grouped_channel_mismatch_says_per_group():
    with pytest.raises(E.ChannelMismatch, match="per group \\(groups=2\\)"):
        core.corr2d_multi_in_out(torch.ones(4, 3, 3), torch.ones(2, 3, 2, 2), groups=2)


def test_typed_errors_survive_pickling():
    import pickle

    e = E.NoOutput(axis="width", n=3, k=5, dilation=1, before=0, after=0)
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is E.NoOutput and back.fields == e.fields and str(back) == str(e)


def test_an_error_without_its_numbers_is_a_programming_error():
    with pytest.raises(TypeError, match="needs"):
        E.NoOutput(axis="height")


def test_layer_and_channel_errors_are_core_errors_with_their_numbers():
    import pickle

    from core.errors import CoreError
    from core.layers import LayerError
    from core.plan import ChannelError

    e = ChannelError(3, 1)
    assert isinstance(e, CoreError) and (e.written, e.arriving) == (3, 1)
    assert str(e) == "in_channels=3, but 1 channel arrives here"
    assert e.message_id() == "in_channels={written}, but {arriving} channel arrives here"
    assert str(ChannelError(3, 2)) == "in_channels=3, but 2 channels arrive here"
    L = LayerError(2, "layer 3 (`conv:x`): bad")
    assert isinstance(L, CoreError) and L.index == 2 and str(L) == "layer 3 (`conv:x`): bad"
    assert pickle.loads(pickle.dumps(L)).index == 2  # st.cache_data keeps errors it re-raises


def test_grid_errors_are_core_errors_rebuilt_from_their_numbers():
    import pickle

    from core.errors import CoreError
    from core.grids import BadSyntax, NotANumber, Ragged, parse_grid

    with pytest.raises(NotANumber) as e:
        parse_grid("1 x; 2 3", name="X")
    assert isinstance(e.value, CoreError) and (e.value.row, e.value.col) == (1, 2)
    assert e.value.message_id().format(**e.value.fields) == str(e.value)
    assert str(pickle.loads(pickle.dumps(e.value))) == str(e.value)
    assert Ragged("X", 2, 1, 2, 1).message_id() != Ragged("X", 2, 3, 2, 1).message_id()
    assert "at character 4;" in str(BadSyntax("K", 1, 4))
