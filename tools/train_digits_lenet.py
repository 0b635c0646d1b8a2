#!/usr/bin/env python3
"""Train LeNet-5 on scikit-learn's bundled digits and write tests/fixtures/digits-lenet/ (issue 12, item 5).

    pip install mindspore scikit-learn      # CPU builds; nothing is downloaded at run time
    python3 tools/train_digits_lenet.py

The data: sklearn.datasets.load_digits() (1,797 images of 8x8 pixels, integer grey levels 0..16,
shipped inside scikit-learn). Split: 20% held out for testing, stratified by label, seeded
(train_test_split(random_state=SEED)), so 1,437 train and 360 test images.

The transform (one definition, implemented here in `to_input` and in the Java test
DigitsLenet.input): a pixel p (0..16) of the 8x8 image becomes the float32 value p / 8 - 1 (so the
range is [-1, 1]; exact in float32), and the 8x8 image is scaled to 32x32 by nearest-neighbour
interpolation, i.e. every pixel becomes a 4x4 block: input[y][x] = pixel[y // 4][x // 4]. It is
exact integer arithmetic, so the test rebuilds MindSpore's inputs bit for bit from the committed
8x8 bytes, which keeps the fixture small (64 bytes per image instead of 4,096).

Written (all raw little-endian, no headers):
  model.mindir             the trained LeNet-5, input float32[1,1,32,32], output float32[1,10]
  test_images.u8           360 x 64 bytes, the held-out 8x8 images (row-major)
  test_labels.u8           360 labels 0..9
  test_logits_float.f32    360 x 10: MindSpore's logits of model.mindir (mindspore.load + GraphCell)
  test_logits_w8.f32,      360 x 10: MindSpore's logits of the same network with every Conv2D/Dense weight
  test_logits_w4.f32       replaced by its weights-only quantization (8 and 4 bits, below), dequantized
  calib_images.u8          100 x 64 bytes: calibration samples drawn (seeded) from the TRAINING split
  digits.json              the description: seeds, sizes, accuracies, and a SHA-256 of every quantized layer's
                           integers and scales, so the compiler's quantization is checked against this one

Weights-only quantization (the reference for the compiler's CompileOptions.withWeightQuant): per output
channel c (axis 0 of the MindSpore weight: Conv2D [out, in, kh, kw], Dense [out, in]),
qmax = 2^(bits-1) - 1, absmax = max |w| over the channel (float32), scale = float32(absmax / qmax) in
double (1 if absmax is 0), q = round half away from zero of (double(w) / double(scale)), clamped to
[-qmax, qmax]; the dequantized weight is float32(scale) * float32(q) rounded to float32.
"""
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("GLOG_v", "3")

import mindspore as ms  # noqa: E402
from mindspore import Tensor, nn  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
import sklearn  # noqa: E402

from export_fixtures import LeNet5  # noqa: E402  (the fixtures' LeNet-5: MindSpore model zoo's, with biases)

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "digits-lenet"
SEED = 20261130
EPOCHS = 30
BATCH = 32
LEARNING_RATE = 1e-3
CALIBRATION_SIZE = 100
QUANT_BITS = (8, 4)

ms.set_context(mode=ms.GRAPH_MODE, device_target="CPU")


def to_input(images_u8):
    """[n, 8, 8] uint8 (0..16) -> [n, 1, 32, 32] float32: p / 8 - 1, nearest-neighbour 4x."""
    x = images_u8.astype(np.float32) / np.float32(8) - np.float32(1)
    x = np.repeat(np.repeat(x, 4, axis=1), 4, axis=2)
    return x[:, None, :, :].astype(np.float32)


def quantize_channelwise(w, bits):
    """Per-output-channel symmetric quantization (axis 0); returns (q int32, scale float32[out])."""
    qmax = (1 << (bits - 1)) - 1
    flat = w.reshape(w.shape[0], -1).astype(np.float32)
    absmax = np.abs(flat).max(axis=1)
    scale = np.where(absmax > 0, (absmax.astype(np.float64) / qmax), 1.0).astype(np.float32)
    r = flat.astype(np.float64) / scale.astype(np.float64)[:, None]
    q = np.sign(r) * np.floor(np.abs(r) + 0.5)
    q = np.clip(q, -qmax, qmax).astype(np.int32)
    return q.reshape(w.shape), scale


def dequantize(q, scale):
    shape = [-1] + [1] * (q.ndim - 1)
    return (scale.reshape(shape) * q.astype(np.float32)).astype(np.float32)


def layer_digest(q, scale):
    """SHA-256 of the integers (int32 little-endian, MindSpore's weight order) then the scales (float32 LE)."""
    h = hashlib.sha256()
    h.update(q.astype("<i4").tobytes())
    h.update(scale.astype("<f4").tobytes())
    return h.hexdigest()


def train(net, x, y, epochs=EPOCHS, learning_rate=LEARNING_RATE):
    """Adam on softmax cross-entropy, seeded batch order; learning_rate a number or one value per step."""
    loss = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
    opt = nn.Adam(net.trainable_params(), learning_rate=learning_rate)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, loss), opt)
    step.set_train()
    rng = np.random.default_rng(SEED)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        total = 0.0
        for start in range(0, len(x) - BATCH + 1, BATCH):  # whole batches only: one graph shape
            idx = order[start:start + BATCH]
            total += float(step(Tensor(x[idx]), Tensor(y[idx].astype(np.int32))).asnumpy())
        print(f"epoch {epoch + 1:2d}: mean loss {total / (len(x) // BATCH):.4f}", flush=True)
    net.set_train(False)


