// Shape ops: Flatten, Reshape (0 / -1), Unsqueeze / Squeeze (axes as input
// at opset 13, as attribute at opset 11), Transpose, Concat, Identity,
// Dropout, Constant; the int64 shape computations of a PyTorch `view`.

// RUN: %python %S/Inputs/make_models.py shape_ops %t.shape.onnx
// RUN: quant import %t.shape.onnx -o %t.shape.mlir
// RUN: quant-opt %t.shape.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: quant-opt %t.shape.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @main

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x2x2xf32> {fxp.name = "x"} loc("x"))
// CHECK-SAME: -> (tensor<?x8x3xf32> {fxp.name = "y"}, tensor<?x4x3xf32> {fxp.name = "z"})
// Flatten(axis 1): [N, 3, 2, 2] -> [N, 12].
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2, 3]] : tensor<?x3x2x2xf32> into tensor<?x12xf32> loc("flatten")
// Reshape to [0, 3, -1]: the batch is copied, -1 is 4.
// CHECK: %[[N:.+]] = tensor.dim %[[F]], %{{.+}} : tensor<?x12xf32> loc("reshape")
// CHECK: %[[R:.+]] = tensor.expand_shape %[[F]] {{\[}}[0], [1, 2]] output_shape [%[[N]], 3, 4] : tensor<?x12xf32> into tensor<?x3x4xf32> loc("reshape")
// CHECK: %[[U:.+]] = tensor.expand_shape %[[R]] {{\[}}[0], [1, 2], [3]] output_shape [%{{.+}}, 1, 3, 4] : tensor<?x3x4xf32> into tensor<?x1x3x4xf32> loc("unsqueeze")
// CHECK: %[[S:.+]] = tensor.collapse_shape %[[U]] {{\[}}[0], [1, 2], [3]] : tensor<?x1x3x4xf32> into tensor<?x3x4xf32> loc("squeeze")
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[S]] : tensor<?x3x4xf32>) outs(%{{.+}} : tensor<?x4x3xf32>) permutation = [0, 2, 1] loc("transpose")
// CHECK: %[[C:.+]] = tensor.concat dim(1) %[[T]], %[[T]] : (tensor<?x4x3xf32>, tensor<?x4x3xf32>) -> tensor<?x8x3xf32> loc("concat")
// The Constant node materializes where it is first used, with its own name.
// CHECK: %[[K:.+]] = arith.constant dense<1.000000e+00> : tensor<1x4x3xf32> loc("const")
// CHECK: %[[Z:.+]] = linalg.generic {{.+}} ins(%[[T]], %[[K]] : tensor<?x4x3xf32>, tensor<1x4x3xf32>)
// Identity and inference Dropout emit nothing.
// CHECK: return %[[C]], %[[Z]]

// Opset 11: axes are attributes.
// RUN: %python %S/Inputs/make_models.py shape_ops11 %t.shape11.onnx
// RUN: quant import %t.shape11.onnx -o %t.shape11.mlir
// RUN: quant-opt %t.shape11.mlir | FileCheck %s --check-prefix=OPSET11
// RUN: quant-opt %t.shape11.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// OPSET11-LABEL: func.func @main
// OPSET11: %[[U:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2, 3]] output_shape [1, 2, 3, 1] : tensor<2x3xf32> into tensor<1x2x3x1xf32>
// OPSET11: tensor.collapse_shape %[[U]] {{\[}}[0, 1], [2], [3]] : tensor<1x2x3x1xf32> into tensor<2x3x1xf32>

// x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat on int64 are
// evaluated at import (the batch size is unknown: it stays dynamic); only
// the reshape is emitted.
// RUN: %python %S/Inputs/make_models.py torch_view %t.view.onnx
// RUN: quant import %t.view.onnx -o %t.view.mlir
// RUN: quant-opt %t.view.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=VIEW
// RUN: quant-opt %t.view.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: quant import %t.view.onnx --batch 3 | FileCheck %s --check-prefix=VIEW3
// VIEW-LABEL: func.func @main
// VIEW-NEXT: %[[Y:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<?x2x3x4xf32> into tensor<?x24xf32> loc("view")
// VIEW-NEXT: return %[[Y]]
// VIEW3-LABEL: func.func @main
// VIEW3-SAME: tensor<3x2x3x4xf32>
// VIEW3-NEXT: tensor.collapse_shape %{{.+}} : tensor<3x2x3x4xf32> into tensor<3x24xf32>

// Constant Pad: pads [x1_begin, x2_begin, ..., x1_end, ...] from an int64
// initializer, the padding value from a scalar one.
// RUN: %python %S/Inputs/make_models.py pad %t.pad.onnx
// RUN: quant import %t.pad.onnx -o %t.pad.mlir
// RUN: quant-opt %t.pad.mlir --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=PAD
// RUN: quant-opt %t.pad.mlir %lower-to-llvm | FileCheck %s --check-prefix=LLVM
// PAD-LABEL: func.func @main
// PAD: %[[V:.+]] = arith.constant 5.000000e-01 : f32 loc("pad")
// PAD: %[[Y:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 2] high[0, 0, 2, 1]
// PAD: tensor.yield %[[V]]
// PAD: } : tensor<?x2x3x3xf32> to tensor<?x2x6x6xf32> loc("pad")
// PAD: return %[[Y]]
