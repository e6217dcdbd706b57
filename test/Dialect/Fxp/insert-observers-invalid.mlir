// fxp-insert-observers diagnostics: duplicate observer names in the input
// are errors, compute ops without a NameLoc are observed with a warning.
// RUN: quant-opt %s --fxp-insert-observers -split-input-file -verify-diagnostics

// Two observers already in the input share a name.
func.func @duplicate(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = fxp.observe "x" %x : tensor<4xf32>
  // expected-error @+1 {{duplicate observer name 'x'}}
  %b = fxp.observe "x" %a : tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// A compute op without a NameLoc is named "<op-name>_<index>".
func.func @unnamed(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  // expected-warning @+1 {{compute op has no NameLoc; observing it as 'linalg.add_0'}}
  %a = linalg.add ins(%x, %y : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}
