//===- StatisticsTest.cpp - Tests for the statistics runtime --------------===//
//
// Part of the fxp project: plain C++ runtime (no MLIR or LLVM dependency).
//
//===----------------------------------------------------------------------===//

#include "fxp/Runtime/Statistics.h"
#include "fxp/Runtime/StatisticsFile.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <thread>
#include <vector>

using namespace mlir::fxp;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kDenormMin = std::numeric_limits<float>::denorm_min();

/// A mixture that exercises every path of observe: Gaussians of several
/// scales, zeros of both signs, subnormals, huge values, NaN and Inf.
std::vector<float> mixedValues(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> kind(0, 99);
  std::uniform_int_distribution<int> scale(-140, 120);
  std::vector<float> values;
  values.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int k = kind(rng);
    if (k < 60)
      values.push_back(normal(rng));
    else if (k < 80)
      values.push_back(std::ldexp(normal(rng), scale(rng)));
    else if (k < 88)
      values.push_back(k % 2 ? 0.0f : -0.0f);
    else if (k < 95)
      values.push_back(float(int(rng() % 1000) - 500) * kDenormMin);
    else if (k < 97)
      values.push_back(kNaN);
    else if (k < 98)
      values.push_back(kInf);
    else if (k < 99)
      values.push_back(-kInf);
    else
      values.push_back(k % 2 ? std::numeric_limits<float>::max()
                             : -std::numeric_limits<float>::max());
  }
  return values;
}

TensorStatistics observed(const std::vector<float> &values) {
  TensorStatistics statistics("t");
  statistics.observe(values.data(), int64_t(values.size()));
  return statistics;
}

bool sameBits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

//===----------------------------------------------------------------------===//
// TensorStatistics
//===----------------------------------------------------------------------===//

TEST(TensorStatistics, ExactCountsHistogramAndSumsOfHandMadeData) {
  std::vector<float> values = {1.0f,  2.0f, 3.0f, -4.0f, 0.5f, 0.0f,
                               -0.0f, kNaN, kInf, -kInf, kInf};
  TensorStatistics statistics = observed(values);
  EXPECT_EQ(statistics.count(), 11u);
  EXPECT_EQ(statistics.finiteCount(), 7u);
  EXPECT_EQ(statistics.zeroCount(), 2u);
  EXPECT_EQ(statistics.getNanCount(), 1u);
  EXPECT_EQ(statistics.getPosInfCount(), 2u);
  EXPECT_EQ(statistics.getNegInfCount(), 1u);
  EXPECT_EQ(statistics.min(), -4.0f);
  EXPECT_EQ(statistics.max(), 3.0f);
  EXPECT_EQ(statistics.sum(), 2.5);
  EXPECT_EQ(statistics.sumOfSquares(), 30.25);
  EXPECT_DOUBLE_EQ(statistics.mean(), 2.5 / 7);
  EXPECT_DOUBLE_EQ(statistics.variance(), 30.25 / 7 - (2.5 / 7) * (2.5 / 7));
  const ValueHistogram &histogram = statistics.getHistogram();
  EXPECT_EQ(histogram.msbCount(0), 1u);                    // 1
  EXPECT_EQ(histogram.msbCount(1), 2u);                    // 2, 3
  EXPECT_EQ(histogram.msbCount(2, /*negative=*/true), 1u); // -4
  EXPECT_EQ(histogram.msbCount(-1), 1u);                   // 0.5
  EXPECT_EQ(histogram.nonZeroCount(), 5u);
  // 3 = 1.5 * 2: sub-bin 128 of octave 1.
  EXPECT_EQ((*histogram.findBlock(false, 1))[128], 1u);
}

TEST(TensorStatistics, NanAndInfOnlyLeaveTheRestEmpty) {
  TensorStatistics statistics = observed({kNaN, -kNaN, kInf, -kInf});
  EXPECT_EQ(statistics.count(), 4u);
  EXPECT_EQ(statistics.finiteCount(), 0u);
  EXPECT_EQ(statistics.getNanCount(), 2u);
  EXPECT_TRUE(statistics.getHistogram().empty());
  EXPECT_EQ(statistics.min(), kInf);
  EXPECT_EQ(statistics.max(), -kInf);
  EXPECT_EQ(statistics.sum(), 0.0);
  EXPECT_TRUE(std::isnan(statistics.mean()));
}

