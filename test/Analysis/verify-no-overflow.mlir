// RUN: quant-opt %s --split-input-file --fxp-verify-no-overflow="remarks=true" --verify-diagnostics --mlir-print-op-on-diagnostic=false | FileCheck %s

// A short i8 x i8 reduction into i32 is proven; the remark gives the
// partial-sum hull over all channels and the bits it needs. Unknown i8
// inputs are [-128, 127]; weights column 0 = [1, 2, 3], column 1 =
// [-1, 0, 1]: channel 0 partial sums [-128*6, 127*6] = [-768, 762],
// channel 1 [-128 - 127, 127 + 128] = [-255, 255]; hull [-768, 762]
// needs 11 bits.
// CHECK-LABEL: func.func @proven
func.func @proven(%a: tensor<4x3xi8>) -> tensor<4x2xi32> {
  %w = arith.constant dense<[[1, -1], [2, 0], [3, 1]]> : tensor<3x2xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x2xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<4x2xi32>) -> tensor<4x2xi32>
  // expected-remark@+1 {{accumulator proven within [-768, 762]: needs 11 bits of 'i32'}}
  %0 = linalg.matmul ins(%a, %w : tensor<4x3xi8>, tensor<3x2xi8>) outs(%f : tensor<4x2xi32>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// A long reduction with large values: 140000 products of -128 * 127 reach
// -2275840000 < -2^31 (and 127 * 127 * 140000 = 2258060000 > 2^31 - 1),
// one bit more than i32 holds.
func.func @long_reduction(%a: tensor<1x140000xi8>) -> tensor<1x1xi32> {
  %w = arith.constant dense<127> : tensor<140000x1xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x1xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<1x1xi32>) -> tensor<1x1xi32>
  // expected-error@+1 {{accumulator of output channel 0 can reach [-2275840000, 2258060000]: needs 33 bits, 'i32' holds 32 (overflows by 1 bit)}}
  %0 = linalg.matmul ins(%a, %w : tensor<1x140000xi8>, tensor<140000x1xi8>) outs(%f : tensor<1x1xi32>) -> tensor<1x1xi32>
  return %0 : tensor<1x1xi32>
}

// -----

// A residual add of two i8 tensors without widening can overflow: the
// error names the add in the body; every one of the 3 channels can, and
// the note says so.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @residual_add(%a: tensor<1x3xi8>, %b: tensor<1x3xi8>) -> tensor<1x3xi8> {
  %e = tensor.empty() : tensor<1x3xi8>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<1x3xi8>, tensor<1x3xi8>) outs(%e : tensor<1x3xi8>) {
  ^bb0(%x: i8, %y: i8, %out: i8):
    // expected-error@+2 {{'arith.addi' result of output channel 0 can reach [-256, 254]: needs 9 bits, 'i8' holds 8 (overflows by 1 bit)}}
    // expected-note@+1 {{3 channels can overflow; the one shown needs the most bits}}
    %s = arith.addi %x, %y : i8
    linalg.yield %s : i8
  } -> tensor<1x3xi8>
  return %0 : tensor<1x3xi8>
}

// -----

// A bias add in i32 on values close to the limit: channel 0 (bias 1e8)
// stays below 2^31 - 1 = 2147483647, channel 1 (bias 2e8) does not.
#id = affine_map<(d0, d1) -> (d0, d1)>
#ch = affine_map<(d0, d1) -> (d1)>
func.func @bias_add(%acc: tensor<1x2xi32> {fxp.range = array<f64: -2000000000.0, 2000000000.0>}) -> tensor<1x2xi32> {
  %bias = arith.constant dense<[100000000, 200000000]> : tensor<2xi32>
  %e = tensor.empty() : tensor<1x2xi32>
  %0 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %bias : tensor<1x2xi32>, tensor<2xi32>) outs(%e : tensor<1x2xi32>) {
  ^bb0(%x: i32, %b: i32, %out: i32):
    // expected-error@+1 {{'arith.addi' result of output channel 1 can reach [-1800000000, 2200000000]: needs 33 bits, 'i32' holds 32 (overflows by 1 bit)}}
    %s = arith.addi %x, %b : i32
    linalg.yield %s : i32
  } -> tensor<1x2xi32>
  return %0 : tensor<1x2xi32>
}

// -----

// Narrowing that may lose bits is reported like an overflow.
func.func @truncation(%x: i32 {fxp.range = array<f64: 0.0, 300.0>}) -> i8 {
  // expected-error@+1 {{'arith.trunci' result can reach [0, 300]: needs 10 bits, 'i8' holds 8 (overflows by 2 bits)}}
  %0 = arith.trunci %x : i32 to i8
  return %0 : i8
}

// -----

// Unpacking a signed nibble pair as convert-fxp-to-arith does for 4-bit
// weights: (b & 15) - ((b & 8) << 1) and b >>s 4 stay in i8 for any byte
// (x & m is within [0, m] for m >= 0, whatever the sign of x): no error.
// CHECK-LABEL: func.func @nibbles
func.func @nibbles(%b: i8) -> (i8, i8) {
  %c15 = arith.constant 15 : i8
  %c8 = arith.constant 8 : i8
  %c1 = arith.constant 1 : i8
  %c4 = arith.constant 4 : i8
  %low = arith.andi %b, %c15 : i8
  %bit3 = arith.andi %b, %c8 : i8
  %twice = arith.shli %bit3, %c1 : i8
  %signed = arith.subi %low, %twice : i8
  %high = arith.shrsi %b, %c4 : i8
  return %signed, %high : i8, i8
}

// -----

// Float programs have nothing to prove.
// CHECK-LABEL: func.func @float_only
func.func @float_only(%x: f32, %y: f32) -> f32 {
  %0 = arith.addf %x, %y : f32
  return %0 : f32
}
