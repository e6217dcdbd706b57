// fxp-mixed-precision: per-layer word lengths recorded on the observers,
// from an explicit plan or solved under a budget over `fxp.sensitivity`.
// Layers of @net: "conv" (2x1x3x3 weights + 2 biases, ReLU fused: output
// observer "relu") and "fc" (18x3 weights + 3 biases). Parameter bytes:
// conv w4 17, w8 26, float 80; fc w4 39, w8 66, float 228 (float 308).
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=conv=w4a16,fc=float})' | FileCheck %s --check-prefix=PLAN
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=conv=w4a16,fc=float},func.func(fxp-select-formats),fxp-quantize,canonicalize)' | FileCheck %s --check-prefix=QUANT
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-ratio=0.25 remarks=true})' 2>&1 | FileCheck %s --check-prefix=RATIO
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-bytes=1000})' | FileCheck %s --check-prefix=LOOSE
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-bytes=56 solver=greedy remarks=true})' 2>&1 | FileCheck %s --check-prefix=GREEDY
// RUN: quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-latency-us=800 latency-model=0,1000000,1,0.5,0.25,1000000 remarks=true})' 2>&1 | FileCheck %s --check-prefix=LATENCY
// Option errors (the function's location):
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=nosuch=w4a8})' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=conv=w3x8})' 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{formats=conv=w1a8})' 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-ratio=0.5 budget-bytes=10})' 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-bytes=50})' 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-ratio=0.5 solver=ilp})' 2>&1 | FileCheck %s --check-prefix=SOLVER
// RUN: not quant-opt %s --pass-pipeline='builtin.module(fxp-mixed-precision{budget-latency-us=5 latency-model=1,2,3})' 2>&1 | FileCheck %s --check-prefix=MODEL
// UNKNOWN: error: fxp-mixed-precision: 'nosuch' is not a conv or matmul layer of the module
// MALFORMED: error: fxp-mixed-precision: '{{w3x8|w1a8}}' is not a precision (expected wWaA with W, A in [2, 16], or float)
// TWO: error: fxp-mixed-precision: give one of formats, budget-ratio, budget-bytes or budget-latency-us
// INFEASIBLE: error: fxp-mixed-precision: no assignment fits the budget of 50.0 bytes; the cheapest needs 56.0
// SOLVER: error: fxp-mixed-precision: solver must be exact or greedy, got 'ilp'
// MODEL: error: fxp-mixed-precision: latency-model takes 6 numbers (launch_us,bandwidth_GBs,int8_TOPS,int16_TOPS,fp32_TFLOPS,batch), got 3

// An explicit plan: conv at 4-bit weights and 16-bit output (on the ReLU
// observer, whose format the fused node produces), fc kept float.
// PLAN-LABEL: func.func @net
// PLAN: fxp.observe "conv/bias" %{{.*}} : tensor<2xf32>
// PLAN: fxp.observe "conv/weight" %{{.*}} {word_length = 4 : i32}
// PLAN: fxp.observe "conv" %{{.*}} {fxp.sensitivity
// PLAN-NOT: word_length
// PLAN-SAME: tensor<?x2x3x3xf32>
// PLAN: fxp.observe "relu" %{{.*}} word_length = 16 : i32
// PLAN: fxp.observe "fc/weight" %{{.*}} : tensor<18x3xf32>
// PLAN: fxp.observe "fc" %{{.*}} {fxp.sensitivity = {{.*}}, keep_float, stats

// The plan through fxp-select-formats and fxp-quantize: s4 weights (an i4
// payload), s16 ReLU output, float fc fed by a dequantize.
// QUANT-LABEL: func.func @net
// QUANT: fxp.constant {{.*}} : tensor<2x1x3x3xi4> as !fxp.fixed<s4, axis 0: [3, 1]>
// QUANT: fxp.conv2d {{.*}} relu : {{.*}}tensor<2x1x3x3x!fxp.fixed<s4, axis 0: [3, 1]>>{{.*}} -> tensor<?x2x3x3x!fxp.fixed<s16, 12>>
// QUANT: fxp.dequantize %{{.*}} : tensor<?x18x!fxp.fixed<s16, 12>> to tensor<?x18xf32>
// QUANT: linalg.matmul
// QUANT-NOT: fxp.
// QUANT: return

// Budget 25% of 308 = 77 bytes: the exact optimum is conv w8a16 (26 bytes;
// w8a16 beats w8a8 at equal bytes) + fc w4a8 (39): objective 0.028. conv
// w4a8 + fc w8a8 (83 bytes) does not fit.
// RATIO: remark: layer 'conv': w8a16, 26 parameter bytes, {{.*}} us modelled, sensitivity 8.000E-03
// RATIO: remark: layer 'fc': w4a8, 39 parameter bytes, {{.*}} us modelled, sensitivity 2.000E-02
// RATIO: remark: fxp-mixed-precision (exact): 2 layers, parameter bytes 65.0 of budget 77.0, objective 2.800E-02
// RATIO-LABEL: func.func @net
// RATIO: fxp.observe "conv/weight" %{{.*}} {word_length = 8 : i32}
// RATIO: fxp.observe "relu" %{{.*}} word_length = 16 : i32
// RATIO: fxp.observe "fc/weight" %{{.*}} {word_length = 4 : i32}
// RATIO: fxp.observe "fc" %{{.*}} word_length = 8 : i32

