"""The shapes page in AppTest: defaults, the seed's cells, bad settings, and links."""

import pytest

from tests.apptest import all_text, assert_clean, figures, run_page

PAGE = "pages/shapes.py"
FOUR_LAYERS = "conv:8,3,1,1;pool:max,2,2;conv:16,5x3,1,2x1,2,4;pool:avg,3,2,1"


def shape(at) -> str:
    return at.metric[0].value


def table(at, column: str):
    """The page's table (planner or solver) that has ``column``, as a pandas DataFrame."""
    frames = [d.value for d in at.dataframe]
    return next(f for f in frames if column in f.columns)


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE)


def test_defaults_show_8x8_checked_by_pytorch(default):
    assert_clean(default)
    assert shape(default) == "8 × 8"
    text = all_text(default)
    assert "✓ Checked by PyTorch: `nn.Conv2d(1, 1, kernel_size=3, padding=1)`" in text
    assert "H: ⌊(8 + 1 + 1 − 1·(3 − 1) − 1) / 1⌋ + 1 = ⌊7 / 1⌋ + 1 = 7 + 1 = 8" in text
    assert "H: ⌊(8 − 3 + 2 + 1) / 1⌋ = ⌊8 / 1⌋ = 8" in text  # d2l, total padding 2
    assert "rounds **down**" in text and "first number is for the height" in text
    assert figures(default), "the window picture is missing"


def test_default_planner_is_lenet_and_its_code_ran(default):
    text = all_text(default)
    assert "16×5×5" in text and "2,572 parameters" in text
    assert "nn.Conv2d(6, 16, kernel_size=5)" in text
    assert "✓ Ran this code: `Y.shape` is `torch.Size([1, 16, 5, 5])`" in text


@pytest.mark.parametrize("i, out", [(0, "8 × 8"), (1, "8 × 8"), (2, "4 × 4"), (3, "2 × 2")])
def test_each_seed_cell_is_one_click(i, out):
    at = run_page(PAGE, {"sh_k_h": "7", "sh_s_w": "3"})  # start somewhere else
    at.button(key=f"sh_seed{i}").click().run()
    assert_clean(at)
    assert shape(at) == out
    assert "✓ Checked by PyTorch" in all_text(at)
    if i == 2:  # the seed's third cell: kernel (5, 3), padding (2, 1), stride 2
        assert [at.slider(key=k).value for k in ("sh_k_h", "sh_k_w", "sh_s_h", "sh_s_w")] == [
            5, 3, 2, 2]
        assert at.slider(key="sh_p_h").value == 2 and at.slider(key="sh_p_w").value == 1


def test_changed_stride_changes_the_shape(default):
    default.slider(key="sh_s_h").set_value(3).run()
    assert_clean(default)
    assert shape(default) == "3 × 8"
    assert "⌊7 / 3⌋ + 1 = ⌊2\u202f1/3⌋ + 1 = 2 + 1 = 3" in all_text(default)
    default.slider(key="sh_s_h").set_value(1).run()  # leave the shared fixture as found


@pytest.mark.parametrize("query, message", [
    ({"sh_k_h": "20"}, "no output along the height"),
    ({"sh_pad": "same", "sh_s_w": "2"}, 'padding="same" needs stride 1'),
    ({"sh_layers": "conv:4,3;pool:max,3,1,2;conv:8,3"}, "layer 2 (pool:max,3,1,2)"),
    ({"sh_net_c": "3", "sh_layers": "conv:4,3,1,1,1,2"}, "groups=2 must divide"),
    ({"sh_layers": "conv:4,banana"}, "kernel must be a whole number"),
    ({"sh_sol_m": "30"}, "turns 8 into 30"),
])
def test_invalid_settings_give_a_message_and_the_page_goes_on(query, message):
    at = run_page(PAGE, query)
    assert_clean(at)
    shown = "\n".join(str(b.value) for b in list(at.error) + list(at.warning))
    assert message in shown
    assert "Padding solver" in [s.value for s in at.subheader]  # the rest of the page rendered


