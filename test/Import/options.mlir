// Options of `quant import`: --batch fixes the symbolic batch, --function
// names the function, --emit-bytecode writes bytecode (locations kept).

// RUN: %python %S/Inputs/make_models.py gemm %t.onnx
// RUN: quant import %t.onnx | FileCheck %s --check-prefix=DYN
// DYN-LABEL: func.func @main
// DYN-SAME: (%{{.+}}: tensor<?x4xf32> {fxp.name = "x"}{{.*}}) -> (tensor<?x3xf32> {fxp.name = "y"})

// RUN: quant import %t.onnx --batch 8 --function=forward -o - | FileCheck %s --check-prefix=BATCH
// BATCH-LABEL: func.func @forward
// BATCH-SAME: (%{{.+}}: tensor<8x4xf32> {fxp.name = "x"}{{.*}}) -> (tensor<8x3xf32> {fxp.name = "y"})
// BATCH-NOT: tensor.dim
// BATCH: linalg.matmul {{.+}} -> tensor<8x3xf32>

// RUN: quant import %t.onnx --emit-bytecode -o %t.mlirbc
// RUN: quant-opt %t.mlirbc --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=BYTECODE
// BYTECODE-LABEL: func.func @main
// BYTECODE: linalg.matmul {{.+}} loc("fc")
