//===- IntegerKernelsTest.cpp - fxp ops lowered and JIT-run ---------------===//
//
// Part of the fxp project.
//
// Runs fixed-point programs through convert-fxp-to-arith and the CPU JIT and
// compares every element with the numerics core (fxp/Numerics), which
// implements docs/Numerics.md independently of the MLIR lowering.
//
//===----------------------------------------------------------------------===//

#include "fxp/Execution/JitModel.h"
#include "fxp/InitAllDialects.h"
#include "fxp/Numerics/FixedPoint.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::fxp;

namespace {

class IntegerKernelsTest : public ::testing::Test {
protected:
  IntegerKernelsTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Compiles `source` and runs it on `inputs`; returns the first result.
  std::vector<float> run(llvm::StringRef source,
                         std::vector<std::vector<float>> inputs,
                         std::vector<std::vector<int64_t>> shapes) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    if (!module)
      return {};
    auto model = JitModel::compile(*module);
    EXPECT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
    if (!model)
      return {};
    std::vector<TensorView> views;
    for (size_t i = 0; i < inputs.size(); ++i)
      views.push_back(TensorView{inputs[i].data(), shapes[i]});
    std::vector<HostTensor> results;
    llvm::Error error = (*model)->run(views, results);
    EXPECT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));
    if (results.empty())
      return {};
    const float *data = results[0].data<float>();
    return std::vector<float>(data, data + results[0].getNumElements());
  }

  MLIRContext context;
};

/// Exact round(a * 2^-shift), ties away from zero (shift > 0), else a <<
/// -shift.
int64_t referenceShift(int64_t a, int shift) {
  if (shift <= 0)
    return a * (int64_t(1) << -shift);
  return roundingShiftRight(a, unsigned(shift), RoundingMode::NearestAway);
}

int64_t saturate(int64_t v, const FixedFormat &f) {
  return std::min(std::max(v, f.minStored()), f.maxStored());
}

TEST_F(IntegerKernelsTest, QuantizeDequantizeMatchesNumericsCore) {
  constexpr llvm::StringLiteral source = R"mlir(
    func.func @main(%x: tensor<?xf32>) -> tensor<?xf32> {
      %q = fxp.quantize %x : tensor<?xf32> to tensor<?x!fxp.fixed<s8, 3>>
      %d = fxp.dequantize %q : tensor<?x!fxp.fixed<s8, 3>> to tensor<?xf32>
      return %d : tensor<?xf32>
    })mlir";
  std::vector<float> input = {
      0.03125f, 2.1f,     16.25f,   -16.25f,
      0.0625f,  -0.0625f, 0.1875f,  -0.1875f,
      -0.0f,    1e30f,    -1e30f,   std::numeric_limits<float>::quiet_NaN(),
      15.9375f, -16.0f,   -16.0625f};
  std::vector<float> output = run(source, {input}, {{int64_t(input.size())}});
  ASSERT_EQ(output.size(), input.size());
  FixedFormat format{true, 8, 3};
  for (size_t i = 0; i < input.size(); ++i) {
    double expected =
        std::isnan(input[i]) ? 0.0 : toReal(quantize(input[i], format), format);
    EXPECT_EQ(output[i], float(expected)) << "input " << input[i];
  }
  // The seed examples: underflow, precision loss, saturation.
  EXPECT_EQ(output[0], 0.0f);
  EXPECT_EQ(output[1], 2.125f);
  EXPECT_EQ(output[2], 15.875f);
}

TEST_F(IntegerKernelsTest, AddAlignsRoundsTiesAwayAndSaturates) {
  constexpr llvm::StringLiteral source = R"mlir(
    func.func @main(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
      %qa = fxp.quantize %a : tensor<?xf32> to tensor<?x!fxp.fixed<s8, 6>>
      %qb = fxp.quantize %b : tensor<?xf32> to tensor<?x!fxp.fixed<s8, 4>>
      %s = fxp.add %qa, %qb : tensor<?x!fxp.fixed<s8, 6>>, tensor<?x!fxp.fixed<s8, 4>> -> tensor<?x!fxp.fixed<s8, 3>>
      %d = fxp.dequantize %s : tensor<?x!fxp.fixed<s8, 3>> to tensor<?xf32>
      return %d : tensor<?xf32>
    })mlir";
  std::vector<float> a, b;
  for (int i = -128; i < 128; i += 3) {
    a.push_back(float(i) / 64.0f);
    b.push_back(float((i * 7) % 256 - 128) / 16.0f);
  }
  std::vector<float> output =
      run(source, {a, b}, {{int64_t(a.size())}, {int64_t(b.size())}});
  ASSERT_EQ(output.size(), a.size());
  FixedFormat result{true, 8, 3};
  for (size_t i = 0; i < a.size(); ++i) {
    FixedFormat s8{true, 8, 0};
    int64_t qa = saturate(int64_t(std::lround(a[i] * 64)), s8);
    int64_t qb = saturate(int64_t(std::lround(b[i] * 16)), s8);
    int64_t sum = qa + qb * 4; // aligned to F = 6
    int64_t stored = saturate(referenceShift(sum, 3), result);
    EXPECT_EQ(output[i], float(toReal(stored, result)))
        << a[i] << " + " << b[i];
  }
}

