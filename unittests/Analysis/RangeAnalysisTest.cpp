//===- RangeAnalysisTest.cpp - soundness of the range transfer functions -===//
//
// Part of the fxp project.
//
// Property tests: for random operand intervals and random points inside
// them, the concrete result (computed by MLIR's own folders, or by the
// numerics core) must lie inside the interval the analysis computes; for
// monotone computations the bounds must be attained (exactness).
//
//===----------------------------------------------------------------------===//

#include "fxp/Analysis/RangeAnalysis.h"
#include "fxp/InitAllDialects.h"
#include "fxp/Numerics/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::fxp;

namespace {

class RangeAnalysisTest : public ::testing::Test {
protected:
  RangeAnalysisTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  OwningOpRef<ModuleOp> parse(llvm::StringRef source) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module) << source.str();
    return module;
  }

  /// The range of the first result of the op named `name` in `module`.
  static TensorRange rangeOfFirst(DataFlowSolver &solver, ModuleOp module,
                                  llvm::StringRef name) {
    Value found;
    module->walk([&](Operation *op) {
      if (!found && op->getName().getStringRef() == name)
        found = op->getResult(0);
    });
    EXPECT_TRUE(found) << name.str();
    return getRange(solver, found);
  }

  /// A scratch function `%r = <name> %x, %y : type` in `module`.
  Operation *binaryOp(llvm::StringRef name, Type type,
                      OwningOpRef<ModuleOp> &module) {
    OpBuilder b(&context);
    module = ModuleOp::create(b.getUnknownLoc());
    b.setInsertionPointToEnd(module->getBody());
    auto func = func::FuncOp::create(b, b.getUnknownLoc(), "f",
                                     b.getFunctionType({type, type}, {}));
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToEnd(entry);
    OperationState state(b.getUnknownLoc(), name);
    state.addOperands({entry->getArgument(0), entry->getArgument(1)});
    state.addTypes(type);
    Operation *op = b.create(state);
    func::ReturnOp::create(b, b.getUnknownLoc());
    return op;
  }

  MLIRContext context;
  std::mt19937_64 rng{20261122};
};

TEST_F(RangeAnalysisTest, IntervalArithmeticContainsEveryPointResult) {
  std::uniform_real_distribution<double> bound(-100, 100);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int trial = 0; trial < 2000; ++trial) {
    double a0 = bound(rng), a1 = bound(rng), b0 = bound(rng), b1 = bound(rng);
    Interval a{std::min(a0, a1), std::max(a0, a1)};
    Interval b{std::min(b0, b1), std::max(b0, b1)};
    double x = a.lo + unit(rng) * (a.hi - a.lo);
    double y = b.lo + unit(rng) * (b.hi - b.lo);
    EXPECT_TRUE((a + b).contains(x + y));
    EXPECT_TRUE((a - b).contains(x - y));
    Interval p = a * b;
    EXPECT_TRUE(p.lo <= x * y + 1e-9 && x * y - 1e-9 <= p.hi);
    if (!b.contains(0.0)) {
      Interval q = divide(a, b);
      EXPECT_TRUE(q.lo <= x / y + 1e-9 && x / y - 1e-9 <= q.hi);
    } else {
      EXPECT_FALSE(divide(a, b).isFinite());
    }
  }
  // Infinite bounds times an exact zero stay zero.
  EXPECT_EQ((Interval::full() * Interval::point(0)), Interval::point(0));
}

TEST_F(RangeAnalysisTest, SignedBitsNeeded) {
  EXPECT_EQ(signedBitsNeeded({-128, 127}), 8u);
  EXPECT_EQ(signedBitsNeeded({-129, 0}), 9u);
  EXPECT_EQ(signedBitsNeeded({0, 128}), 9u);
  EXPECT_EQ(signedBitsNeeded({0, 0}), 1u);
  EXPECT_EQ(signedBitsNeeded({-1, 0}), 1u);
  EXPECT_EQ(signedBitsNeeded(Interval::full()), 0u);
}

