// fxp-quantize: float nodes (as `quant import` writes them) with chosen
// formats on their observers become fxp ops.
// RUN: quant-opt %s --fxp-quantize --canonicalize | FileCheck %s
// RUN: quant-opt %s --pass-pipeline="builtin.module(fxp-quantize{exclude=add}, canonicalize)" | FileCheck %s --check-prefix=EXCLUDE
// RUN: quant-opt %s --pass-pipeline="builtin.module(fxp-quantize{exclude-kinds=conv fuse-relu=false}, canonicalize)" | FileCheck %s --check-prefix=KINDS

// Pad + conv + bias broadcast + ReLU: one fxp.conv2d with the ReLU fused,
// producing the ReLU's format; weights and bias as located constants.
// CHECK-LABEL: func.func @conv_relu
// CHECK-DAG: %[[W:.*]] = fxp.constant dense<{{\[\[\[\[}}96, -64, 32], [16, 0, -96], [64, 64, 64]]], {{\[\[\[}}96, -64, 32], [32, 16, -96], [64, 64, 64]]]]> : tensor<2x1x3x3xi8> as !fxp.fixed<s8, axis 0: [7, 5]>
// CHECK-DAG: %[[B:.*]] = fxp.constant dense<[2048, -256]> : tensor<2xi32> as !fxp.fixed<s32, axis 0: [12, 10]>
// CHECK: %[[X:.*]] = fxp.quantize %arg0 : tensor<?x1x3x3xf32> to tensor<?x1x3x3x!fxp.fixed<s8, 5>>
// CHECK: %[[Y:.*]] = fxp.conv2d %[[X]], %[[W]], %[[B]] strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1] relu : {{.*}} -> tensor<?x2x3x3x!fxp.fixed<s8, 4>>
// CHECK: %[[R:.*]] = fxp.dequantize %[[Y]] : tensor<?x2x3x3x!fxp.fixed<s8, 4>> to tensor<?x2x3x3xf32>
// CHECK: return %[[R]]
// CHECK-NOT: fxp.observe
// KINDS-LABEL: func.func @conv_relu
// KINDS-NOT: fxp.
// KINDS: linalg.conv_2d_nchw_fchw
// KINDS-NOT: fxp.
// KINDS: return
func.func @conv_relu(%arg0: tensor<?x1x3x3xf32>) -> tensor<?x2x3x3xf32> {
  %0 = fxp.observe "input" %arg0 {format = !fxp.fixed<s8, 5>} : tensor<?x1x3x3xf32>
  %cst = arith.constant 0.000000e+00 : f32
  %padded = tensor.pad %0 low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %cst : f32
  } : tensor<?x1x3x3xf32> to tensor<?x1x5x5xf32>
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %0, %c0 : tensor<?x1x3x3xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %1 = fxp.observe "conv/bias" %b {format = !fxp.fixed<s32, axis 0: [12, 10]>} : tensor<2xf32>
  %e = tensor.empty(%dim) : tensor<?x2x3x3xf32>
  %init = linalg.broadcast ins(%1 : tensor<2xf32>) outs(%e : tensor<?x2x3x3xf32>) dimensions = [0, 2, 3]
  %w = arith.constant dense<[[[[0.75, -0.5, 0.25], [0.125, 0.0, -0.75], [0.5, 0.5, 0.5]]], [[[3.0, -2.0, 1.0], [1.0, 0.5, -3.0], [2.0, 2.0, 2.0]]]]> : tensor<2x1x3x3xf32>
  %2 = fxp.observe "conv/weight" %w {format = !fxp.fixed<s8, axis 0: [7, 5]>} : tensor<2x1x3x3xf32>
  %3 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %2 : tensor<?x1x5x5xf32>, tensor<2x1x3x3xf32>) outs(%init : tensor<?x2x3x3xf32>) -> tensor<?x2x3x3xf32>
  %4 = fxp.observe "conv" %3 {format = !fxp.fixed<s8, 3>} : tensor<?x2x3x3xf32>
  %dim2 = tensor.dim %4, %c0 : tensor<?x2x3x3xf32>
  %e2 = tensor.empty(%dim2) : tensor<?x2x3x3xf32>
  %5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%4 : tensor<?x2x3x3xf32>) outs(%e2 : tensor<?x2x3x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.000000e+00 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<?x2x3x3xf32>
  %6 = fxp.observe "relu" %5 {format = !fxp.fixed<s8, 4>} : tensor<?x2x3x3xf32>
  return %6 : tensor<?x2x3x3xf32>
}


