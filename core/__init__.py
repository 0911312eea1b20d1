"""ConvScope's math: 2-D convolution as in d2l, on top of PyTorch. Never imports streamlit."""

from core.corr import (
    PADDING_MODES,
    as_tensor,
    check_groups,
    conv2d,
    corr2d,
    corr2d_loop,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    pad2d,
)
from core.geometry import (
    conv_output_shape,
    conv_output_size,
    pool_output_shape,
    pool_stride,
    resolve_padding,
    same_padding,
    trans_conv_output_shape,
)
from core.grids import cells_to_tensor, format_grid, parse_grid
from core.learn import Conv2D, Optimum, Step, best_kernel, learn_kernel
from core.matrix import conv_matrix, im2col
from core.pooling import (
    POOL_EXAMPLES,
    POOL_MODES,
    POOL_X,
    POOL_X16,
    POOL_X16_2,
    PoolExample,
    PoolTrace,
    PoolWindow,
    avg_pool_as_conv,
    max_pool_by_relu,
    mean_kernel,
    min_pool2d,
    pool2d,
    pool2d_multi,
    pool_axis_formula,
    pool_windows,
    relu_max,
)
from core.transposed import (
    TRANS_K,
    TRANS_X,
    TRANS_Y,
    TRANS_Y_PADDING_1,
    TRANS_Y_STRIDE_2,
    AsConv,
    Scatter,
    Stamp,
    as_conv,
    scatter,
    trans_conv2d,
    trans_conv2d_by_matrix,
    trans_conv2d_multi,
    trans_conv_matrix,
)
from core.windows import Window, WindowTrace, sliding_windows

__all__ = [
    "PADDING_MODES", "Conv2D", "Optimum", "Step", "Window", "WindowTrace", "as_tensor",
    "best_kernel", "cells_to_tensor", "check_groups", "conv2d", "conv_output_shape",
    "conv_output_size", "corr2d", "corr2d_loop", "corr2d_multi_in", "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1", "format_grid", "im2col", "learn_kernel", "pad2d", "parse_grid",
    "resolve_padding", "same_padding", "sliding_windows",
    # pooling (汇聚层)
    "POOL_EXAMPLES", "POOL_MODES", "POOL_X", "POOL_X16", "POOL_X16_2", "PoolExample",
    "PoolTrace", "PoolWindow", "avg_pool_as_conv", "max_pool_by_relu", "mean_kernel",
    "min_pool2d", "pool2d", "pool2d_multi", "pool_axis_formula", "pool_output_shape",
    "pool_stride", "pool_windows", "relu_max",
    # transposed convolution (转置卷积) and the matrix view
    "TRANS_K", "TRANS_X", "TRANS_Y", "TRANS_Y_PADDING_1", "TRANS_Y_STRIDE_2", "AsConv",
    "Scatter", "Stamp", "as_conv", "conv_matrix", "scatter", "trans_conv2d",
    "trans_conv2d_by_matrix", "trans_conv2d_multi", "trans_conv_matrix",
    "trans_conv_output_shape",
]
