// BatchNormalization: folded into the preceding Conv, per-channel affine
// with constant parameters, and the full formula with graph-input parameters.

// Conv + BN(eps 1e-3): no BN op left; weights and bias are the folded
// constants, located at the Conv.
// RUN: %python %S/Inputs/make_models.py conv_bn %t.fold.onnx
// RUN: quant import %t.fold.onnx -o %t.fold.mlir
// RUN: quant-opt %t.fold.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=FOLD
// RUN: quant-opt %t.fold.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// FOLD-LABEL: func.func @main
// bias' = beta - mean * gamma / sqrt(var + eps) = [0, 0.5 - 0.25 * 2 / sqrt(2.001)]
// FOLD: %[[B:.+]] = arith.constant dense<[0.000000e+00, 0.146534964]> : tensor<2xf32> loc("conv_bn")
// FOLD: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>)
// FOLD: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<2x2x3x3xf32> loc("conv_bn")
// FOLD: %[[Y:.+]] = linalg.conv_2d_nchw_fchw {{.+}} ins(%{{.+}}, %[[W]] : {{.+}}) outs(%[[INIT]] : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv_bn")
// FOLD-NOT: linalg.generic
// FOLD-NOT: loc("bn")
// FOLD: return %[[Y]]
// LLVM: llvm.func @main

// After a Relu: x * scale + shift per channel (dim 1), computed at import.
// RUN: %python %S/Inputs/make_models.py bn %t.affine.onnx
// RUN: quant import %t.affine.onnx -o %t.affine.mlir
// RUN: quant-opt %t.affine.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=AFFINE
// RUN: quant-opt %t.affine.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// AFFINE-LABEL: func.func @main
// AFFINE: %[[R:.+]] = linalg.generic
// AFFINE: arith.maximumf
// AFFINE: } -> tensor<?x2x3x3xf32> loc("relu0")
// AFFINE: %[[SCALE:.+]] = arith.constant dense<[0.999994993, 1.41421008]> : tensor<2xf32> loc("bn")
// AFFINE: %[[SHIFT:.+]] = arith.constant dense<[0.000000e+00, 0.146447495]> : tensor<2xf32> loc("bn")
// AFFINE: linalg.generic
// AFFINE-SAME: affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>
// AFFINE-SAME: ins(%[[R]], %[[SCALE]], %[[SHIFT]] : tensor<?x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>)
// AFFINE: ^bb0(%[[X:.+]]: f32 {{.+}}, %[[S:.+]]: f32 {{.+}}, %[[T:.+]]: f32 {{.+}}, %{{.+}}: f32 {{.+}}):
// AFFINE: %[[M:.+]] = arith.mulf %[[X]], %[[S]] : f32 loc("bn")
// AFFINE: %[[A:.+]] = arith.addf %[[M]], %[[T]] : f32 loc("bn")
// AFFINE: linalg.yield %[[A]]
// AFFINE: } -> tensor<?x2x3x3xf32> loc("bn")

// Parameters as graph inputs: (x - mean) / sqrt(var + eps) * gamma + beta.
// RUN: %python %S/Inputs/make_models.py bn_inputs %t.inputs.onnx
// RUN: quant import %t.inputs.onnx -o %t.inputs.mlir
// RUN: quant-opt %t.inputs.mlir | FileCheck %s --check-prefix=INPUTS
// RUN: quant-opt %t.inputs.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// INPUTS-LABEL: func.func @main
// INPUTS-SAME: %[[X:.+]]: tensor<2x3x4xf32> {fxp.name = "x"}, %[[G:.+]]: tensor<3xf32> {fxp.name = "gamma"}, %[[BETA:.+]]: tensor<3xf32> {fxp.name = "beta"}, %[[MEAN:.+]]: tensor<3xf32> {fxp.name = "mean"}, %[[VAR:.+]]: tensor<3xf32> {fxp.name = "var"}
// INPUTS: linalg.generic
// INPUTS-SAME: ins(%[[X]], %[[G]], %[[BETA]], %[[MEAN]], %[[VAR]] :
// INPUTS: ^bb0(%[[XS:.+]]: f32, %[[GS:.+]]: f32, %[[BS:.+]]: f32, %[[MS:.+]]: f32, %[[VS:.+]]: f32, %{{.+}}: f32):
// INPUTS: %[[C:.+]] = arith.subf %[[XS]], %[[MS]]
// INPUTS: %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// INPUTS: %[[V:.+]] = arith.addf %[[VS]], %[[EPS]]
// INPUTS: %[[SD:.+]] = math.sqrt %[[V]]
// INPUTS: %[[N:.+]] = arith.divf %[[C]], %[[SD]]
// INPUTS: %[[SC:.+]] = arith.mulf %[[N]], %[[GS]]
// INPUTS: arith.addf %[[SC]], %[[BS]]

// The Conv result has a second reader: the BatchNormalization stays a
// per-channel affine op after the Conv.
// RUN: %python %S/Inputs/make_models.py conv_bn_shared %t.shared.onnx
// RUN: quant import %t.shared.onnx -o %t.shared.mlir
// RUN: quant-opt %t.shared.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=SHARED
// SHARED-LABEL: func.func @main
// SHARED: %[[C:.+]] = linalg.conv_2d_nchw_fchw {{.+}} loc("conv_shared")
// SHARED: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[C]], %{{.+}}, %{{.+}} : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>)
// SHARED: } -> tensor<1x2x2x2xf32> loc("bn")
// SHARED: %[[R:.+]] = linalg.generic {{.+}} ins(%[[C]] : tensor<1x2x2x2xf32>)
// SHARED: } -> tensor<1x2x2x2xf32> loc("relu")
// SHARED: return %[[Y]], %[[R]]
