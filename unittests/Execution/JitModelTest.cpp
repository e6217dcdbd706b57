//===- JitModelTest.cpp - JIT compilation and execution tests -------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#include "fxp/Execution/JitModel.h"
#include "fxp/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::fxp;

namespace {

class JitModelTest : public ::testing::Test {
protected:
  JitModelTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  OwningOpRef<ModuleOp> parse(llvm::StringRef source) {
    return parseSourceString<ModuleOp>(source, &context);
  }

  MLIRContext context;
};

// y[n, j] = max(2 * x[n, j] + 1, 0) and s[n] = sum_j y[n, j], with a dynamic
// batch dimension and two results.
constexpr llvm::StringLiteral kAffineRelu = R"mlir(
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x3xf32>) outs(%e : tensor<?x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %two = arith.constant 2.0 : f32
    %one = arith.constant 1.0 : f32
    %zero = arith.constant 0.0 : f32
    %m = arith.mulf %in, %two : f32
    %a = arith.addf %m, %one : f32
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x3xf32>
  %zero = arith.constant 0.0 : f32
  %se = tensor.empty(%n) : tensor<?xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%se : tensor<?xf32>) -> tensor<?xf32>
  %s = linalg.reduce ins(%y : tensor<?x3xf32>) outs(%sf : tensor<?xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %t = arith.addf %in, %acc : f32
      linalg.yield %t : f32
    }
  return %y, %s : tensor<?x3xf32>, tensor<?xf32>
}
)mlir";

TEST_F(JitModelTest, RunsDynamicBatchWithTwoResults) {
  OwningOpRef<ModuleOp> module = parse(kAffineRelu);
  ASSERT_TRUE(module);
  auto model = JitModel::compile(*module);
  ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
  ASSERT_EQ((*model)->getInputs().size(), 1u);
  EXPECT_TRUE((*model)->getInputs()[0].hasDynamicBatch());
  EXPECT_EQ((*model)->getInputs()[0].getSampleSize(), 3);
  ASSERT_EQ((*model)->getOutputs().size(), 2u);

  for (int64_t batch : {1, 2, 5}) {
    std::vector<float> input(batch * 3);
    for (size_t i = 0; i < input.size(); ++i)
      input[i] = static_cast<float>(i) - 4.0f;
    std::vector<HostTensor> results;
    llvm::Error error =
        (*model)->run({TensorView{input.data(), {batch, 3}}}, results);
    ASSERT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].shape, (std::vector<int64_t>{batch, 3}));
    EXPECT_EQ(results[1].shape, (std::vector<int64_t>{batch}));
    for (int64_t n = 0; n < batch; ++n) {
      float sum = 0;
      for (int64_t j = 0; j < 3; ++j) {
        float expected = std::max(2.0f * input[n * 3 + j] + 1.0f, 0.0f);
        EXPECT_EQ(results[0].data<float>()[n * 3 + j], expected);
        sum += expected;
      }
      EXPECT_EQ(results[1].data<float>()[n], sum);
    }
  }
}

TEST_F(JitModelTest, ReturningAnArgumentDoesNotFreeIt) {
  OwningOpRef<ModuleOp> module = parse(R"mlir(
    func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
      return %x : tensor<?x2xf32>
    })mlir");
  ASSERT_TRUE(module);
  auto model = JitModel::compile(*module);
  ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
  std::vector<float> input = {1, 2, 3, 4};
  std::vector<HostTensor> results;
  ASSERT_FALSE(static_cast<bool>(
      (*model)->run({TensorView{input.data(), {2, 2}}}, results)));
  EXPECT_EQ(results[0].data<float>()[3], 4.0f);
}

TEST_F(JitModelTest, MissingEntryIsAnError) {
  OwningOpRef<ModuleOp> module = parse(kAffineRelu);
  auto model = JitModel::compile(*module, "forward");
  ASSERT_FALSE(static_cast<bool>(model));
  EXPECT_EQ(llvm::toString(model.takeError()),
            "no function @forward in the module");
}

TEST_F(JitModelTest, DynamicInnerDimensionIsAnError) {
  OwningOpRef<ModuleOp> module = parse(R"mlir(
    func.func @main(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
      return %x : tensor<2x?xf32>
    })mlir");
  auto model = JitModel::compile(*module);
  ASSERT_FALSE(static_cast<bool>(model));
  EXPECT_NE(llvm::toString(model.takeError())
                .find("only the first (batch) dimension may be dynamic"),
            std::string::npos);
}

TEST_F(JitModelTest, WrongInputShapeIsAnError) {
  OwningOpRef<ModuleOp> module = parse(kAffineRelu);
  auto model = JitModel::compile(*module);
  ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
  std::vector<float> input(8);
  std::vector<HostTensor> results;
  llvm::Error error =
      (*model)->run({TensorView{input.data(), {2, 4}}}, results);
  ASSERT_TRUE(static_cast<bool>(error));
  EXPECT_NE(llvm::toString(std::move(error)).find("input shape mismatch"),
            std::string::npos);
}

} // namespace
