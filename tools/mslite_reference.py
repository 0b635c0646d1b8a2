#!/usr/bin/env python3
"""Reference outputs for the MindSpore Lite (.ms) models in ../shared/models/ms, computed by MindSpore.

Each .ms network is rebuilt in MindSpore (CPU, PyNative) from the tensors and attributes stored in the
file, run on seeded random inputs, and the inputs and outputs are written as raw little-endian float32
into tests/fixtures/ms/<model>/ with a manifest.json. The file is read here with the `flatbuffers`
package's low-level Table API, field slots taken from MindSpore Lite's own schema
(../shared/formats/mslite_{model,ops}.fbs): no code of micro-codegen is involved.

MindSpore's CPU Conv2D and pooling take NCHW only, so activations stay in the file's NHWC layout and
each convolution and pooling transposes to NCHW and back; KHWC weights become OIHW. Every other op
runs on the layout the file gives.

    pip install mindspore flatbuffers "numpy<2"   # MindSpore 2.10's extension modules need NumPy 1.x
    tools/mslite_reference.py [--models lenet_tod_infer parallel] [--seed 20261129]
"""
import argparse
import json
import os
import re
import struct
import sys

import flatbuffers
import numpy as np
from flatbuffers.table import Table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, '..', 'shared'))
# MindSpore TypeId numbers (mindspore/core/mindapi/base/type_id.h) -> numpy
TYPE_IDS = {34: np.int32, 35: np.int64, 43: np.float32}
FORMATS = ['NCHW', 'NHWC', 'NHWC4', 'HWKC', 'HWCK', 'KCHW', 'CKHW', 'KHWC']
ACTIVATIONS = {0: None, 1: 'RELU', 2: 'SIGMOID', 3: 'RELU6'}
PAD_MODES = {0: 'pad', 1: 'same', 2: 'valid'}


def parse_fbs(paths):
    """table name -> [(field, type)] and union name -> members, from MindSpore Lite's .fbs files."""
    tables, unions = {}, {}
    for p in paths:
        text = re.sub(r'//.*', '', re.sub(r'/\*.*?\*/', '', open(p).read(), flags=re.S))
        for m in re.finditer(r'table\s+(\w+)\s*{(.*?)}', text, re.S):
            fields = []
            for f in m.group(2).split(';'):
                if f.strip():
                    name, typ = [x.strip() for x in f.split(':', 1)]
                    fields.append((name, typ.split('=')[0].split('(')[0].strip()))
            tables[m.group(1)] = fields
        for m in re.finditer(r'union\s+(\w+)\s*{(.*?)}', text, re.S):
            unions[m.group(1)] = [x.strip() for x in m.group(2).split(',') if x.strip()]
    return tables, unions


