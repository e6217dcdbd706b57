// Gemm (constant folding of transB / alpha / beta, and the non-constant
// form with linalg.transpose and an epilogue) and MatMul 2-D / 3-D.

// Linear layer: y = 0.5 * x w^T + 2 * b. w^T * 0.5 and b * 2 are folded at
// import; the bias is a broadcast add after the matmul.
// RUN: %python %S/Inputs/make_models.py gemm %t.gemm.onnx
// RUN: quant import %t.gemm.onnx -o %t.gemm.mlir
// RUN: quant-opt %t.gemm.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=GEMM
// RUN: quant-opt %t.gemm.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// GEMM-LABEL: func.func @main
// GEMM-SAME: (%[[X:.+]]: tensor<?x4xf32> {fxp.name = "x"} loc("x")) -> (tensor<?x3xf32> {fxp.name = "y"})
// GEMM: %[[W:.+]] = arith.constant dense<{{\[}}[0.000000e+00, 2.000000e-01, 4.000000e-01], [5.000000e-02, 2.500000e-01, 0.450000018], [1.000000e-01, 3.000000e-01, 5.000000e-01], [1.500000e-01, 3.500000e-01, 5.500000e-01]]> : tensor<4x3xf32> loc("fc")
// GEMM: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x3xf32>)
// GEMM: %[[MM:.+]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<?x4xf32>, tensor<4x3xf32>) outs(%[[INIT]] : tensor<?x3xf32>) -> tensor<?x3xf32> loc("fc")
// GEMM: %[[B:.+]] = arith.constant dense<[0.000000e+00, 2.000000e-01, 4.000000e-01]> : tensor<3xf32> loc("fc")
// GEMM: %[[Y:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%[[MM]], %[[B]] : tensor<?x3xf32>, tensor<3xf32>)
// GEMM: arith.addf
// GEMM: } -> tensor<?x3xf32> loc("fc")
// GEMM: return %[[Y]]
// LLVM: llvm.func @main

// transA on a graph input: linalg.transpose; alpha and beta in the epilogue;
// C of shape [2, 1] broadcast along the columns.
// RUN: %python %S/Inputs/make_models.py gemm_inputs %t.inputs.onnx
// RUN: quant import %t.inputs.onnx -o %t.inputs.mlir
// RUN: quant-opt %t.inputs.mlir | FileCheck %s --check-prefix=INPUTS
// RUN: quant-opt %t.inputs.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// INPUTS-LABEL: func.func @main
// INPUTS-SAME: (%[[A:.+]]: tensor<4x2xf32> {fxp.name = "a"}, %[[B:.+]]: tensor<4x3xf32> {fxp.name = "b"}, %[[C:.+]]: tensor<2x1xf32> {fxp.name = "c"})
// INPUTS: %[[AT:.+]] = linalg.transpose ins(%[[A]] : tensor<4x2xf32>) outs(%{{.+}} : tensor<2x4xf32>) permutation = [1, 0]
// INPUTS: %[[MM:.+]] = linalg.matmul ins(%[[AT]], %[[B]] : tensor<2x4xf32>, tensor<4x3xf32>)
// INPUTS: linalg.generic {indexing_maps = [#{{.+}}, #[[CMAP:.+]], #{{.+}}], {{.+}} ins(%[[MM]], %[[C]] : tensor<2x3xf32>, tensor<2x1xf32>)
// INPUTS: ^bb0(%[[ACC:.+]]: f32, %[[CV:.+]]: f32, %{{.+}}: f32):
// INPUTS: %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f32
// INPUTS: %[[SA:.+]] = arith.mulf %[[ACC]], %[[ALPHA]]
// INPUTS: %[[BETA:.+]] = arith.constant 5.000000e-01 : f32
// INPUTS: %[[SC:.+]] = arith.mulf %[[CV]], %[[BETA]]
// INPUTS: arith.addf %[[SA]], %[[SC]]

// MatMul: 2-D x 2-D, 3-D x 2-D (the matrix broadcast over the batch), 3-D x 3-D.
// RUN: %python %S/Inputs/make_models.py matmul %t.matmul.onnx
// RUN: quant import %t.matmul.onnx -o %t.matmul.mlir
// RUN: quant-opt %t.matmul.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=MATMUL
// RUN: quant-opt %t.matmul.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// MATMUL-LABEL: func.func @main
// MATMUL-SAME: (%[[A:.+]]: tensor<2x4xf32> {{.+}}, %[[X:.+]]: tensor<5x2x4xf32> {{.+}}, %[[Z:.+]]: tensor<5x4x6xf32> {{.+}})
// MATMUL: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<4x3xf32> loc("w")
// MATMUL: %[[P:.+]] = linalg.matmul ins(%[[A]], %[[W]] : tensor<2x4xf32>, tensor<4x3xf32>) {{.+}} -> tensor<2x3xf32> loc("mm2d")
// MATMUL: %[[WB:.+]] = linalg.broadcast ins(%[[W]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<5x4x3xf32>) dimensions = [0] loc("mm3d")
// MATMUL: %[[Q:.+]] = linalg.batch_matmul ins(%[[X]], %[[WB]] : tensor<5x2x4xf32>, tensor<5x4x3xf32>) {{.+}} -> tensor<5x2x3xf32> loc("mm3d")
// MATMUL: %[[R:.+]] = linalg.batch_matmul ins(%[[X]], %[[Z]] : tensor<5x2x4xf32>, tensor<5x4x6xf32>) {{.+}} -> tensor<5x2x6xf32> loc("bmm")
// MATMUL: return %[[P]], %[[Q]], %[[R]]
