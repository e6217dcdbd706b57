// fxp-lower-to-cpu: tensors -> LLVM dialect with C interface wrappers.
// RUN: quant-opt %s --fxp-lower-to-cpu --split-input-file | FileCheck %s
// RUN: quant-opt %s --fxp-lower-to-cpu="emit-c-interface=false" --split-input-file | FileCheck %s --check-prefix=NOCIFACE

// A conv + bias with a dynamic batch lowers completely: loops, malloc'ed
// buffers, a C interface wrapper, no casts left over.
// CHECK-LABEL: llvm.func @main
// CHECK-NOT: unrealized_conversion_cast
// CHECK: llvm.call @malloc
// CHECK-LABEL: llvm.func @_mlir_ciface_main
// NOCIFACE-LABEL: llvm.func @main
// NOCIFACE-NOT: _mlir_ciface_main
func.func @main(%x: tensor<?x1x8x8xf32>) -> tensor<?x4x6x6xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x1x8x8xf32>
  %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<4xf32>
  %e = tensor.empty(%n) : tensor<?x4x6x6xf32>
  %init = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<?x4x6x6xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<?x1x8x8xf32>, tensor<4x1x3x3xf32>) outs(%init : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  return %c : tensor<?x4x6x6xf32>
}

// -----

// Returning an argument clones it, so the caller owns every result.
// CHECK-LABEL: llvm.func @identity
// CHECK: llvm.call @malloc
// CHECK-LABEL: llvm.func @_mlir_ciface_identity
// NOCIFACE-LABEL: llvm.func @identity
func.func @identity(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  return %x : tensor<?x2xf32>
}

// -----

// Transcendental math lowers to LLVM intrinsics or libm calls.
// CHECK-LABEL: llvm.func @activations
// CHECK-DAG: llvm.intr.exp
// CHECK-DAG: llvm.intr.tanh
// NOCIFACE-LABEL: llvm.func @activations
func.func @activations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = math.exp %in : f32
    %b = math.tanh %a : f32
    linalg.yield %b : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}
