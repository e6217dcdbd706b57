//===- MemRefCopy.cpp - memrefCopy for compiled models --------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// finalize-memref-to-llvm lowers copies between non-contiguous memrefs to a
// call of `memrefCopy`, which MLIR ships in libmlir_c_runner_utils. Shared
// libraries from `quant compile` carry this implementation instead, so they
// need no LLVM library at run time.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

/// {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct View {
  char *base;
  const int64_t *sizes;
  const int64_t *strides;
};

View viewOf(const UnrankedMemRef &m, int64_t elementSize) {
  auto *words = static_cast<int64_t *>(m.descriptor);
  auto *aligned = reinterpret_cast<char *>(words[1]);
  return {aligned + words[2] * elementSize, words + 3, words + 3 + m.rank};
}
} // namespace

extern "C" void memrefCopy(int64_t elementSize, UnrankedMemRef *src,
                           UnrankedMemRef *dst) {
  int64_t rank = src->rank;
  View from = viewOf(*src, elementSize), to = viewOf(*dst, elementSize);
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d)
    count *= from.sizes[d];
  if (count == 0)
    return;
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t a = 0, b = 0;
    for (int64_t d = 0; d < rank; ++d) {
      a += index[d] * from.strides[d];
      b += index[d] * to.strides[d];
    }
    std::memcpy(to.base + b * elementSize, from.base + a * elementSize,
                elementSize);
    for (int64_t d = rank; d-- > 0;) {
      if (++index[d] < from.sizes[d])
        break;
      index[d] = 0;
    }
  }
}
