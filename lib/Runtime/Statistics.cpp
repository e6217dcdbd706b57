//===- Statistics.cpp - Calibration statistics runtime --------------------===//
//
// Part of the fxp project: plain C++ runtime (no MLIR or LLVM dependency).
//
//===----------------------------------------------------------------------===//
//
// The hot loop (TensorStatistics::observe) reads each float's bits once:
//   exponent field 1..254 (normal numbers, the common case):
//     block  = (sign, MSB position e - 127)  -> histogram block index
//     subBin = bits 22..15 (the 8 mantissa bits below the MSB)
//     m      = mantissa | 2^23 (the 24-bit significand), summed with m^2
//   exponent 0 (zeros, subnormals) and 255 (Inf, NaN) take a rare branch.
// Extremes are tracked in registers with float compares. There is no
// division, log or per-element lock. The significand sums go to 64-bit
// accumulators, flushed into the exact 128-bit sums every 2^16 values.
// Data with many zeros (ReLU outputs) would mispredict that branch half the
// time, so chunks of 1024 values are handled one of two ways, chosen from
// the previous chunk: one loop with the branch (fewer than 1/16 specials),
// or a branch-free pass that counts zeros and packs the normal floats, then
// a loop over the packed ones. Both make the same updates, so the result
// does not depend on the choice.
//
// Threading: per tensor, kShards accumulators each behind its own mutex
// ("striped locks"). A call locks one shard for its whole buffer: its home
// shard (thread ordinal mod kShards) if free, else the first free one, else
// it waits for its home shard. Compared with per-thread accumulators merged
// at the end this keeps memory bounded by kShards per tensor, and snapshot()
// needs no cooperation from the observing threads.
//
//===----------------------------------------------------------------------===//

#include "fxp/Runtime/Statistics.h"
#include "fxp/Runtime/StatisticsFile.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <unordered_map>

using namespace mlir;
using namespace mlir::fxp;

using UInt128 = TensorStatistics::UInt128;

//===----------------------------------------------------------------------===//
// TensorStatistics
//===----------------------------------------------------------------------===//

TensorStatistics::TensorStatistics()
    : sums(ValueHistogram::kNumBlocks), pendingSum(ValueHistogram::kNumBlocks),
      pendingSumOfSquares(ValueHistogram::kNumBlocks) {}

TensorStatistics::TensorStatistics(std::string name,
                                   std::optional<std::vector<int64_t>> shape)
    : TensorStatistics() {
  this->name = std::move(name);
  this->shape = std::move(shape);
}

TensorStatistics::SignificandSums
TensorStatistics::getSums(unsigned blockIndex) const {
  SignificandSums result = sums[blockIndex];
  result.sum += pendingSum[blockIndex];
  result.sumOfSquares += pendingSumOfSquares[blockIndex];
  return result;
}

void TensorStatistics::setSums(unsigned blockIndex,
                               const SignificandSums &value) {
  sums[blockIndex] = value;
  pendingSum[blockIndex] = 0;
  pendingSumOfSquares[blockIndex] = 0;
}

void TensorStatistics::flushPendingSums() {
  for (unsigned i = 0; i < ValueHistogram::kNumBlocks; ++i) {
    sums[i].sum += pendingSum[i];
    sums[i].sumOfSquares += pendingSumOfSquares[i];
    pendingSum[i] = 0;
    pendingSumOfSquares[i] = 0;
  }
  pendingCount = 0;
}

namespace {
/// Per-call accumulators of observe, kept in registers.
struct ObserveState {
  ValueHistogram &histogram;
  uint64_t *sum;
  uint64_t *sumOfSquares;
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  uint64_t zeros = 0;
  uint64_t nan = 0, posInf = 0, negInf = 0;

