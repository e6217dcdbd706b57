// fxp-mixed-precision: residual adds and pooling produce the widest
// activation format of their inputs (inputs without a decision count as
// default-width), so a 16-bit layer output is not narrowed where it joins.
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=c1=w8a16})' | FileCheck %s --check-prefix=WIDE
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=c1=w4a8})' | FileCheck %s --check-prefix=NARROW
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=c1=w4a8 default-width=12})' | FileCheck %s --check-prefix=DEFAULT
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=c1=float})' | FileCheck %s --check-prefix=FLOAT
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=c1=w8a8 default-width=1})' 2>&1 | FileCheck %s --check-prefix=BAD

// c1 at 16-bit output: add(c1, input) and the pooling after it are 16-bit.
// WIDE-LABEL: func.func @residual
// WIDE: fxp.observe "input" %{{.*}} : tensor<?x2x4x4xf32>
// WIDE: fxp.observe "c1/weight" %{{.*}} {word_length = 8 : i32}
// WIDE: fxp.observe "c1" %{{.*}} {word_length = 16 : i32}
// WIDE: fxp.observe "add" %{{.*}} {word_length = 16 : i32}
// WIDE: fxp.observe "pool" %{{.*}} {word_length = 16 : i32}
// At 8 bits the joins are 8-bit too.
// NARROW-LABEL: func.func @residual
// NARROW: fxp.observe "add" %{{.*}} {word_length = 8 : i32}
// NARROW: fxp.observe "pool" %{{.*}} {word_length = 8 : i32}
// The undecided input counts as default-width.
// DEFAULT-LABEL: func.func @residual
// DEFAULT: fxp.observe "add" %{{.*}} {word_length = 12 : i32}
// DEFAULT: fxp.observe "pool" %{{.*}} {word_length = 12 : i32}
// A float layer decides nothing about its output: the joins stay undecided.
// FLOAT-LABEL: func.func @residual
// FLOAT: fxp.observe "c1" %{{.*}} {keep_float}
// FLOAT-NOT: word_length
// FLOAT: return
// BAD: error: fxp-mixed-precision: default-width must be in [2, 16], got 1
func.func @residual(%arg0: tensor<?x2x4x4xf32>) -> tensor<?x2x1x1xf32> {
  %x = fxp.observe "input" %arg0 : tensor<?x2x4x4xf32>
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.000000e+00 : f32
  %dim = tensor.dim %x, %c0 : tensor<?x2x4x4xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %bias = fxp.observe "c1/bias" %b : tensor<2xf32>
  %e = tensor.empty(%dim) : tensor<?x2x4x4xf32>
  %init = linalg.broadcast ins(%bias : tensor<2xf32>) outs(%e : tensor<?x2x4x4xf32>) dimensions = [0, 2, 3]
  %w = arith.constant dense<[[[[0.75]], [[-0.5]]], [[[0.25]], [[1.5]]]]> : tensor<2x2x1x1xf32>
  %weight = fxp.observe "c1/weight" %w : tensor<2x2x1x1xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %weight : tensor<?x2x4x4xf32>, tensor<2x2x1x1xf32>) outs(%init : tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32>
  %c = fxp.observe "c1" %conv : tensor<?x2x4x4xf32>
  %e1 = tensor.empty(%dim) : tensor<?x2x4x4xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %x : tensor<?x2x4x4xf32>, tensor<?x2x4x4xf32>) outs(%e1 : tensor<?x2x4x4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<?x2x4x4xf32>
  %a = fxp.observe "add" %sum : tensor<?x2x4x4xf32>
  %e2 = tensor.empty(%dim) : tensor<?x2x1x1xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x2x1x1xf32>) -> tensor<?x2x1x1xf32>
  %red = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%a : tensor<?x2x4x4xf32>) outs(%fill : tensor<?x2x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<?x2x1x1xf32>
  %e3 = tensor.empty(%dim) : tensor<?x2x1x1xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%red : tensor<?x2x1x1xf32>) outs(%e3 : tensor<?x2x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.constant 1.600000e+01 : f32
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<?x2x1x1xf32>
  %p = fxp.observe "pool" %mean : tensor<?x2x1x1xf32>
  return %p : tensor<?x2x1x1xf32>
}
