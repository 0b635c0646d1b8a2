#!/usr/bin/env python3
"""Train the fixtures' MobileNetV2-0.35 on scikit-learn's digits and write tests/fixtures/digits-mobilenetv2/.

    pip install mindspore scikit-learn      # CPU builds; nothing is downloaded at run time
    python3 tools/train_digits_mobilenetv2.py

Why: the MobileNetV2 fixture (tests/fixtures/mobilenetv2) has random weights, and a random network of
that depth amplifies any input noise (its float build with 40 dB input noise gives 13.5 dB at the
output), so no int8 quantizer can reach issue 12's 25 dB on it. This is the same architecture, trained,
so that post-training quantization is measured on weights that compute something.

The network: export_fixtures.MobileNetV2(width_mult=0.35, num_classes=10, last_channel=1280,
scale_last=True), exactly as the fixture's generator builds it (ConvBNReLU with ReLU6, 17 inverted
residual blocks, last 1x1 conv of 448 channels, global mean, Dense 10), but fed 3x32x32 instead of
3x96x96 so that training fits in about 14 minutes on two busy CPU cores (15 epochs): the digits are 8x8, so 32x32
(each pixel a 4x4 block, the digits LeNet's transform) already holds all their information; the
strides take 32x32 down to 1x1 before the global pooling.

The data, split and transform are train_digits_lenet.py's (same seed, so the same 1,437 / 360 images):
pixel p (0..16) -> float32 p / 8 - 1, nearest-neighbour 8x8 -> 32x32, and the grey image repeated in
the 3 input channels (exact, so the Java test rebuilds MindSpore's inputs bit for bit from the bytes).

Written (raw little-endian, no headers):
  model.mindir            the trained network, input float32[1,3,32,32], output float32[1,10]
  test_images.u8          360 x 64 bytes, the held-out 8x8 images
  test_labels.u8          360 labels
  test_logits_float.f32   360 x 10: MindSpore's logits of model.mindir (mindspore.load + GraphCell)
  calib_images.u8         100 x 64 bytes: calibration samples drawn (seeded) from the TRAINING split
  digits.json             the description: seeds, sizes, accuracy
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("GLOG_v", "3")

import mindspore as ms  # noqa: E402
from mindspore import nn  # noqa: E402
import sklearn  # noqa: E402

from export_fixtures import MobileNetV2  # noqa: E402  (the fixture's MobileNetV2-0.35)
from train_digits_lenet import SEED, CALIBRATION_SIZE, to_input, load_split, export_and_write_split, train  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "digits-mobilenetv2"
EPOCHS = 15
BATCH = 32
LEARNING_RATE = 2e-3


def to_rgb_input(images_u8):
    """[n, 8, 8] uint8 -> [n, 3, 32, 32] float32: the LeNet transform, grey repeated in 3 channels."""
    return np.repeat(to_input(images_u8), 3, axis=1).astype(np.float32)


def network():
    return MobileNetV2(width_mult=0.35, num_classes=10, last_channel=1280, scale_last=True)


def cosine_schedule(train_size):
    steps_per_epoch = train_size // BATCH
    return nn.cosine_decay_lr(0.0, LEARNING_RATE, EPOCHS * steps_per_epoch, steps_per_epoch, EPOCHS)


def main():
    ms.set_context(mode=ms.GRAPH_MODE, device_target="CPU")
    ms.set_seed(SEED)
    np.random.seed(SEED)
    images, labels, idx_train, idx_test = load_split()
    x_train, y_train = to_rgb_input(images[idx_train]), labels[idx_train]
    x_test, y_test = to_rgb_input(images[idx_test]), labels[idx_test]

    net = network()
    started = time.time()
    train(net, x_train, y_train, EPOCHS, cosine_schedule(len(x_train)))
    seconds = time.time() - started

    float_logits = export_and_write_split(network, net, OUT, images, labels, idx_train, idx_test, x_test)
    float_top1 = float((float_logits.argmax(1) == y_test).mean())

    desc = {
        "model": "model.mindir",
        "network": "tools/export_fixtures.py MobileNetV2(width_mult=0.35, num_classes=10, last_channel=1280, "
                   "scale_last=True), the mobilenetv2 fixture's architecture, on a 32x32 input",
        "input_shape": [1, 3, 32, 32],
        "output_shape": [1, 10],
        "dataset": "sklearn.datasets.load_digits (1,797 8x8 images, grey levels 0..16)",
        "split": "train_test_split(test_size=0.2, stratify=labels, random_state=seed), indices sorted",
        "transform": "float32 p/8 - 1, nearest-neighbour 8x8 -> 32x32 (each pixel a 4x4 block), "
                     "repeated in 3 channels",
        "seed": SEED,
        "epochs": EPOCHS, "batch": BATCH, "optimizer": f"Adam, cosine decay from lr {LEARNING_RATE}",
        "training_seconds": round(seconds),
        "train_size": int(len(idx_train)), "test_size": int(len(idx_test)),
        "calibration_size": CALIBRATION_SIZE,
        "calibration": "calib_images.u8: seeded sample of the training split, same transform",
        "float_top1": float_top1,
        "mindspore_version": ms.__version__,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
    }
    (OUT / "digits.json").write_text(json.dumps(desc, indent=2) + "\n")
    print(f"float top-1 {float_top1:.4f} after {seconds:.0f} s of training")
    return 0


if __name__ == "__main__":
    sys.exit(main())
