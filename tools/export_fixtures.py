#!/usr/bin/env python3
"""Export micro-codegen's MindIR test fixtures and their reference outputs with real MindSpore.

Usage (the only part of the project that needs MindSpore; the tests do not):

    pip install mindspore          # CPU wheel, Python 3.9-3.11; made with mindspore 2.10.0
    python3 tools/export_fixtures.py            # everything
    python3 tools/export_fixtures.py lenet ops/sigmoid   # only the named fixtures (+ inventory of all on disk)

What it writes (paths relative to the repository root):

    tests/fixtures/<model>/          lenet, mlp, mobilenetv2, dscnn, resnet8
    tests/fixtures/ops/<case>/       tiny single-op / few-op graphs
    tests/fixtures/shared/<stem>/    references for ../shared/models/mindir/*.mindir (no model copy)
    examples/lenet/                  lenet.mindir, input.bin, expected_output.bin, fixture.json
    tools/fixture_op_inventory.md    what MindSpore wrote: op types, attributes, input kinds,
                                     plus experiments on AvgPool/Conv2D 'same' padding and Pad

Every fixture dir holds model.mindir (not for shared/), input_<i>.bin and output_<i>.bin (raw
little-endian, in graph input/output order, dtype of the graph input/output) and fixture.json.

Ground truth: every reference output is computed by MindSpore itself on the *exported file*:
mindspore.load(model.mindir) + nn.GraphCell(graph)(*inputs). The eager network is run too, only as
a cross-check that the export preserved the computation.

Determinism: all weights come from a numpy RNG seeded per fixture (seed = crc32 of the fixture
name), inputs likewise. MindSpore's MINDIR export is NOT byte-deterministic: the graph attribute
`compile_phase` embeds a per-run id and the `primitives` table is written in hash-map order. So the
script compares a freshly exported model with the one on disk after masking `compile_phase` and
sorting `primitives`; if they are equal it keeps the bytes on disk. A re-run therefore leaves the
repository byte-identical (inputs/outputs/json are deterministic; outputs come from MindSpore's CPU
kernels, which are deterministic on one machine).
"""

import json
import os
import shutil
import sys
import tempfile
import zlib
from collections import OrderedDict, defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("GLOG_v", "3")  # silence MindSpore's INFO/WARNING log spam

import mindspore as ms  # noqa: E402
from mindspore import Parameter, Tensor, nn, ops  # noqa: E402
from mindspore.ops import operations as P  # noqa: E402

from mindspore.train import mind_ir_pb2 as pb  # noqa: E402  (the protobuf module MindSpore ships)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED_MINDIR = REPO.parent / "shared" / "models" / "mindir"
INVENTORY = REPO / "tools" / "fixture_op_inventory.md"
EXAMPLE_LENET = REPO / "examples" / "lenet"

ms.set_context(mode=ms.GRAPH_MODE, device_target="CPU")

# Ops that only carry side-effect / tuple bookkeeping on an inference path.
BOOKKEEPING = {"Constant", "Load", "UpdateState", "Depend", "MakeTuple", "TupleGetItem", "Return"}

DTYPE_NP = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32,
            7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32,
            13: np.uint64}
DTYPE_NAME = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
              7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32",
              13: "uint64", 16: "bfloat16", 17: "float64"}