TEST(TensorStatistics, NegativeZeroCountsAsPlusZero) {
  TensorStatistics a = observed({-0.0f, 1.0f});
  TensorStatistics b = observed({1.0f, -0.0f});
  EXPECT_EQ(a, b);
  EXPECT_FALSE(std::signbit(a.min()));
  TensorStatistics c = observed({-0.0f});
  EXPECT_EQ(c.min(), 0.0f);
  EXPECT_FALSE(std::signbit(c.min()));
  EXPECT_FALSE(std::signbit(c.max()));
}

TEST(TensorStatistics, SubnormalsAreExact) {
  std::vector<float> values = {kDenormMin, -3 * kDenormMin,
                               std::ldexp(1.75f, -130),
                               std::numeric_limits<float>::min()};
  TensorStatistics statistics = observed(values);
  const ValueHistogram &histogram = statistics.getHistogram();
  EXPECT_EQ(histogram.msbCount(-149), 1u);
  EXPECT_EQ(histogram.msbCount(-148, /*negative=*/true), 1u);
  EXPECT_EQ(histogram.msbCount(-130), 1u);
  EXPECT_EQ(histogram.msbCount(-126), 1u);
  EXPECT_EQ(statistics.min(), -3 * kDenormMin);
  EXPECT_EQ(statistics.max(), std::numeric_limits<float>::min());
  long double exact = 0;
  for (float value : values)
    exact += value;
  EXPECT_EQ(statistics.sum(), double(exact));
}

TEST(TensorStatistics, FastPathMatchesHistogramSlowPath) {
  std::vector<float> values = mixedValues(100000, 1);
  TensorStatistics statistics = observed(values);
  ValueHistogram reference;
  for (float value : values)
    reference.add(value);
  EXPECT_EQ(statistics.getHistogram(), reference);
}

TEST(TensorStatistics, SumsAreAccurate) {
  std::vector<float> values = mixedValues(50000, 2);
  // Drop the huge values so that the long double reference is exact enough.
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](float v) {
                                return !std::isfinite(v) ||
                                       std::fabs(v) > 1e30f;
                              }),
               values.end());
  long double sum = 0, squares = 0;
  for (float value : values) {
    sum += value;
    squares += (long double)value * value;
  }
  TensorStatistics statistics = observed(values);
  EXPECT_NEAR(statistics.sum(), double(sum), 1e-12 * std::fabs(double(sum)));
  EXPECT_NEAR(statistics.sumOfSquares(), double(squares),
              1e-12 * double(squares));
}

TEST(TensorStatistics, SplitBatchesInAnyOrderMergeBitIdentically) {
  std::vector<float> values = mixedValues(200000, 3);
  TensorStatistics oneShot = observed(values);
  std::mt19937_64 rng(4);
  for (int trial = 0; trial < 5; ++trial) {
    // Random split points, batches observed into separate statistics and
    // merged in a random order.
    std::vector<size_t> cuts = {0, values.size()};
    for (int i = 0; i < 20; ++i)
      cuts.push_back(rng() % values.size());
    std::sort(cuts.begin(), cuts.end());
    std::vector<TensorStatistics> batches;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      TensorStatistics batch("t");
      batch.observe(values.data() + cuts[i], int64_t(cuts[i + 1] - cuts[i]));
      batches.push_back(std::move(batch));
    }
    std::shuffle(batches.begin(), batches.end(), rng);
    TensorStatistics merged("t");
    for (const TensorStatistics &batch : batches)
      merged.merge(batch);
    EXPECT_EQ(merged, oneShot);
    EXPECT_TRUE(sameBits(merged.sum(), oneShot.sum()));
    EXPECT_TRUE(sameBits(merged.sumOfSquares(), oneShot.sumOfSquares()));
    EXPECT_TRUE(sameBits(merged.variance(), oneShot.variance()));

    // The same values in a shuffled order, observed in one call.
    std::vector<float> shuffled = values;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    TensorStatistics reordered = observed(shuffled);
    EXPECT_EQ(reordered, oneShot);
    EXPECT_TRUE(sameBits(reordered.sum(), oneShot.sum()));
  }
}