def logits_of(cell, x):
    return np.concatenate([cell(Tensor(x[i:i + 1])).asnumpy() for i in range(len(x))]).astype(np.float32)


def weighted_cells(net):
    return [(name, cell) for name, cell in net.cells_and_names() if isinstance(cell, (nn.Conv2d, nn.Dense))]


def load_split():
    """The digits (uint8 0..16), their labels and the seeded stratified split (sorted train, test indices)."""
    digits = load_digits()
    images = digits.images.astype(np.uint8)  # exact: the values are integers 0..16
    labels = digits.target.astype(np.uint8)
    idx_train, idx_test = train_test_split(np.arange(len(images)), test_size=0.2, stratify=labels,
                                           random_state=SEED)
    return images, labels, np.sort(idx_train), np.sort(idx_test)


def export_and_write_split(make_network, trained, out, images, labels, idx_train, idx_test, x_test):
    """Writes out/model.mindir (a fresh make_network() holding the trained weights: the trained cell's
    scopes carry the training wrappers, Default/network-WithLossCell/_backbone-..., which would name the
    generated layers), the held-out split, MindSpore's logits of the exported file and the calibration
    images; returns those logits."""
    out.mkdir(parents=True, exist_ok=True)
    exported = make_network()
    ms.load_param_into_net(exported, trained.parameters_dict(), strict_load=True)
    exported.set_train(False)
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "model"
        ms.export(exported, Tensor(x_test[:1]), file_name=str(stem), file_format="MINDIR")
        (out / "model.mindir").write_bytes(stem.with_suffix(".mindir").read_bytes())
    graph = nn.GraphCell(ms.load(str(out / "model.mindir")))
    float_logits = logits_of(graph, x_test)
    eager_logits = logits_of(exported, x_test)
    assert np.allclose(float_logits, eager_logits, atol=1e-4), "the exported MindIR disagrees with the network"

    images[idx_test].tofile(out / "test_images.u8")
    labels[idx_test].tofile(out / "test_labels.u8")
    float_logits.tofile(out / "test_logits_float.f32")
    calib = np.sort(np.random.default_rng(SEED + 1).choice(idx_train, CALIBRATION_SIZE, replace=False))
    images[calib].tofile(out / "calib_images.u8")
    return float_logits


def main():
    ms.set_seed(SEED)
    np.random.seed(SEED)
    images, labels, idx_train, idx_test = load_split()
    x_train, y_train = to_input(images[idx_train]), labels[idx_train]
    x_test, y_test = to_input(images[idx_test]), labels[idx_test]

    net = LeNet5()
    train(net, x_train, y_train)

    float_logits = export_and_write_split(LeNet5, net, OUT, images, labels, idx_train, idx_test, x_test)
    float_top1 = float((float_logits.argmax(1) == y_test).mean())

    originals = {name: cell.weight.asnumpy().copy() for name, cell in weighted_cells(net)}
    quant = {}
    for bits in QUANT_BITS:
        digests = {}
        for name, cell in weighted_cells(net):
            q, scale = quantize_channelwise(originals[name], bits)
            cell.weight.set_data(Tensor(dequantize(q, scale)))
            digests[name] = layer_digest(q, scale)
        logits = logits_of(net, x_test)
        logits.tofile(OUT / f"test_logits_w{bits}.f32")
        quant[str(bits)] = {"top1": float((logits.argmax(1) == y_test).mean()), "layers": digests,
                            "logits": f"test_logits_w{bits}.f32"}
        for name, cell in weighted_cells(net):
            cell.weight.set_data(Tensor(originals[name]))

    desc = {
        "model": "model.mindir",
        "input_shape": [1, 1, 32, 32],
        "output_shape": [1, 10],
        "dataset": "sklearn.datasets.load_digits (1,797 8x8 images, grey levels 0..16)",
        "split": "train_test_split(test_size=0.2, stratify=labels, random_state=seed), indices sorted",
        "transform": "float32 p/8 - 1, then nearest-neighbour 8x8 -> 32x32 (each pixel a 4x4 block)",
        "seed": SEED,
        "epochs": EPOCHS, "batch": BATCH, "optimizer": f"Adam lr {LEARNING_RATE}",
        "train_size": int(len(idx_train)), "test_size": int(len(idx_test)),
        "calibration_size": CALIBRATION_SIZE,
        "calibration": "calib_images.u8: seeded sample of the training split, same transform",
        "float_top1": float_top1,
        "weight_quant": {
            "scheme": "per output channel (axis 0), symmetric, scale = absmax / (2^(bits-1)-1), "
                      "round half away from zero, all Conv2D and Dense weights",
            "layer_order": [name for name, _ in weighted_cells(net)],
            "bits": quant,
        },
        "mindspore_version": ms.__version__,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
    }
    (OUT / "digits.json").write_text(json.dumps(desc, indent=2) + "\n")
    print(f"float top-1 {float_top1:.4f}; " +
          "; ".join(f"weights-only {b} bit top-1 {quant[str(b)]['top1']:.4f}" for b in QUANT_BITS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
