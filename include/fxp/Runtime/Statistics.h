//===- Statistics.h - Calibration statistics runtime ------------*- C++ -*-===//
//
// Part of the fxp project: plain C++ runtime (no MLIR or LLVM dependency),
// linked into calibration executables and JIT sessions.
//
// What `fxp.observe` records at run time, per observed tensor (keyed by a
// stable name):
//   - counts: all elements, zeros, NaN, +Inf, -Inf (NaN and Inf are excluded
//     from everything else),
//   - the exact minimum and maximum of the finite values,
//   - the log-linear ValueHistogram (MSB histogram + 256 sub-bins per
//     octave, see fxp/Numerics/FormatSelection.h),
//   - the sum and the sum of squares, kept exactly as integers: per
//     (sign, MSB position) the sum of the 24-bit significands m and of m^2
//     (a float32 x is +-m * 2^(p - 23) with m in [2^23, 2^24)). sum() and
//     sumOfSquares() evaluate these integers in a fixed order.
// Every field merges by integer addition or min/max, so statistics gathered
// in any batch order, split or thread interleaving are bit-identical,
// derived sums included.
//
// Threading: StatisticsRegistry::observe may be called from many threads at
// once. Each tensor has kShards independently locked accumulators; a thread
// takes its home shard (thread ordinal mod kShards) and falls back to the
// next free one, so threads observing the same tensor rarely wait and a
// lock is taken once per call, never per element. snapshot() merges the
// shards.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_RUNTIME_STATISTICS_H
#define FXP_RUNTIME_STATISTICS_H

#include "fxp/Numerics/FormatSelection.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::fxp {

/// Statistics of one observed tensor.
class TensorStatistics {
public:
  __extension__ typedef unsigned __int128 UInt128;

  /// Exact sums of one (sign, MSB position): sum of m and of m^2 over the
  /// values there, m being the 24-bit significand (subnormals normalized).
  struct SignificandSums {
    UInt128 sum = 0;
    UInt128 sumOfSquares = 0;
    bool operator==(const SignificandSums &other) const {
      return sum == other.sum && sumOfSquares == other.sumOfSquares;
    }
  };

  TensorStatistics();
  explicit TensorStatistics(std::string name,
                            std::optional<std::vector<int64_t>> shape = {});

  /// Stable name of the observation point ("conv1.output", ...).
  const std::string &getName() const { return name; }
  void setName(std::string newName) { name = std::move(newName); }
  /// Shape of the observed tensor when known (-1 for a dynamic dimension).
  const std::optional<std::vector<int64_t>> &getShape() const { return shape; }
  void setShape(std::optional<std::vector<int64_t>> newShape) {
    shape = std::move(newShape);
  }

  /// Accumulates `count` values. Single-threaded; the registry provides the
  /// locking. No per-element division, log or branch except for zeros,
  /// subnormals, NaN and Inf.
  void observe(const float *data, int64_t count);
  /// Adds `other` (names and shapes are not compared here).
  void merge(const TensorStatistics &other);

  /// All observed elements: finite + NaN + Inf.
  uint64_t count() const {
    return histogram.finiteCount() + nanCount + posInfCount + negInfCount;
  }
  uint64_t getNanCount() const { return nanCount; }
  uint64_t getPosInfCount() const { return posInfCount; }
  uint64_t getNegInfCount() const { return negInfCount; }
  uint64_t zeroCount() const { return histogram.zeroCount(); }
  uint64_t finiteCount() const { return histogram.finiteCount(); }
  /// Extremes of the finite values (+Inf / -Inf when there is none). Zeros
  /// of either sign count as +0.
  float min() const { return histogram.min(); }
  float max() const { return histogram.max(); }

  /// Sum and sum of squares of the finite values: the exact integer sums
  /// scaled and added in long double from the smallest magnitude up (one
  /// fixed order, so the result is a function of the exact sums only),
  /// then rounded to double.
  double sum() const;
  double sumOfSquares() const;
  /// Mean and population variance of the finite values (NaN when none).
  double mean() const;
  double variance() const;

  /// The histogram format selection consumes.
  const ValueHistogram &getHistogram() const { return histogram; }
  /// Exact sums of block `ValueHistogram::blockIndex(negative, position)`.
  SignificandSums getSums(unsigned blockIndex) const;

  /// Raw setters for readers (StatisticsFile): the caller guarantees
  /// consistency (validated there).
  ValueHistogram &getMutableHistogram() { return histogram; }
  void setSums(unsigned blockIndex, const SignificandSums &value);
  void setSpecialCounts(uint64_t nan, uint64_t posInf, uint64_t negInf) {
    nanCount = nan;
    posInfCount = posInf;
    negInfCount = negInf;
  }

  /// Bit-identical comparison of everything, name and shape included.
  bool operator==(const TensorStatistics &other) const;
  bool operator!=(const TensorStatistics &other) const {
    return !(*this == other);
  }

private:
  /// Moves the 64-bit pending sums into the 128-bit ones.
  void flushPendingSums();