def seed_of(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


# --------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------

def init_weights(net, rng, weight_gain=2.0):
    """Set every parameter explicitly from the seeded RNG.

    conv/dense weights: N(0, sqrt(gain / fan_in)) (He for gain 2); biases N(0, 0.1);
    BatchNorm gamma U(0.5,1.5), beta N(0,0.1), moving_mean N(0,0.1), moving_variance U(0.5,1.5).
    """
    for name, p in net.parameters_and_names():
        shape = tuple(p.shape)
        leaf = name.split(".")[-1]
        if leaf == "gamma":
            v = rng.uniform(0.5, 1.5, shape)
        elif leaf == "beta":
            v = rng.normal(0.0, 0.1, shape)
        elif leaf == "moving_mean":
            v = rng.normal(0.0, 0.1, shape)
        elif leaf == "moving_variance":
            v = rng.uniform(0.5, 1.5, shape)
        elif leaf == "bias":
            v = rng.normal(0.0, 0.1, shape)
        elif len(shape) >= 2:
            fan_in = int(np.prod(shape[1:]))  # conv [out, in/group, kh, kw], dense [out, in]
            v = rng.normal(0.0, np.sqrt(weight_gain / fan_in), shape)
        else:
            v = rng.normal(0.0, 0.5, shape)
        p.set_data(Tensor(v.astype(np.float32)))


# --------------------------------------------------------------------------------------------
# fixture models
# --------------------------------------------------------------------------------------------

class LeNet5(nn.Cell):
    """LeNet-5 as in MindSpore's model zoo (models/official/cv/LeNet), with biases."""

    def __init__(self, num_class=10, num_channel=1):
        super().__init__()
        self.conv1 = nn.Conv2d(num_channel, 6, 5, pad_mode="valid", has_bias=True)
        self.conv2 = nn.Conv2d(6, 16, 5, pad_mode="valid", has_bias=True)
        self.fc1 = nn.Dense(16 * 5 * 5, 120)
        self.fc2 = nn.Dense(120, 84)
        self.fc3 = nn.Dense(84, num_class)
        self.relu = nn.ReLU()
        self.max_pool2d = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()

    def construct(self, x):
        x = self.max_pool2d(self.relu(self.conv1(x)))
        x = self.max_pool2d(self.relu(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


class MLP(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Dense(64, 128)
        self.fc2 = nn.Dense(128, 64)
        self.fc3 = nn.Dense(64, 10)
        self.relu = nn.ReLU()

    def construct(self, x):
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


# ---- MobileNetV2, following models/official/cv/MobileNetV2/src/mobilenetV2.py -------------

def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class GlobalAvgPooling(nn.Cell):
    def __init__(self):
        super().__init__()
        self.mean = P.ReduceMean(keep_dims=False)

    def construct(self, x):
        return self.mean(x, (2, 3))


class ConvBNReLU(nn.Cell):
    def __init__(self, in_planes, out_planes, kernel_size=3, stride=1, groups=1):
        super().__init__()
        padding = (kernel_size - 1) // 2
        if groups == 1:
            conv = nn.Conv2d(in_planes, out_planes, kernel_size, stride, pad_mode="pad", padding=padding)
        else:
            out_planes = in_planes
            conv = nn.Conv2d(in_planes, out_planes, kernel_size, stride, pad_mode="pad", padding=padding,
                             group=in_planes)
        self.features = nn.SequentialCell([conv, nn.BatchNorm2d(out_planes), nn.ReLU6()])

    def construct(self, x):
        return self.features(x)


class InvertedResidual(nn.Cell):
    def __init__(self, inp, oup, stride, expand_ratio):
        super().__init__()
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(ConvBNReLU(inp, hidden_dim, kernel_size=1))
        layers.extend([
            ConvBNReLU(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim),
            nn.Conv2d(hidden_dim, oup, kernel_size=1, stride=1, has_bias=False),
            nn.BatchNorm2d(oup),
        ])
        self.conv = nn.SequentialCell(layers)
        self.add = P.Add()

    def construct(self, x):
        identity = x
        x = self.conv(x)
        if self.use_res_connect:
            return self.add(identity, x)
        return x


class MobileNetV2(nn.Cell):
    CFGS = [  # t, c, n, s
        [1, 16, 1, 1],
        [6, 24, 2, 2],
        [6, 32, 3, 2],
        [6, 64, 4, 2],
        [6, 96, 3, 1],
        [6, 160, 3, 2],
        [6, 320, 1, 1],
    ]

    def __init__(self, width_mult=0.35, num_classes=10, round_nearest=8, last_channel=1280, scale_last=False):
        super().__init__()
        input_channel = _make_divisible(32 * width_mult, round_nearest)
        # model zoo: last conv keeps 1280 for width < 1; scale_last=True shrinks it with the width
        last_mult = width_mult if scale_last else max(1.0, width_mult)
        self.out_channels = _make_divisible(last_channel * last_mult, round_nearest)
        features = [ConvBNReLU(3, input_channel, stride=2)]
        for t, c, n, s in self.CFGS:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(InvertedResidual(input_channel, output_channel, s if i == 0 else 1, t))
                input_channel = output_channel
        features.append(ConvBNReLU(input_channel, self.out_channels, kernel_size=1))
        self.features = nn.SequentialCell(features)
        self.pool = GlobalAvgPooling()
        self.head = nn.Dense(self.out_channels, num_classes, has_bias=True)

    def construct(self, x):
        return self.head(self.pool(self.features(x)))


# ---- DS-CNN small (MLPerf Tiny keyword spotting, keras_model.py ds_cnn) --------------------

class DSCNN(nn.Cell):
    """Conv 64@10x4/2 same + BN + ReLU, 4x (DW 3x3 + BN + ReLU, PW 64 + BN + ReLU), AvgPool, Dense 12.

    Like the Keras reference, convs keep their bias and Dropout(0.4) sits after the first block and
    before the pooling; the reference ends in softmax, so does this one.
    """

    def __init__(self, num_classes=12, filters=64):
        super().__init__()
        self.conv1 = nn.Conv2d(1, filters, (10, 4), stride=2, pad_mode="same", has_bias=True)
        self.bn1 = nn.BatchNorm2d(filters)
        self.relu = nn.ReLU()
        self.drop1 = nn.Dropout(p=0.2)
        blocks = []
        for _ in range(4):
            blocks += [
                nn.Conv2d(filters, filters, 3, pad_mode="same", group=filters, has_bias=True),
                nn.BatchNorm2d(filters), nn.ReLU(),
                nn.Conv2d(filters, filters, 1, pad_mode="same", has_bias=True),
                nn.BatchNorm2d(filters), nn.ReLU(),
            ]
        self.blocks = nn.SequentialCell(blocks)
        self.drop2 = nn.Dropout(p=0.4)
        self.pool = nn.AvgPool2d(kernel_size=(25, 5), stride=(25, 5))
        self.flatten = nn.Flatten()
        self.fc = nn.Dense(filters, num_classes)
        self.softmax = nn.Softmax(axis=-1)

    def construct(self, x):
        x = self.drop1(self.relu(self.bn1(self.conv1(x))))
        x = self.drop2(self.blocks(x))
        x = self.flatten(self.pool(x))
        return self.softmax(self.fc(x))


# ---- ResNet-8 (MLPerf Tiny image classification, resnet_v1_eembc) -------------------------

class ResBlock(nn.Cell):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, pad_mode="same", has_bias=True)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, pad_mode="same", has_bias=True)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.has_shortcut = stride != 1 or cin != cout
        if self.has_shortcut:
            self.shortcut = nn.Conv2d(cin, cout, 1, stride=stride, pad_mode="same", has_bias=True)

    def construct(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.has_shortcut:
            x = self.shortcut(x)
        return self.relu(x + y)


class ResNet8(nn.Cell):
    """Keras reference: convs with bias (use_bias default), 1x1 shortcut conv without BN, softmax head."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, pad_mode="same", has_bias=True)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        self.stack1 = ResBlock(16, 16, 1)
        self.stack2 = ResBlock(16, 32, 2)
        self.stack3 = ResBlock(32, 64, 2)
        self.pool = nn.AvgPool2d(kernel_size=8, stride=8)
        self.flatten = nn.Flatten()
        self.fc = nn.Dense(64, num_classes)
        self.softmax = nn.Softmax(axis=-1)

    def construct(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.stack3(self.stack2(self.stack1(x)))
        return self.softmax(self.fc(self.flatten(self.pool(x))))


# --------------------------------------------------------------------------------------------
# op-coverage networks
# --------------------------------------------------------------------------------------------

class _Op(nn.Cell):
    """Base for the op-coverage nets: members are set from kwargs (tensors, scalars, sub-cells)."""

    def __init__(self, **members):
        super().__init__()
        for k, v in members.items():
            setattr(self, k, v)


class AbsNet(_Op):
    def construct(self, x):
        return ops.abs(x)


class ReshapeNet(_Op):
    def construct(self, x):
        return ops.reshape(x, (1, 6, 10))


class ReshapeInferNet(_Op):
    def construct(self, x):
        return x.reshape((2, -1))


class SqueezeNet(_Op):
    def construct(self, x):
        return ops.squeeze(x, 2)


class ExpandDimsNet(_Op):
    def construct(self, x):
        return ops.expand_dims(x, 1)


class TransposeNet(_Op):
    def construct(self, x):
        return ops.transpose(x, (0, 2, 3, 1))


class ReduceMeanKeepNet(_Op):
    def __init__(self):
        super().__init__(mean=P.ReduceMean(keep_dims=True))

    def construct(self, x):
        return self.mean(x, (2, 3))


class ReduceMeanAxis1Net(_Op):
    def __init__(self):
        super().__init__(mean=P.ReduceMean(keep_dims=False))

    def construct(self, x):
        return self.mean(x, 1)


class StridedSliceNet(_Op):
    def construct(self, x):
        return x[:, :, 1:5:2]


class OpsPadNet(_Op):
    """ops.pad(x, pads, mode, value) with the arguments held as members."""

    def construct(self, x):
        return ops.pad(x, self.pads, self.mode, self.value)


class MatMulNet(_Op):
    """self.mm(x, self.w): w a Parameter or a captured (Constant) Tensor."""

    def construct(self, x):
        return self.mm(x, self.w)


class MatMul2Net(_Op):
    def construct(self, a, b):
        return self.mm(a, b)


class AddConstNet(_Op):
    def construct(self, x):
        return x + self.c


class SubConstNet(_Op):
    def construct(self, x):
        return x - self.c


class MulConstNet(_Op):
    def construct(self, x):
        return x * self.c


class DivConstNet(_Op):
    def construct(self, x):
        return x / self.c


class Add2Net(_Op):
    def construct(self, a, b):
        return a + b


class Sub2Net(_Op):
    def construct(self, a, b):
        return a - b


class Mul2Net(_Op):
    def construct(self, a, b):
        return a * b


class Div2Net(_Op):
    def construct(self, a, b):
        return a / b


class MaximumNet(_Op):
    def construct(self, a, b):
        return ops.maximum(a, b)


class MinimumNet(_Op):
    def construct(self, a, b):
        return ops.minimum(a, b)


class Concat2Net(_Op):
    def construct(self, a, b):
        return ops.concat((a, b), 1)


class DenseSoftmaxNet(_Op):
    def construct(self, x):
        return self.sm(self.d(x))


def _n(rng, *shape):
    return rng.normal(0.0, 1.0, shape).astype(np.float32)


def _u(rng, *shape, lo=-3.0, hi=3.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


def _denominator(rng, *shape):
    """Values with |v| in [0.5, 2] and random sign: safe divisors."""
    mag = rng.uniform(0.5, 2.0, shape)
    sign = np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)
    return (mag * sign).astype(np.float32)


def op_cases():
    """name -> (builder(rng) -> (net, [inputs]), description). Built lazily so seeds are per case."""
    C = OrderedDict()

    def unary(name, cell_fn, desc, shape=(1, 3, 4, 5), gen=_u):
        def build(rng):
            cell = cell_fn()
            return cell, [gen(rng, *shape)]
        C[name] = (build, desc)

    unary("sigmoid", nn.Sigmoid, "nn.Sigmoid on [1,3,4,5], x ~ U(-3,3)")
    unary("tanh", nn.Tanh, "nn.Tanh on [1,3,4,5], x ~ U(-3,3)")
    unary("hswish", nn.HSwish, "nn.HSwish on [1,3,4,5], x ~ U(-4,4)", gen=lambda r, *s: _u(r, *s, lo=-4, hi=4))
    unary("hsigmoid", nn.HSigmoid, "nn.HSigmoid on [1,3,4,5], x ~ U(-4,4)",
          gen=lambda r, *s: _u(r, *s, lo=-4, hi=4))
    unary("leakyrelu", lambda: nn.LeakyReLU(0.2), "nn.LeakyReLU(0.2) on [1,3,4,5], x ~ U(-3,3)")
    unary("relu6", nn.ReLU6, "nn.ReLU6 on [1,3,4,5], x ~ U(-2,8)", gen=lambda r, *s: _u(r, *s, lo=-2, hi=8))
    unary("softmax_axis_last", lambda: nn.Softmax(axis=-1), "nn.Softmax(axis=-1) on [1,3,4,5]", gen=_n)
    unary("softmax_axis1", lambda: nn.Softmax(axis=1), "nn.Softmax(axis=1) on [1,3,4,5]", gen=_n)
    unary("abs", AbsNet, "ops.abs on [1,3,4,5]", gen=_n)
    unary("flatten", nn.Flatten, "nn.Flatten [2,3,4,5] -> [2,60]", shape=(2, 3, 4, 5), gen=_n)
    unary("reshape", ReshapeNet,
          "ops.reshape [1,3,4,5] -> (1,6,10)", gen=_n)
    unary("reshape_infer_dim", ReshapeInferNet,
          "Tensor.reshape((2,-1)) [1,3,4,5] -> [2,30]", gen=_n)
    unary("squeeze", SqueezeNet,
          "ops.squeeze(x, 2) [1,3,1,5] -> [1,3,5]", shape=(1, 3, 1, 5), gen=_n)
    unary("expand_dims", ExpandDimsNet,
          "ops.expand_dims(x, 1) [2,3,5] -> [2,1,3,5]", shape=(2, 3, 5), gen=_n)
    unary("transpose", TransposeNet,
          "ops.transpose perm (0,2,3,1) [1,3,4,5] -> [1,4,5,3]", gen=_n)
    unary("reduce_mean_keepdims", ReduceMeanKeepNet,
          "P.ReduceMean(keep_dims=True) over (2,3) [1,3,4,5] -> [1,3,1,1]", gen=_n)
    unary("reduce_mean_axis1", ReduceMeanAxis1Net,
          "P.ReduceMean(keep_dims=False) over axis 1 [1,3,4,5] -> [1,4,5]", gen=_n)
    unary("strided_slice", StridedSliceNet,
          "x[:, :, 1:5:2] on [1,3,6,4] -> [1,3,2,4]", shape=(1, 3, 6, 4), gen=_n)
    unary("pad_nn", lambda: nn.Pad(paddings=((0, 0), (0, 0), (1, 2), (0, 1)), mode="CONSTANT"),
          "nn.Pad(((0,0),(0,0),(1,2),(0,1)), 'CONSTANT') [1,2,3,4] -> [1,2,6,5]", shape=(1, 2, 3, 4), gen=_n)
    unary("pad_ops", lambda: OpsPadNet(pads=(0, 1, 1, 2), mode="constant", value=0.5),
          "ops.pad(x, (0,1,1,2), 'constant', value=0.5) [1,2,3,4] -> [1,2,6,5] (W: left 0 right 1; H: top 1 "
          "bottom 2)", shape=(1, 2, 3, 4), gen=_n)
    unary("avgpool_same_s2", lambda: nn.AvgPool2d(kernel_size=3, stride=2, pad_mode="same"),
          "nn.AvgPool2d(3, 2, 'same') on odd [1,2,7,9] -> [1,2,4,5] (padding involved)", shape=(1, 2, 7, 9),
          gen=_n)
    unary("avgpool_valid", lambda: nn.AvgPool2d(kernel_size=2, stride=2),
          "nn.AvgPool2d(2, 2) valid on [1,2,6,8] -> [1,2,3,4]", shape=(1, 2, 6, 8), gen=_n)
    unary("maxpool_same", lambda: nn.MaxPool2d(kernel_size=3, stride=2, pad_mode="same"),
          "nn.MaxPool2d(3, 2, 'same') on odd [1,2,7,9] -> [1,2,4,5]; all-negative corner values check -inf padding",
          shape=(1, 2, 7, 9), gen=lambda r, *s: _n(r, *s) - 1.0)

    # extras: what other common pooling layers export as (3-D ops in disguise, AdaptiveAvgPool2D)
    unary("avgpool_pad", lambda: nn.AvgPool2d(kernel_size=3, stride=2, pad_mode="pad", padding=1),
          "extra: nn.AvgPool2d(3, 2, pad_mode='pad', padding=1) (count_include_pad=True) on [1,2,7,9] -> [1,2,4,5]; "
          "exports as ExpandDims + AvgPool3D + Squeeze", shape=(1, 2, 7, 9), gen=_n)
    unary("maxpool_pad", lambda: nn.MaxPool2d(kernel_size=3, stride=2, pad_mode="pad", padding=1),
          "extra: nn.MaxPool2d(3, 2, pad_mode='pad', padding=1) on [1,2,7,9] -> [1,2,4,5]; exports as ExpandDims + "
          "MaxPool3DWithArgmax + TupleGetItem + Squeeze", shape=(1, 2, 7, 9), gen=lambda r, *s: _n(r, *s) - 1.0)
    unary("adaptive_avgpool_1", lambda: nn.AdaptiveAvgPool2d(1),
          "extra: nn.AdaptiveAvgPool2d(1) (a common global pool) on [1,3,5,6] -> [1,3,1,1]", shape=(1, 3, 5, 6), gen=_n)

    def conv(name, desc, in_shape, **kw):
        def build(rng):
            net = nn.Conv2d(**kw)
            init_weights(net, rng)
            return net, [_n(rng, *in_shape)]
        C[name] = (build, desc)

    conv("conv2d_same_s2", "nn.Conv2d(3,4,3,stride=2,'same',bias) on [1,3,8,9] -> [1,4,4,5] (odd padding split)",
         (1, 3, 8, 9), in_channels=3, out_channels=4, kernel_size=3, stride=2, pad_mode="same", has_bias=True)
    conv("conv2d_pad_dilation_group", "nn.Conv2d(4,6,3,'pad',padding=(1,2,0,1),dilation=2,group=2) on [1,4,7,8] "
         "-> [1,6,6,5]", (1, 4, 7, 8), in_channels=4, out_channels=6, kernel_size=3, pad_mode="pad",
         padding=(1, 2, 0, 1), dilation=2, group=2, has_bias=False)
    conv("conv2d_depthwise", "nn.Conv2d(8,8,3,'same',group=8,bias) depthwise on [1,8,6,6]",
         (1, 8, 6, 6), in_channels=8, out_channels=8, kernel_size=3, pad_mode="same", group=8, has_bias=True)
    conv("conv2d_valid_rect", "nn.Conv2d(2,3,(3,2),stride=(2,1),'valid',bias) on [1,2,7,6]",
         (1, 2, 7, 6), in_channels=2, out_channels=3, kernel_size=(3, 2), stride=(2, 1), pad_mode="valid",
         has_bias=True)

    def bn(rng):
        net = nn.BatchNorm2d(5)
        init_weights(net, rng)
        net.set_train(False)
        return net, [_n(rng, 2, 5, 3, 4)]
    C["batchnorm"] = (bn, "nn.BatchNorm2d(5) alone (inference) on [2,5,3,4]")

    # ---- matmul
    def mm_ta(rng):
        w = Parameter(Tensor(_n(rng, 6, 4)), name="w")
        net = MatMulNet(mm=ops.MatMul(transpose_a=True), w=w)
        return net, [_n(rng, 6, 3)]
    C["matmul_transpose_a"] = (mm_ta, "ops.MatMul(transpose_a=True)(x[6,3], Parameter w[6,4]) -> [3,4]")

    def mm_tb(rng):
        w = Tensor(_n(rng, 4, 6))
        net = MatMulNet(mm=ops.MatMul(transpose_b=True), w=w)
        return net, [_n(rng, 3, 6)]
    C["matmul_transpose_b"] = (mm_tb, "ops.MatMul(transpose_b=True)(x[3,6], Constant tensor w[4,6]) -> [3,4]")

    def mm_two(rng):
        net = MatMul2Net(mm=ops.MatMul(transpose_a=True, transpose_b=True))
        return net, [_n(rng, 5, 3), _n(rng, 4, 5)]
    C["matmul_two_inputs_ta_tb"] = (mm_two, "ops.MatMul(transpose_a=True, transpose_b=True)(a[5,3], b[4,5]) "
                                    "-> [3,4], both graph inputs")

    # ---- broadcasting binaries
    const_nets = {"add": AddConstNet, "sub": SubConstNet, "mul": MulConstNet, "div": DivConstNet}
    two_nets = {"add": Add2Net, "sub": Sub2Net, "mul": Mul2Net, "div": Div2Net}
    scalars = {"add": 1.5, "sub": 0.75, "mul": 2.0, "div": 4.0}
    pysym = {"add": "+", "sub": "-", "mul": "*", "div": "/"}

    for opname in const_nets:
        den = opname == "div"
        sym = pysym[opname]

        def b_chw(rng, cls=const_nets[opname], den=den):
            c = Tensor(_denominator(rng, 3, 1, 1) if den else _n(rng, 3, 1, 1))
            return cls(c=c), [_n(rng, 2, 3, 4, 5)]
        C[f"{opname}_bcast_chw_const"] = (b_chw, f"x[2,3,4,5] {sym} captured Tensor[3,1,1] (Constant)")

        def b_scalar(rng, cls=const_nets[opname], s=scalars[opname]):
            return cls(c=s), [_n(rng, 2, 3, 4, 5)]
        C[f"{opname}_scalar_const"] = (b_scalar, f"x[2,3,4,5] {sym} python float {scalars[opname]}")

        def b_row(rng, cls=const_nets[opname], den=den):
            c = Tensor(_denominator(rng, 1, 5) if den else _n(rng, 1, 5))
            return cls(c=c), [_n(rng, 2, 3, 4, 5)]
        C[f"{opname}_bcast_row_const"] = (b_row, f"x[2,3,4,5] {sym} captured Tensor[1,5] (Constant)")

        def b_two(rng, cls=two_nets[opname], den=den):
            return cls(), [_n(rng, 2, 1, 4, 5), _denominator(rng, 3, 1, 5) if den else _n(rng, 3, 1, 5)]
        C[f"{opname}_two_inputs_bcast"] = (b_two, f"a[2,1,4,5] {sym} b[3,1,5], both graph inputs -> [2,3,4,5]")

    def maxmin(cls, name):
        def build(rng):
            return cls(), [_n(rng, 2, 3, 4), _n(rng, 3, 1)]
        C[name] = (build, f"ops.{name}(a[2,3,4], b[3,1]) broadcast, both graph inputs")
    maxmin(MaximumNet, "maximum")
    maxmin(MinimumNet, "minimum")

    def concat(rng):
        net = Concat2Net()
        return net, [_n(rng, 1, 2, 3, 4), _n(rng, 1, 3, 3, 4)]
    C["concat_axis1"] = (concat, "ops.concat((a[1,2,3,4], b[1,3,3,4]), axis=1) -> [1,5,3,4], both graph inputs")

    def dense_sm(rng):
        d = nn.Dense(8, 5)
        init_weights(d, rng, weight_gain=1.0)
        net = DenseSoftmaxNet(d=d, sm=nn.Softmax())
        return net, [_n(rng, 2, 8)]
    C["dense_softmax"] = (dense_sm, "nn.Dense(8,5) + nn.Softmax on [2,8]")

    return C


# --------------------------------------------------------------------------------------------
# MindIR inspection helpers
# --------------------------------------------------------------------------------------------

def load_proto(path):
    m = pb.ModelProto()
    m.ParseFromString(Path(path).read_bytes())
    return m


def normalized_bytes(path):
    """Serialization with the run-dependent parts of an export masked out.

    Masks: the `compile_phase` graph attribute (per-run id); the order of the `primitives` table
    (hash-map order); and the spelling of graph/node/value/primitive names, which embed process-wide
    counters (so a graph exported after other graphs in the same process gets other numbers). Names
    are replaced by their first-appearance index, so the graph structure is still compared exactly,
    as are all weights, constants and attributes.
    """
    import re
    m = load_proto(path)
    table = {}

    def c(name):
        return table.setdefault(name, f"#{len(table)}")

    for a in m.graph.attribute:
        if a.name == "compile_phase":
            a.s = b""
    for g in [m.graph] + list(m.functions):
        g.name = c(g.name)
        for vi in list(g.input) + list(g.output):
            vi.name = c(vi.name)
        for prm in g.parameter:
            prm.name = c(prm.name)
        for n in g.node:
            n.name = c(n.name)
            n.input[:] = [c(x) for x in n.input]
            n.output[:] = [c(x) for x in n.output]
            n.domain = re.sub(r"\d+", "#", n.domain)
            if n.op_type.startswith("REF::"):
                n.op_type = "REF::" + c(n.op_type[5:])
    for p in m.primitives:
        p.name = c(p.name)
    prims = sorted(m.primitives, key=lambda p: int(p.name[1:]))
    del m.primitives[:]
    for p in prims:
        m.primitives.add().CopyFrom(p)
    return m.SerializeToString(deterministic=True)


def prim_table(m):
    return {p.name: p for p in m.primitives}


def op_type_of(node, prims):
    t = node.op_type
    if t.startswith("REF::"):
        key = t[5:]
        return prims[key].op_type if key in prims else t
    return t


def all_nodes(m):
    for n in m.graph.node:
        yield m.graph, n
    for g in m.functions:
        for n in g.node:
            yield g, n


def distinct_ops(m):
    prims = prim_table(m)
    return sorted({op_type_of(n, prims) for _, n in all_nodes(m)})


ATTR_TYPE_NAMES = {v.number: k for k, v in pb.AttributeProto.AttributeType.DESCRIPTOR.values_by_name.items()}


def tensor_desc(t, with_values=True, max_values=6):
    dt = DTYPE_NAME.get(t.data_type, str(t.data_type))
    s = f"{dt}{list(t.dims)}"
    if with_values:
        vals = tensor_values(t)
        if vals is not None and vals.size:
            flat = vals.reshape(-1)
            shown = ", ".join(_fmt(v) for v in flat[:max_values])
            s += f" = [{shown}{', ...' if flat.size > max_values else ''}]"
    return s


def _fmt(v):
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    if isinstance(v, (np.bool_, bool)):
        return str(bool(v))
    return str(v)


def tensor_values(t):
    if t.data_type not in DTYPE_NP:
        return None
    dt = DTYPE_NP[t.data_type]
    if t.raw_data:
        return np.frombuffer(t.raw_data, dtype=np.dtype(dt).newbyteorder("<"))
    if t.float_data:
        return np.array(t.float_data, dtype=dt)
    if t.int32_data:
        return np.array(t.int32_data, dtype=dt)
    if t.int64_data:
        return np.array(t.int64_data, dtype=dt)
    if t.double_data:
        return np.array(t.double_data, dtype=dt)
    return np.zeros((0,), dtype=dt)


def attr_value(a):
    """Human-readable value of an AttributeProto (any encoding); legacy ref_attr_name appended."""
    v = _attr_value(a)
    if a.ref_attr_name and "ref_attr_name" not in v:
        v += f" (ref_attr_name {a.ref_attr_name!r})"
    return v


def _attr_value(a):
    tn = ATTR_TYPE_NAMES.get(a.type, str(a.type))
    if tn in ("TUPLE", "LIST"):
        inner = ", ".join(attr_value(v) for v in a.values)
        if tn == "TUPLE":
            return "(" + inner + ("," if len(a.values) == 1 else "") + ")"
        return "[" + inner + "]"
    if tn == "TENSORS":
        return "; ".join(tensor_desc(t) for t in a.tensors)
    if tn == "TENSOR":
        return tensor_desc(a.t)
    if tn == "STRING":
        if a.s:
            return repr(a.s.decode("utf-8", "replace"))
        if len(a.strings) == 1:
            return repr(a.strings[0].decode("utf-8", "replace"))
        if a.strings:
            return repr([x.decode("utf-8", "replace") for x in a.strings])
        return "''"
    if tn == "BOOL":
        return str(bool(a.i or (a.ints[0] if a.ints else 0)))
    if tn in ("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"):
        return str(a.i if not a.ints else (a.ints[0] if len(a.ints) == 1 else list(a.ints)))
    if tn == "FLOAT":
        return _fmt(a.f if not a.floats else a.floats[0])
    if tn == "DOUBLE":
        return _fmt(a.d if not a.doubles else a.doubles[0])
    if tn in ("UMONAD", "IOMONAD", "NONE"):
        return tn
    # legacy / undefined encodings (MindSpore 1.x inline attributes)
    bits = []
    if a.tensors:
        bits.append("; ".join(tensor_desc(t) + (f" name={t.name!r}" if t.name else "") for t in a.tensors))
    if a.ref_attr_name:
        bits.append(f"ref_attr_name={a.ref_attr_name!r}")
    if a.HasField("t"):
        bits.append(tensor_desc(a.t))
    if a.s:
        bits.append(repr(a.s.decode("utf-8", "replace")))
    if a.ints:
        bits.append(str(list(a.ints)))
    if a.i:
        bits.append(str(a.i))
    if a.f:
        bits.append(_fmt(a.f))
    return " ".join(bits) or "(empty)"


def attr_type(a):
    tn = ATTR_TYPE_NAMES.get(a.type, str(a.type))
    if tn in ("TUPLE", "LIST") and len(a.values):
        inner = {ATTR_TYPE_NAMES.get(v.type, str(v.type)) for v in a.values}
        return f"{tn}<{','.join(sorted(inner))}>"
    return tn


class GraphIndex:
    def __init__(self, m):
        self.m = m
        self.prims = prim_table(m)
        self.producer = {}
        self.graph_inputs = []
        self.params = {}
        for g in [m.graph] + list(m.functions):
            for n in g.node:
                for o in n.output:
                    self.producer[o] = n
            for i in g.input:
                self.graph_inputs.append(i.name)
            for p in g.parameter:
                self.params[p.name] = p

    def op(self, node):
        return op_type_of(node, self.prims)

    def input_kind(self, name):
        if name in self.graph_inputs:
            return "graph input"
        if name in self.params:
            return "parameter"
        n = self.producer.get(name)
        if n is None:
            return "unresolved"
        op = self.op(n)
        if op == "Constant":
            v = next((a for a in n.attribute if a.name == "value"), None)
            if v is None:
                return "Constant"
            return f"Constant {attr_type(v)}"
        if op == "Load":
            src = self.input_kind(n.input[0]) if n.input else "?"
            return f"Load({src})"
        return f"node {op}"

    def constant_value(self, name):
        n = self.producer.get(name)
        if n is None or self.op(n) != "Constant":
            return None
        v = next((a for a in n.attribute if a.name == "value"), None)
        return attr_value(v) if v is not None else None

    def node_attrs(self, node):
        """(source, [AttributeProto]) – primitive-table attrs for REF:: nodes, else inline attrs."""
        if node.op_type.startswith("REF::") and node.op_type[5:] in self.prims:
            return "primitive", list(self.prims[node.op_type[5:]].attribute)
        return "inline", [a for a in node.attribute]


def macs_of(m):
    """Multiply-accumulates of Conv2D/MatMul nodes, from the exported 'shape' attributes."""
    gi = GraphIndex(m)
    shapes = {}
    for g in [m.graph] + list(m.functions):
        for i in g.input:
            if i.tensor:
                shapes[i.name] = list(i.tensor[0].dims)
        for p in g.parameter:
            shapes[p.name] = list(p.dims)
        for n in g.node:
            sa = next((a for a in n.attribute if a.name == "shape"), None)
            if sa is not None and sa.tensors and n.output:
                shapes[n.output[0]] = list(sa.tensors[0].dims)
    total = 0
    for _, n in all_nodes(m):
        op = gi.op(n)
        if op == "Conv2D" and n.output[0] in shapes and n.input[1] in shapes:
            out = shapes[n.output[0]]
            w = shapes[n.input[1]]
            total += int(np.prod(out)) * int(np.prod(w[1:]))
        elif op == "MatMul" and n.output[0] in shapes and n.input[0] in shapes:
            out = shapes[n.output[0]]
            a = shapes[n.input[0]]
            ta = False
            if len(n.input) > 2:
                cv = gi.constant_value(n.input[2])
                ta = cv == "True"
            k = a[0] if ta else a[-1]
            total += int(np.prod(out)) * int(k)
    return total


# --------------------------------------------------------------------------------------------
# export + reference
# --------------------------------------------------------------------------------------------

WRITTEN = []


def note(path):
    p = Path(path)
    WRITTEN.append(p)
    try:
        rel = p.relative_to(REPO)
    except ValueError:
        rel = p
    print(f"  wrote {rel} ({p.stat().st_size} bytes)")


def write_if_changed(path, data):
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        WRITTEN.append(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    note(path)


def as_list(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(as_list(o))
        return res
    return [out]


def to_numpy(t):
    return t.asnumpy() if hasattr(t, "asnumpy") else np.asarray(t)


def run_reference(model_path, inputs):
    graph = ms.load(str(model_path))
    cell = nn.GraphCell(graph)
    outs = as_list(cell(*[Tensor(x) for x in inputs]))
    return [to_numpy(o) for o in outs]


def le_bytes(a):
    a = np.ascontiguousarray(a)
    if a.dtype.byteorder == ">" or (a.dtype.byteorder == "=" and sys.byteorder == "big"):
        a = a.byteswap().view(a.dtype.newbyteorder("<"))
    return a.tobytes()


def io_meta(m):
    ins = []
    for i in m.graph.input:
        t = i.tensor[0] if i.tensor else None
        ins.append({"name": i.name.split(":")[-1], "mindir_name": i.name,
                    "shape": list(t.dims) if t else None,
                    "dtype": DTYPE_NAME.get(t.data_type, str(t.data_type)) if t else None})
    return ins


def write_fixture(dirpath, model_rel, m, inputs, outputs, seed, description, extra=None):
    dirpath = Path(dirpath)
    dirpath.mkdir(parents=True, exist_ok=True)
    meta_in = io_meta(m)
    for k, x in enumerate(inputs):
        write_if_changed(dirpath / f"input_{k}.bin", le_bytes(x))
        if k < len(meta_in):
            if meta_in[k]["shape"] is None or list(meta_in[k]["shape"]) != list(x.shape):
                meta_in[k]["shape"] = list(x.shape)
            if meta_in[k]["dtype"] is None:
                meta_in[k]["dtype"] = str(x.dtype)
    for k, y in enumerate(outputs):
        write_if_changed(dirpath / f"output_{k}.bin", le_bytes(y))
    ops_all = distinct_ops(m)
    fx = OrderedDict()
    fx["model"] = model_rel
    fx["inputs"] = meta_in
    fx["outputs"] = [{"shape": list(y.shape), "dtype": str(y.dtype)} for y in outputs]
    fx["mindspore_version"] = ms.__version__
    fx["seed"] = seed
    fx["ops"] = ops_all
    fx["compute_ops"] = [o for o in ops_all if o not in BOOKKEEPING]
    fx["macs"] = macs_of(m)
    fx["description"] = description
    if extra:
        fx.update(extra)
    write_if_changed(dirpath / "fixture.json", (json.dumps(fx, indent=2) + "\n").encode())
    return fx


def export_and_reference(name, net, inputs, seed, description, tmpdir, extra=None):
    """Export `net` to tests/fixtures/<name>/model.mindir, reload it and run it for the reference."""
    dirpath = FIXTURES / name
    dirpath.mkdir(parents=True, exist_ok=True)
    net.set_train(False)
    tmp_stem = Path(tmpdir) / name.replace("/", "__")
    ms.export(net, *[Tensor(x) for x in inputs], file_name=str(tmp_stem), file_format="MINDIR")
    fresh = Path(str(tmp_stem) + ".mindir")
    dest = dirpath / "model.mindir"
    if dest.exists() and normalized_bytes(dest) == normalized_bytes(fresh):
        WRITTEN.append(dest)  # same graph and weights: keep the bytes on disk (export is not byte-stable)
    else:
        shutil.copyfile(fresh, dest)
        note(dest)
    outputs = run_reference(dest, inputs)
    eager = [to_numpy(o) for o in as_list(net(*[Tensor(x) for x in inputs]))]
    for a, b in zip(outputs, eager):
        err = float(np.max(np.abs(a - b))) if a.size else 0.0
        if not np.allclose(a, b, rtol=1e-4, atol=1e-5):
            raise RuntimeError(f"{name}: reloaded MindIR differs from eager net (max abs err {err})")
    m = load_proto(dest)
    fx = write_fixture(dirpath, "model.mindir", m, inputs, outputs, seed, description, extra)
    stats = ", ".join(f"out{k} {list(o.shape)} min {o.min():.4g} max {o.max():.4g} std {o.std():.4g}"
                      for k, o in enumerate(outputs))
    print(f"[{name}] {dest.stat().st_size} B model, ops {fx['compute_ops']}, MACs {fx['macs']}; {stats}")
    return dest, inputs, outputs, fx


# --------------------------------------------------------------------------------------------
# the fixtures
# --------------------------------------------------------------------------------------------

def model_fixtures():
    M = OrderedDict()

    def lenet(rng):
        net = LeNet5()
        init_weights(net, rng)
        return net, [_n(rng, 1, 1, 32, 32)]
    M["lenet"] = (lenet, "LeNet-5 (model-zoo layout, conv biases): conv 6@5x5 valid, relu, maxpool 2, conv 16@5x5 "
                  "valid, relu, maxpool 2, flatten, dense 120 relu, dense 84 relu, dense 10")

    def mlp(rng):
        net = MLP()
        init_weights(net, rng)
        return net, [_n(rng, 1, 64)]
    M["mlp"] = (mlp, "MLP 64 -> 128 relu -> 64 relu -> 10 (nn.Dense)")

    def mobilenet(rng):
        # With the model zoo's 1280-channel last conv the file is 1.99 MB and all model files together
        # ~2.9 MB; the brief caps them at ~2.5 MB, so the last conv is scaled too: 0.35*1280 = 448.
        net = MobileNetV2(width_mult=0.35, num_classes=10, last_channel=1280, scale_last=True)
        init_weights(net, rng)
        return net, [_n(rng, 1, 3, 96, 96)]
    M["mobilenetv2"] = (mobilenet, "MobileNetV2 (model-zoo code) width 0.35, 96x96x3, last conv 448 (=0.35*1280; "
                        "the zoo keeps 1280, reduced to keep the fixture small), "
                        "ConvBNReLU with pad_mode 'pad' padding 1, ReLU6, residual P.Add, global pool "
                        "P.ReduceMean(keep_dims=False) over (2,3), Dense 10 with bias")

    def dscnn(rng):
        net = DSCNN()
        init_weights(net, rng)
        return net, [_n(rng, 1, 1, 49, 10)]
    M["dscnn"] = (dscnn, "DS-CNN small (MLPerf Tiny KWS): conv 64@10x4/2 same + BN + ReLU, dropout, 4x (dw 3x3 "
                  "same + BN + ReLU, pw 1x1 64 + BN + ReLU), dropout, AvgPool 25x5, flatten, dense 12, softmax; "
                  "convs with bias as in the Keras reference")

    def resnet8(rng):
        net = ResNet8()
        init_weights(net, rng)
        return net, [_n(rng, 1, 3, 32, 32)]
    M["resnet8"] = (resnet8, "ResNet-8 (MLPerf Tiny IC): conv 16@3x3 + BN + ReLU, 3 stages (16/s1, 32/s2, "
                    "64/s2) of conv3x3-BN-ReLU-conv3x3-BN + shortcut (1x1 conv s2, no BN, when shape changes), "
                    "add, ReLU; AvgPool 8x8, flatten, dense 10, softmax; convs with bias as in Keras")
    return M


def shared_fixtures():
    """References for third-party MindIR files in ../shared/models/mindir (never copied)."""
    results = []
    specs = [("lenet_ms20", "LeNet-5 shipped by mindspore_test (MindSpore 2.0 encoding). Its three MatMul weights "
                            "(Constant nodes) are all in U(0,1), so the logits are ~1e4: compare with a relative "
                            "tolerance"),
             ("relu_ms15", "single ReLU (MindSpore 1.5 encoding)"),
             ("add_ms", "single Add")]
    if not SHARED_MINDIR.is_dir():
        print(f"(skipping shared references: {SHARED_MINDIR} not found)")
        return results
    for stem, desc in specs:
        path = SHARED_MINDIR / f"{stem}.mindir"
        rel = os.path.relpath(path, REPO)
        dirpath = FIXTURES / "shared" / stem
        seed = seed_of("shared/" + stem)
        rng = np.random.default_rng(seed)
        m = load_proto(path)
        meta = io_meta(m)
        status = {}
        try:
            inputs = []
            for i in meta:
                if i["shape"] is None:
                    raise RuntimeError("graph input without a shape")
                inputs.append(_n(rng, *i["shape"]).astype(DTYPE_NP.get(
                    {v: k for k, v in DTYPE_NAME.items()}.get(i["dtype"], 1), np.float32)))
            outputs = run_reference(path, inputs)
            status["loads_in_mindspore"] = True
        except Exception as e:  # noqa: BLE001
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            print(f"[shared/{stem}] MindSpore {ms.__version__} cannot run it: {msg}")
            dirpath.mkdir(parents=True, exist_ok=True)
            fx = OrderedDict(model=rel, inputs=meta, outputs=[], mindspore_version=ms.__version__, seed=seed,
                             ops=distinct_ops(m), description=desc, loads_in_mindspore=False,
                             load_error=f"{type(e).__name__}: {msg}")
            write_if_changed(dirpath / "fixture.json", (json.dumps(fx, indent=2) + "\n").encode())
            results.append((stem, path, None))
            continue
        fx = write_fixture(dirpath, rel, m, inputs, outputs, seed, desc,
                           extra={"loads_in_mindspore": True,
                                  "input_distribution": "N(0,1) float32, seeded"})
        print(f"[shared/{stem}] in {[i['shape'] for i in meta]} out {[list(o.shape) for o in outputs]}, "
              f"ops {fx['compute_ops']}")
        results.append((stem, path, fx))
    return results


# --------------------------------------------------------------------------------------------
# experiments for the inventory
# --------------------------------------------------------------------------------------------

def experiments(tmpdir):
    """Answer semantic questions by running MindSpore on exported+reloaded graphs."""
    res = OrderedDict()
    tmp = Path(tmpdir)

    def roundtrip(net, *xs, tag):
        net.set_train(False)
        ms.export(net, *[Tensor(x) for x in xs], file_name=str(tmp / tag), file_format="MINDIR")
        path = tmp / (tag + ".mindir")
        return run_reference(path, list(xs)), load_proto(path)

    # 1. AvgPool 'same': divisor counts padded cells?
    lines = []
    for (h, w, k, s) in [(5, 5, 3, 2), (7, 9, 3, 2), (4, 4, 2, 2), (6, 6, 3, 1)]:
        x = np.ones((1, 1, h, w), np.float32)
        out, m = roundtrip(nn.AvgPool2d(kernel_size=k, stride=s, pad_mode="same"), x, tag=f"avg_{h}{w}{k}{s}")
        o = out[0][0, 0]
        lines.append(f"all-ones input {h}x{w}, kernel {k}, stride {s}, 'same' -> output {list(o.shape)}, "
                     f"min {o.min():.6g}, max {o.max():.6g}, corner [0,0]={o[0, 0]:.6g}, "
                     f"[-1,-1]={o[-1, -1]:.6g}")
    avg_attrs = ["nn.AvgPool2d(3, 2, 'same') -> " + " | ".join(describe_compute_nodes(load_proto(tmp / "avg_7932.mindir")))]
    # count_include_pad variants under pad_mode 'pad'
    x = np.ones((1, 1, 5, 5), np.float32)
    pad_lines = []
    for cip in (True, False):
        try:
            out, _ = roundtrip(nn.AvgPool2d(kernel_size=3, stride=2, pad_mode="pad", padding=1, count_include_pad=cip),
                               x, tag=f"avgpad_{cip}")
            o = out[0][0, 0]
            pad_lines.append(f"nn.AvgPool2d(3, 2, pad_mode='pad', padding=1, count_include_pad={cip}) on all-ones 5x5: "
                             f"corner {o[0, 0]:.6g}; exported as "
                             + " | ".join(describe_compute_nodes(load_proto(tmp / f"avgpad_{cip}.mindir"))))
        except Exception as e:  # noqa: BLE001
            pad_lines.append(f"pad_mode 'pad' count_include_pad={cip}: {type(e).__name__}: {str(e).splitlines()[0]}")
    res["avgpool_same"] = {"lines": lines, "attrs": avg_attrs, "pad_lines": pad_lines}

    # 2. Conv2D 'same' stride 2: how is odd total padding split?
    lines = []
    for (h, w, k) in [(6, 6, 3), (8, 9, 3), (7, 7, 4), (6, 6, 2)]:
        conv = nn.Conv2d(1, 1, k, stride=2, pad_mode="same", has_bias=False)
        wk = np.zeros((1, 1, k, k), np.float32)
        wk[0, 0, 0, 0] = 1.0  # picks x[oh*2 - pad_top, ow*2 - pad_left]
        conv.weight.set_data(Tensor(wk))
        x = (np.arange(h * w, dtype=np.float32).reshape(1, 1, h, w) + 1.0)
        out, m = roundtrip(conv, x, tag=f"conv_{h}{w}{k}")
        o = out[0][0, 0]
        # out[0,0] = x[-pt, -pl] (0 when padded). Solve from out[1,1] = x[2-pt, 2-pl].
        v = int(round(o[1, 1])) - 1
        pt, pl = 2 - v // w, 2 - v % w
        oh = -(-h // 2)
        total_h = max((oh - 1) * 2 + k - h, 0)
        gi = GraphIndex(m)
        padl = "?"
        for _, n in all_nodes(m):
            if gi.op(n) == "Conv2D":
                _, attrs = gi.node_attrs(n)
                padl = ", ".join(f"{a.name}={attr_value(a)}" for a in attrs if a.name in ("pad_list", "pad", "pad_mode"))
        lines.append(f"input {h}x{w}, kernel {k}, stride 2: out {list(o.shape)}, total pad H {total_h} -> "
                     f"measured top {pt}, bottom {total_h - pt}; left {pl}; exported {padl}")
    res["conv_same"] = {"lines": lines}

    # 3. What do nn.Pad / ops.pad export as?
    lines = []
    variants = [
        ("nn.Pad(((0,0),(0,0),(1,2),(0,1)), 'CONSTANT')", lambda: nn.Pad(((0, 0), (0, 0), (1, 2), (0, 1)))),
        ("nn.Pad(..., 'REFLECT')", lambda: nn.Pad(((0, 0), (0, 0), (1, 1), (1, 1)), mode="REFLECT")),
        ("ops.pad(x, (0,1,1,2))", lambda: OpsPadNet(pads=(0, 1, 1, 2), mode="constant", value=None)),
        ("ops.pad(x, (0,1,1,2), value=0.5)", lambda: OpsPadNet(pads=(0, 1, 1, 2), mode="constant", value=0.5)),
        ("ops.pad(x, (1,1,1,1), mode='reflect')", lambda: OpsPadNet(pads=(1, 1, 1, 1), mode="reflect", value=None)),
        ("nn.ZeroPad2d((0,1,1,2))", lambda: nn.ZeroPad2d((0, 1, 1, 2))),
        ("nn.ConstantPad2d((0,1,1,2), 0.5)", lambda: nn.ConstantPad2d((0, 1, 1, 2), 0.5)),
    ]
    x = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4) + 1.0  # channel 0 = [[1,2,3,4],[5,6,7,8],[9,10,11,12]]
    for k, (label, mk) in enumerate(variants):
        try:
            out, m = roundtrip(mk(), x, tag=f"pad_{k}")
            descr = describe_compute_nodes(m)
            lines.append(f"{label} -> out {list(out[0].shape)}, channel 0 = {out[0][0, 0].tolist()}: "
                         + " | ".join(descr))
        except Exception as e:  # noqa: BLE001
            lines.append(f"{label} -> export/run failed: {type(e).__name__}: {str(e).strip().splitlines()[0]}")
    res["pad"] = {"lines": lines}

    # 4. MaxPool 'same' pads with -inf (not 0)?
    x = -np.ones((1, 1, 5, 5), np.float32) - np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    out, _ = roundtrip(nn.MaxPool2d(kernel_size=3, stride=2, pad_mode="same"), x, tag="maxneg")
    res["maxpool_same"] = {"lines": [f"input -1..-25 (5x5), kernel 3 stride 2 'same': output {out[0][0, 0].tolist()} "
                                     f"(a 0 would mean zero padding)"]}
    return res


# --------------------------------------------------------------------------------------------
# inventory report
# --------------------------------------------------------------------------------------------

def _split_top(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [x.strip() for x in out]


_VARARGS = {"BatchNorm": ["input_x", "scale", "bias", "mean", "variance"]}


def ms_input_names(op, prim=None):
    """Input names of `op` as MindSpore's own Python op definition passes them (for the inventory).

    PRIMITIVE_FUNCTION ops call `super().__call__(x, self.kernel_size, ...)` or
    `pyboost_xxx(self, [input, self.axis])`: the argument list is the input list of the node.
    Falls back to the primitive's `input_names` attribute when present.
    """
    import inspect
    import re
    from mindspore.ops.auto_generate import gen_ops_prim
    for mod in (gen_ops_prim, P):
        cls = getattr(mod, op, None)
        if cls is None:
            continue
        try:
            src = inspect.getsource(cls.__call__)
        except (TypeError, OSError):
            continue
        mt = re.search(r"pyboost_\w+\(self, \[(.*?)\]\)\n", src, re.S) or \
            re.search(r"super\(\)\.__call__\((.*?)\)\n", src, re.S)
        if not mt:
            continue
        names = []
        for a in _split_top(mt.group(1)):
            a = a.split(" if ")[0].strip()
            if a == "*args":
                if op not in _VARARGS:
                    names = None
                    break
                names.extend(_VARARGS[op])
                continue
            a = a.replace("self.", "").replace("new_generated_", "")
            names.append(a)
        if names:
            return names
    if prim is not None:
        for a in prim.attribute:
            if a.name == "input_names":
                return [v.strings[0].decode() if v.strings else v.s.decode() for v in a.values]
    return None


def enum_maps():
    """int -> string for the enums MindSpore 2.x writes as INT64 constant inputs (by asking str_to_enum)."""
    from mindspore.ops.auto_generate.gen_ops_prim import str_to_enum
    maps = {}
    for arg, cands in (("pad_mode", ["PAD", "SAME", "VALID", "FULL", "CAUSAL"]),
                       ("data_format", ["NCHW", "NHWC", "ND", "NCDHW", "NDHWC", "NC1HWC0", "HWCN", "NC"])):
        mp = {}
        for cnd in cands:
            try:
                mp[int(str_to_enum("Probe", arg, cnd))] = cnd
            except Exception:  # noqa: BLE001
                pass
        maps[arg] = mp
    maps["format"] = maps["data_format"]
    return maps


def _short_attrs(attrs):
    return ", ".join(f"{a.name}={attr_value(a)}" for a in attrs if a.name not in ("input_names", "output_names"))


def describe_compute_nodes(m):
    """One line per non-bookkeeping node: op, primitive attributes, inputs (kind and constant value)."""
    gi = GraphIndex(m)
    out = []
    for _, n in all_nodes(m):
        op = gi.op(n)
        if op in BOOKKEEPING:
            continue
        _, attrs = gi.node_attrs(n)
        i_s = "; ".join(f"in{j}: {gi.input_kind(i)}" + (f" = {gi.constant_value(i)}" if gi.constant_value(i) else "")
                        for j, i in enumerate(n.input))
        out.append(f"`{op}` attrs [{_short_attrs(attrs)}] inputs [{i_s}]")
    return out


def listing(m, max_const=60):
    """Compact text listing of a graph: `%k = Op(args)  : shape`."""
    gi = GraphIndex(m)
    short = {}
    for i in m.graph.input:
        short[i.name] = i.name.split(":")[-1]
    for p in m.graph.parameter:
        short[p.name] = "param:" + (p.ref_key or p.name.split(":")[-1])
    lines = []
    k = 0
    for _, n in all_nodes(m):
        op = gi.op(n)
        name = n.output[0] if n.output else n.name
        short[name] = f"%{k}"
        k += 1
        sa = next((a for a in n.attribute if a.name == "shape"), None)
        shp = f"   : {attr_value(sa)}" if sa is not None else ""
        if op == "Constant":
            v = next((a for a in n.attribute if a.name == "value"), None)
            val = attr_value(v) if v is not None else "?"
            val = val if len(val) <= max_const else val[:max_const - 3] + "..."
            lines.append(f"{short[name]} = Constant {attr_type(v) if v is not None else ''} {val}")
        else:
            args = ", ".join(short.get(i, i) for i in n.input)
            tag = n.op_type if n.op_type.startswith("REF::") else op
            lines.append(f"{short[name]} = {op}({args})" + (f"   [{tag}]" if tag != op else "") + shp)
    outs = ", ".join(short.get(o.name, o.name) for o in m.graph.output)
    lines.append(f"return {outs}")
    return lines


def _fmt_inputs(op, pos_kinds, pos_consts, names, enums):
    lines = []
    npos = max(pos_kinds) + 1 if pos_kinds else 0
    if npos > 8 and not names:
        kinds = sorted(set().union(*pos_kinds.values()))
        return [f"  * in0..in{npos - 1} (variadic, up to {npos} seen): {', '.join(kinds)}"]
    for k in range(npos):
        kinds = ", ".join(sorted(pos_kinds.get(k, set())))
        nm = f" `{names[k]}`" if names and k < len(names) else ""
        ex = sorted(pos_consts.get(k, set()))
        dec = ""
        if names and k < len(names) and names[k] in enums and ex:
            mp = enums[names[k]]
            dec = " (" + ", ".join(f"{v} = {mp.get(int(v), '?')}" for v in ex if v.lstrip("-").isdigit()) + ")"
        exs = (f"; constant values seen: {' | '.join('`' + e + '`' for e in ex[:8])}"
               + (" ..." if len(ex) > 8 else "") + dec) if ex else ""
        lines.append(f"  * in{k}{nm}: {kinds}{exs}")
    return lines


class _OpStats:
    def __init__(self):
        self.models = set()
        self.encoding = set()
        self.instance = set()
        self.prim_type = set()
        self.attrs = OrderedDict()  # name -> [types, first example, source, all values]
        self.inputs = defaultdict(set)
        self.consts = defaultdict(set)
        self.node_attrs = set()
        self.prim = None
        self.const_by_type = OrderedDict()


def collect(models):
    stats = defaultdict(_OpStats)
    per_model = OrderedDict()
    for label, path in models:
        m = load_proto(path)
        gi = GraphIndex(m)
        ops_here = OrderedDict()
        for _, n in all_nodes(m):
            op = gi.op(n)
            st = stats[op]
            ent = ops_here.setdefault(op, {"count": 0, "attrs": OrderedDict(), "inputs": defaultdict(set)})
            ent["count"] += 1
            st.models.add(label)
            st.encoding.add("`REF::` + primitives table" if n.op_type.startswith("REF::") else "bare `op_type`")
            if n.op_type.startswith("REF::") and n.op_type[5:] in gi.prims:
                p = gi.prims[n.op_type[5:]]
                st.prim = st.prim or p
                st.instance.add(repr(p.instance_name))
                st.prim_type.add(pb.PrimitiveProto.PrimType.Name(p.prim_type) if p.HasField("prim_type")
                                 else "(unset)")
            src, attrs = gi.node_attrs(n)
            if op == "Constant":
                v = next((a for a in n.attribute if a.name == "value"), None)
                if v is not None:
                    t = attr_type(v)
                    if t not in st.const_by_type:
                        st.const_by_type[t] = attr_value(v)[:100]
                attrs = []
            for a in attrs:
                if src == "inline" and a.name == "shape" and n.op_type.startswith("REF::"):
                    continue
                if a.name not in ent["attrs"]:
                    ent["attrs"][a.name] = (attr_type(a), attr_value(a))
                rec = st.attrs.setdefault(a.name, [set(), attr_value(a), src, set()])
                rec[0].add(attr_type(a))
                rec[3].add(attr_value(a))
            for na in n.node_attr:
                st.node_attrs.add(f"{na.name} ({attr_type(na)})")
            for k, i in enumerate(n.input):
                kind = gi.input_kind(i)
                ent["inputs"][k].add(kind)
                st.inputs[k].add(kind)
                cv = gi.constant_value(i)
                if cv is not None:
                    st.consts[k].add(cv if len(cv) < 110 else cv[:107] + "...")
        per_model[label] = (m, gi, ops_here)
    return stats, per_model


def conv_same_padlist_check(per_model):
    """For every exported Conv2D with pad_mode 'same': is pad_list = TF-style split of the total padding?"""
    n_same = n_ok = 0
    bad = []
    for label, (m, gi, _) in per_model.items():
        shapes = {}
        for i in m.graph.input:
            shapes[i.name] = list(i.tensor[0].dims)
        for _, n in all_nodes(m):
            sa = next((a for a in n.attribute if a.name == "shape"), None)
            if sa is not None and sa.tensors and n.output:
                shapes[n.output[0]] = list(sa.tensors[0].dims)
        for _, n in all_nodes(m):
            if gi.op(n) != "Conv2D":
                continue
            _, attrs = gi.node_attrs(n)
            a = {x.name: x for x in attrs}
            if a["pad_mode"].s.decode().lower() != "same":
                continue
            n_same += 1
            ih, iw = shapes[n.input[0]][2:]
            kh, kw = [v.ints[0] for v in a["kernel_size"].values]
            sh, sw = [v.ints[0] for v in a["stride"].values][2:]
            dh, dw = [v.ints[0] for v in a["dilation"].values][2:]
            exp = []
            for size, k, st, d in ((ih, kh, sh, dh), (iw, kw, sw, dw)):
                out = -(-size // st)
                tot = max((out - 1) * st + (k - 1) * d + 1 - size, 0)
                exp += [tot // 2, tot - tot // 2]
            got = [v.ints[0] for v in a["pad_list"].values]
            if got == exp:
                n_ok += 1
            else:
                bad.append(f"{label}: in {ih}x{iw} k {kh}x{kw} s {sh}x{sw}: pad_list {got}, TF split {exp}")
    return n_same, n_ok, bad


def _op_section(w, op, st, enums):
    w(f"### {op}")
    w("")
    w(f"* in: {', '.join(sorted(st.models))}")
    enc = ", ".join(sorted(st.encoding))
    if st.instance:
        enc += f"; primitive instance_name {', '.join(sorted(st.instance))}; prim_type {', '.join(sorted(st.prim_type))}"
    w(f"* encoding: {enc}")
    if op == "Constant":
        w("* `value` attribute, by type (example):")
        for t, ex in st.const_by_type.items():
            w(f"  * {t}: `{ex}`")
        w("")
        return
    if st.attrs:
        w("* attributes:")
        for name, (types, ex, src, seen) in st.attrs.items():
            others = sorted(seen - {ex})
            more = f" [also: {'; '.join(others[:6])}{' ...' if len(others) > 6 else ''}]" if others else ""
            where = "primitive table" if src == "primitive" else "inline on the node"
            w(f"  * `{name}` ({where}): {'/'.join(sorted(types))} = `{ex}`{more}")
    else:
        w("* attributes: none")
    if st.inputs:
        names = ms_input_names(op, st.prim)
        w("* inputs" + (" (names from MindSpore's op definition)" if names else "") + ":")
        for ln in _fmt_inputs(op, st.inputs, st.consts, names, enums):
            w(ln)
    w("")


def _model_table(w, label, m, gi, ops_here):
    w(f"### {label}")
    w("")
    ins = ", ".join(f"`{i.name}` {tensor_desc(i.tensor[0], False) if i.tensor else '?'}" for i in m.graph.input)
    outs = ", ".join(f"{tensor_desc(o.tensor[0], False) if o.tensor else '?'}" for o in m.graph.output)
    nparam = sum(int(np.prod(p.dims)) for p in m.graph.parameter)
    w(f"producer {m.producer_name!r} {m.model_version or m.producer_version!r}, ir_version {m.ir_version!r}, "
      f"mind_ir_version {m.mind_ir_version}; inputs {ins}; outputs {outs}; {len(m.graph.parameter)} "
      f"parameters ({nparam} values); {len(m.graph.node)} nodes; {len(m.functions)} function graphs; "
      f"{len(m.primitives)} primitive-table entries")
    w("")
    w("| op | count | attributes (type = example) | input kinds by position |")
    w("|---|---|---|---|")
    for op, ent in sorted(ops_here.items()):
        a_s = "<br>".join(f"`{k}` {t} = `{v}`" for k, (t, v) in ent["attrs"].items()
                          if k not in ("input_names", "output_names")) or "-"
        pos = ent["inputs"]
        if op == "MakeTuple" and len(pos) > 8:
            i_s = f"in0..in{max(pos)}: " + ", ".join(sorted(set().union(*pos.values())))
        else:
            i_s = "<br>".join(f"in{k}: {', '.join(sorted(v))}" for k, v in sorted(pos.items())) or "-"
        w(f"| {op} | {ent['count']} | {a_s.replace('|', '/')} | {i_s} |")
    w("")


LISTED = ["ops/batchnorm", "ops/leakyrelu", "ops/matmul_transpose_a", "ops/matmul_transpose_b",
          "ops/concat_axis1", "ops/strided_slice", "ops/pad_ops", "ops/avgpool_same_s2", "ops/mul_scalar_const",
          "ops/add_scalar_const", "ops/conv2d_same_s2"]


def inventory(models, exp):
    """models: list of (label, path, third_party). Returns markdown."""
    ours = [(lb, p) for lb, p, tp in models if not tp]
    theirs = [(lb, p) for lb, p, tp in models if tp]
    stats, per_model = collect(ours)
    t_stats, t_per_model = collect(theirs)
    enums = enum_maps()

    L = []
    w = L.append
    w("# MindIR op inventory of micro-codegen's fixtures")
    w("")
    w(f"Generated by `tools/export_fixtures.py` from the files it exported with MindSpore {ms.__version__} "
      "(section 6: the third-party files under `../shared/models/mindir/` it computes references for). "
      "Parsed with MindSpore's own protobuf module `mindspore.train.mind_ir_pb2`. Do not edit by hand: "
      "re-run the script.")
    w("")
    w("Contents: 1. encoding facts; 2. which arguments are attributes and which are Constant inputs; "
      "3. semantic experiments (AvgPool/Conv2D 'same', MaxPool padding, Pad); 4. every op type over our "
      "exports; 5. compact listings of small graphs; 6. third-party files (older encodings); 7. per-model tables.")
    w("")
    # ---------------------------------------------------------------- 1
    w("## 1. How MindSpore 2.10 encodes an exported graph")
    w("")
    conv = stats.get("Conv2D")
    w("* **`REF::` primitive table.** A node's `op_type` is `REF::<key>` (e.g. `REF::Conv2D:4`); `<key>` is the "
      "`name` of an entry of `ModelProto.primitives`; that entry's `op_type` is the primitive (`Conv2D`), its "
      "`attribute` list the primitive's attributes, plus `instance_name` and `prim_type`. Nodes of one primitive "
      "instance share one entry (a `nn.ReLU` cell used 4 times = 1 entry). The table is written in hash-map order "
      "(not stable between exports). Only `Constant` nodes use a bare `op_type`.")
    if conv and conv.prim is not None:
        p = conv.prim
        w(f"  Example: primitive `name={p.name!r}`, `op_type={p.op_type!r}`, `instance_name={p.instance_name!r}`, "
          f"`prim_type={pb.PrimitiveProto.PrimType.Name(p.prim_type)}`, attributes "
          + ", ".join(f"`{a.name}`" for a in p.attribute) + ".")
    pf = sorted(op for op, st in stats.items() if "PRIMITIVE_FUNCTION" in st.prim_type)
    pp = sorted(op for op, st in stats.items() if st.prim_type == {"PRIMITIVE"})
    pf_attr = sorted(op for op in pf if stats[op].attrs)
    pf_attr_names = sorted({a for op in pf_attr for a in stats[op].attrs})
    w(f"* **`prim_type`**: `PRIMITIVE_FUNCTION` for {', '.join(pf)}: these have **no real attributes** in the table "
      f"(only {', '.join(pf_attr) or 'none'} carry {', '.join(pf_attr_names) or '-'}); "
      "every argument (axis, perm, shape, transpose flags, kernel size, pad_mode, format, BN epsilon ...) is an "
      f"extra **`Constant` input** after the tensors. `PRIMITIVE` for {', '.join(pp)}: "
      "classic attributes in the table, tensors-only inputs.")
    w("* **Enums as INT64 constants.** `pad_mode` and `data_format`/`format` arguments of PRIMITIVE_FUNCTION ops "
      "are INT64 enum values, not strings (from MindSpore's `str_to_enum`): pad_mode "
      + ", ".join(f"{k} = {v}" for k, v in sorted(enums["pad_mode"].items())) + "; data_format "
      + ", ".join(f"{k} = {v}" for k, v in sorted(enums["data_format"].items())) + ".")
    w("* **String case.** `Conv2D.pad_mode` is lower case (`'same'`, `'valid'`, `'pad'`); `MaxPool.pad_mode` is "
      "upper case (`'SAME'`, `'VALID'`); `format` is `'NCHW'`; `PadV3.mode` is lower case (`'constant'`), "
      "`MirrorPad.mode` upper case (`'REFLECT'`). Compare case-insensitively.")
    shp = []
    for label, (m, gi, _) in per_model.items():
        for _, n in all_nodes(m):
            op = gi.op(n)
            sa = next((a for a in n.attribute if a.name == "shape"), None)
            if sa is not None and op in ("Conv2D", "BatchNorm", "UpdateState", "Softmax") and \
                    not any(e[0] == op for e in shp):
                shp.append((op, sa))
    w("* **`shape` attribute on every non-Constant node** (inline on the NodeProto, never in the primitive "
      "table): the node's output type. Single tensor: type `TENSORS`, one TensorProto with `dims` and "
      "`data_type`, no data. Tuple output (BatchNorm's 5 outputs, MakeTuple): type `TUPLE` whose `values` are "
      "`TENSORS` attributes, plus a `seq_info {is_dyn_len: false}` (field 18). UpdateState: type `UMONAD`. "
      "Examples:")
    for op, sa in shp:
        w(f"  * {op}: `{attr_type(sa)}` = `{attr_value(sa)}`")
    n_same, n_ok, bad = conv_same_padlist_check(per_model)
    w(f"* **Conv2D `pad_list` is filled in at export**, also for pad_mode 'same': in {n_ok} of the {n_same} 'same' "
      "Conv2D nodes of our fixtures it equals (top, bottom, left, right) = (floor(total_h/2), ceil(total_h/2), "
      "floor(total_w/2), ceil(total_w/2)) with total = max((ceil(in/stride)-1)*stride + (k-1)*dilation + 1 - in, 0)"
      + ("; mismatches: " + "; ".join(bad) if bad else "") + ". For 'pad' it equals `pad`; for 'valid' zeros. "
      "`pad` holds the user's padding (zeros unless pad_mode 'pad'). `kernel_size` is a 2-tuple; `stride` and "
      "`dilation` are 4-tuples (N, C, H, W); `group` and `groups` both present; `out_channel`; `mode` 1.")
    nattrs = sorted({x for st in stats.values() for x in st.node_attrs})
    w(f"* **`node_attr`**: bookkeeping only ({', '.join(nattrs)}). **`domain`**: the scope, e.g. "
      "`Default/conv1-Conv2d/Conv2D-op0`. Node and Constant names can contain non-ASCII characters "
      "(e.g. `фpadding`, `фvalue` for ops.pad's arguments): read names as UTF-8.")
    w("* **Weights** are `GraphProto.parameter` TensorProtos named `<graph name>:<cell path>` "
      "(e.g. `..._construct_15:conv1.weight`) with `ref_key` = the cell path, float32 little-endian `raw_data`. "
      "Nodes never use a parameter directly: each goes through `Load(param, U)` where `U` is a `Constant` of type "
      "`UMONAD`. All Loads are gathered by one `MakeTuple` feeding `UpdateState(U, tuple)`, and the graph output is "
      "`Depend(result, UpdateState)`. Graphs without parameters have no Load/UpdateState/Depend and return the "
      "op directly. Fold: Load -> input 0; Depend -> input 0; drop UpdateState/MakeTuple-of-Loads. "
      "`MakeTuple` also packs real tensors: Concat's input 0 is `MakeTuple(a, b)`.")
    w("* **BatchNorm** (nn.BatchNorm2d in eval mode): `BatchNorm(x, Load(gamma), Load(beta), Load(moving_mean), "
      "Load(moving_variance), is_training=False, epsilon=1e-05, momentum=0.1, data_format=0)` returns a 5-tuple; "
      "the normalized tensor is `TupleGetItem(bn, 0)` (index an INT64 Constant). y = gamma*(x-mean)/sqrt(var+eps)+beta.")
    w("* **Dense** (nn.Dense): `MatMul(x, Load(weight[out,in]), transpose_a=False, transpose_b=True)` (the two BOOL "
      "Constants are inputs 2 and 3), then `BiasAdd(y, Load(bias), data_format=0)`. Conv bias: `Conv2D` + "
      "`BiasAdd`. nn.Dropout in eval mode is not exported at all.")
    w("* **Python constants** become `Constant` nodes: a captured non-Parameter `Tensor` (and a python float "
      "operand of `+`/`-`) is a `value` of type `TENSORS` holding one TensorProto with `raw_data` (0-d for "
      "scalars); int/float/bool arguments are `INT64`/`FLOAT`/`BOOL` with `i`/`f`; tuples are `TUPLE` of `INT64` "
      "`values` with `ints`; None is `NONE`; monads `UMONAD`. (Older files use `TENSOR` with `t`.)")
    w("* **Graph inputs** are `GraphProto.input` named `<graph name>:<python arg name>` with one TensorProto "
      "(dims, data_type) in `tensor`. The graph name (e.g. `70_1___main___LeNet5_construct_15`) embeds process "
      "counters. `GraphProto.output` has the output name and TensorProto.")
    w("* **Not byte-deterministic**: graph attribute `compile_phase` (e.g. `export.mindir.<id>.<id>.0`) changes "
      "every run and the primitive table order changes; names change with what was compiled before in the same "
      "process. Other graph attributes: " + ", ".join(
          sorted({a.name for _, (m, _, _) in per_model.items() for a in m.graph.attribute})) + ".")
    w("* **Top-level fields**: `ir_version` '1.1', `producer_name` 'MindSpore', `model_version` '2.10.0' "
      "(producer_version empty), `little_endian` true, `mind_ir_version` 3, no `functions` (subgraphs) in any "
      "of these exports.")
    w("")
    # ---------------------------------------------------------------- 2
    w("## 2. Arguments: primitive attributes vs Constant inputs (our 2.10 exports)")
    w("")
    w("| op | tensor inputs | Constant inputs (name: type = example) | primitive attributes |")
    w("|---|---|---|---|")
    for op in sorted(stats):
        st = stats[op]
        if op in BOOKKEEPING:
            continue
        names = ms_input_names(op, st.prim) or []
        tens, consts = [], []
        for k in sorted(st.inputs):
            nm = names[k] if k < len(names) else f"in{k}"
            kinds = st.inputs[k]
            if all(x.startswith("Constant") for x in kinds):
                ex = sorted(st.consts.get(k, set()))
                consts.append(f"{nm}: {'/'.join(sorted(x.replace('Constant ', '') for x in kinds))} = "
                              f"{' / '.join(ex[:3])}")
            else:
                tens.append(f"{nm} ({', '.join(sorted(kinds))})")
        attrs = ", ".join(f"`{a}`" for a in st.attrs if a not in ("input_names", "output_names")) or "-"
        w(f"| {op} | {'<br>'.join(tens) or '-'} | {'<br>'.join(consts) or '-'} | {attrs} |")
    w("")
    # ---------------------------------------------------------------- 3
    w("## 3. Semantic questions, answered by experiment")
    w("")
    w("Each experiment builds a tiny net, exports it, reloads it with `mindspore.load` + `nn.GraphCell` and runs it.")
    w("")
    w("### AvgPool with pad_mode 'same': are padded cells counted in the divisor?")
    w("")
    for ln in exp["avgpool_same"]["lines"]:
        w(f"* {ln}")
    for ln in exp["avgpool_same"]["attrs"]:
        w(f"* exported: {ln}")
    for ln in exp["avgpool_same"]["pad_lines"]:
        w(f"* {ln}")
    w("")
    w(exp["avgpool_same"]["answer"])
    w("")
    w("### Conv2D with pad_mode 'same', stride 2: how is odd total padding split?")
    w("")
    for ln in exp["conv_same"]["lines"]:
        w(f"* {ln}")
    w("")
    w(exp["conv_same"]["answer"])
    w("")
    w("### MaxPool 'same' padding value")
    w("")
    for ln in exp["maxpool_same"]["lines"]:
        w(f"* {ln}")
    w("")
    w("### What nn.Pad / ops.pad export as")
    w("")
    for ln in exp["pad"]["lines"]:
        w(f"* {ln}")
    w("")
    w("So: `nn.Pad(paddings, 'CONSTANT')` -> `Pad` (PRIMITIVE, attribute `paddings` = per-dimension "
      "(before, after) pairs in dimension order, zero fill); `nn.Pad` REFLECT/SYMMETRIC -> `MirrorPad` (attr `mode`, "
      "paddings as an int64 [rank,2] Constant tensor input); `ops.pad`, `nn.ZeroPad2d`, `nn.ConstantPad2d` -> "
      "`PadV3` (attrs `mode`, `paddings_contiguous`=True; inputs: x, paddings TUPLE in **last-dimension-first** "
      "pairs `(left, right, top, bottom, ...)`, constant_value a 0-d float32 TENSORS constant (0 when value=None "
      "for mode 'constant', NONE for reflect)).")
    w("")
    # ---------------------------------------------------------------- 4
    w("## 4. Every op type in our exports (union over all fixtures)")
    w("")
    w("Per op: fixtures, encoding, attributes MindSpore wrote (name (where): type = example [other values]), and for "
      "each input position its name in MindSpore's op definition and the kinds of producers seen: `graph input`, "
      "`parameter` (direct use), `Load(parameter)` (a weight through Load), `Constant <type>`, or `node <op>`. "
      "Enum INT64 constants are decoded.")
    w("")
    for op in sorted(stats):
        _op_section(w, op, stats[op], enums)
    # ---------------------------------------------------------------- 5
    w("## 5. Compact listings of small graphs")
    w("")
    w("`%k = Op(inputs)   [REF key]   : shape attribute`; graph inputs by argument name, parameters as `param:`.")
    w("")
    for label in LISTED:
        if label in per_model:
            w(f"### {label}")
            w("")
            w("```")
            for ln in listing(per_model[label][0]):
                w(ln)
            w("```")
            w("")
    # ---------------------------------------------------------------- 6
    w("## 6. Third-party files (references only; read from ../shared/models/mindir/)")
    w("")
    w("Older encodings differ: MindSpore 1.x puts attributes inline on the node with a bare `op_type`; "
      "the 2.0 LeNet keeps MatMul's transpose flags as primitive **attributes** (`transpose_a`, `transpose_b`, "
      "`transpose_x1`, `transpose_x2`), has 2-input MatMul with weights as `Constant` TENSORS nodes, "
      "and uses `Reshape` instead of `Flatten`.")
    w("")
    for op in sorted(t_stats):
        _op_section(w, op, t_stats[op], enums)
    for label, (m, gi, ops_here) in t_per_model.items():
        _model_table(w, label, m, gi, ops_here)
        w("```")
        for ln in listing(m):
            w(ln)
        w("```")
        w("")
    # ---------------------------------------------------------------- 7
    w("## 7. Per model (our exports)")
    w("")
    for label, (m, gi, ops_here) in per_model.items():
        _model_table(w, label, m, gi, ops_here)
    return "\n".join(L) + "\n"


def answer_texts(exp):
    # AvgPool answer derived from the numbers (all-ones input: 1.0 everywhere => padding not counted)
    mins = []
    for ln in exp["avgpool_same"]["lines"]:
        mins.append(float(ln.split("min ")[1].split(",")[0]))
    if all(abs(v - 1.0) < 1e-6 for v in mins):
        exp["avgpool_same"]["answer"] = (
            "**Answer: padded cells are NOT counted.** On an all-ones input every output is exactly 1, including "
            "corners whose window overlaps the 'same' padding: the divisor is the number of valid (in-image) "
            "cells in the window (TF 'SAME' semantics, count_include_pad=False).")
    else:
        exp["avgpool_same"]["answer"] = (
            "**Answer: padded cells ARE counted** (an all-ones input gives values < 1 at padded borders): the "
            "divisor is kernel_h*kernel_w.")
    tops = []
    for ln in exp["conv_same"]["lines"]:
        th = int(ln.split("total pad H ")[1].split(" ")[0])
        t = int(ln.split("measured top ")[1].split(",")[0])
        tops.append((th, t))
    if all(t == th // 2 for th, t in tops):
        exp["conv_same"]["answer"] = (
            "**Answer: pad_top = floor(total/2), pad_bottom = total - pad_top** (the extra row/column goes to the "
            "bottom/right, as in TensorFlow 'SAME'); total = max((ceil(H/s)-1)*s + (k-1)*d + 1 - H, 0). Same for "
            "left/right.")
    else:
        exp["conv_same"]["answer"] = f"**Answer: measured (total, top) pairs {tops}: not floor(total/2).**"


# --------------------------------------------------------------------------------------------

def write_example_lenet(dest, inputs, outputs, fx):
    EXAMPLE_LENET.mkdir(parents=True, exist_ok=True)
    write_if_changed(EXAMPLE_LENET / "lenet.mindir", dest.read_bytes())
    write_if_changed(EXAMPLE_LENET / "input.bin", le_bytes(inputs[0]))
    write_if_changed(EXAMPLE_LENET / "expected_output.bin", le_bytes(outputs[0]))
    ex = OrderedDict(fx)
    ex["model"] = "lenet.mindir"
    ex["input_files"] = ["input.bin"]
    ex["output_files"] = ["expected_output.bin"]
    ex["description"] = fx["description"] + " (copy of tests/fixtures/lenet)"
    write_if_changed(EXAMPLE_LENET / "fixture.json", (json.dumps(ex, indent=2) + "\n").encode())


def generate(only, tmpdir):
    names = []
    jobs = [(name, build, desc) for name, (build, desc) in model_fixtures().items()]
    jobs += [(f"ops/{case}", build, desc) for case, (build, desc) in op_cases().items()]
    for name, build, desc in jobs:
        names.append(name)
        if only and name not in only:
            continue
        seed = seed_of(name)
        np.random.seed(seed)
        ms.set_seed(seed)
        net, inputs = build(np.random.default_rng(seed))
        dest, inputs, outputs, fx = export_and_reference(name, net, inputs, seed, desc, tmpdir)
        if name == "lenet":
            write_example_lenet(dest, inputs, outputs, fx)
    if not only or any(o.startswith("shared") for o in only):
        shared_fixtures()
    if not only:
        known = set(names) | {"shared"}
        stale = [str(d.relative_to(FIXTURES)) for d in sorted(FIXTURES.glob("*")) + sorted(FIXTURES.glob("ops/*"))
                 if d.is_dir() and d.name != "ops" and str(d.relative_to(FIXTURES)) not in known]
        if stale:
            print(f"note: fixture dirs this script no longer generates (delete them?): {stale}")
    exp = experiments(tmpdir)
    answer_texts(exp)
    return exp


def main(argv):
    only = set(argv[1:])
    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmpdir:
        # MindSpore dumps rank_0/om/analyze_fail.ir into the cwd when a compile fails: keep it out of the repo
        old_cwd = os.getcwd()
        os.chdir(tmpdir)
        try:
            exp = generate(only, tmpdir)
        finally:
            os.chdir(old_cwd)

    # inventory over everything on disk
    models = []
    for d in sorted(FIXTURES.glob("*/model.mindir")):
        models.append((d.parent.name, d, False))
    for d in sorted((FIXTURES / "ops").glob("*/model.mindir")):
        models.append(("ops/" + d.parent.name, d, False))
    if SHARED_MINDIR.is_dir():
        for stem in ("lenet_ms20", "relu_ms15", "add_ms"):
            p = SHARED_MINDIR / f"{stem}.mindir"
            if p.exists():
                models.append((f"shared/{stem}", p, True))
    text = inventory(models, exp)
    write_if_changed(INVENTORY, text.encode("utf-8"))

    total = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    msize = sum(p.stat().st_size for p in FIXTURES.rglob("model.mindir"))
    print(f"done: {len(WRITTEN)} files checked/written; tests/fixtures total {total} bytes, "
          f"model.mindir files {msize} bytes")


if __name__ == "__main__":
    main(sys.argv)