  /// A normal float (exponent field 1..254): MSB position = exponent - 127,
  /// block index = position + 149 (+ 277 when negative).
  void addNormal(uint32_t bits) {
    constexpr unsigned kBias = unsigned(-ValueHistogram::kMinPosition) - 127;
    unsigned index = (bits >> 31) * unsigned(ValueHistogram::kNumPositions) +
                     ((bits >> 23) & 0xff) + kBias;
    ++histogram.blockAt(index)[(bits >> 15) & 0xff];
    uint64_t m = (bits & 0x7fffff) | 0x800000u;
    sum[index] += m;
    sumOfSquares[index] += m * m;
    float x;
    std::memcpy(&x, &bits, sizeof(x));
    lo = x < lo ? x : lo;
    hi = x > hi ? x : hi;
  }

  /// Zeros, subnormals, Inf and NaN.
  void addSpecial(uint32_t bits) {
    uint32_t exponent = (bits >> 23) & 0xff;
    uint32_t mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      if (mantissa != 0)
        ++nan;
      else if (bits >> 31)
        ++negInf;
      else
        ++posInf;
      return;
    }
    if (mantissa == 0) {
      ++zeros;
      return;
    }
    // Subnormal: the significand normalized on its highest set bit.
    float x;
    std::memcpy(&x, &bits, sizeof(x));
    auto [position, subBin] = ValueHistogram::binOf(x);
    unsigned index = ValueHistogram::blockIndex(bits >> 31, position);
    ++histogram.blockAt(index)[subBin];
    uint64_t m = uint64_t(mantissa) << (23 - (position + 149));
    sum[index] += m;
    sumOfSquares[index] += m * m;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
};
} // namespace

/// Values per chunk of observe's loop choice.
static constexpr int64_t kChunk = 1024;
/// Values between flushes of the 64-bit sums (m^2 < 2^48).
static constexpr uint64_t kFlushInterval = uint64_t(1) << 16;

void TensorStatistics::observe(const float *data, int64_t count) {
  ObserveState state{histogram, pendingSum.data(), pendingSumOfSquares.data()};
  uint32_t normals[kChunk];
  for (int64_t begin = 0; begin < count; begin += kChunk) {
    int64_t length = std::min(kChunk, count - begin);
    if (pendingCount + uint64_t(length) > kFlushInterval)
      flushPendingSums();
    pendingCount += uint64_t(length);
    const float *chunk = data + begin;
    int64_t specials = 0;
    if (!compactNextChunk) {
      // Dense data: one loop, a rarely taken branch for the specials.
      for (int64_t i = 0; i < length; ++i) {
        uint32_t bits;
        std::memcpy(&bits, chunk + i, sizeof(bits));
        if (__builtin_expect(((bits >> 23) & 0xff) - 1u >= 254u, 0)) {
          ++specials;
          state.addSpecial(bits);
          continue;
        }
        state.addNormal(bits);
      }
    } else {
      // Many zeros (ReLU outputs): a branch-free pass counts zeros and
      // packs the normal floats, so that no loop branches on the data.
      int64_t packed = 0;
      uint64_t zeros = 0;
      for (int64_t i = 0; i < length; ++i) {
        uint32_t bits;
        std::memcpy(&bits, chunk + i, sizeof(bits));
        normals[packed] = bits;
        packed += ((bits >> 23) & 0xff) - 1u < 254u;
        zeros += (bits << 1) == 0;
      }
      state.zeros += zeros;
      specials = length - packed;
      if (uint64_t(specials) != zeros) {
        // Subnormals, Inf or NaN as well: rare, take them one by one.
        for (int64_t i = 0; i < length; ++i) {
          uint32_t bits;
          std::memcpy(&bits, chunk + i, sizeof(bits));
          if (((bits >> 23) & 0xff) - 1u >= 254u && (bits << 1) != 0)
            state.addSpecial(bits);
        }
      }
      for (int64_t i = 0; i < packed; ++i)
        state.addNormal(normals[i]);
    }
    compactNextChunk = specials * 16 >= length;
  }
  nanCount += state.nan;
  posInfCount += state.posInf;
  negInfCount += state.negInf;
  if (state.zeros != 0) {
    histogram.addZeros(state.zeros);
    state.lo = std::min(state.lo, 0.0f);
    state.hi = std::max(state.hi, 0.0f);
  }
  if (state.lo <= state.hi)
    histogram.includeExtremes(state.lo, state.hi);
}

