// fxp-lower-observers: fxp.observe on f32 tensors becomes a call of the
// statistics runtime, numbered in walk order and named by `fxp.observers`.
// Unsupported observers are reported next to the supported cases.
// RUN: quant-opt %s --fxp-lower-observers -split-input-file -verify-diagnostics | FileCheck %s
// RUN: quant-opt %s --fxp-insert-observers --fxp-lower-observers --fxp-lower-to-cpu -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=LLVM
// RUN: quant-opt %s --fxp-lower-observers=mode=simulate -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=SIM
// RUN: not quant-opt %s --fxp-lower-observers=mode=record -split-input-file 2>&1 | FileCheck %s --check-prefix=MODE

// mode=simulate: each observer's result is a fresh buffer the runtime fills
// (fxp_simulate_f32(id, input, output)); uses read that buffer.
// SIM-LABEL: module attributes {fxp.observers = ["x", "conv1", "other"]}
// SIM: func.func private @fxp_simulate_f32(i64, memref<*xf32>, memref<*xf32>) attributes {llvm.emit_c_interface}
// SIM-LABEL: func.func @first
// SIM-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// SIM: %[[BX:.+]] = bufferization.to_buffer %[[X]] read_only : tensor<?x4xf32> to memref<?x4xf32>
// SIM-NEXT: %[[UX:.+]] = memref.cast %[[BX]] : memref<?x4xf32> to memref<*xf32>
// SIM-NEXT: %[[ID0:.+]] = arith.constant 0 : i64
// SIM: %[[N:.+]] = memref.dim %[[BX]], %{{.+}} : memref<?x4xf32>
// SIM-NEXT: %[[OUT:.+]] = memref.alloc(%[[N]]) : memref<?x4xf32>
// SIM-NEXT: %[[UO:.+]] = memref.cast %[[OUT]] : memref<?x4xf32> to memref<*xf32>
// SIM-NEXT: call @fxp_simulate_f32(%[[ID0]], %[[UX]], %[[UO]]) : (i64, memref<*xf32>, memref<*xf32>) -> ()
// SIM-NEXT: %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<?x4xf32> to tensor<?x4xf32>
// SIM: linalg.add ins(%[[T]], %[[T]]
// MODE: error: fxp-lower-observers: mode must be statistics or simulate, got 'record'

// Observers in two functions get ids 0, 1, 2 in walk order; the runtime
// function is declared once and the names are recorded on the module.
// CHECK-LABEL: module attributes {fxp.observers = ["x", "conv1", "other"]}
// CHECK: func.func private @fxp_observe_f32(i64, memref<*xf32>) attributes {llvm.emit_c_interface}
// CHECK-NOT: func.func private @fxp_observe_f32
// CHECK-LABEL: func.func @first
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// CHECK: %[[BX:.+]] = bufferization.to_buffer %[[X]] read_only : tensor<?x4xf32> to memref<?x4xf32>
// CHECK-NEXT: %[[UX:.+]] = memref.cast %[[BX]] : memref<?x4xf32> to memref<*xf32>
// CHECK-NEXT: %[[ID0:.+]] = arith.constant 0 : i64
// CHECK-NEXT: call @fxp_observe_f32(%[[ID0]], %[[UX]]) : (i64, memref<*xf32>) -> ()
// CHECK: %[[N:.+]] = linalg.add ins(%[[X]], %[[X]]
// CHECK: %[[BN:.+]] = bufferization.to_buffer %[[N]] read_only
// CHECK-NEXT: %[[UN:.+]] = memref.cast %[[BN]]
// CHECK-NEXT: %[[ID1:.+]] = arith.constant 1 : i64
// CHECK-NEXT: call @fxp_observe_f32(%[[ID1]], %[[UN]])
// CHECK-NEXT: return %[[N]]
// CHECK-LABEL: func.func @second
// CHECK: %[[ID2:.+]] = arith.constant 2 : i64
// CHECK-NEXT: call @fxp_observe_f32(%[[ID2]], %{{.+}})
// CHECK-NOT: fxp.observe
// LLVM-LABEL: module attributes {fxp.observers = ["x", "conv1", "other"]}
// LLVM: llvm.func @_mlir_ciface_fxp_observe_f32(i64, !llvm.ptr)
// LLVM-LABEL: llvm.func @first
// LLVM-COUNT-2: llvm.call @fxp_observe_f32
func.func @first(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %ox = fxp.observe "x" %x : tensor<?x4xf32>
  %c0 = arith.constant 0 : index
  %d = tensor.dim %ox, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%d) : tensor<?x4xf32>
  %n = linalg.add ins(%ox, %ox : tensor<?x4xf32>, tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %on = fxp.observe "conv1" %n : tensor<?x4xf32>
  return %on : tensor<?x4xf32>
}
func.func @second(%y: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %oy = fxp.observe "other" %y : tensor<2x2xf32>
  return %oy : tensor<2x2xf32>
}

