#!/usr/bin/env python3
"""Reference outputs for the TFLite conformance tests, computed by LiteRT's reference kernels.

Usage (the only part of the TFLite tests that needs Python; the tests themselves read the result):

    pip install ai-edge-litert numpy        # made with ai-edge-litert 2.3.0, numpy 2.4, Python 3.11
    python3 tools/tflite_references.py      # rewrites tests/fixtures/tflite/

For every model under ../shared/models/tflite and each of its sample inputs it runs
`Interpreter(..., experimental_op_resolver_type=OpResolverType.BUILTIN_REF)` (TFLite's reference
kernels, never this project's code) and writes, relative to the repository root:

    tests/fixtures/tflite/<model>/manifest.json
    tests/fixtures/tflite/<model>/<sample>/input_<i>.bin    raw little-endian, the input's own dtype
    tests/fixtures/tflite/<model>/<sample>/output_<i>.bin   LiteRT's output, the output's own dtype
    tests/fixtures/tflite/README.md                         layout, format and a summary table

The models are referenced (manifest "model", relative to ../shared/models), never copied.

Which reference applies: LiteRT 2.3.0's reference kernels requantize with "single rounding";
TFLM's default build (which made the network_tester and seanet goldens) uses "double rounding"
(../shared/docs/quantization.md). Where a TFLM golden exists the manifest's "reference" is
"tflm_golden" and each sample records the golden's path and how many elements LiteRT's output
differs from it; elsewhere "reference" is "litert" and output_<i>.bin is the oracle.

Determinism: random inputs come from numpy.random.default_rng seeded with crc32 of the model
name; the manifests are written with a fixed key order, so a re-run rewrites identical bytes.
"""

import json
import math
import os
import shutil
import struct
import sys
import zlib

import numpy as np
import ai_edge_litert
from ai_edge_litert import schema_py_generated as schema
from ai_edge_litert.interpreter import Interpreter, OpResolverType

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHARED_MODELS = os.path.normpath(os.path.join(REPO, "..", "shared", "models"))
OUT = os.path.join(REPO, "tests", "fixtures", "tflite")

RESOLVER = "BUILTIN_REF"
LITERT_VERSION = getattr(ai_edge_litert, "__version__", "unknown")

PERSON_LABELS = ["no_person", "person"]                  # TFLM person_detection: kPersonIndex = 1
SPEECH_LABELS = ["silence", "unknown", "yes", "no"]      # TFLM micro_speech labels
N_RANDOM_SAMPLES = 3
HELLO_POINTS = 20
HELLO_TOLERANCE = 0.05


# ---------------------------------------------------------------- model reading and running

_OP_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}


def builtin_ops(model_bytes):
    """The builtin op names of subgraph 0's operators, sorted and unique (what the model really contains)."""
    model = schema.Model.GetRootAs(model_bytes, 0)
    codes = []
    for i in range(model.OperatorCodesLength()):
        oc = model.OperatorCodes(i)
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        codes.append("CUSTOM:" + oc.CustomCode().decode() if code == schema.BuiltinOperator.CUSTOM
                     else _OP_NAMES.get(code, str(code)))
    sub = model.Subgraphs(0)
    return sorted({codes[sub.Operators(i).OpcodeIndex()] for i in range(sub.OperatorsLength())})


def patch_quantized_dimension(model_bytes):
    """Sets quantized_dimension to 0 on tensors whose declared dimension is past their rank.

    person_detect's 1-D bias tensors declare quantized_dimension=3: TFLM accepts that, LiteRT refuses
    the model. For a 1-D tensor dimension 0 is the only one there is, so the patch changes no value.
    Returns (patched bytes, number of tensors patched).
    """
    buf = bytearray(model_bytes)
    model = schema.Model.GetRootAs(buf, 0)
    patched = 0
    for s in range(model.SubgraphsLength()):
        sub = model.Subgraphs(s)
        for t in range(sub.TensorsLength()):
            tensor = sub.Tensors(t)
            q = tensor.Quantization()
            if q is None or q.QuantizedDimension() < max(tensor.ShapeLength(), 1):
                continue
            field = q._tab.Offset(16)          # vtable slot 6: quantized_dimension (int32)
            struct.pack_into("<i", buf, q._tab.Pos + field, 0)
            patched += 1
    return bytes(buf), patched