  std::string name;
  std::optional<std::vector<int64_t>> shape;
  ValueHistogram histogram;
  /// Exact sums per block: `sums` plus the 64-bit accumulators the hot loop
  /// updates (flushed before they could overflow: m^2 < 2^48, so at most
  /// 2^16 values go into them between flushes).
  std::vector<SignificandSums> sums;
  std::vector<uint64_t> pendingSum;
  std::vector<uint64_t> pendingSumOfSquares;
  uint64_t pendingCount = 0;
  /// observe's loop choice for the next chunk (see Statistics.cpp).
  bool compactNextChunk = false;
  uint64_t nanCount = 0;
  uint64_t posInfCount = 0;
  uint64_t negInfCount = 0;
};

/// Thread-safe collection of statistics for many tensors, addressed by the
/// dense id that registerTensor returns.
class StatisticsRegistry {
public:
  /// Independently locked accumulators per tensor.
  static constexpr unsigned kShards = 8;
  /// Largest number of tensors a registry holds.
  static constexpr int64_t kMaxTensors = int64_t(1) << 20;

  StatisticsRegistry();
  ~StatisticsRegistry();
  StatisticsRegistry(const StatisticsRegistry &) = delete;
  StatisticsRegistry &operator=(const StatisticsRegistry &) = delete;

  /// Registers a tensor and returns its id (0, 1, ... in registration
  /// order). Registering a name again returns the existing id; its shape
  /// must be the same (or unknown on either side), else -1 is returned and
  /// `error` says why. -1 also for an empty name or a full registry.
  int64_t registerTensor(const std::string &name,
                         std::optional<std::vector<int64_t>> shape = {},
                         std::string *error = nullptr);
  /// Id of `name`, or -1.
  int64_t lookup(const std::string &name) const;
  /// Number of registered tensors.
  int64_t size() const;

  /// Accumulates `count` values into tensor `id`. Safe to call from any
  /// number of threads at once; `id` must come from registerTensor.
  void observe(int64_t id, const float *data, int64_t count);
  /// Accumulates a strided view: `rank` dimensions of `sizes` elements,
  /// `strides` in elements (a memref's layout). rank 0 is one element.
  void observeStrided(int64_t id, const float *data, int64_t rank,
                      const int64_t *sizes, const int64_t *strides);

  /// Adds every tensor of `other`, matched by name (registering the names
  /// this registry lacks). Fails without changes on a shape mismatch.
  bool merge(const StatisticsRegistry &other, std::string *error = nullptr);
  /// Adds statistics read from a file, matched by name like merge.
  bool merge(const std::vector<TensorStatistics> &statistics,
             std::string *error = nullptr);

  /// Merged statistics of every tensor, in id order. Consistent per shard
  /// while other threads keep observing.
  std::vector<TensorStatistics> snapshot() const;
  /// Merged statistics of one tensor.
  TensorStatistics snapshot(int64_t id) const;

private:
  struct Entry;
  struct Impl;
  Entry *getEntry(int64_t id) const;
  int64_t registerLocked(const std::string &name,
                         const std::optional<std::vector<int64_t>> &shape,
                         std::string *error);

  std::unique_ptr<Impl> impl;
};

} // namespace mlir::fxp

//===----------------------------------------------------------------------===//
// C entry points for compiled code (fxp.observe lowers to these)
//===----------------------------------------------------------------------===//
//
// A registry is an opaque `void *`. Typical lowering: at module
// initialization, `fxp_statistics_register` once per observe op (name and
// static shape) keeps the id in a global; each execution of the op calls
// `fxp_observe_f32` (contiguous buffer) or `fxp_observe_strided_f32` (memref
// layout). `fxp_statistics_default_registry` is a process-wide registry for
// code that has no registry argument; the driver writes it out with
// `fxp_statistics_write`. All functions are thread-safe except destroy.

extern "C" {

/// New empty registry; free with fxp_statistics_registry_destroy.
void *fxp_statistics_registry_create(void);
void fxp_statistics_registry_destroy(void *registry);
/// The process-wide registry (created on first use, never destroyed).
void *fxp_statistics_default_registry(void);

/// Registers `name` (NUL-terminated) with a shape of `rank` dimensions
/// (`shape` may be null when rank < 0: unknown shape). Returns the id, or -1
/// (the reason is printed to stderr).
int64_t fxp_statistics_register(void *registry, const char *name, int64_t rank,
                                const int64_t *shape);
/// Id of `name`, or -1.
int64_t fxp_statistics_lookup(void *registry, const char *name);

/// Observes `count` contiguous floats for tensor `id`.
void fxp_observe_f32(void *registry, int64_t id, const float *data,
                     int64_t count);
/// Observes a strided float view: `data` points at the first element (a
/// memref's aligned pointer + offset); sizes and strides have `rank` entries.
void fxp_observe_strided_f32(void *registry, int64_t id, const float *data,
                             int64_t rank, const int64_t *sizes,
                             const int64_t *strides);

/// Writes the registry to a statistics file (JSON, StatisticsFile.h).
/// Returns 0 on success, else 1 after printing the error to stderr.
int32_t fxp_statistics_write(void *registry, const char *path);
/// Merges a statistics file into the registry (to resume calibration).
/// Returns 0 on success, else 1 after printing the error to stderr.
int32_t fxp_statistics_read(void *registry, const char *path);

} // extern "C"

#endif // FXP_RUNTIME_STATISTICS_H