void TensorStatistics::merge(const TensorStatistics &other) {
  histogram.merge(other.histogram);
  for (unsigned i = 0; i < ValueHistogram::kNumBlocks; ++i) {
    SignificandSums value = other.getSums(i);
    sums[i].sum += value.sum;
    sums[i].sumOfSquares += value.sumOfSquares;
  }
  nanCount += other.nanCount;
  posInfCount += other.posInfCount;
  negInfCount += other.negInfCount;
}

/// Sum over blocks of +-S * 2^(scale * (position - 23)), smallest
/// magnitudes first; S is `select(getSums(block))`.
template <typename Select>
static long double evaluateSums(const TensorStatistics &statistics, int scale,
                                bool signedSum, Select select) {
  long double total = 0;
  for (int p = ValueHistogram::kMinPosition; p <= ValueHistogram::kMaxPosition;
       ++p) {
    for (bool negative : {false, true}) {
      UInt128 value =
          select(statistics.getSums(ValueHistogram::blockIndex(negative, p)));
      if (value == 0)
        continue;
      long double term =
          std::ldexp(static_cast<long double>(value), scale * (p - 23));
      total += (signedSum && negative) ? -term : term;
    }
  }
  return total;
}

double TensorStatistics::sum() const {
  return double(evaluateSums(*this, 1, true,
                             [](const SignificandSums &s) { return s.sum; }));
}

double TensorStatistics::sumOfSquares() const {
  return double(evaluateSums(*this, 2, false, [](const SignificandSums &s) {
    return s.sumOfSquares;
  }));
}

double TensorStatistics::mean() const {
  uint64_t n = finiteCount();
  if (n == 0)
    return std::numeric_limits<double>::quiet_NaN();
  return double(evaluateSums(*this, 1, true,
                             [](const SignificandSums &s) { return s.sum; }) /
                (long double)n);
}

double TensorStatistics::variance() const {
  uint64_t n = finiteCount();
  if (n == 0)
    return std::numeric_limits<double>::quiet_NaN();
  long double mean =
      evaluateSums(*this, 1, true,
                   [](const SignificandSums &s) { return s.sum; }) /
      (long double)n;
  long double meanSquare =
      evaluateSums(*this, 2, false,
                   [](const SignificandSums &s) { return s.sumOfSquares; }) /
      (long double)n;
  return double(std::max<long double>(0, meanSquare - mean * mean));
}

