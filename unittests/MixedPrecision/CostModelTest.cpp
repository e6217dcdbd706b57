//===- CostModelTest.cpp - precision names and layer costs ----------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/MixedPrecision/CostModel.h"

#include <gtest/gtest.h>

using namespace mlir::fxp::mixed;

namespace {

// Precision names round-trip; malformed ones are rejected.
TEST(MixedPrecisionCostModelTest, PrecisionNames) {
  for (const Precision &precision : defaultCandidates()) {
    std::optional<Precision> parsed = parsePrecision(precision.str());
    ASSERT_TRUE(parsed) << precision.str();
    EXPECT_EQ(*parsed, precision);
  }
  EXPECT_EQ(parsePrecision("w4a8")->weightBits, 4u);
  EXPECT_EQ(parsePrecision("w4a8")->activationBits, 8u);
  EXPECT_TRUE(parsePrecision("float")->isFloat);
  for (const char *bad : {"", "w", "w4", "w4a", "a8w4", "w1a8", "w4a17",
                          "w04a8x", "w4a8 ", "W4A8", "fp32", "w100a8"})
    EXPECT_FALSE(parsePrecision(bad)) << bad;
  EXPECT_EQ(defaultCandidates().size(), 7u);
}

// Parameter bytes: 4-bit weights packed two per byte (odd counts round
// up), 8/16-bit whole bytes, 32-bit quantized biases, float 4 bytes each.
TEST(MixedPrecisionCostModelTest, ParameterBytes) {
  LayerShape layer;
  layer.weightElements = 145;
  layer.biasElements = 16;
  EXPECT_EQ(parameterBytes(layer, Precision::fixed(4, 8)), 73 + 64);
  EXPECT_EQ(parameterBytes(layer, Precision::fixed(3, 8)), 73 + 64);
  EXPECT_EQ(parameterBytes(layer, Precision::fixed(8, 16)), 145 + 64);
  EXPECT_EQ(parameterBytes(layer, Precision::fixed(12, 8)), 290 + 64);
  EXPECT_EQ(parameterBytes(layer, Precision::fixed(16, 8)), 290 + 64);
  EXPECT_EQ(parameterBytes(layer, Precision::floating()), 4 * 161);
  layer.outputElements = 100;
  EXPECT_EQ(activationBytes(layer, Precision::fixed(4, 8)), 100);
  EXPECT_EQ(activationBytes(layer, Precision::fixed(4, 16)), 200);
  EXPECT_EQ(activationBytes(layer, Precision::floating()), 400);
}

// The roofline: compute-bound layers scale with the arithmetic's rate,
// memory-bound ones with the bytes moved; the launch overhead is added.
TEST(MixedPrecisionCostModelTest, Latency) {
  LatencyModel model;
  model.launchMicroseconds = 2;
  model.bandwidthGBs = 1000; // 1e6 bytes per microsecond
  model.int8Tops = 100;      // 1e8 ops per microsecond
  model.int16Tops = 10;
  model.fp32Tflops = 5;
  model.batch = 10;
  ASSERT_EQ(model.validate(), "");
  LayerShape compute;
  compute.macs = 5'000'000; // 1e8 ops per batch
  compute.weightElements = 10;
  compute.outputElements = 10;
  compute.inputElements = 10;
  EXPECT_DOUBLE_EQ(model.microseconds(compute, Precision::fixed(8, 8)), 3.0);
  EXPECT_DOUBLE_EQ(model.microseconds(compute, Precision::fixed(4, 8)), 3.0);
  EXPECT_DOUBLE_EQ(model.microseconds(compute, Precision::fixed(8, 16)), 12.0);
  EXPECT_DOUBLE_EQ(model.microseconds(compute, Precision::floating()), 22.0);
  LayerShape memory;
  memory.macs = 1;
  memory.weightElements = 2'000'000; // 1e6 bytes at 4 bits
  memory.outputElements = 1;
  memory.inputElements = 1;
  // 1e6 weight bytes + 10 samples x (1 + 1) activation bytes.
  EXPECT_NEAR(model.microseconds(memory, Precision::fixed(4, 8)), 3.0, 1e-4);
  EXPECT_NEAR(model.microseconds(memory, Precision::fixed(8, 8)), 4.0, 1e-4);
  model.batch = 0;
  EXPECT_NE(model.validate(), "");
  model.batch = 1;
  model.int8Tops = 0;
  EXPECT_NE(model.validate(), "");
}

} // namespace