class MsFile:
    def __init__(self, path):
        self.buf = open(path, 'rb').read()
        assert self.buf[4:8] == b'MSL2', path + ': not an .ms file'
        fbs = os.path.join(SHARED, 'formats')
        self.tables, self.unions = parse_fbs([os.path.join(fbs, 'mslite_model.fbs'), os.path.join(fbs, 'mslite_ops.fbs')])
        self.root = Table(self.buf, struct.unpack_from('<I', self.buf, 0)[0])

    def slot(self, table, field):
        i = 0
        for name, typ in self.tables[table]:
            if name == field:
                return 4 + 2 * (i + (1 if typ in self.unions else 0))
            i += 2 if typ in self.unions else 1
        raise KeyError(table + '.' + field)

    def _off(self, t, table, field):
        return t.Offset(self.slot(table, field))

    def scalar(self, t, table, field, fmt, default=0):
        o = self._off(t, table, field)
        return struct.unpack_from('<' + fmt, self.buf, t.Pos + o)[0] if o else default

    def vector(self, t, table, field, fmt):
        o = self._off(t, table, field)
        if not o:
            return []
        n, start = t.VectorLen(o), t.Vector(o)
        return list(struct.unpack_from('<%d%s' % (n, fmt), self.buf, start))

    def raw(self, t, table, field):
        o = self._off(t, table, field)
        if not o:
            return b''
        return self.buf[t.Vector(o):t.Vector(o) + t.VectorLen(o)]

    def tables_of(self, t, table, field):
        o = self._off(t, table, field)
        if not o:
            return []
        start = t.Vector(o)
        return [Table(self.buf, t.Indirect(start + 4 * i)) for i in range(t.VectorLen(o))]

    def string(self, t, table, field):
        o = self._off(t, table, field)
        return t.String(t.Pos + o).decode() if o else ''

    def graph(self):
        r = self.root
        tensors = []
        for t in self.tables_of(r, 'MetaGraph', 'allTensors'):
            dims = self.vector(t, 'Tensor', 'dims', 'i')
            data = self.raw(t, 'Tensor', 'data')
            dtype = TYPE_IDS[self.scalar(t, 'Tensor', 'dataType', 'i')]
            value = np.frombuffer(data, dtype=dtype).reshape(dims).copy() if data else None
            tensors.append({'name': self.string(t, 'Tensor', 'name'), 'dims': dims, 'dtype': dtype,
                            'format': FORMATS[self.scalar(t, 'Tensor', 'format', 'i')], 'value': value})
        nodes = []
        for n in self.tables_of(r, 'MetaGraph', 'nodes'):
            prim = Table(self.buf, n.Indirect(n.Pos + self._off(n, 'CNode', 'primitive')))
            kind = self.unions['PrimitiveType'][self.buf[prim.Pos + prim.Offset(4)] - 1]
            attrs = Table(self.buf, prim.Indirect(prim.Pos + prim.Offset(6)))
            nodes.append({'name': self.string(n, 'CNode', 'name'), 'type': kind, 'attrs': attrs,
                          'inputs': self.vector(n, 'CNode', 'inputIndex', 'I'),
                          'outputs': self.vector(n, 'CNode', 'outputIndex', 'I')})
        return tensors, nodes, self.vector(r, 'MetaGraph', 'inputIndex', 'I'), self.vector(r, 'MetaGraph', 'outputIndex', 'I')