bool TensorStatistics::operator==(const TensorStatistics &other) const {
  if (name != other.name || shape != other.shape ||
      histogram != other.histogram || nanCount != other.nanCount ||
      posInfCount != other.posInfCount || negInfCount != other.negInfCount)
    return false;
  for (unsigned i = 0; i < ValueHistogram::kNumBlocks; ++i)
    if (!(getSums(i) == other.getSums(i)))
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// StatisticsRegistry
//===----------------------------------------------------------------------===//

namespace {
/// One independently locked accumulator, on its own cache lines.
struct alignas(64) Shard {
  std::mutex mutex;
  std::unique_ptr<TensorStatistics> statistics; // allocated on first use
};
} // namespace

struct StatisticsRegistry::Entry {
  std::string name;
  std::optional<std::vector<int64_t>> shape; // guarded by the registry mutex
  Shard shards[kShards];
};

struct StatisticsRegistry::Impl {
  static constexpr int64_t kChunkSize = 256;
  static constexpr int64_t kNumChunks = kMaxTensors / kChunkSize;

  /// Entries live in fixed-size chunks published through atomic pointers,
  /// so observe finds them without the registry mutex.
  std::atomic<std::atomic<Entry *> *> chunks[kNumChunks] = {};
  std::mutex mutex;
  std::vector<std::unique_ptr<std::atomic<Entry *>[]>> chunkStorage;
  std::vector<std::unique_ptr<Entry>> entries;
  std::unordered_map<std::string, int64_t> ids;
};

StatisticsRegistry::StatisticsRegistry() : impl(std::make_unique<Impl>()) {}
StatisticsRegistry::~StatisticsRegistry() = default;

static std::string
describeShape(const std::optional<std::vector<int64_t>> &shape) {
  if (!shape)
    return "unknown";
  std::string text = "[";
  for (size_t i = 0; i < shape->size(); ++i)
    text += (i ? ", " : "") + std::to_string((*shape)[i]);
  return text + "]";
}

static bool compatibleShapes(const std::optional<std::vector<int64_t>> &a,
                             const std::optional<std::vector<int64_t>> &b) {
  return !a || !b || *a == *b;
}

int64_t StatisticsRegistry::registerLocked(
    const std::string &name, const std::optional<std::vector<int64_t>> &shape,
    std::string *error) {
  auto fail = [&](std::string message) {
    if (error)
      *error = std::move(message);
    return int64_t(-1);
  };
  if (name.empty())
    return fail("cannot register a tensor with an empty name");
  auto found = impl->ids.find(name);
  if (found != impl->ids.end()) {
    Entry &entry = *impl->entries[found->second];
    if (!compatibleShapes(entry.shape, shape))
      return fail("tensor '" + name + "' is registered with shape " +
                  describeShape(entry.shape) + ", not " + describeShape(shape));
    if (!entry.shape)
      entry.shape = shape;
    return found->second;
  }
  int64_t id = int64_t(impl->entries.size());
  if (id >= kMaxTensors)
    return fail("too many tensors (at most " + std::to_string(kMaxTensors) +
                ")");
  int64_t chunkIndex = id / Impl::kChunkSize;
  std::atomic<Entry *> *chunk =
      impl->chunks[chunkIndex].load(std::memory_order_relaxed);
  if (!chunk) {
    impl->chunkStorage.push_back(
        std::make_unique<std::atomic<Entry *>[]>(Impl::kChunkSize));
    chunk = impl->chunkStorage.back().get();
    for (int64_t i = 0; i < Impl::kChunkSize; ++i)
      chunk[i].store(nullptr, std::memory_order_relaxed);
    impl->chunks[chunkIndex].store(chunk, std::memory_order_release);
  }
  auto entry = std::make_unique<Entry>();
  entry->name = name;
  entry->shape = shape;
  chunk[id % Impl::kChunkSize].store(entry.get(), std::memory_order_release);
  impl->entries.push_back(std::move(entry));
  impl->ids.emplace(name, id);
  return id;
}

int64_t
StatisticsRegistry::registerTensor(const std::string &name,
                                   std::optional<std::vector<int64_t>> shape,
                                   std::string *error) {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return registerLocked(name, shape, error);
}

int64_t StatisticsRegistry::lookup(const std::string &name) const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  auto found = impl->ids.find(name);
  return found == impl->ids.end() ? -1 : found->second;
}

int64_t StatisticsRegistry::size() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return int64_t(impl->entries.size());
}

StatisticsRegistry::Entry *StatisticsRegistry::getEntry(int64_t id) const {
  if (id < 0 || id >= kMaxTensors)
    return nullptr;
  std::atomic<Entry *> *chunk =
      impl->chunks[id / Impl::kChunkSize].load(std::memory_order_acquire);
  if (!chunk)
    return nullptr;
  return chunk[id % Impl::kChunkSize].load(std::memory_order_acquire);
}

/// A small number per thread, assigned on first use, that spreads threads
/// over the shards.
static unsigned threadOrdinal() {
  static std::atomic<unsigned> next{0};
  thread_local unsigned ordinal = next.fetch_add(1, std::memory_order_relaxed);
  return ordinal;
}