//===----------------------------------------------------------------------===//
// StatisticsRegistry
//===----------------------------------------------------------------------===//

TEST(StatisticsRegistry, RegistrationIsByName) {
  StatisticsRegistry registry;
  EXPECT_EQ(registry.registerTensor("a", std::vector<int64_t>{2, 3}), 0);
  EXPECT_EQ(registry.registerTensor("b"), 1);
  EXPECT_EQ(registry.registerTensor("a", std::vector<int64_t>{2, 3}), 0);
  EXPECT_EQ(registry.registerTensor("a"), 0); // Unknown shape is compatible.
  std::string error;
  EXPECT_EQ(registry.registerTensor("a", std::vector<int64_t>{3, 2}, &error),
            -1);
  EXPECT_EQ(error, "tensor 'a' is registered with shape [2, 3], not [3, 2]");
  EXPECT_EQ(registry.registerTensor("", std::nullopt, &error), -1);
  EXPECT_EQ(registry.lookup("b"), 1);
  EXPECT_EQ(registry.lookup("c"), -1);
  EXPECT_EQ(registry.size(), 2);
  // Unknown ids are ignored.
  float value = 1.0f;
  registry.observe(7, &value, 1);
  registry.observe(-1, &value, 1);
  std::vector<TensorStatistics> snapshot = registry.snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot[0].getName(), "a");
  EXPECT_EQ(snapshot[0].getShape(), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(snapshot[1].getShape(), std::nullopt);
  EXPECT_EQ(snapshot[1].count(), 0u);
}

TEST(StatisticsRegistry, ConcurrentObserversMatchSequential) {
  constexpr int kThreads = 8;
  constexpr size_t kBatch = 1000;
  std::vector<float> values = mixedValues(kThreads * 50 * kBatch, 5);
  StatisticsRegistry registry;
  int64_t shared = registry.registerTensor("shared");
  int64_t perThread = registry.registerTensor("perThread");
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Interleaved batches: thread t takes batches t, t + kThreads, ...
      for (size_t b = t; b * kBatch < values.size(); b += kThreads) {
        const float *batch = values.data() + b * kBatch;
        registry.observe(shared, batch, kBatch);
        fxp_observe_f32(&registry, perThread, batch, kBatch);
      }
    });
  }
  // Snapshots taken while observing must not disturb anything.
  for (int i = 0; i < 10; ++i)
    (void)registry.snapshot(shared);
  for (std::thread &thread : threads)
    thread.join();

  TensorStatistics sequential = observed(values);
  std::vector<TensorStatistics> snapshot = registry.snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  sequential.setName("shared");
  EXPECT_EQ(snapshot[0], sequential);
  sequential.setName("perThread");
  EXPECT_EQ(snapshot[1], sequential);
  EXPECT_TRUE(sameBits(snapshot[0].sum(), sequential.sum()));
}

TEST(StatisticsRegistry, ConcurrentRegistrationAndObservation) {
  constexpr int kThreads = 4;
  StatisticsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      float values[3] = {1.0f, float(t), -2.0f};
      for (int i = 0; i < 600; ++i) {
        int64_t id = registry.registerTensor("tensor" + std::to_string(i));
        ASSERT_GE(id, 0);
        registry.observe(id, values, 3);
      }
    });
  }
  for (std::thread &thread : threads)
    thread.join();
  std::vector<TensorStatistics> snapshot = registry.snapshot();
  ASSERT_EQ(snapshot.size(), 600u);
  for (const TensorStatistics &tensor : snapshot) {
    EXPECT_EQ(tensor.count(), 3u * kThreads);
    EXPECT_EQ(tensor.min(), -2.0f);
    EXPECT_EQ(tensor.max(), 3.0f);
  }
}

