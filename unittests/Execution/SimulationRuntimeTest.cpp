//===- SimulationRuntimeTest.cpp - simulated quantization tests -----------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Execution/SimulationRuntime.h"
#include "fxp/Dialect/Fxp/Transforms/Passes.h"
#include "fxp/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using namespace mlir::fxp;

namespace {

/// Round to nearest (ties away), saturate, NaN -> 0: fxp.quantize followed
/// by fxp.dequantize, computed independently of the runtime.
float reference(float x, int width, int fraction) {
  if (std::isnan(x))
    return 0.0f;
  double stored = std::round(double(x) * std::ldexp(1.0, fraction));
  double lo = -std::ldexp(1.0, width - 1), hi = std::ldexp(1.0, width - 1) - 1;
  return float(std::min(std::max(stored, lo), hi) * std::ldexp(1.0, -fraction));
}

// x (observer 0) times a constant weight (observer 1, per-axis on the
// output columns), returning both the simulated x and the product.
constexpr llvm::StringLiteral kObservedMatmul = R"mlir(
func.func @main(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x2xf32>) {
  %0 = fxp.observe "x" %x : tensor<?x3xf32>
  %w = arith.constant dense<[[0.3, -1.3], [2.2, 0.06], [-0.9, 0.7]]> : tensor<3x2xf32>
  %1 = fxp.observe "w" %w : tensor<3x2xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %0, %c0 : tensor<?x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = linalg.matmul ins(%0, %1 : tensor<?x3xf32>, tensor<3x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  return %0, %y : tensor<?x3xf32>, tensor<?x2xf32>
}
)mlir";

class SimulationRuntimeTest : public ::testing::Test {
protected:
  SimulationRuntimeTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }
  MLIRContext context;
};

// One compiled program, three format assignments: none (float), x only,
// x and the per-axis weight; the results match the independent reference.
TEST_F(SimulationRuntimeTest, OneProgramManyAssignments) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kObservedMatmul, &context);
  ASSERT_TRUE(module);
  PassManager pm(&context);
  LowerObserversOptions options;
  options.mode = "simulate";
  pm.addPass(createLowerObservers(options));
  ASSERT_TRUE(succeeded(pm.run(*module)));
  auto model = JitModel::compile(*module, "main", getSimulatorRuntimeSymbols());
  ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());

  const float weights[3][2] = {{0.3f, -1.3f}, {2.2f, 0.06f}, {-0.9f, 0.7f}};
  std::vector<float> input = {0.1f, -0.13f, 40.0f, 0.374f, -33.0f, NAN};
  QuantizationSimulator simulator(2);
  setActiveSimulator(&simulator);
  for (int assignment = 0; assignment < 3; ++assignment) {
    if (assignment >= 1)
      simulator.setFormat(0, SimulatedFormat{{FixedFormat{true, 8, 2}}, {}});
    if (assignment == 2)
      simulator.setFormat(
          1, SimulatedFormat{{FixedFormat{true, 4, 1}, FixedFormat{true, 4, 3}},
                             1u});
    std::vector<HostTensor> results;
    llvm::Error error =
        (*model)->run({TensorView{input.data(), {2, 3}}}, results);
    ASSERT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));
    for (int n = 0; n < 2; ++n) {
      float x[3];
      for (int k = 0; k < 3; ++k) {
        float value = input[n * 3 + k];
        x[k] = assignment >= 1 ? reference(value, 8, 2) : value;
        if (!std::isnan(x[k]))
          EXPECT_EQ(results[0].data<float>()[n * 3 + k], x[k])
              << "assignment " << assignment << " x[" << n << "," << k << "]";
      }
      if (assignment == 0)
        continue; // NaN input: the float product is NaN.
      for (int j = 0; j < 2; ++j) {
        float sum = 0;
        for (int k = 0; k < 3; ++k)
          sum += x[k] * (assignment == 2
                             ? reference(weights[k][j], 4, j == 0 ? 1 : 3)
                             : weights[k][j]);
        EXPECT_FLOAT_EQ(results[1].data<float>()[n * 2 + j], sum)
            << "assignment " << assignment << " y[" << n << "," << j << "]";
      }
    }
  }
  setActiveSimulator(nullptr);
}

// Strided (transposed) input, per-axis along the first dimension; a slice
// count that does not match the axis copies instead of misreading.
TEST(QuantizationSimulatorTest, StridedPerAxis) {
  // Logical 2x3 view of a 3x2 row-major buffer (strides {1, 2}).
  const float storage[6] = {0.26f, -0.6f, 1.1f, 0.74f, -5.0f, 0.12f};
  int64_t sizes[2] = {2, 3}, strides[2] = {1, 2};
  QuantizationSimulator simulator(1);
  simulator.setFormat(
      0,
      SimulatedFormat{{FixedFormat{true, 4, 2}, FixedFormat{true, 8, 4}}, 0u});
  float out[6];
  simulator.apply(0, storage, 2, sizes, strides, out);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_EQ(out[i * 3 + j],
                reference(storage[j * 2 + i], i ? 8 : 4, i ? 4 : 2));
  simulator.setFormat(0, SimulatedFormat{{FixedFormat{true, 4, 2}}, 1u});
  simulator.apply(0, storage, 2, sizes, strides, out);
  EXPECT_EQ(out[1], storage[2]);
  simulator.clear();
  simulator.apply(0, storage, 2, sizes, strides, out);
  EXPECT_EQ(out[3], storage[1]);
}

} // namespace