def run(path, inputs):
    """Runs the .ms graph in MindSpore on {input index: array}; returns {tensor index: array}."""
    import mindspore as ms
    from mindspore import ops, Tensor

    f = MsFile(path)
    tensors, nodes, _, _ = f.graph()
    values = {i: Tensor(t['value']) for i, t in enumerate(tensors) if t['value'] is not None}
    values.update({i: Tensor(x) for i, x in inputs.items()})
    to_nchw = lambda x: ops.transpose(x, (0, 3, 1, 2))
    to_nhwc = lambda x: ops.transpose(x, (0, 2, 3, 1))

    def act(x, code):
        name = ACTIVATIONS[code]
        return {None: lambda v: v, 'RELU': ops.relu, 'RELU6': ops.relu6, 'SIGMOID': ops.sigmoid}[name](x)

    for n in nodes:
        k, a = n['type'], n['attrs']
        x = [values[i] for i in n['inputs']]
        s = lambda field, fmt='b', default=0: f.scalar(a, k, field, fmt, default)
        v = lambda field: f.vector(a, k, field, 'q')
        if k == 'Conv2DFusion':
            assert FORMATS[s('format', 'i')] == 'NHWC' and s('group', 'q', 1) in (0, 1)
            w = tensors[n['inputs'][1]]
            assert w['format'] in ('KHWC', 'NHWC'), w['format']
            mode = PAD_MODES[s('pad_mode')]
            pad = tuple(v('pad_list')) if mode == 'pad' else 0
            y = ops.conv2d(to_nchw(x[0]), ops.transpose(x[1], (0, 3, 1, 2)), None, tuple(v('stride')), mode, pad,
                           tuple(v('dilation')))
            y = to_nhwc(y)
            if len(x) == 3:
                y = y + x[2]
            out = act(y, s('activation_type'))
        elif k == 'MaxPoolFusion':
            assert FORMATS[s('format', 'i')] == 'NHWC' and s('round_mode') == 0 and not s('global', 'B')
            pool = ms.nn.MaxPool2d(tuple(v('kernel_size')), tuple(v('strides')), PAD_MODES[s('pad_mode')])
            out = act(to_nhwc(pool(to_nchw(x[0]))), s('activation_type'))
        elif k == 'Activation':
            out = act(x[0], s('activation_type'))
        elif k == 'MatMulFusion':
            assert s('transpose_b', 'B') and not s('transpose_a', 'B')
            y = ops.matmul(x[0], x[1].T)
            out = act(y + x[2] if len(x) == 3 else y, s('activation_type'))
        elif k == 'Transpose':
            out = ops.transpose(x[0], tuple(int(d) for d in x[1].asnumpy()))
        elif k == 'Reshape':
            out = ops.reshape(x[0], tuple(int(d) for d in x[1].asnumpy()))
        elif k == 'ReduceFusion':
            assert s('mode') == 0, 'ReduceMean only'
            axis = tuple(int(d) for d in np.atleast_1d(x[1].asnumpy()))
            out = ops.mean(x[0], axis, bool(s('keep_dims', 'B')))
        elif k == 'AddFusion':
            out = act(ops.add(x[0], x[1]), s('activation_type'))
        elif k == 'Stack':
            out = ops.stack(x, int(s('axis', 'q')))
        else:
            raise SystemExit('%s: node %s: %s is not rebuilt by this script' % (path, n['name'], k))
        assert list(out.shape) == tensors[n['outputs'][0]]['dims'], (n['name'], out.shape)
        values[n['outputs'][0]] = out
    return {i: values[i].asnumpy() for i in values}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', nargs='*', default=['lenet_tod_infer', 'parallel'])
    p.add_argument('--seed', type=int, default=20261129)
    args = p.parse_args()
    import mindspore as ms
    ms.set_context(mode=ms.PYNATIVE_MODE)
    ms.set_device('CPU')
    for name in args.models:
        path = os.path.join(SHARED, 'models', 'ms', name + '.ms')
        tensors, _, graph_in, graph_out = MsFile(path).graph()
        rng = np.random.default_rng(args.seed)
        inputs = {i: rng.uniform(-1.0, 1.0, tensors[i]['dims']).astype(np.float32) for i in graph_in}
        outs = run(path, inputs)
        folder = os.path.join(ROOT, 'tests', 'fixtures', 'ms', name)
        os.makedirs(folder, exist_ok=True)
        manifest = {'model': 'ms/' + name + '.ms', 'model_relative_to': '../shared/models',
                    'mindspore_version': ms.__version__, 'seed': args.seed,
                    'input_distribution': 'numpy default_rng(seed).uniform(-1, 1), float32, in graph input order',
                    'inputs': [], 'outputs': []}
        for k, i in enumerate(graph_in):
            inputs[i].astype('<f4').tofile(os.path.join(folder, 'input_%d.bin' % k))
            manifest['inputs'].append({'name': tensors[i]['name'], 'shape': tensors[i]['dims'], 'dtype': 'float32'})
        for k, i in enumerate(graph_out):
            outs[i].astype('<f4').tofile(os.path.join(folder, 'output_%d.bin' % k))
            manifest['outputs'].append({'name': tensors[i]['name'], 'shape': tensors[i]['dims'], 'dtype': 'float32'})
        with open(os.path.join(folder, 'manifest.json'), 'w') as m:
            json.dump(manifest, m, indent=2)
            m.write('\n')
        print('%s: %d inputs, %d outputs, max |out| %.4g' % (name, len(graph_in), len(graph_out),
                                                            max(float(np.abs(outs[i]).max()) for i in graph_out)))


if __name__ == '__main__':
    sys.exit(main())