def _painted(at) -> str:
    """The style rules the planner's table carries (pandas Styler CSS)."""
    return next(e for e in at.get("data_editor")).proto.arrow_data.styler.styles


def test_the_failing_layer_is_painted_and_a_good_stack_is_not():
    bad = run_page(PAGE, {"sh_layers": "conv:4,3;conv:8,99,1,0"})
    assert "#fcbba1" in _painted(bad)
    assert "#fcbba1" not in _painted(run_page(PAGE, {"sh_layers": "conv:4,3;conv:8,3,1,1"}))


def test_big_settings_are_checked_on_the_meta_device():
    at = run_page(PAGE, {"sh_in_h": "1024", "sh_in_w": "1024", "sh_k_h": "32", "sh_k_w": "32",
                         "sh_p_h": "0", "sh_p_w": "0", "sh_net_h": "1024", "sh_net_w": "1024",
                         "sh_layers": "conv:64,3,1,1"})
    assert_clean(at)
    assert shape(at) == "993 × 993"
    text = all_text(at)
    assert "✓ Checked by PyTorch on the meta device (shapes only): `nn.Conv2d(1, 1, " \
        "kernel_size=32)` on `torch.zeros(1, 1, 1024, 1024)` gives `torch.Size([1, 1, 993, " \
        f"993])`. A real run is left out: it needs {993 * 993 * 32 * 32:,} " \
        "multiply-accumulates" in text
    assert "✓ Ran this code on the meta device (shapes only): `Y.shape` is `torch.Size([1, 64, " \
        "1024, 1024])`, as planned. A real run is left out: a tensor would hold 67,108,864 " \
        "numbers (the run goes up to 1,048,576)." in text
    assert "Not run" not in text and "No picture" in text


def test_sizes_above_the_cap_are_refused_with_a_note():
    at = run_page(PAGE, {"sh_in_h": "4096", "sh_net_c": "99999"})
    assert_clean(at)
    notes = "\n".join(str(w.value) for w in at.warning)
    assert "sh_in_h=4096" in notes and "sh_net_c=99999" in notes


def test_url_round_trip_with_a_four_layer_stack():
    query = {"sh_tab": "Layer planner", "sh_net_c": "4", "sh_net_h": "32", "sh_net_w": "24",
             "sh_layers": FOUR_LAYERS, "sh_k_w": "5", "sh_s_h": "2", "sh_sol_n": "32",
             "sh_sol_m": "16"}
    at = run_page(PAGE, query)
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]  # every value was taken
    assert at.text_area(key="sh_layers").value == FOUR_LAYERS
    assert (at.session_state["sh_tab"], at.slider(key="sh_k_w").value) == ("Layer planner", 5)
    assert shape(at) == "4 × 6"
    text = all_text(at)
    # 4×32×24 → conv 8, p 1: 8×32×24 → max pool 2: 8×16×12 → conv (5, 3), p (2, 1), d 2:
    # (16 + 4 − 2·4 − 1) + 1 = 12, (12 + 2 − 2·2 − 1) + 1 = 10 → avg pool 3, s 2, p 1: 6×5
    assert "Output: 16×6×5** after 4 of 4 layers" in text
    assert "nn.Conv2d(8, 16, kernel_size=(5, 3), padding=(2, 1), dilation=2, groups=4)" in text
    assert "nn.AvgPool2d(kernel_size=3, stride=2, padding=1)" in text
    assert "✓ Ran this code: `Y.shape` is `torch.Size([1, 16, 6, 5])`" in text


@pytest.mark.parametrize("text, says", [
    ("", "Output: 1×28×28** after 0 of 0 layers"), (";;;", "after 0 of 0 layers"),
    ("1 2; 3 4", "layer 1 (`1 2`): a layer starts with"),
    ("x" * 900, "layer 1 (`xxx"),
])
def test_empty_or_garbage_stack_keeps_the_page_alive(text, says):
    at = run_page(PAGE, {"sh_layers": text})
    assert_clean(at)
    assert says in all_text(at)
    assert shape(at) == "8 × 8"  # the calculator is not affected