TEST_F(IntegerKernelsTest, CastMatchesCastStored) {
  constexpr llvm::StringLiteral source = R"mlir(
    func.func @main(%x: tensor<?xf32>) -> tensor<?xf32> {
      %q = fxp.quantize %x : tensor<?xf32> to tensor<?x!fxp.fixed<s16, 9>>
      %c = fxp.cast %q : tensor<?x!fxp.fixed<s16, 9>> to tensor<?x!fxp.fixed<s8, 5>>
      %d = fxp.dequantize %c : tensor<?x!fxp.fixed<s8, 5>> to tensor<?xf32>
      return %d : tensor<?xf32>
    })mlir";
  std::vector<float> input;
  for (int i = -32768; i < 32768; i += 97)
    input.push_back(float(i) / 512.0f);
  std::vector<float> output = run(source, {input}, {{int64_t(input.size())}});
  ASSERT_EQ(output.size(), input.size());
  FixedFormat from{true, 16, 9}, to{true, 8, 5};
  for (size_t i = 0; i < input.size(); ++i)
    EXPECT_EQ(output[i],
              float(toReal(castStored(quantize(input[i], from), from, to), to)))
        << input[i];
}

TEST_F(IntegerKernelsTest, ConvPerChannelBiasAndFusedRelu) {
  // 1x1 conv, two output channels with different weight formats, bias at
  // the accumulator format, fused ReLU; then global average pooling.
  constexpr llvm::StringLiteral source = R"mlir(
    func.func @main(%x: tensor<?x2x2x2xf32>) -> (tensor<?x2x2x2xf32>) {
      %q = fxp.quantize %x : tensor<?x2x2x2xf32> to tensor<?x2x2x2x!fxp.fixed<s8, 4>>
      %w = fxp.constant dense<[[[[3]], [[-5]]], [[[7]], [[2]]]]> : tensor<2x2x1x1xi8> as !fxp.fixed<s8, axis 0: [2, 5]>
      %b = fxp.constant dense<[9, -37]> : tensor<2xi32> as !fxp.fixed<s32, axis 0: [6, 9]>
      %y = fxp.conv2d %q, %w, %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] relu : tensor<?x2x2x2x!fxp.fixed<s8, 4>>, tensor<2x2x1x1x!fxp.fixed<s8, axis 0: [2, 5]>>, tensor<2x!fxp.fixed<s32, axis 0: [6, 9]>> -> tensor<?x2x2x2x!fxp.fixed<s8, 3>>
      %d = fxp.dequantize %y : tensor<?x2x2x2x!fxp.fixed<s8, 3>> to tensor<?x2x2x2xf32>
      return %d : tensor<?x2x2x2xf32>
    })mlir";
  std::vector<float> input;
  for (int i = 0; i < 16; ++i)
    input.push_back(float((i * 37) % 61 - 30) / 16.0f);
  std::vector<float> output = run(source, {input}, {{2, 2, 2, 2}});
  ASSERT_EQ(output.size(), input.size());
  int64_t w[2][2] = {{3, -5}, {7, 2}};
  int64_t bias[2] = {9, -37};
  int fw[2] = {2, 5};
  FixedFormat result{true, 8, 3};
  for (int n = 0; n < 2; ++n)
    for (int f = 0; f < 2; ++f)
      for (int p = 0; p < 4; ++p) {
        int64_t acc = bias[f];
        for (int c = 0; c < 2; ++c)
          acc +=
              int64_t(std::lround(input[(n * 2 + c) * 4 + p] * 16)) * w[f][c];
        int64_t stored = std::max<int64_t>(
            saturate(referenceShift(acc, 4 + fw[f] - 3), result), 0);
        EXPECT_EQ(output[(n * 2 + f) * 4 + p], float(toReal(stored, result)))
            << "n " << n << " f " << f << " p " << p;
      }
}

