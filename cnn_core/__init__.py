"""cnn_core: the convolution engine behind ConvLab (NumPy and Pillow only).

Channels-last, in the lecture's notation: an image is ``(n_H, n_W, n_c)``, a filter
bank ``(f, f, n_c, n_f)``. Every wrong input raises ``ValueError`` naming the numbers.
"""

from cnn_core.backward import conv2d_backward, pool2d_backward
from cnn_core.conv import CellExplanation, conv2d, explain_cell, pad
from cnn_core.digits import Digits, digit_inputs, load_digits, split_digits
from cnn_core.export import to_pytorch
from cnn_core.filters import (
    EDGE_KINDS,
    HORIZONTAL_EDGE,
    SCHARR_HORIZONTAL,
    SCHARR_VERTICAL,
    SOBEL_HORIZONTAL,
    SOBEL_VERTICAL,
    VERTICAL_EDGE,
    box_filter,
    filter_bank,
    on_channels,
    rotated_edge,
)
from cnn_core.images import (
    DEFAULT_MAX_PIXELS,
    downscale,
    downscale_factor,
    image_size,
    load_image,
    to_gray,
)
from cnn_core.learn import FilterHistory, fit_filter, safe_learning_rate
from cnn_core.model import (
    DIGITS_NETWORK,
    confusion_matrix,
    forward,
    init_params,
    loss_and_gradients,
    predict_proba,
)
from cnn_core.network import LECTURE_NETWORK, LENET5_LIKE, Layer, Row, describe
from cnn_core.pool import PoolExplanation, explain_pool, pool2d, relu
from cnn_core.shapes import (
    POOL_MODES,
    conv_params,
    dense_params,
    dense_weights,
    output_size,
    resolve_padding,
    same_padding,
    usage_count,
)
from cnn_core.training import EpochStats, TrainResult, train

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "DIGITS_NETWORK",
    "EDGE_KINDS",
    "HORIZONTAL_EDGE",
    "LECTURE_NETWORK",
    "LENET5_LIKE",
    "POOL_MODES",
    "SCHARR_HORIZONTAL",
    "SCHARR_VERTICAL",
    "SOBEL_HORIZONTAL",
    "SOBEL_VERTICAL",
    "VERTICAL_EDGE",
    "CellExplanation",
    "Digits",
    "EpochStats",
    "FilterHistory",
    "Layer",
    "PoolExplanation",
    "Row",
    "TrainResult",
    "box_filter",
    "confusion_matrix",
    "conv2d",
    "conv2d_backward",
    "conv_params",
    "dense_params",
    "dense_weights",
    "describe",
    "digit_inputs",
    "downscale",
    "downscale_factor",
    "explain_cell",
    "explain_pool",
    "filter_bank",
    "fit_filter",
    "forward",
    "image_size",
    "init_params",
    "load_digits",
    "load_image",
    "loss_and_gradients",
    "on_channels",
    "output_size",
    "pad",
    "pool2d",
    "pool2d_backward",
    "predict_proba",
    "relu",
    "resolve_padding",
    "rotated_edge",
    "safe_learning_rate",
    "same_padding",
    "split_digits",
    "to_gray",
    "to_pytorch",
    "train",
    "usage_count",
]