TEST(StatisticsRegistry, MergeMatchesByNameAndAddsExactly) {
  std::vector<float> first = mixedValues(5000, 6),
                     second = mixedValues(7000, 7);
  StatisticsRegistry a, b;
  a.observe(a.registerTensor("x", std::vector<int64_t>{5000}), first.data(),
            5000);
  a.registerTensor("only-a");
  b.registerTensor("only-b", std::vector<int64_t>{1});
  b.observe(b.registerTensor("x"), second.data(), 7000);
  std::string error;
  ASSERT_TRUE(a.merge(b, &error)) << error;
  std::vector<TensorStatistics> snapshot = a.snapshot();
  ASSERT_EQ(snapshot.size(), 3u);
  EXPECT_EQ(snapshot[0].getName(), "x");
  EXPECT_EQ(snapshot[2].getName(), "only-b");
  EXPECT_EQ(snapshot[2].getShape(), std::vector<int64_t>({1}));
  TensorStatistics expected("x", std::vector<int64_t>{5000});
  expected.observe(second.data(), 7000);
  expected.observe(first.data(), 5000);
  EXPECT_EQ(snapshot[0], expected);

  // A shape conflict fails and changes nothing.
  StatisticsRegistry c;
  c.registerTensor("new");
  c.registerTensor("x", std::vector<int64_t>{4});
  EXPECT_FALSE(a.merge(c, &error));
  EXPECT_EQ(error, "tensor 'x' has shape [4] but [5000] is registered");
  EXPECT_EQ(a.size(), 3);
  EXPECT_EQ(a.snapshot(0), expected);
  EXPECT_FALSE(a.merge(a, &error));
}

TEST(StatisticsRegistry, StridedViewsMatchContiguous) {
  // A 3 x 4 x 5 tensor observed through a transposed (2, 0, 1) view and a
  // view of elements 0, 2, 4 of each row of 5.
  std::vector<float> values = mixedValues(60, 8);
  StatisticsRegistry registry;
  int64_t transposed = registry.registerTensor("transposed");
  int64_t sliced = registry.registerTensor("sliced");
  int64_t scalar = registry.registerTensor("scalar");
  int64_t sizes[3] = {5, 3, 4};
  int64_t strides[3] = {1, 20, 5};
  fxp_observe_strided_f32(&registry, transposed, values.data(), 3, sizes,
                          strides);
  int64_t sliceSizes[3] = {3, 4, 3};
  int64_t sliceStrides[3] = {20, 5, 2};
  registry.observeStrided(sliced, values.data(), 3, sliceSizes, sliceStrides);
  registry.observeStrided(scalar, values.data() + 7, 0, nullptr, nullptr);

  TensorStatistics all = observed(values);
  all.setName("transposed");
  EXPECT_EQ(registry.snapshot(transposed), all);
  std::vector<float> picked;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k)
        picked.push_back(values[20 * i + 5 * j + 2 * k]);
  TensorStatistics expected = observed(picked);
  expected.setName("sliced");
  EXPECT_EQ(registry.snapshot(sliced), expected);
  EXPECT_EQ(registry.snapshot(scalar).count(), 1u);
}

TEST(StatisticsRegistry, CApiRoundTripsThroughAFile) {
  void *registry = fxp_statistics_registry_create();
  int64_t shape[2] = {2, 3};
  int64_t id = fxp_statistics_register(registry, "conv1.output", 2, shape);
  EXPECT_EQ(id, 0);
  EXPECT_EQ(fxp_statistics_register(registry, "logits", -1, nullptr), 1);
  EXPECT_EQ(fxp_statistics_lookup(registry, "logits"), 1);
  float values[6] = {0.5f, -1.0f, 2.0f, 0.0f, 3.25f, kNaN};
  fxp_observe_f32(registry, id, values, 6);
  std::string path = ::testing::TempDir() + "fxp_capi_statistics.json";
  ASSERT_EQ(fxp_statistics_write(registry, path.c_str()), 0);

  void *restored = fxp_statistics_registry_create();
  ASSERT_EQ(fxp_statistics_read(restored, path.c_str()), 0);
  std::vector<TensorStatistics> a =
      static_cast<StatisticsRegistry *>(registry)->snapshot();
  std::vector<TensorStatistics> b =
      static_cast<StatisticsRegistry *>(restored)->snapshot();
  EXPECT_EQ(a, b);
  EXPECT_EQ(b[0].getShape(), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(fxp_statistics_read(restored, "/nonexistent/stats.json"), 1);
  fxp_statistics_registry_destroy(restored);
  fxp_statistics_registry_destroy(registry);
  std::remove(path.c_str());

  void *global = fxp_statistics_default_registry();
  EXPECT_EQ(global, fxp_statistics_default_registry());
}

} // namespace