/// Every binary integer op against its folder on random points of random
/// sub-intervals of i8 / i16 values.
TEST_F(RangeAnalysisTest, IntegerScalarOpsAreSoundAgainstFolders) {
  const char *ops[] = {
      "arith.addi",  "arith.subi",  "arith.muli",  "arith.maxsi", "arith.minsi",
      "arith.maxui", "arith.minui", "arith.divsi", "arith.divui", "arith.remsi",
      "arith.shrsi", "arith.shrui", "arith.shli",  "arith.andi"};
  OpBuilder b(&context);
  for (unsigned width : {8u, 16u}) {
    Type type = b.getIntegerType(width);
    int64_t minValue = -(int64_t(1) << (width - 1));
    int64_t maxValue = (int64_t(1) << (width - 1)) - 1;
    std::uniform_int_distribution<int64_t> value(minValue, maxValue);
    for (const char *name : ops) {
      bool isShift = llvm::StringRef(name).starts_with("arith.sh");
      for (int trial = 0; trial < 300; ++trial) {
        int64_t a0 = value(rng), a1 = value(rng);
        Interval a{double(std::min(a0, a1)), double(std::max(a0, a1))};
        Interval c;
        if (isShift) {
          std::uniform_int_distribution<int64_t> shift(0, width - 1);
          int64_t s0 = shift(rng), s1 = shift(rng);
          c = {double(std::min(s0, s1)), double(std::max(s0, s1))};
        } else {
          int64_t c0 = value(rng), c1 = value(rng);
          c = {double(std::min(c0, c1)), double(std::max(c0, c1))};
        }
        OwningOpRef<ModuleOp> module;
        Operation *op = binaryOp(name, type, module);
        TensorRange in[] = {TensorRange(a), TensorRange(c)};
        FailureOr<SmallVector<TensorRange>> out =
            transferRanges(op, OperandRanges{in, nullptr, nullptr});
        // An op the analysis cannot bound (andi of negative values) gets
        // its type's range, as in the analysis.
        Interval result =
            succeeded(out) ? (*out)[0].getWhole() : *integerTypeRange(type);
        for (int point = 0; point < 20; ++point) {
          std::uniform_int_distribution<int64_t> inA(int64_t(a.lo),
                                                     int64_t(a.hi));
          std::uniform_int_distribution<int64_t> inC(int64_t(c.lo),
                                                     int64_t(c.hi));
          int64_t x = inA(rng), y = inC(rng);
          Attribute operands[] = {b.getIntegerAttr(type, x),
                                  b.getIntegerAttr(type, y)};
          SmallVector<OpFoldResult> folded;
          if (failed(op->fold(operands, folded)) || folded.size() != 1)
            continue; // division by zero and such do not fold
          auto attr = dyn_cast_if_present<IntegerAttr>(
              dyn_cast<Attribute>(folded.front()));
          if (!attr)
            continue;
          double concrete = double(attr.getValue().getSExtValue());
          EXPECT_TRUE(result.contains(concrete))
              << name << " i" << width << ": " << x << ", " << y << " -> "
              << concrete << " not in [" << result.lo << ", " << result.hi
              << "] from [" << a.lo << ", " << a.hi << "] and [" << c.lo << ", "
              << c.hi << "]";
        }
      }
    }
  }
}

/// Float ops against their folders (f32 results rounded outward).
TEST_F(RangeAnalysisTest, FloatScalarOpsAreSoundAgainstFolders) {
  const char *ops[] = {"arith.addf", "arith.subf",     "arith.mulf",
                       "arith.divf", "arith.maximumf", "arith.minimumf"};
  OpBuilder b(&context);
  Type type = b.getF32Type();
  std::uniform_real_distribution<float> value(-1000.0f, 1000.0f);
  std::uniform_real_distribution<double> unit(0, 1);
  for (const char *name : ops) {
    OwningOpRef<ModuleOp> module;
    Operation *op = binaryOp(name, type, module);
    for (int trial = 0; trial < 500; ++trial) {
      float a0 = value(rng), a1 = value(rng), c0 = value(rng), c1 = value(rng);
      Interval a{std::min(a0, a1), std::max(a0, a1)};
      Interval c{std::min(c0, c1), std::max(c0, c1)};
      TensorRange in[] = {TensorRange(a), TensorRange(c)};
      FailureOr<SmallVector<TensorRange>> out =
          transferRanges(op, OperandRanges{in, nullptr, nullptr});
      ASSERT_TRUE(succeeded(out)) << name;
      Interval result = (*out)[0].getWhole();
      for (int point = 0; point < 20; ++point) {
        float x = float(a.lo + unit(rng) * (a.hi - a.lo));
        float y = float(c.lo + unit(rng) * (c.hi - c.lo));
        x = std::min(float(a.hi), std::max(float(a.lo), x));
        y = std::min(float(c.hi), std::max(float(c.lo), y));
        Attribute operands[] = {b.getF32FloatAttr(x), b.getF32FloatAttr(y)};
        SmallVector<OpFoldResult> folded;
        if (failed(op->fold(operands, folded)) || folded.size() != 1)
          continue;
        auto attr =
            dyn_cast_if_present<FloatAttr>(dyn_cast<Attribute>(folded.front()));
        if (!attr || std::isnan(attr.getValueAsDouble()))
          continue;
        EXPECT_TRUE(result.contains(attr.getValueAsDouble()))
            << name << ": " << x << ", " << y << " -> "
            << attr.getValueAsDouble() << " not in [" << result.lo << ", "
            << result.hi << "]";
      }
    }
  }
}

