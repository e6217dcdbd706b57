// `quant run` on a small model: y = relu(2x + 1) per element, batch dynamic.
// RUN: rm -rf %t && %python %S/Inputs/make_data.py %t
// RUN: quant run %s --input %t/x.npy --batch 3 --output %t/y.npy --labels %t/labels.npy | FileCheck %s
// RUN: %python -c "import numpy as np; print(np.load('%t/y.npy').tolist())" | FileCheck %s --check-prefix=VALUES
// RUN: quant run %s --input %t/x.npy --json | FileCheck %s --check-prefix=JSON
// RUN: quant run %s --input %t/img.npy --normalize 0.5,0.5 --output %t/n.npy
// RUN: %python -c "import numpy as np; print(np.load('%t/n.npy')[0].tolist())" | FileCheck %s --check-prefix=NORM

// CHECK: ran 4 samples
// CHECK: top-1: 75.00%
// VALUES: {{\[}}[3.0, 0.0], [7.0, 9.0], [0.0, 13.0], [15.0, 0.0]]
// JSON: "count": 4
// JSON: "samples_per_second"
// uint8 0 -> (0 - 0.5) / 0.5 = -1 -> relu(-1) = 0; 255 -> 1 -> relu(3) = 3.
// NORM: {{\[}}0.0, 3.0]

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %two = arith.constant 2.0 : f32
    %one = arith.constant 1.0 : f32
    %zero = arith.constant 0.0 : f32
    %m = arith.mulf %in, %two : f32
    %a = arith.addf %m, %one : f32
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