def reference_interpreter(model_bytes):
    interp = Interpreter(model_content=model_bytes, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    return interp


def run(interp, inputs):
    for detail, value in zip(interp.get_input_details(), inputs):
        interp.set_tensor(detail["index"], value)
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def tensor_entry(detail):
    scales = detail["quantization_parameters"]["scales"]
    zero_points = detail["quantization_parameters"]["zero_points"]
    if len(scales) > 1:
        raise SystemExit("per-channel quantized graph input/output %r: not supported here" % detail["name"])
    quantized = len(scales) == 1
    return {
        "name": detail["name"],
        "dtype": np.dtype(detail["dtype"]).name,
        "shape": [int(d) for d in detail["shape"]],
        "scale": float(scales[0]) if quantized else None,
        "zero_point": int(zero_points[0]) if quantized else None,
    }


def quantize(values, entry):
    info = np.iinfo(entry["dtype"])
    q = np.round(np.asarray(values, dtype=np.float64) / entry["scale"]) + entry["zero_point"]
    return np.clip(q, info.min, info.max).astype(entry["dtype"])


def dequantize(values, entry):
    return entry["scale"] * (values.astype(np.float64) - entry["zero_point"])


# ---------------------------------------------------------------- writing

class ModelReference:
    """One model's manifest and sample folders, written under OUT/<name>."""

    def __init__(self, name, model_rel, reference="litert", out_root=OUT, model_bytes=None):
        """model_rel: relative to ../shared/models, unless model_bytes are given (an own model)."""
        self.name = name
        self.dir = os.path.join(out_root, name)
        if model_bytes is None:
            with open(os.path.join(SHARED_MODELS, model_rel), "rb") as f:
                model_bytes = f.read()
        model_bytes, self.patched = patch_quantized_dimension(model_bytes)
        self.interp = reference_interpreter(model_bytes)
        self.inputs = [tensor_entry(d) for d in self.interp.get_input_details()]
        self.outputs = [tensor_entry(d) for d in self.interp.get_output_details()]
        self.manifest = {
            "model": model_rel,
            "model_base": "shared_models",
            "op_resolver": RESOLVER,
            "litert_version": LITERT_VERSION,
            "reference": reference,
            "ops": builtin_ops(model_bytes),
            "inputs": self.inputs,
            "outputs": self.outputs,
            "samples": [],
        }
        if self.patched:
            self.manifest["model_patch"] = ("quantized_dimension set to 0 on %d one-dimensional tensors that declare a "
                                            "dimension past their rank (LiteRT refuses the file, TFLM accepts it)"
                                            % self.patched)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    def add(self, sample, source, inputs, **extra):
        """Runs one sample, writes its raw inputs and LiteRT's outputs; returns the outputs."""
        inputs = [np.asarray(v, dtype=e["dtype"]).reshape(e["shape"]) for v, e in zip(inputs, self.inputs)]
        outputs = run(self.interp, inputs)
        folder = os.path.join(self.dir, sample)
        os.makedirs(folder)
        for prefix, tensors in (("input", inputs), ("output", outputs)):
            for i, t in enumerate(tensors):
                with open(os.path.join(folder, "%s_%d.bin" % (prefix, i)), "wb") as f:
                    f.write(t.astype(t.dtype.newbyteorder("<")).tobytes())
        entry = {"name": sample, "source": source}
        entry.update(extra)
        self.manifest["samples"].append(entry)
        return outputs

    def write(self):
        with open(os.path.join(self.dir, "manifest.json"), "w") as f:
            json.dump(self.manifest, f, indent=1)
            f.write("\n")
        return self.manifest


def seeded_rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def random_input(rng, entry, low=None, high=None):
    """Full dtype range for integers; uniform in [low, high) for floats."""
    if np.issubdtype(np.dtype(entry["dtype"]), np.integer):
        info = np.iinfo(entry["dtype"])
        return rng.integers(info.min, info.max, size=entry["shape"], endpoint=True, dtype=entry["dtype"])
    return rng.uniform(low, high, size=entry["shape"]).astype(entry["dtype"])


# ---------------------------------------------------------------- the shared models

def shared_rel(*parts):
    return "/".join(("tflite",) + parts)


def read_bin(rel, dtype):
    return np.fromfile(os.path.join(SHARED_MODELS, rel), dtype=dtype)


def classify(outputs, labels):
    return labels[int(np.argmax(outputs[0].reshape(-1)))]


def check_class(problems, model, sample, got, expected):
    if got != expected:
        problems.append("%s/%s: LiteRT says %s, the README expects %s" % (model, sample, got, expected))


def hello_world(problems, notes):
    manifests = []
    for kind in ("float", "int8"):
        ref = ModelReference("hello_world_" + kind, shared_rel("hello_world", "hello_world_%s.tflite" % kind))
        entry_in, entry_out = ref.inputs[0], ref.outputs[0]
        for i in range(HELLO_POINTS):
            x = 2 * math.pi * i / HELLO_POINTS
            value = np.float32(x) if kind == "float" else quantize([x], entry_in)
            out = ref.add("x%02d" % i, "x = 2*pi*%d/%d" % (i, HELLO_POINTS), [value], x=x, sin_x=math.sin(x))[0]
            y = float(out.reshape(-1)[0]) if kind == "float" else float(dequantize(out, entry_out).reshape(-1)[0])
            # Recorded, not enforced: the int8 model itself misses sin(x) by more than 0.05 at some points.
            ref.manifest["samples"][-1]["litert_abs_error"] = round(abs(y - math.sin(x)), 6)
            if abs(y - math.sin(x)) > HELLO_TOLERANCE:
                notes.append("hello_world_%s x=%.4f: LiteRT %.4f vs sin(x) %.4f (off by more than %g)"
                             % (kind, x, y, math.sin(x), HELLO_TOLERANCE))
        manifests.append((ref.name, ref.write()))
    return manifests


def classifier(problems, name, model_rel, labels, samples):
    """A model whose README names the class each sample must get; samples: (sample name, input file, class)."""
    ref = ModelReference(name, model_rel)
    for sample, rel, expected in samples:
        out = ref.add(sample, rel, [read_bin(rel, np.int8)], expected_class=expected)
        got = classify(out, labels)
        ref.manifest["samples"][-1]["litert_class"] = got
        check_class(problems, ref.name, sample, got, expected)
    return [(ref.name, ref.write())]


def person_detect(problems, notes):
    # The image bytes are copied unchanged into the int8 input, as TFLM's person_detection_test does.
    return classifier(problems, "person_detect", shared_rel("person_detect", "person_detect.tflite"), PERSON_LABELS,
                      [(s, shared_rel("person_detect", "person_detect_%s_input_96x96.bin" % s), s)
                       for s in ("person", "no_person")])


def micro_speech(problems, notes):
    return classifier(problems, "micro_speech", shared_rel("micro_speech", "micro_speech_quantized.tflite"),
                      SPEECH_LABELS, [(w, shared_rel("micro_speech", "micro_speech_%s_features_int8.bin" % w), w)
                                      for w in ("yes", "no")])


def golden_comparison(golden_rel, golden, litert):
    diff = np.abs(golden.astype(np.int64).reshape(-1) - litert.astype(np.int64).reshape(-1))
    return {"golden": golden_rel, "golden_elements": int(diff.size),
            "litert_differs_from_golden": int(np.count_nonzero(diff)), "max_abs_difference": int(diff.max())}


def network_tester(problems, notes):
    ref = ModelReference("network_tester", shared_rel("network_tester", "network_tester_model.tflite"),
                         reference="tflm_golden")
    rel = shared_rel("network_tester", "network_tester_input.bin")
    out = ref.add("input", rel, [read_bin(rel, np.int8)])[0]
    golden_rel = shared_rel("network_tester", "network_tester_expected_output.bin")
    ref.manifest["samples"][-1].update(golden_comparison(golden_rel, read_bin(golden_rel, np.int8), out))
    return [(ref.name, ref.write())]


MLPERF = [  # (int8 model, float model)
    ("kws_ref_model", "kws_ref_model_float32"),
    ("pretrainedResnet_quant", "pretrainedResnet"),
    ("ad01_int8", "ad01_fp32"),
]


def mlperf_tiny(problems, notes):
    manifests = []
    for int8_stem, float_stem in MLPERF:
        int8_ref = ModelReference(int8_stem, shared_rel("mlperf_tiny", int8_stem + ".tflite"))
        # Float inputs: uniform over the range the int8 sibling's input quantization can represent,
        # the range the model was calibrated on.
        q = int8_ref.inputs[0]
        low, high = dequantize(np.array([-128, 127]), q)
        float_ref = ModelReference(float_stem, shared_rel("mlperf_tiny", float_stem + ".tflite"))
        for ref in (int8_ref, float_ref):
            rng = seeded_rng(ref.name)
            for s in range(N_RANDOM_SAMPLES):
                source = "numpy default_rng(crc32(%r)), draw %d, %s" % (
                    ref.name, s, "full int8 range" if ref is int8_ref else "uniform [%r, %r)" % (low, high))
                ref.add("random%d" % s, source, [random_input(rng, e, low, high) for e in ref.inputs])
            manifests.append((ref.name, ref.write()))
    return manifests


def read_csv(path, dtype):
    with open(path) as f:
        text = f.read().replace("\n", ",")
    return np.array([int(v) for v in text.split(",") if v.strip()], dtype=dtype)


def seanet(problems, notes):
    manifests = []
    base = os.path.join(SHARED_MODELS, "tflite", "seanet")
    for op in sorted(os.listdir(base)):
        files = sorted(os.listdir(os.path.join(base, op)))
        for stem in sorted((f[:-len(".tflite")] for f in files if f.endswith(".tflite")), key=natural_key):
            ref = ModelReference("seanet_" + stem, shared_rel("seanet", op, stem + ".tflite"), reference="tflm_golden")
            inputs, sources = [], []
            for i, entry in enumerate(ref.inputs):
                name = "%s_input%d_%s.csv" % (stem, i, entry["dtype"])
                if name not in files:
                    raise SystemExit("seanet %s: no %s" % (stem, name))
                sources.append(shared_rel("seanet", op, name))
                inputs.append(read_csv(os.path.join(base, op, name), entry["dtype"]))
            out = ref.add("golden_input", " ".join(sources), inputs)[0]
            golden_name = "%s_golden_%s.csv" % (stem, ref.outputs[0]["dtype"])
            golden = read_csv(os.path.join(base, op, golden_name), ref.outputs[0]["dtype"])
            ref.manifest["samples"][-1].update(golden_comparison(shared_rel("seanet", op, golden_name), golden, out))
            manifests.append((ref.name, ref.write()))
    return manifests


def natural_key(s):
    head = s.rstrip("0123456789")
    return (head, int(s[len(head):] or 0))


# ---------------------------------------------------------------- summary

README_HEAD = """# TFLite reference data (LiteRT reference kernels)

Written by `tools/tflite_references.py` (do not edit by hand; re-run it). Models live in
`../shared/models/` and are referenced, not copied. Own single-op models: `../tflite-ops/`.

Layout: `<model>/manifest.json` and `<model>/<sample>/input_<i>.bin`, `output_<i>.bin`: raw
little-endian tensors in the tensor's own dtype, graph input/output order; outputs are LiteRT's
(`op_resolver` BUILTIN_REF). manifest.json: `model` (relative to ../shared/models when `model_base`
is `shared_models`, to the manifest's folder when it is `fixture_dir`), `op_resolver`, `litert_version`, `reference` (`litert`: the
outputs are the oracle, single rounding; `tflm_golden`: TFLM's golden is the oracle, double
rounding, LiteRT's output kept for comparison), `ops`, `inputs` / `outputs` (name, dtype, shape,
scale, zero_point; null scale = not quantized), `samples` (name, source, and where they apply
expected_class / litert_class, x / sin_x / litert_abs_error, golden, golden_elements, litert_differs_from_golden,
max_abs_difference), optionally `model_patch`.

| model | reference | ops | samples | LiteRT vs golden (differing elements / total, max abs) |
|---|---|---|---|---|
"""


def summary_row(name, manifest):
    diffs = ["%d/%d, %d" % (s["litert_differs_from_golden"], s["golden_elements"], s["max_abs_difference"])
             for s in manifest["samples"] if "golden" in s]
    classes = ["%s->%s" % (s["name"], s["litert_class"]) for s in manifest["samples"] if "litert_class" in s]
    return "| %s | %s | %s | %d%s | %s |\n" % (
        name, manifest["reference"], " ".join(manifest["ops"]), len(manifest["samples"]),
        " (" + ", ".join(classes) + ")" if classes else "", "; ".join(diffs) or "-")


def main():
    if not os.path.isdir(SHARED_MODELS):
        sys.exit("tflite_references.py: %s not found (the shared models checkout)" % SHARED_MODELS)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    problems, notes, manifests = [], [], []
    for part in (hello_world, person_detect, micro_speech, network_tester, mlperf_tiny, seanet):
        manifests += part(problems, notes)
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README_HEAD)
        for name, manifest in manifests:
            f.write(summary_row(name, manifest))
    for name, manifest in manifests:
        print(summary_row(name, manifest), end="")
    for n in notes:
        print("NOTE:", n)
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
