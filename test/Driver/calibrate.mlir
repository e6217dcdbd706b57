// `quant calibrate` instruments a model, runs the data and writes the
// statistics file; constants (weights) are calibrated from their values.
// RUN: rm -rf %t && %python %S/Inputs/make_data.py %t
// RUN: quant calibrate %s --input %t/x.npy -o %t/stats.json | FileCheck %s
// RUN: %python -c "import json; d = json.load(open('%t/stats.json')); print(sorted(t['name'] for t in d['tensors']))" | FileCheck %s --check-prefix=FILE
// RUN: not quant calibrate %s --input %t/wrong.npy -o %t/s2.json 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not quant calibrate %s --input %t/x.npy -o %t/nodir/s.json 2>&1 | FileCheck %s --check-prefix=WRITE

// CHECK: name {{ *}}kind {{ *}}min {{ *}}max
// CHECK-DAG: x {{ *}}activations {{ *}}-8 {{ *}}7
// CHECK-DAG: scale/weight {{ *}}learnables {{ *}}-0.5 {{ *}}2
// CHECK-DAG: scale {{ *}}activations {{ *}}-11.5 {{ *}}10
// CHECK: calibrated 3 tensors (2 activations, 1 learnables) on 4 samples
// FILE: ['scale', 'scale/weight', 'x']
// SHAPE: quant calibrate: error: {{.*}}wrong.npy: data [4, 3] float32 does not fit
// WRITE: quant calibrate: error: {{.*}}nodir/s.json

// y = x * W with W = [[2, -0.5], [1, 1]] (a matmul with a constant weight):
// rows [0, -2.5], [10, 2.5], [-4, 8.5], [6, -11.5].
func.func @main(%x: tensor<?x2xf32> {fxp.name = "x"}) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %w = arith.constant dense<[[2.0, -0.5], [1.0, 1.0]]> : tensor<2x2xf32> loc("scale")
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<?x2xf32>, tensor<2x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32> loc("scale")
  return %y : tensor<?x2xf32>
}