// -----

// A module lowered before keeps its ids: numbering continues after the
// recorded names, and an existing declaration is reused.
// CHECK-LABEL: module attributes {fxp.observers = ["a", "b", "c"]}
// CHECK-COUNT-1: func.func private @fxp_observe_f32
// CHECK-NOT: func.func private @fxp_observe_f32
// CHECK-LABEL: func.func @again
// CHECK: arith.constant 2 : i64
// LLVM-LABEL: module attributes {fxp.observers = ["a", "b", "c"]}
module attributes {fxp.observers = ["a", "b"]} {
  func.func private @fxp_observe_f32(i64, memref<*xf32>) attributes {llvm.emit_c_interface}
  func.func @again(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = fxp.observe "c" %x : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}

// -----

// Without observers nothing is declared or recorded (first RUN). End to end
// (second RUN): the conv + bias + relu, instrumented by fxp-insert-observers
// (argument, weight, bias, conv, relu), lowers to LLVM with calls into the
// runtime's C interface.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: module {
// CHECK-NOT: fxp_observe_f32
// CHECK-LABEL: func.func @conv
// CHECK-NOT: fxp_observe_f32
// LLVM-LABEL: module attributes {fxp.observers = ["x", "conv1/weight", "conv1/bias", "conv1", "relu1"]}
// LLVM: llvm.func private @fxp_observe_f32
// LLVM: llvm.call @_mlir_ciface_fxp_observe_f32
// LLVM: llvm.func @_mlir_ciface_fxp_observe_f32(i64, !llvm.ptr)
// LLVM-LABEL: llvm.func @conv
// LLVM-NOT: unrealized_conversion_cast
// LLVM-COUNT-5: llvm.call @fxp_observe_f32
// LLVM-NOT: unrealized_conversion_cast
// LLVM-LABEL: llvm.func @_mlir_ciface_conv
func.func @conv(%x: tensor<?x1x8x8xf32> {fxp.name = "x"}) -> tensor<?x4x6x6xf32> {
  %c0 = arith.constant 0 : index loc("conv1")
  %n = tensor.dim %x, %c0 : tensor<?x1x8x8xf32> loc("conv1")
  %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32> loc("w")
  %b = arith.constant dense<0.25> : tensor<4xf32> loc("b")
  %e = tensor.empty(%n) : tensor<?x4x6x6xf32> loc("conv1")
  %init = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<?x4x6x6xf32>) dimensions = [0, 2, 3] loc("conv1")
  %conv = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
            ins(%x, %w : tensor<?x1x8x8xf32>, tensor<4x1x3x3xf32>) outs(%init : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32> loc("conv1")
  %e2 = tensor.empty(%n) : tensor<?x4x6x6xf32> loc("relu1")
  %relu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
            ins(%conv : tensor<?x4x6x6xf32>) outs(%e2 : tensor<?x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<?x4x6x6xf32> loc("relu1")
  return %relu : tensor<?x4x6x6xf32>
}

// -----

// Observers on f16 tensors are not supported.
func.func @f16() -> tensor<4xf16> {
  %c = arith.constant dense<1.0> : tensor<4xf16>
  // expected-error @+1 {{fxp-lower-observers supports observers on f32 tensors only, got 'tensor<4xf16>'}}
  %0 = fxp.observe "half" %c : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Observers on scalars are not supported.
func.func @scalar() -> f32 {
  %c = arith.constant 1.0 : f32
  // expected-error @+1 {{fxp-lower-observers supports observers on f32 tensors only, got 'f32'}}
  %0 = fxp.observe "scalar" %c : f32
  return %0 : f32
}

// -----

// Observers on unranked tensors are not supported.
func.func @unranked() -> tensor<*xf32> {
  %c = arith.constant dense<1.0> : tensor<4xf32>
  %u = tensor.cast %c : tensor<4xf32> to tensor<*xf32>
  // expected-error @+1 {{fxp-lower-observers supports observers on f32 tensors only, got 'tensor<*xf32>'}}
  %0 = fxp.observe "unranked" %u : tensor<*xf32>
  return %0 : tensor<*xf32>
}
