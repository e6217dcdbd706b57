// `quant run` rejects bad input with a message and a non-zero exit status.
// RUN: rm -rf %t && %python %S/Inputs/make_data.py %t
// RUN: not quant run %s --input %t/wrong.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not quant run %s --input %t/bad.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: not quant run %s --input %t/notdata.bin 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not quant run %s --input %t/missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not quant run %s --input %t/x.npy --labels %t/short_labels.npy 2>&1 | FileCheck %s --check-prefix=LABELS
// RUN: not quant run %s --input %t/x.npy --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not quant run %s --input %t/x.npy --normalize 1 2>&1 | FileCheck %s --check-prefix=NORM
// RUN: not quant run %s --input %t/x.npy --entry nope 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not quant run %t/missing.mlir --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=MODEL

// SHAPE: quant run: error: {{.*}}wrong.npy: data [4, 3] float32 does not fit argument #0 of @main, tensor<?x2xfloat32>: each sample needs 2 elements
// TRUNC: quant run: error: {{.*}}bad.npy: truncated NPY data
// FORMAT: quant run: error: {{.*}}notdata.bin: unknown data format
// MISSING: quant run: error: {{.*}}missing.npy: cannot open
// LABELS: quant run: error: {{.*}}short_labels.npy: 2 labels for 4 samples
// COUNT: quant run: error: @main takes 1 inputs but 2 --input files were given
// NORM: quant run: error: --normalize expects MEAN,STD
// ENTRY: quant run: error: no function @nope in the module
// MODEL: missing.mlir: error: cannot open

func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  return %x : tensor<?x2xf32>
}
