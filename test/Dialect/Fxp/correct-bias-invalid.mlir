// RUN: quant-opt %s --pass-pipeline="builtin.module(func.func(fxp-correct-bias))" --verify-diagnostics
// RUN: quant-opt %s --pass-pipeline="builtin.module(func.func(fxp-correct-bias{input-moments=0,-1}))" --verify-diagnostics

// The input prior is required and its std must not be negative.
// expected-error@+1 {{fxp-correct-bias: input-moments must be mean,std with std >= 0}}
func.func @f(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  return %arg0 : tensor<4xf32>
}