/// Runs `accumulate(TensorStatistics &)` on one locked shard of `entry`.
template <typename Accumulate>
static void withShard(Shard (&shards)[StatisticsRegistry::kShards],
                      Accumulate accumulate) {
  constexpr unsigned kShards = StatisticsRegistry::kShards;
  unsigned home = threadOrdinal() % kShards;
  auto run = [&](Shard &shard) {
    if (!shard.statistics)
      shard.statistics = std::make_unique<TensorStatistics>();
    accumulate(*shard.statistics);
  };
  for (unsigned k = 0; k < kShards; ++k) {
    Shard &shard = shards[(home + k) % kShards];
    if (shard.mutex.try_lock()) {
      run(shard);
      shard.mutex.unlock();
      return;
    }
  }
  std::lock_guard<std::mutex> lock(shards[home].mutex);
  run(shards[home]);
}

void StatisticsRegistry::observe(int64_t id, const float *data, int64_t count) {
  Entry *entry = getEntry(id);
  if (!entry || count <= 0)
    return;
  withShard(entry->shards, [&](TensorStatistics &statistics) {
    statistics.observe(data, count);
  });
}

void StatisticsRegistry::observeStrided(int64_t id, const float *data,
                                        int64_t rank, const int64_t *sizes,
                                        const int64_t *strides) {
  Entry *entry = getEntry(id);
  if (!entry)
    return;
  if (rank <= 0) {
    observe(id, data, 1);
    return;
  }
  // Merge dimensions that are contiguous with the next one, innermost first.
  std::vector<int64_t> dimSizes, dimStrides;
  for (int64_t d = 0; d < rank; ++d) {
    if (sizes[d] <= 0)
      return;
    if (sizes[d] == 1)
      continue;
    if (!dimSizes.empty() && dimStrides.back() == sizes[d] * strides[d]) {
      dimSizes.back() *= sizes[d];
      dimStrides.back() = strides[d];
      continue;
    }
    dimSizes.push_back(sizes[d]);
    dimStrides.push_back(strides[d]);
  }
  if (dimSizes.empty()) {
    observe(id, data, 1);
    return;
  }
  size_t inner = dimSizes.size() - 1;
  int64_t rowLength = dimSizes[inner];
  int64_t rowStride = dimStrides[inner];
  withShard(entry->shards, [&](TensorStatistics &statistics) {
    std::vector<int64_t> index(inner, 0);
    float buffer[256];
    while (true) {
      const float *row = data;
      for (size_t d = 0; d < inner; ++d)
        row += index[d] * dimStrides[d];
      if (rowStride == 1) {
        statistics.observe(row, rowLength);
      } else {
        for (int64_t begin = 0; begin < rowLength; begin += 256) {
          int64_t n = std::min<int64_t>(256, rowLength - begin);
          for (int64_t i = 0; i < n; ++i)
            buffer[i] = row[(begin + i) * rowStride];
          statistics.observe(buffer, n);
        }
      }
      // Odometer over the outer dimensions.
      size_t d = inner;
      while (d > 0) {
        --d;
        if (++index[d] < dimSizes[d])
          break;
        index[d] = 0;
        if (d == 0)
          return;
      }
      if (inner == 0)
        return;
    }
  });
}

bool StatisticsRegistry::merge(const std::vector<TensorStatistics> &statistics,
                               std::string *error) {
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    // Validate everything first so that a mismatch changes nothing.
    std::unordered_map<std::string, std::optional<std::vector<int64_t>>> seen;
    for (const TensorStatistics &tensor : statistics) {
      const std::string &name = tensor.getName();
      if (name.empty()) {
        if (error)
          *error = "cannot merge statistics without a tensor name";
        return false;
      }
      std::optional<std::vector<int64_t>> known;
      auto found = impl->ids.find(name);
      if (found != impl->ids.end())
        known = impl->entries[found->second]->shape;
      auto previous = seen.find(name);
      if (previous != seen.end() && !known)
        known = previous->second;
      if (!compatibleShapes(known, tensor.getShape())) {
        if (error)
          *error = "tensor '" + name + "' has shape " +
                   describeShape(tensor.getShape()) + " but " +
                   describeShape(known) + " is registered";
        return false;
      }
      seen.emplace(name, tensor.getShape());
    }
    for (const TensorStatistics &tensor : statistics)
      ids.push_back(registerLocked(tensor.getName(), tensor.getShape(), error));
  }
  for (size_t i = 0; i < statistics.size(); ++i) {
    Entry *entry = getEntry(ids[i]);
    withShard(entry->shards, [&](TensorStatistics &accumulator) {
      accumulator.merge(statistics[i]);
    });
  }
  return true;
}