/// The requantization epilogue body of convert-fxp-to-arith: the bounds are
/// exactly the rounded, saturated bounds of the accumulator interval (the
/// analysis splits the sign comparison), for random intervals and shifts.
TEST_F(RangeAnalysisTest, RoundingShiftEpilogueIsExact) {
  std::uniform_int_distribution<int64_t> acc(-200000, 200000);
  std::uniform_int_distribution<int> shiftDist(1, 12);
  for (int trial = 0; trial < 40; ++trial) {
    int64_t a0 = acc(rng), a1 = acc(rng);
    int64_t lo = std::min(a0, a1), hi = std::max(a0, a1);
    int shift = shiftDist(rng);
    std::string source = llvm::formatv(R"mlir(
#id = affine_map<(d0) -> (d0)>
func.func @f(%acc: tensor<4xi32> {{fxp.range = array<f64: {0}.0, {1}.0>}) -> tensor<4xi8> {{
  %e = tensor.empty() : tensor<4xi8>
  %0 = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%acc : tensor<4xi32>) outs(%e : tensor<4xi8>) {{
  ^bb0(%in: i32, %out: i8):
    %a = arith.extsi %in : i32 to i64
    %zero = arith.constant 0 : i64
    %half = arith.constant {2} : i64
    %shift = arith.constant {3} : i64
    %neg = arith.cmpi slt, %a, %zero : i64
    %minus = arith.subi %zero, %a : i64
    %mag = arith.select %neg, %minus, %a : i64
    %plus = arith.addi %mag, %half : i64
    %q = arith.shrui %plus, %shift : i64
    %mq = arith.subi %zero, %q : i64
    %r = arith.select %neg, %mq, %q : i64
    %lo = arith.constant -128 : i64
    %hi = arith.constant 127 : i64
    %c1 = arith.maxsi %r, %lo : i64
    %c2 = arith.minsi %c1, %hi : i64
    %t = arith.trunci %c2 : i64 to i8
    linalg.yield %t : i8
  } -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
)mlir",
                                       lo, hi, int64_t(1) << (shift - 1), shift)
                             .str();
    OwningOpRef<ModuleOp> module = parse(source);
    ASSERT_TRUE(module);
    DataFlowSolver solver;
    ASSERT_TRUE(succeeded(runRangeAnalysis(solver, *module, {})));
    Interval got = rangeOfFirst(solver, *module, "linalg.generic").getWhole();
    auto requantize = [&](int64_t v) {
      int64_t r =
          roundingShiftRight(v, unsigned(shift), RoundingMode::NearestAway);
      return double(std::min<int64_t>(127, std::max<int64_t>(-128, r)));
    };
    EXPECT_EQ(got.lo, requantize(lo)) << lo << " >> " << shift;
    EXPECT_EQ(got.hi, requantize(hi)) << hi << " >> " << shift;
  }
}

/// A convolution's per-channel bound is attained: x = hi where w > 0 and
/// x = lo where w < 0 reaches the upper bound (no padding, one output).
TEST_F(RangeAnalysisTest, ConvolutionBoundIsAttainedPerChannel) {
  std::uniform_int_distribution<int> weight(-127, 127);
  SmallVector<int> w;
  std::string weights;
  for (int f = 0; f < 3; ++f) {
    weights += f ? ", [" : "[";
    for (int c = 0; c < 2; ++c) {
      weights += c ? ", [" : "[";
      for (int k = 0; k < 4; ++k) {
        w.push_back(weight(rng));
        weights += (k == 0   ? "["
                    : k == 2 ? "], ["
                             : ", ") +
                   std::to_string(w.back());
      }
      weights += "]]";
    }
    weights += "]";
  }
  std::string source = llvm::formatv(R"mlir(
func.func @f(%x: tensor<1x2x2x2xi8> {{fxp.range = array<f64: -5.0, 9.0>}) -> tensor<1x3x1x1xi32> {{
  %w = arith.constant dense<[{0}]> : tensor<3x2x2x2xi8>
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x3x1x1xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<1x3x1x1xi32>) -> tensor<1x3x1x1xi32>
  %0 = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x2x2xi8>, tensor<3x2x2x2xi8>) outs(%f : tensor<1x3x1x1xi32>) -> tensor<1x3x1x1xi32>
  return %0 : tensor<1x3x1x1xi32>
}
)mlir",
                                     weights)
                           .str();
  OwningOpRef<ModuleOp> module = parse(source);
  ASSERT_TRUE(module);
  DataFlowSolver solver;
  ASSERT_TRUE(succeeded(runRangeAnalysis(solver, *module, {})));
  TensorRange range = rangeOfFirst(solver, *module, "linalg.conv_2d_nchw_fchw");
  ASSERT_EQ(range.getChannels().size(), 3u);
  for (int f = 0; f < 3; ++f) {
    double lo = 0, hi = 0;
    for (int i = 0; i < 8; ++i) {
      int v = w[f * 8 + i];
      hi += v > 0 ? 9.0 * v : -5.0 * v;
      lo += v > 0 ? -5.0 * v : 9.0 * v;
    }
    EXPECT_EQ(range.channel(f).lo, lo) << "channel " << f;
    EXPECT_EQ(range.channel(f).hi, hi) << "channel " << f;
  }
}

} // namespace
