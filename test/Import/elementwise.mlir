// Broadcasting arithmetic, activations (Relu, LeakyRelu, Sigmoid, Tanh,
// Clip as ReLU6 and with opset-10 attributes) and Softmax per opset.

// RUN: %python %S/Inputs/make_models.py elementwise %t.ew.onnx
// RUN: quant import %t.ew.onnx -o %t.ew.mlir
// RUN: quant-opt %t.ew.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: quant-opt %t.ew.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @main

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x2x2xf32> {fxp.name = "x"} loc("x"), %[[ROW:.+]]: tensor<2xf32> {fxp.name = "row"} loc("row"))
// Add [N,3,2,2] + [3,1,1]: the unit dims of the bias read at 0.
// CHECK: %[[BIAS:.+]] = arith.constant dense<{{.+}}> : tensor<3x1x1xf32> loc("bias")
// CHECK: %[[ADD:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[BIAS]] : tensor<?x3x2x2xf32>, tensor<3x1x1xf32>) outs(%{{.+}} : tensor<?x3x2x2xf32>)
// CHECK: arith.addf {{.+}} loc("add")
// CHECK: } -> tensor<?x3x2x2xf32> loc("add")
// CHECK: %[[SUB:.+]] = linalg.generic {{.+}} ins(%[[ADD]], %[[X]] :
// CHECK: arith.subf {{.+}} loc("sub")
// Mul by a one-element tensor [1]: read at (0).
// CHECK: %[[SCALE:.+]] = arith.constant dense<2.000000e+00> : tensor<1xf32> loc("scale")
// CHECK: %[[MUL:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (0)>, {{.+}} ins(%[[SUB]], %[[SCALE]] :
// CHECK: arith.mulf {{.+}} loc("mul")
// Div by [2]: aligned with the last dimension.
// CHECK: %[[DIV:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, {{.+}} ins(%[[MUL]], %[[ROW]] :
// CHECK: arith.divf {{.+}} loc("div")
// CHECK: %[[RELU:.+]] = linalg.generic {{.+}} ins(%[[DIV]] :
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32 loc("relu")
// CHECK: arith.maximumf %{{.+}}, %[[ZERO]] : f32 loc("relu")
// CHECK: %[[LEAKY:.+]] = linalg.generic {{.+}} ins(%[[RELU]] :
// CHECK: ^bb0(%[[LIN:.+]]: f32 loc("leaky"), %{{.+}}: f32 loc("leaky")):
// CHECK: %[[NEG:.+]] = arith.cmpf olt, %[[LIN]], %{{.+}} : f32 loc("leaky")
// CHECK: %[[ALPHA:.+]] = arith.constant 2.000000e-01 : f32 loc("leaky")
// CHECK: %[[SCALED:.+]] = arith.mulf %[[LIN]], %[[ALPHA]]
// CHECK: arith.select %[[NEG]], %[[SCALED]], %[[LIN]]
// CHECK: %[[SIG:.+]] = linalg.generic {{.+}} ins(%[[LEAKY]] :
// CHECK: arith.negf
// CHECK: math.exp {{.+}} loc("sigmoid")
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: %[[TANH:.+]] = linalg.generic {{.+}} ins(%[[SIG]] :
// CHECK: math.tanh {{.+}} loc("tanh")
// Clip with constant inputs min = 0, max = 6 (ReLU6).
// CHECK: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[TANH]] :
// CHECK: %[[LO:.+]] = arith.constant 0.000000e+00 : f32 loc("relu6")
// CHECK: %[[MAX:.+]] = arith.maximumf %{{.+}}, %[[LO]]
// CHECK: %[[HI:.+]] = arith.constant 6.000000e+00 : f32 loc("relu6")
// CHECK: arith.minimumf %[[MAX]], %[[HI]]
// CHECK: return %[[Y]]

// Clip at opset 10 takes min/max attributes; the opset is outside 11-17 and
// imports with a warning.
// RUN: %python %S/Inputs/make_models.py clip_attrs %t.clip.onnx
// RUN: quant import %t.clip.onnx -o %t.clip.mlir 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: quant-opt %t.clip.mlir | FileCheck %s --check-prefix=CLIP
// WARN: clip.onnx: warning: opset 10 is outside the supported range 11-17
// CLIP-LABEL: func.func @main
// CLIP: arith.constant -1.000000e+00 : f32
// CLIP: arith.maximumf
// CLIP: arith.constant 1.000000e+00 : f32
// CLIP: arith.minimumf

// Softmax, opset 13, axis 1 of [N, 3, 4]: max / sum reduce dim 1 only.
// RUN: %python %S/Inputs/make_models.py softmax13 %t.sm13.onnx
// RUN: quant import %t.sm13.onnx -o %t.sm13.mlir
// RUN: quant-opt %t.sm13.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=SM13
// RUN: quant-opt %t.sm13.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// SM13-LABEL: func.func @main
// SM13-SAME: (%[[X:.+]]: tensor<?x3x4xf32>
// SM13: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32 loc("softmax")
// SM13: %[[MAXINIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<?x1x4xf32>)
// SM13: %[[MAX:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, 0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<?x3x4xf32>) outs(%[[MAXINIT]] : tensor<?x1x4xf32>)
// SM13: arith.maximumf
// SM13: %[[SHIFT:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[MAX]] : tensor<?x3x4xf32>, tensor<?x1x4xf32>)
// SM13: arith.subf
// SM13: %[[EXP:.+]] = linalg.generic {{.+}} ins(%[[SHIFT]] : tensor<?x3x4xf32>)
// SM13: math.exp
// SM13: %[[SUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[EXP]] : tensor<?x3x4xf32>) outs(%{{.+}} : tensor<?x1x4xf32>)
// SM13: arith.addf
// SM13: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[EXP]], %[[SUM]] : tensor<?x3x4xf32>, tensor<?x1x4xf32>)
// SM13: arith.divf {{.+}} loc("softmax")
// SM13: return %[[Y]]

// Softmax, opset 11, axis 1: the input is coerced to 2-D at axis 1, so the
// reductions cover dims 1 and 2.
// RUN: %python %S/Inputs/make_models.py softmax11 %t.sm11.onnx
// RUN: quant import %t.sm11.onnx -o %t.sm11.mlir
// RUN: quant-opt %t.sm11.mlir | FileCheck %s --check-prefix=SM11
// RUN: quant-opt %t.sm11.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// SM11-LABEL: func.func @main
// SM11: linalg.generic {indexing_maps = [#{{.+}}, #[[RED:.+]]], iterator_types = ["parallel", "reduction", "reduction"]} {{.+}} outs(%{{.+}} : tensor<?x1x1xf32>)
// SM11: arith.maximumf
// SM11: iterator_types = ["parallel", "reduction", "reduction"]
// SM11: arith.addf
// SM11: arith.divf
