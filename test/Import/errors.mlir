// Errors of `quant import`: a message naming the model, the ONNX node and its
// op type, exit code 1, never a crash.

// RUN: %python %S/Inputs/make_models.py unsupported_op %t.lstm.onnx
// RUN: not quant import %t.lstm.onnx -o %t.lstm.mlir 2>&1 | FileCheck %s --check-prefix=OP
// OP: lstm.onnx: error: node 'conv3' (op 'LSTM'): unsupported ONNX op

// RUN: %python %S/Inputs/make_models.py unsupported_attr %t.attr.onnx
// RUN: not quant import %t.attr.onnx 2>&1 | FileCheck %s --check-prefix=ATTR
// ATTR: error: node 'conv_bad' (op 'Conv'): attribute 'auto_pad': value 'SAME_MIDDLE' is not supported

// RUN: %python %S/Inputs/make_models.py conv1d %t.conv1d.onnx
// RUN: not quant import %t.conv1d.onnx 2>&1 | FileCheck %s --check-prefix=CONV1D
// CONV1D: error: node 'conv1d' (op 'Conv'): only 2-D Conv (4-D NCHW input) is supported, got rank 3

// An initializer whose raw_data is shorter than its dims say.
// RUN: %python %S/Inputs/make_models.py truncated_initializer %t.trunc.onnx
// RUN: not quant import %t.trunc.onnx 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: error: node 'mm_trunc' (op 'MatMul'): initializer 'w': raw_data holds 10 bytes, dims say 24

// RUN: %python %S/Inputs/make_models.py int_input %t.int.onnx
// RUN: not quant import %t.int.onnx 2>&1 | FileCheck %s --check-prefix=INT
// INT: error: graph input 'x' has element type INT64; only float32 inputs are supported

// RUN: %python %S/Inputs/make_models.py symbolic_inner_dim %t.sym.onnx
// RUN: not quant import %t.sym.onnx 2>&1 | FileCheck %s --check-prefix=SYM
// SYM: error: graph input 'x' has a symbolic dimension 'C' at index 1; only the batch dimension (0) may be symbolic

// RUN: %python %S/Inputs/make_models.py undefined_input %t.undef.onnx
// RUN: not quant import %t.undef.onnx 2>&1 | FileCheck %s --check-prefix=UNDEF
// UNDEF: error: node 'relu_undef' (op 'Relu'): input 'nowhere' is not defined before the node

// RUN: %python %S/Inputs/make_models.py dropout_mask %t.mask.onnx
// RUN: not quant import %t.mask.onnx 2>&1 | FileCheck %s --check-prefix=MASK
// MASK: error: node 'drop' (op 'Dropout'): the mask output is not supported (inference only)

// Not ONNX: text, an empty file, a model cut short, a missing file.
// RUN: echo garbage > %t.garbage.onnx
// RUN: not quant import %t.garbage.onnx 2>&1 | FileCheck %s --check-prefix=GARBAGE
// GARBAGE: garbage.onnx: error: '{{.+}}garbage.onnx' is not an ONNX model (protobuf parse error)
// RUN: %python -c "open(r'%t.empty.onnx', 'wb').close()"
// RUN: not quant import %t.empty.onnx 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: '{{.+}}empty.onnx' is not an ONNX model (no graph or opset)
// RUN: %python %S/Inputs/make_models.py conv %t.conv.onnx
// RUN: %python -c "d = open(r'%t.conv.onnx', 'rb').read(); open(r'%t.cut.onnx', 'wb').write(d[:200])"
// RUN: not quant import %t.cut.onnx 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: error: '{{.+}}cut.onnx' is not an ONNX model (protobuf parse error)
// RUN: not quant import %t.does-not-exist.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open ONNX model '{{.+}}does-not-exist.onnx': No such file or directory

// Bad options.
// RUN: not quant import %t.conv.onnx --batch 0 2>&1 | FileCheck %s --check-prefix=BATCH
// BATCH: quant import: --batch must be positive, got 0

// RUN: %python %S/Inputs/make_models.py pad_reflect %t.reflect.onnx
// RUN: not quant import %t.reflect.onnx 2>&1 | FileCheck %s --check-prefix=REFLECT
// REFLECT: error: node 'pad_reflect' (op 'Pad'): attribute 'mode': value 'reflect' is not supported (constant only)