bool StatisticsRegistry::merge(const StatisticsRegistry &other,
                               std::string *error) {
  if (&other == this) {
    if (error)
      *error = "cannot merge a statistics registry into itself";
    return false;
  }
  return merge(other.snapshot(), error);
}

TensorStatistics StatisticsRegistry::snapshot(int64_t id) const {
  Entry *entry = getEntry(id);
  if (!entry)
    return TensorStatistics();
  TensorStatistics result;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    result.setName(entry->name);
    result.setShape(entry->shape);
  }
  for (Shard &shard : entry->shards) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (shard.statistics)
      result.merge(*shard.statistics);
  }
  return result;
}

std::vector<TensorStatistics> StatisticsRegistry::snapshot() const {
  std::vector<TensorStatistics> result;
  int64_t n = size();
  result.reserve(size_t(n));
  for (int64_t id = 0; id < n; ++id)
    result.push_back(snapshot(id));
  return result;
}

//===----------------------------------------------------------------------===//
// C entry points
//===----------------------------------------------------------------------===//

static StatisticsRegistry *asRegistry(void *registry) {
  return static_cast<StatisticsRegistry *>(registry);
}

extern "C" void *fxp_statistics_registry_create(void) {
  return new StatisticsRegistry();
}

extern "C" void fxp_statistics_registry_destroy(void *registry) {
  delete asRegistry(registry);
}

extern "C" void *fxp_statistics_default_registry(void) {
  // Intentionally leaked: compiled code may observe during static
  // destruction of other objects.
  static StatisticsRegistry *registry = new StatisticsRegistry();
  return registry;
}

extern "C" int64_t fxp_statistics_register(void *registry, const char *name,
                                           int64_t rank, const int64_t *shape) {
  if (!registry || !name) {
    std::fprintf(stderr, "fxp_statistics_register: null registry or name\n");
    return -1;
  }
  std::optional<std::vector<int64_t>> dims;
  if (rank >= 0)
    dims = std::vector<int64_t>(shape, shape + rank);
  std::string error;
  int64_t id = asRegistry(registry)->registerTensor(name, dims, &error);
  if (id < 0)
    std::fprintf(stderr, "fxp_statistics_register: %s\n", error.c_str());
  return id;
}

extern "C" int64_t fxp_statistics_lookup(void *registry, const char *name) {
  if (!registry || !name)
    return -1;
  return asRegistry(registry)->lookup(name);
}

extern "C" void fxp_observe_f32(void *registry, int64_t id, const float *data,
                                int64_t count) {
  if (registry)
    asRegistry(registry)->observe(id, data, count);
}

extern "C" void fxp_observe_strided_f32(void *registry, int64_t id,
                                        const float *data, int64_t rank,
                                        const int64_t *sizes,
                                        const int64_t *strides) {
  if (registry)
    asRegistry(registry)->observeStrided(id, data, rank, sizes, strides);
}

extern "C" int32_t fxp_statistics_write(void *registry, const char *path) {
  if (!registry || !path) {
    std::fprintf(stderr, "fxp_statistics_write: null registry or path\n");
    return 1;
  }
  std::string error;
  if (!writeStatisticsFile(path, asRegistry(registry)->snapshot(), &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  return 0;
}

extern "C" int32_t fxp_statistics_read(void *registry, const char *path) {
  if (!registry || !path) {
    std::fprintf(stderr, "fxp_statistics_read: null registry or path\n");
    return 1;
  }
  std::vector<TensorStatistics> statistics;
  std::string error;
  if (!readStatisticsFile(path, statistics, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  if (!asRegistry(registry)->merge(statistics, &error)) {
    std::fprintf(stderr, "%s: %s\n", path, error.c_str());
    return 1;
  }
  return 0;
}
