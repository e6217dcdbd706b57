// A small integer network in the form convert-fxp-to-arith produces: f32
// input quantized to i8, padded 3x3 convolution (i8 x i8 -> i32) with a
// requantization epilogue (bias, rounding shift, saturation, ReLU), global
// sum pool, an int8 matmul, dequantized f32 logits.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
#pool = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%x: tensor<?x2x8x8xf32>) -> tensor<?x5xf32> {
  %c0 = arith.constant 0 : index
  %z32 = arith.constant 0 : i32
  %z64 = arith.constant 0 : i64
  %zi8 = arith.constant 0 : i8
  %n = tensor.dim %x, %c0 : tensor<?x2x8x8xf32>
  %w = arith.constant dense<[[[[1, -2, 3], [4, 5, -6], [7, 8, 9]], [[-1, 2, -3], [4, -5, 6], [-7, 8, -9]]],
                             [[[2, 2, 2], [2, -2, 2], [2, 2, 2]], [[1, 0, -1], [1, 0, -1], [1, 0, -1]]],
                             [[[3, -1, 0], [0, 1, 0], [0, -1, 3]], [[9, 9, 9], [-9, -9, -9], [5, 5, 5]]]]> : tensor<3x2x3x3xi8>
  %bias = arith.constant dense<[10, -20, 30]> : tensor<3xi32>
  %fc = arith.constant dense<[[1, -1, 2, 0, 3], [-2, 1, 0, 4, -1], [3, 3, -3, 1, 2]]> : tensor<3x5xi8>
  // Quantize: round(x * 16), saturated to i8.
  %qe = tensor.empty(%n) : tensor<?x2x8x8xi8>
  %q = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x2x8x8xf32>) outs(%qe : tensor<?x2x8x8xi8>) {
  ^bb0(%v: f32, %o: i8):
    %s = arith.constant 16.0 : f32
    %lo = arith.constant -128.0 : f32
    %hi = arith.constant 127.0 : f32
    %m = arith.mulf %v, %s : f32
    %r = math.roundeven %m : f32
    %c = arith.maximumf %r, %lo : f32
    %d = arith.minimumf %c, %hi : f32
    %i = arith.fptosi %d : f32 to i8
    linalg.yield %i : i8
  } -> tensor<?x2x8x8xi8>
  %p = tensor.pad %q low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zi8 : i8
  } : tensor<?x2x8x8xi8> to tensor<?x2x10x10xi8>
  %ae = tensor.empty(%n) : tensor<?x3x8x8xi32>
  %af = linalg.fill ins(%z32 : i32) outs(%ae : tensor<?x3x8x8xi32>) -> tensor<?x3x8x8xi32>
  %acc = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<?x2x10x10xi8>, tensor<3x2x3x3xi8>) outs(%af : tensor<?x3x8x8xi32>) -> tensor<?x3x8x8xi32>
  // Epilogue: (acc + bias + 2^3) >> 4, ReLU, saturate to i8.
  %ee = tensor.empty(%n) : tensor<?x3x8x8xi8>
  %e = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %bias : tensor<?x3x8x8xi32>, tensor<3xi32>) outs(%ee : tensor<?x3x8x8xi8>) {
  ^bb0(%a: i32, %b: i32, %o: i8):
    %half = arith.constant 8 : i32
    %four = arith.constant 4 : i32
    %zero = arith.constant 0 : i32
    %max = arith.constant 127 : i32
    %s = arith.addi %a, %b : i32
    %h = arith.addi %s, %half : i32
    %sh = arith.shrsi %h, %four : i32
    %relu = arith.maxsi %sh, %zero : i32
    %sat = arith.minsi %relu, %max : i32
    %t = arith.trunci %sat : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x3x8x8xi8>
  // Global sum pool in i64, >> 6 back to i8.
  %pe = tensor.empty(%n) : tensor<?x3x1x1xi64>
  %pf = linalg.fill ins(%z64 : i64) outs(%pe : tensor<?x3x1x1xi64>) -> tensor<?x3x1x1xi64>
  %ps = linalg.generic {indexing_maps = [#id4, #pool], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%e : tensor<?x3x8x8xi8>) outs(%pf : tensor<?x3x1x1xi64>) {
  ^bb0(%v: i8, %a: i64):
    %w64 = arith.extsi %v : i8 to i64
    %s = arith.addi %a, %w64 : i64
    linalg.yield %s : i64
  } -> tensor<?x3x1x1xi64>
  %pqe = tensor.empty(%n) : tensor<?x3x1x1xi8>
  %pq = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%ps : tensor<?x3x1x1xi64>) outs(%pqe : tensor<?x3x1x1xi8>) {
  ^bb0(%v: i64, %o: i8):
    %six = arith.constant 6 : i64
    %sh = arith.shrsi %v, %six : i64
    %t = arith.trunci %sh : i64 to i8
    linalg.yield %t : i8
  } -> tensor<?x3x1x1xi8>
  %flat = tensor.collapse_shape %pq [[0], [1, 2, 3]] : tensor<?x3x1x1xi8> into tensor<?x3xi8>
  %me = tensor.empty(%n) : tensor<?x5xi32>
  %mf = linalg.fill ins(%z32 : i32) outs(%me : tensor<?x5xi32>) -> tensor<?x5xi32>
  %mm = linalg.matmul ins(%flat, %fc : tensor<?x3xi8>, tensor<3x5xi8>) outs(%mf : tensor<?x5xi32>) -> tensor<?x5xi32>
  %oe = tensor.empty(%n) : tensor<?x5xf32>
  %out = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<?x5xi32>) outs(%oe : tensor<?x5xf32>) {
  ^bb0(%v: i32, %o: f32):
    %f = arith.sitofp %v : i32 to f32
    %s = arith.constant 0.0625 : f32
    %r = arith.mulf %f, %s : f32
    linalg.yield %r : f32
  } -> tensor<?x5xf32>
  return %out : tensor<?x5xf32>
}