// A budget above the float size keeps both layers float (objective 0).
// LOOSE-LABEL: func.func @net
// LOOSE: fxp.observe "conv" %{{.*}} {fxp.sensitivity = {{.*}}, keep_float
// LOOSE: fxp.observe "fc" %{{.*}} {fxp.sensitivity = {{.*}}, keep_float

// Greedy at 56 bytes: only conv w4a8 + fc w4a8 (56 bytes, objective 0.52)
// fits; greedy descends to it from float.
// GREEDY: remark: fxp-mixed-precision (greedy): 2 layers, parameter bytes 56.0 of budget 56.0, objective 5.200E-01

// Latency budget 800 us with a compute-bound model (batch 10^6, int8 1
// TOPS, int16 0.5, fp32 0.25): conv (162 MACs/sample) takes 324 us in int8,
// 648 in int16, 1296 in float; fc (54) 108 in int8, 432 in float. Optimum:
// conv w8a16 + fc w8a8 (756 us, objective 0.009).
// LATENCY: remark: layer 'conv': w8a16, 26 parameter bytes, 648.000 us modelled
// LATENCY: remark: layer 'fc': w8a8, 66 parameter bytes, 108.000 us modelled
// LATENCY: remark: fxp-mixed-precision (exact): 2 layers, latency 756.0 of budget 800.0, objective 9.000E-03
func.func @net(%arg0: tensor<?x1x3x3xf32>) -> tensor<?x3xf32> {
  %0 = fxp.observe "input" %arg0 {stats = #fxp.stats<count = 8, zeros = 0, min = -1.5, max = 3.0, msb 0: [4, 4]>} : tensor<?x1x3x3xf32>
  %cst = arith.constant 0.000000e+00 : f32
  %padded = tensor.pad %0 low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %cst : f32
  } : tensor<?x1x3x3xf32> to tensor<?x1x5x5xf32>
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %0, %c0 : tensor<?x1x3x3xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %1 = fxp.observe "conv/bias" %b : tensor<2xf32>
  %e = tensor.empty(%dim) : tensor<?x2x3x3xf32>
  %init = linalg.broadcast ins(%1 : tensor<2xf32>) outs(%e : tensor<?x2x3x3xf32>) dimensions = [0, 2, 3]
  %w = arith.constant dense<[[[[0.75, -0.5, 0.25], [0.125, 0.0, -0.75], [0.5, 0.5, 0.5]]], [[[3.0, -2.0, 1.0], [1.0, 0.5, -3.0], [2.0, 2.0, 2.0]]]]> : tensor<2x1x3x3xf32>
  %2 = fxp.observe "conv/weight" %w : tensor<2x1x3x3xf32>
  %3 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %2 : tensor<?x1x5x5xf32>, tensor<2x1x3x3xf32>) outs(%init : tensor<?x2x3x3xf32>) -> tensor<?x2x3x3xf32>
  %4 = fxp.observe "conv" %3 {stats = #fxp.stats<count = 10, zeros = 0, min = -4.0, max = 6.0, msb 0: [4, 4, 2]>, fxp.sensitivity = {w4a8 = 0.5 : f64, w8a8 = 0.01 : f64, w8a16 = 0.008 : f64, float = 0.0 : f64}} : tensor<?x2x3x3xf32>
  %dim2 = tensor.dim %4, %c0 : tensor<?x2x3x3xf32>
  %e2 = tensor.empty(%dim2) : tensor<?x2x3x3xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%4 : tensor<?x2x3x3xf32>) outs(%e2 : tensor<?x2x3x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.000000e+00 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<?x2x3x3xf32>
  %6 = fxp.observe "relu" %5 {stats = #fxp.stats<count = 10, zeros = 0, min = 0.0, max = 6.0, msb 0: [4, 4, 2]>} : tensor<?x2x3x3xf32>
  %flat = tensor.collapse_shape %6 [[0], [1, 2, 3]] : tensor<?x2x3x3xf32> into tensor<?x18xf32>
  %fw = arith.constant dense<0.25> : tensor<18x3xf32>
  %7 = fxp.observe "fc/weight" %fw : tensor<18x3xf32>
  %dim3 = tensor.dim %flat, %c0 : tensor<?x18xf32>
  %e3 = tensor.empty(%dim3) : tensor<?x3xf32>
  %fill3 = linalg.fill ins(%cst : f32) outs(%e3 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %mm = linalg.matmul ins(%flat, %7 : tensor<?x18xf32>, tensor<18x3xf32>) outs(%fill3 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %bias = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %8 = fxp.observe "fc/bias" %bias : tensor<3xf32>
  %e4 = tensor.empty(%dim3) : tensor<?x3xf32>
  %out = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %8 : tensor<?x3xf32>, tensor<3xf32>) outs(%e4 : tensor<?x3xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?x3xf32>
  %9 = fxp.observe "fc" %out {stats = #fxp.stats<count = 10, zeros = 0, min = -4.0, max = 6.0, msb 0: [4, 4, 2]>, fxp.sensitivity = {w4a8 = 0.02 : f64, w8a8 = 0.001 : f64, float = 0.0 : f64}} : tensor<?x3xf32>
  return %9 : tensor<?x3xf32>
}