def test_typed_stack_rebuilds_the_table():
    at = run_page(PAGE)
    at.text_area(key="sh_layers").input("conv:4,3,1,same;pool:max,2").run()
    assert_clean(at)
    assert "Output: 4×14×14** after 2 of 2 layers" in all_text(at)
    assert at.session_state["sh_layers_v"] == 1  # a fresh table for the new text


def test_the_floor_steps_show_the_exact_quotient_at_224():
    at = run_page(PAGE, {"sh_in_h": "224", "sh_in_w": "224", "sh_k_h": "7", "sh_k_w": "7",
                         "sh_p_h": "3", "sh_p_w": "3", "sh_s_h": "2", "sh_s_w": "2"})
    assert_clean(at)
    text = all_text(at)
    assert "⌊223 / 2⌋ + 1 = ⌊111.5⌋ + 1 = 111 + 1 = 112" in text  # was ⌊112⌋ + 1 = 111 + 1
    assert "⌊225 / 2⌋ = ⌊112.5⌋ = 112" in text  # d2l's side: was ⌊112⌋ = 112


STEM = """nn.Sequential(
    nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False),
    nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
)"""
STEM_TEXT = "conv:64,7,2,3,1,1,False;pool:max,3,2,1"


def test_pasted_resnet_stem_becomes_the_compact_form_and_runs():
    at = run_page(PAGE, {"sh_tab": "Layer planner", "sh_net_c": "3", "sh_net_h": "224",
                         "sh_net_w": "224"})
    at.text_area(key="sh_layers").input(STEM).run()
    assert_clean(at)
    assert at.text_area(key="sh_layers").value == STEM_TEXT  # what the link carries
    text = all_text(at)
    assert "Read 2 layers from the pasted PyTorch code; skipped 2 that keep the shape " \
        "(BatchNorm2d, ReLU)." in text
    assert "Output: 64×56×56** after 2 of 2 layers · 9,408 parameters" in text
    assert "nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)" in text
    assert "✓ Ran this code: `Y.shape` is `torch.Size([1, 64, 56, 56])`" in text
    assert "The default stack is" not in text  # the caption no longer claims LeNet


def test_pasted_code_with_other_in_channels_is_kept_until_the_input_fits():
    at = run_page(PAGE, {"sh_net_h": "224", "sh_net_w": "224"})  # 1 input channel
    at.text_area(key="sh_layers").input(STEM).run()
    assert_clean(at)
    assert at.text_area(key="sh_layers").value == STEM  # nothing typed is lost
    errors = "\n".join(str(e.value) for e in at.error)
    assert "in_channels=3, but 1 channel arrives here (the input has 1): set the input " \
           "channels to 3" in errors
    at.number_input(key="sh_net_c").set_value(3.0).run()
    assert_clean(at)
    assert at.text_area(key="sh_layers").value == STEM_TEXT
    assert not at.error and "Read 2 layers" in all_text(at)


def test_unsupported_pasted_code_names_the_piece():
    at = run_page(PAGE, {"sh_net_c": "3"})
    code = "nn.Conv2d(3, 8, 3, padding=1)\nnn.Flatten()\nnn.Linear(8, 10)"
    at.text_area(key="sh_layers").input(code).run()
    assert_clean(at)
    errors = "\n".join(str(e.value) for e in at.error)
    assert "layer 2 (`nn.Flatten()`): not a layer the planner reads" in errors
    assert at.text_area(key="sh_layers").value == code
    assert "Before the error: 8×28×28** after 1 of 1 layers" in all_text(at)


def test_pasted_code_refusals_in_chinese():
    at = run_page(PAGE, {"sh_net_c": "3", "lang": "zh"})
    code = "nn.Conv2d(3, 8, 3, padding=1)\nnn.Conv2d(3, 8, 3, pad=1)"
    at.text_area(key="sh_layers").input(code).run()
    assert_clean(at)
    errors = "\n".join(str(e.value) for e in at.error)
    assert "第 2 层（`nn.Conv2d(3, 8, 3, pad=1)`）：没有名为 'pad' 的关键字参数" in errors
    at.text_area(key="sh_layers").input("nn.Conv2d(3, 8, 3)\nnn.Conv2d(4, 8, 3)").run()
    errors = "\n".join(str(e.value) for e in at.error)
    assert "请写 in_channels=8，或把第 1 层改为 out_channels=4" in errors