TEST_F(IntegerKernelsTest, UnsignedActivationsThroughConvAndPool) {
  // u8 input values 0..255 (above 127 they would be negative as s8).
  constexpr llvm::StringLiteral source = R"mlir(
    func.func @main(%x: tensor<?x1x2x2xf32>) -> tensor<?x1x1x1xf32> {
      %q = fxp.quantize %x : tensor<?x1x2x2xf32> to tensor<?x1x2x2x!fxp.fixed<u8, 4>>
      %w = fxp.constant dense<-64> : tensor<1x1x1x1xi8> as !fxp.fixed<s8, 6>
      %y = fxp.conv2d %q, %w strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : tensor<?x1x2x2x!fxp.fixed<u8, 4>>, tensor<1x1x1x1x!fxp.fixed<s8, 6>> -> tensor<?x1x2x2x!fxp.fixed<s8, 3>>
      %n = fxp.quantize %x : tensor<?x1x2x2xf32> to tensor<?x1x2x2x!fxp.fixed<u8, 4>>
      %p = fxp.global_avg_pool2d %n : tensor<?x1x2x2x!fxp.fixed<u8, 4>> -> tensor<?x1x1x1x!fxp.fixed<u8, 4>>
      %d = fxp.dequantize %p : tensor<?x1x1x1x!fxp.fixed<u8, 4>> to tensor<?x1x1x1xf32>
      %e = fxp.dequantize %y : tensor<?x1x2x2x!fxp.fixed<s8, 3>> to tensor<?x1x2x2xf32>
      return %d : tensor<?x1x1x1xf32>
    })mlir";
  // The same program returning the conv: stored * -64 at F = 10, shifted
  // right by 7 with ties away: 255 -> -127.5 -> -128, 128 -> -64, 8 -> -4.
  std::string convSource = source.str();
  size_t at = convSource.find("return %d : tensor<?x1x1x1xf32>");
  convSource.replace(at, std::string("return %d : tensor<?x1x1x1xf32>").size(),
                     "return %e : tensor<?x1x2x2xf32>");
  at = convSource.find("-> tensor<?x1x1x1xf32> {");
  convSource.replace(at, std::string("-> tensor<?x1x1x1xf32> {").size(),
                     "-> tensor<?x1x2x2xf32> {");
  // 15.9375 = 255/16 stays 255 as u8; the pool averages stored values.
  std::vector<float> input = {15.9375f, 8.0f,  0.0f, 0.5f,
                              -1.0f,    20.0f, 1.0f, 1.0f};
  std::vector<float> output = run(source, {input}, {{2, 1, 2, 2}});
  // (255 + 128 + 0 + 8) / 4 = 97.75 -> 98; (0 + 255 + 16 + 16) / 4 = 71.75
  // -> 72.
  std::vector<float> expected = {98.0f / 16, 72.0f / 16};
  EXPECT_EQ(output, expected);
  std::vector<float> conv = run(convSource, {input}, {{2, 1, 2, 2}});
  std::vector<float> expectedConv = {-16.0f, -8.0f,  0.0f,  -0.5f,
                                     0.0f,   -16.0f, -1.0f, -1.0f};
  EXPECT_EQ(conv, expectedConv);
}

TEST_F(IntegerKernelsTest, GlobalAveragePoolRoundsTiesAway) {
  constexpr llvm::StringLiteral source = R"mlir(
    func.func @main(%x: tensor<?x1x2x2xf32>) -> tensor<?x1x1x1xf32> {
      %q = fxp.quantize %x : tensor<?x1x2x2xf32> to tensor<?x1x2x2x!fxp.fixed<s8, 0>>
      %p = fxp.global_avg_pool2d %q : tensor<?x1x2x2x!fxp.fixed<s8, 0>> -> tensor<?x1x1x1x!fxp.fixed<s8, 1>>
      %d = fxp.dequantize %p : tensor<?x1x1x1x!fxp.fixed<s8, 1>> to tensor<?x1x1x1xf32>
      return %d : tensor<?x1x1x1xf32>
    })mlir";
  // Sums 1, -1, 3, -3, 5 over 4 values at F = 1: 2*sum/4 = 0.5, -0.5, 1.5,
  // -1.5, 2.5 -> ties away from zero: 1, -1, 2, -2, 3 (halves).
  std::vector<float> input = {1, 0, 0,  0,  -1, 0, 0, 0, 2, 1,
                              0, 0, -2, -1, 0,  0, 2, 2, 1, 0};
  std::vector<float> output = run(source, {input}, {{5, 1, 2, 2}});
  std::vector<float> expected = {0.5f, -0.5f, 1.0f, -1.0f, 1.5f};
  EXPECT_EQ(output, expected);
}

} // namespace
