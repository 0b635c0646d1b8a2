#!/usr/bin/env python3
"""Measures the 256-entry sigmoid table behind LiteRT's int16 LOGISTIC and TANH reference kernels
(reference_integer_ops::Logistic/Tanh interpolate in a static table of sigmoid(i/24) in 0.16 fixed
point, stored in TFLite's sources; it is not any simple rounding of the function, so we read it back
from the oracle instead of writing it down from elsewhere).

Usage:
    pip install ai-edge-litert numpy     # made with ai-edge-litert 2.3.0
    python3 tools/litert_sigmoid_table.py

How: a one-op int16 TANH model whose input scale makes TanhPrepare pick the multiplier 16384 with
shift 13 (input scale * 4096 * 3 just above 2, not a power of two), so the kernel sees exactly
2x for input x. For x = 128 k the interpolation weight is zero and the output is table[k] - 32768
(k = 0..254); table[255] follows from the slope between entries 254 and 255 at x = 128 * 254 + 127
(weight 254/256). Writes runtime-micro/c/test/vectors/litert_sigmoid_table.txt (256 numbers), which
the C and Java tests compare with the tables in mc_qnonlinear.c and QNonlinear.java.
"""
import importlib.util
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "runtime-micro", "c", "test", "vectors", "litert_sigmoid_table.txt")

spec = importlib.util.spec_from_file_location("ev", os.path.join(ROOT, "tools", "litert_elementwise_vectors.py"))
ev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ev)


def main():
    scale = np.float32(2.0 / 12288.0)
    while float(scale) * 4096.0 * 3.0 < 2.0:              # the multiplier must not fall just below 16384
        scale = np.nextafter(scale, np.float32(1.0))
    n = 256
    x = np.array([128 * k for k in range(255)] + [128 * 254 + 127], dtype=np.int16)
    assert x.size == n
    model = ev.build(ev.fb.BuiltinOperator.TANH, None, None,
                     [ev.T("int16", [n], float(scale), 0), ev.T("int16", [n], 1.0 / 32768.0, 0)], [0], [1])
    y = ev.run(model, [x]).astype(np.int64)
    table = [int(v) + 32768 for v in y[:255]]
    # x = 128*254 + 127: 2x = 256*254 + 254, output = table[254] - 32768 + floor((254 d + 128) / 256)
    seen = int(y[255]) + 32768 - table[254]
    slopes = [d for d in range(0, 64) if (254 * d + 128) // 256 == seen]
    assert len(slopes) == 1, slopes
    table.append(table[254] + slopes[0])
    assert table[0] == 32768 and all(a <= b for a, b in zip(table, table[1:])) and table[-1] <= 65535
    with open(OUT, "w") as f:
        f.write("# sigmoid(i/24) in 0.16 fixed point as LiteRT 2.3's int16 LOGISTIC/TANH use it; "
                "measured by tools/litert_sigmoid_table.py, do not edit\n")
        for i in range(0, n, 16):
            f.write(" ".join(str(v) for v in table[i:i + 16]) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