def test_the_lenet_caption_only_for_the_default_stack(default):
    assert "The default stack is the convolution part of d2l's LeNet" in all_text(default)
    at = run_page(PAGE, {"sh_layers": "conv:6,5,1,2"})
    assert "The default stack is" not in all_text(at)


def test_counts_are_exact_with_commas_everywhere():
    at = run_page(PAGE, {"sh_net_c": "3", "sh_net_h": "224", "sh_net_w": "224",
                         "sh_layers": "conv:64,7,2,3;conv:128,3,1,1"})
    assert_clean(at)
    text = all_text(at)
    assert "83,328 parameters · 1,042,857,984 multiply-accumulates" in text  # not "83.3 k"
    assert list(table(at, "params")["params"]) == ["9,472", "73,856"]  # not "73.9 k"


def square_query(**extra) -> dict[str, str]:
    return {"sh_square": "true", "sh_in_h": "224", "sh_k_h": "7", "sh_p_h": "3",
            "sh_s_h": "2"} | extra


def test_square_lock_shows_one_control_per_quantity():
    at = run_page(PAGE, square_query())
    assert_clean(at)
    keys = {w.key for w in list(at.slider) + list(at.number_input)}
    assert {"sh_k_h", "sh_p_h", "sh_s_h", "sh_d_h", "sh_in_h"} <= keys
    assert not keys & {"sh_k_w", "sh_p_w", "sh_s_w", "sh_d_w", "sh_in_w"}
    assert shape(at) == "112 × 112"
    assert not at.warning  # every link value was used


def test_turning_the_square_lock_on_copies_h_to_w_and_off_keeps_it():
    at = run_page(PAGE, {"sh_k_h": "5", "sh_s_h": "2"})  # 8, p 1: (8 + 2 − 5) // 2 + 1 = 3
    assert shape(at) == "3 × 8"
    at.toggle(key="sh_square").set_value(True).run()
    assert_clean(at)
    assert shape(at) == "3 × 3"
    at.slider(key="sh_k_h").set_value(7).run()  # one slider moves both: (8 + 2 − 7) // 2 + 1
    assert shape(at) == "2 × 2"
    at.toggle(key="sh_square").set_value(False).run()
    assert_clean(at)
    assert [at.slider(key=k).value for k in ("sh_k_h", "sh_k_w", "sh_s_h", "sh_s_w")] == [
        7, 7, 2, 2]
    assert shape(at) == "2 × 2"


def test_a_non_square_notebook_cell_turns_the_lock_off():
    at = run_page(PAGE, square_query())
    at.button(key="sh_seed2").click().run()
    assert_clean(at)
    assert at.toggle(key="sh_square").value is False and shape(at) == "4 × 4"
    assert at.slider(key="sh_k_w").value == 3


def test_solver_to_a_larger_size_says_what_can_grow_it():
    at = run_page(PAGE, {"sh_tab": "Padding solver", "sh_sol_n": "224", "sh_sol_m": "300"})
    assert_clean(at)
    warning = "\n".join(str(w.value) for w in at.warning)
    assert "No kernel 1–7 with stride 1, 2 turns 224 into 300." in warning
    assert "try other strides" not in warning
    assert "transposed convolution (nn.ConvTranspose2d)" in warning


def test_each_solver_row_has_its_conv2d_line():
    at = run_page(PAGE, {"sh_sol_n": "224", "sh_sol_m": "112", "sh_sol_k": ["7", "7"],
                         "sh_sol_s": ["2", "2"]})
    assert_clean(at)
    code = "PyTorch (both axes, 1 channel)"
    assert list(table(at, code)[code]) == [
        "nn.Sequential(nn.ZeroPad2d((2, 3, 2, 3)), nn.Conv2d(1, 1, kernel_size=7, stride=2))",
        "nn.Conv2d(1, 1, kernel_size=7, stride=2, padding=3)",
    ]