// Residual add of two observed tensors, then global average pooling,
// flatten and a Gemm: fixed point from the first quantize to the last
// dequantize (the flatten moves onto the fixed-point tensor).
// CHECK-LABEL: func.func @add_pool_gemm
// CHECK: %[[A:.*]] = fxp.quantize %arg0 : tensor<?x2x2x2xf32> to tensor<?x2x2x2x!fxp.fixed<s8, 6>>
// CHECK: %[[B:.*]] = fxp.quantize %arg1 : tensor<?x2x2x2xf32> to tensor<?x2x2x2x!fxp.fixed<s8, 4>>
// CHECK: %[[S:.*]] = fxp.add %[[A]], %[[B]] : tensor<?x2x2x2x!fxp.fixed<s8, 6>>, tensor<?x2x2x2x!fxp.fixed<s8, 4>> -> tensor<?x2x2x2x!fxp.fixed<s8, 5>>
// CHECK: %[[P:.*]] = fxp.global_avg_pool2d %[[S]] : tensor<?x2x2x2x!fxp.fixed<s8, 5>> -> tensor<?x2x1x1x!fxp.fixed<s8, 6>>
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[P]] {{\[\[}}0], [1, 2, 3]] : tensor<?x2x1x1x!fxp.fixed<s8, 6>> into tensor<?x2x!fxp.fixed<s8, 6>>
// CHECK: %[[M:.*]] = fxp.matmul %[[F]], %{{.*}}, %{{.*}} : tensor<?x2x!fxp.fixed<s8, 6>>, tensor<2x3x!fxp.fixed<s8, axis 1: [6, 6, 7]>>, tensor<3x!fxp.fixed<s32, axis 0: [12, 12, 13]>> -> tensor<?x3x!fxp.fixed<s8, 3>>
// CHECK: fxp.dequantize %[[M]]
// EXCLUDE-LABEL: func.func @add_pool_gemm
// EXCLUDE: linalg.generic
// EXCLUDE: arith.addf
// EXCLUDE: %[[Q:.*]] = fxp.quantize %{{.*}} : tensor<?x2x2x2xf32> to tensor<?x2x2x2x!fxp.fixed<s8, 5>>
// EXCLUDE: fxp.global_avg_pool2d %[[Q]]
func.func @add_pool_gemm(%arg0: tensor<?x2x2x2xf32>, %arg1: tensor<?x2x2x2xf32>) -> tensor<?x3xf32> {
  %a = fxp.observe "a" %arg0 {format = !fxp.fixed<s8, 6>} : tensor<?x2x2x2xf32>
  %b = fxp.observe "b" %arg1 {format = !fxp.fixed<s8, 4>} : tensor<?x2x2x2xf32>
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %a, %c0 : tensor<?x2x2x2xf32>
  %e = tensor.empty(%dim) : tensor<?x2x2x2xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %b : tensor<?x2x2x2xf32>, tensor<?x2x2x2xf32>) outs(%e : tensor<?x2x2x2xf32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?x2x2x2xf32>
  %0 = fxp.observe "add" %sum {format = !fxp.fixed<s8, 5>} : tensor<?x2x2x2xf32>
  %dim1 = tensor.dim %0, %c0 : tensor<?x2x2x2xf32>
  %e1 = tensor.empty(%dim1) : tensor<?x2x1x1xf32>
  %zero = arith.constant 0.000000e+00 : f32
  %fill = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x2x1x1xf32>) -> tensor<?x2x1x1xf32>
  %red = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%0 : tensor<?x2x2x2xf32>) outs(%fill : tensor<?x2x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<?x2x1x1xf32>
  %e2 = tensor.empty(%dim1) : tensor<?x2x1x1xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%red : tensor<?x2x1x1xf32>) outs(%e2 : tensor<?x2x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %four = arith.constant 4.000000e+00 : f32
    %d = arith.divf %in, %four : f32
    linalg.yield %d : f32
  } -> tensor<?x2x1x1xf32>
  %1 = fxp.observe "pool" %mean {format = !fxp.fixed<s8, 6>} : tensor<?x2x1x1xf32>
  %flat = tensor.collapse_shape %1 [[0], [1, 2, 3]] : tensor<?x2x1x1xf32> into tensor<?x2xf32>
  %w = arith.constant dense<[[1.0, -0.5, 0.25], [0.5, 1.5, -0.75]]> : tensor<2x3xf32>
  %2 = fxp.observe "fc/weight" %w {format = !fxp.fixed<s8, axis 1: [6, 6, 7]>} : tensor<2x3xf32>
  %dim2 = tensor.dim %flat, %c0 : tensor<?x2xf32>
  %e3 = tensor.empty(%dim2) : tensor<?x3xf32>
  %fill3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %mm = linalg.matmul ins(%flat, %2 : tensor<?x2xf32>, tensor<2x3xf32>) outs(%fill3 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %bias = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %3 = fxp.observe "fc/bias" %bias {format = !fxp.fixed<s32, axis 0: [12, 12, 13]>} : tensor<3xf32>
  %dim3 = tensor.dim %mm, %c0 : tensor<?x3xf32>
  %e4 = tensor.empty(%dim3) : tensor<?x3xf32>
  %out = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %3 : tensor<?x3xf32>, tensor<3xf32>) outs(%e4 : tensor<?x3xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?x3xf32>
  %4 = fxp.observe "fc" %out {format = !fxp.fixed<s8, 3>} : tensor<?x3xf32>
  return %4 : tensor<?x3xf32>
}
