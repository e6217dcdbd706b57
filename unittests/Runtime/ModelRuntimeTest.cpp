//===- ModelRuntimeTest.cpp - fxp's CUDA runtime and memrefCopy -----------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// ctest runs every case in a process of its own, so each starts with the
// runtime unprobed and FXP_CUDA_DRIVER set as the case needs.
//
//===----------------------------------------------------------------------===//

#include "fxp/Runtime/CudaRuntime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" void memrefCopy(int64_t elementSize, void *src, void *dst);

namespace {

struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

template <int Rank> struct Descriptor {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

std::string takeError() {
  char message[1024] = {0};
  if (!fxpCudaTakeError(message, sizeof(message)))
    return "";
  return message;
}

TEST(MemRefCopy, StridedToContiguous) {
  // Source: the transpose of a 3x4 row-major matrix (a 4x3 view with
  // strides {1, 4}) at offset 1 of its buffer.
  std::vector<int32_t> source(13);
  for (int i = 0; i < 13; ++i)
    source[i] = 100 + i;
  std::vector<int32_t> target(12, -1);
  Descriptor<2> from{source.data(), source.data(), 1, {4, 3}, {1, 4}};
  Descriptor<2> to{target.data(), target.data(), 0, {4, 3}, {3, 1}};
  UnrankedMemRef src{2, &from}, dst{2, &to};
  memrefCopy(sizeof(int32_t), &src, &dst);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(target[r * 3 + c], 100 + 1 + r + 4 * c) << r << "," << c;
}

TEST(MemRefCopy, EmptyAndScalar) {
  int64_t a = 7, b = 0;
  Descriptor<1> empty{&a, &a, 0, {0}, {1}};
  Descriptor<1> other{&b, &b, 0, {0}, {1}};
  UnrankedMemRef src{1, &empty}, dst{1, &other};
  memrefCopy(sizeof(int64_t), &src, &dst);
  EXPECT_EQ(b, 0);
  struct {
    void *allocated, *aligned;
    int64_t offset;
  } s0{&a, &a, 0}, s1{&b, &b, 0};
  UnrankedMemRef rank0Src{0, &s0}, rank0Dst{0, &s1};
  memrefCopy(sizeof(int64_t), &rank0Src, &rank0Dst);
  EXPECT_EQ(b, 7);
}

TEST(CudaRuntime, NoDriverIsAnErrorNotACrash) {
  setenv("FXP_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
  char message[512] = {0};
  EXPECT_EQ(fxpCudaProbe(message, sizeof(message)), 0);
  EXPECT_NE(std::string(message).find(
                "no CUDA driver: /nonexistent/libcuda.so.1 cannot be loaded"),
            std::string::npos)
      << message;
  char name[128] = {0};
  EXPECT_EQ(fxpCudaDeviceName(name, sizeof(name)), 0);

  // Every entry point of gpu-to-llvm returns without touching memory.
  void *stream = mgpuStreamCreate();
  EXPECT_EQ(stream, nullptr);
  EXPECT_EQ(mgpuMemAlloc(1024, stream, false), nullptr);
  int host = 5;
  mgpuMemcpy(&host, nullptr, sizeof(host), stream);
  EXPECT_EQ(host, 5);
  EXPECT_EQ(mgpuModuleLoad(&host, sizeof(host)), nullptr);
  EXPECT_EQ(mgpuModuleLoadJIT(&host, 2), nullptr);
  EXPECT_EQ(mgpuModuleGetFunction(nullptr, "kernel"), nullptr);
  mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, stream, nullptr, nullptr, 0);
  mgpuMemset32(nullptr, 0, 4, stream);
  mgpuMemset16(nullptr, 0, 4, stream);
  mgpuMemFree(nullptr, stream);
  mgpuEventRecord(mgpuEventCreate(), stream);
  mgpuStreamSynchronize(stream);
  mgpuStreamDestroy(stream);

  // The first error is reported once, then cleared; a later call records
  // it again.
  std::string first = takeError();
  EXPECT_NE(first.find("no CUDA driver"), std::string::npos) << first;
  EXPECT_EQ(takeError(), "");
  EXPECT_EQ(mgpuStreamCreate(), nullptr);
  EXPECT_NE(takeError().find("no CUDA driver"), std::string::npos);
}

TEST(CudaRuntime, StubDriverNamesTheDriverError) {
  const char *stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
  struct stat info;
  if (stat(stub, &info) != 0)
    GTEST_SKIP() << "no CUDA toolkit stub at " << stub;
  setenv("FXP_CUDA_DRIVER", stub, 1);
  char message[512] = {0};
  EXPECT_EQ(fxpCudaProbe(message, sizeof(message)), 0);
  EXPECT_NE(std::string(message).find(
                "cuInit failed: CUDA_ERROR_STUB_LIBRARY"),
            std::string::npos)
      << message;
  EXPECT_EQ(mgpuMemAlloc(16, nullptr, false), nullptr);
  EXPECT_NE(takeError().find("CUDA_ERROR_STUB_LIBRARY"), std::string::npos);
}

} // namespace
