// fxp-select-formats diagnostics.
// RUN: quant-opt %s --split-input-file --fxp-select-formats -verify-diagnostics
// RUN: not quant-opt %s --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=nonsense}))" 2>&1 | FileCheck %s --check-prefix=POLICY
// RUN: not quant-opt %s --pass-pipeline="builtin.module(func.func(fxp-select-formats{weights=per-row}))" 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not quant-opt %s --pass-pipeline="builtin.module(func.func(fxp-select-formats{word-length=40}))" 2>&1 | FileCheck %s --check-prefix=WIDTH

// POLICY: unknown policy 'nonsense' (expected msb, msb-mse, minmax, percentile, entropy, mse, range or moments)
// WEIGHTS: weights must be per-channel or per-tensor, got 'per-row'
// WIDTH: word-length must be in [2, 16], got 40

// An activation needs statistics.
func.func @no_stats(%arg0: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{no calibration statistics for 'x' (no `stats`)}}
  %0 = fxp.observe "x" %arg0 : tensor<8xf32>
  return %0 : tensor<8xf32>
}
