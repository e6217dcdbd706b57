// fxp-quantize diagnostics.
// RUN: quant-opt %s --split-input-file --fxp-quantize -verify-diagnostics
// RUN: not quant-opt %s --pass-pipeline="builtin.module(fxp-quantize{exclude=no/such/node})" 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not quant-opt %s --pass-pipeline="builtin.module(fxp-quantize{exclude-kinds=lstm})" 2>&1 | FileCheck %s --check-prefix=KIND

// NAME: error: fxp-quantize: excluded name 'no/such/node' is not a calibration point of the module
// KIND: error: fxp-quantize: unknown node kind 'lstm' in exclude-kinds (expected conv, matmul, add or pool)

// A node whose input observer has no format: select formats first.
func.func @missing_format(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{observer 'a' has no fixed-point format; run fxp-select-formats first}}
  %0 = fxp.observe "a" %a : tensor<4xf32>
  %1 = fxp.observe "b" %b {format = !fxp.fixed<s8, 4>} : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%0, %1 : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %2 = fxp.observe "add" %s {format = !fxp.fixed<s8, 3>} : tensor<4xf32>
  return %2 : tensor<4xf32>
}
