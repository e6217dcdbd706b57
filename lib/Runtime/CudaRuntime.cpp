//===- CudaRuntime.cpp - mgpu* over the CUDA driver API -------------------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// The driver API is reached through dlopen("libcuda.so.1"): the few types
// and entry points used are declared here with the driver's C ABI, so no
// CUDA header or stub library is needed to build.
//
//===----------------------------------------------------------------------===//

#include "fxp/Runtime/CudaRuntime.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>

namespace {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUevent = void *;
using CUjit_option = int;

constexpr CUresult kSuccess = 0;
constexpr int kAttrMajor = 75, kAttrMinor = 76;
constexpr CUjit_option kJitErrorLog = 5, kJitErrorLogSize = 6,
                       kJitOptLevel = 7;
constexpr unsigned kAttachGlobal = 1;
constexpr int kAttrMemoryPools = 115;       // CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED
constexpr int kPoolReleaseThreshold = 4;    // CU_MEMPOOL_ATTR_RELEASE_THRESHOLD

/// The driver entry points, resolved once.
struct Driver {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned,
                                 CUjit_option *, void **);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, unsigned, CUstream,
                             void **, void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuStreamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *, size_t, unsigned);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemsetD16Async)(CUdeviceptr, unsigned short, size_t, CUstream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*cuMemHostRegister)(void *, size_t, unsigned);
  CUresult (*cuMemHostUnregister)(void *);
  // Stream-ordered allocation (CUDA 11.2+), used when present.
  CUresult (*cuMemAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*cuMemFreeAsync)(CUdeviceptr, CUstream);
  CUresult (*cuDeviceGetDefaultMemPool)(void **, CUdevice);
  CUresult (*cuMemPoolSetAttribute)(void *, int, void *);
};

struct State {
  std::once_flag probed;
  std::mutex errorMutex; // guards `error`
  bool usable = false;
  std::string probeError; // why no device is usable
  std::string error;      // first error since the last fxpCudaTakeError
  Driver d{};
  CUcontext context = nullptr;
  CUdevice device = 0;
  /// Allocations come from the device's memory pool, in stream order, and
  /// the pool keeps freed memory: a model's buffers are reused call after
  /// call instead of cuMemAlloc/cuMemFree each time.
  bool pooled = false;
};

State &state() {
  static State s;
  return s;
}

/// The driver's text for `r`, or fxp's for the codes a stub or broken
/// driver cannot name.
std::string describe(CUresult r) {
  const char *text = nullptr;
  if (state().d.cuGetErrorString &&
      state().d.cuGetErrorString(r, &text) == kSuccess && text)
    return text;
  switch (r) {
  case 2:
    return "out of memory (CUDA_ERROR_OUT_OF_MEMORY)";
  case 34:
    return "CUDA_ERROR_STUB_LIBRARY: this libcuda is the toolkit's link "
           "stub, not a driver";
  case 35:
    return "CUDA_ERROR_INSUFFICIENT_DRIVER: the driver is older than the "
           "runtime needs";
  case 100:
    return "no CUDA-capable device (CUDA_ERROR_NO_DEVICE)";
  default:
    return "CUDA error " + std::to_string(r);
  }
}

void record(const std::string &message) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.errorMutex);
  if (s.error.empty()) {
    s.error = message;
    std::fprintf(stderr, "fxp-cuda: %s\n", message.c_str());
  }
}

template <typename Fn> bool resolve(void *lib, const char *name, Fn &fn) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return fn != nullptr;
}

/// Loads the driver and retains device 0's primary context, once.
bool probeOnce() {
  State &s = state();
  // FXP_CUDA_DRIVER names another driver library (tests use the
  // toolkit's stub to reach the driver's own errors).
  const char *path = std::getenv("FXP_CUDA_DRIVER");
  if (!path || !*path)
    path = "libcuda.so.1";
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    s.probeError = std::string("no CUDA driver: ") + path +
                   " cannot be loaded (" + dlerror() + ")";
    return false;
  }
  Driver &d = s.d;
  bool ok = resolve(lib, "cuInit", d.cuInit) &&
            resolve(lib, "cuDeviceGetCount", d.cuDeviceGetCount) &&
            resolve(lib, "cuDeviceGet", d.cuDeviceGet) &&
            resolve(lib, "cuDeviceGetName", d.cuDeviceGetName) &&
            resolve(lib, "cuDeviceGetAttribute", d.cuDeviceGetAttribute) &&
            resolve(lib, "cuDevicePrimaryCtxRetain",
                    d.cuDevicePrimaryCtxRetain) &&
            resolve(lib, "cuCtxSetCurrent", d.cuCtxSetCurrent) &&
            resolve(lib, "cuGetErrorString", d.cuGetErrorString) &&
            resolve(lib, "cuModuleLoadData", d.cuModuleLoadData) &&
            resolve(lib, "cuModuleLoadDataEx", d.cuModuleLoadDataEx) &&
            resolve(lib, "cuModuleUnload", d.cuModuleUnload) &&
            resolve(lib, "cuModuleGetFunction", d.cuModuleGetFunction) &&
            resolve(lib, "cuLaunchKernel", d.cuLaunchKernel) &&
            resolve(lib, "cuStreamCreate", d.cuStreamCreate) &&
            resolve(lib, "cuStreamDestroy_v2", d.cuStreamDestroy) &&
            resolve(lib, "cuStreamSynchronize", d.cuStreamSynchronize) &&
            resolve(lib, "cuStreamWaitEvent", d.cuStreamWaitEvent) &&
            resolve(lib, "cuEventCreate", d.cuEventCreate) &&
            resolve(lib, "cuEventDestroy_v2", d.cuEventDestroy) &&
            resolve(lib, "cuEventRecord", d.cuEventRecord) &&
            resolve(lib, "cuEventSynchronize", d.cuEventSynchronize) &&
            resolve(lib, "cuMemAlloc_v2", d.cuMemAlloc) &&
            resolve(lib, "cuMemAllocManaged", d.cuMemAllocManaged) &&
            resolve(lib, "cuMemFree_v2", d.cuMemFree) &&
            resolve(lib, "cuMemcpyAsync", d.cuMemcpyAsync) &&
            resolve(lib, "cuMemsetD16Async", d.cuMemsetD16Async) &&
            resolve(lib, "cuMemsetD32Async", d.cuMemsetD32Async) &&
            resolve(lib, "cuMemHostRegister_v2", d.cuMemHostRegister) &&
            resolve(lib, "cuMemHostUnregister", d.cuMemHostUnregister);
  if (!ok) {
    s.probeError = "the CUDA driver lacks an entry point fxp needs (driver "
                   "too old?)";
    return false;
  }
  auto fail = [&](const char *what, CUresult r) {
    s.probeError = std::string(what) + " failed: " + describe(r);
    return false;
  };
  if (CUresult r = d.cuInit(0); r != kSuccess)
    return fail("cuInit", r);
  int count = 0;
  if (CUresult r = d.cuDeviceGetCount(&count); r != kSuccess)
    return fail("cuDeviceGetCount", r);
  if (count == 0) {
    s.probeError = "no CUDA device: the driver reports 0 GPUs";
    return false;
  }
  if (CUresult r = d.cuDeviceGet(&s.device, 0); r != kSuccess)
    return fail("cuDeviceGet", r);
  if (CUresult r = d.cuDevicePrimaryCtxRetain(&s.context, s.device);
      r != kSuccess)
    return fail("cuDevicePrimaryCtxRetain", r);
  // The stream-ordered pool, unless the driver lacks it or FXP_CUDA_NO_POOL
  // is set.
  const char *noPool = std::getenv("FXP_CUDA_NO_POOL");
  int pools = 0;
  void *pool = nullptr;
  if ((!noPool || !*noPool) && resolve(lib, "cuMemAllocAsync", d.cuMemAllocAsync) &&
      resolve(lib, "cuMemFreeAsync", d.cuMemFreeAsync) &&
      resolve(lib, "cuDeviceGetDefaultMemPool", d.cuDeviceGetDefaultMemPool) &&
      resolve(lib, "cuMemPoolSetAttribute", d.cuMemPoolSetAttribute) &&
      d.cuDeviceGetAttribute(&pools, kAttrMemoryPools, s.device) == kSuccess &&
      pools && d.cuDeviceGetDefaultMemPool(&pool, s.device) == kSuccess) {
    uint64_t keep = UINT64_MAX;
    s.pooled = d.cuMemPoolSetAttribute(pool, kPoolReleaseThreshold, &keep) ==
               kSuccess;
  }
  s.usable = true;
  return true;
}

/// Makes the context current for a GPU call; false (and an error recorded
/// once) when there is no usable device or an earlier call failed.
/// Probes once (thread-safe); true when a device is usable.
bool probe() {
  State &s = state();
  std::call_once(s.probed, [] { probeOnce(); });
  return s.usable;
}

bool enter() {
  State &s = state();
  if (!probe()) {
    record(s.probeError);
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(s.errorMutex);
    if (!s.error.empty())
      return false;
  }
  s.d.cuCtxSetCurrent(s.context);
  return true;
}

/// Records a failed call as "<what><detail> failed: <reason>"; the text is
/// only built on failure (launches and allocations pass here every call).
bool check(CUresult r, const char *what, const std::string_view detail = {}) {
  if (r == kSuccess)
    return true;
  record(std::string(what) + std::string(detail) + " failed: " + describe(r));
  return false;
}

void copyOut(const std::string &text, char *out, size_t size) {
  if (!out || size == 0)
    return;
  std::snprintf(out, size, "%s", text.c_str());
}

CUdeviceptr dev(void *p) { return reinterpret_cast<CUdeviceptr>(p); }

} // namespace

extern "C" {

int fxpCudaProbe(char *message, size_t size) {
  if (probe())
    return 1;
  copyOut(state().probeError, message, size);
  return 0;
}

int fxpCudaDeviceName(char *out, size_t size) {
  State &s = state();
  if (!probe())
    return 0;
  char name[256] = {0};
  int major = 0, minor = 0;
  s.d.cuDeviceGetName(name, sizeof(name) - 1, s.device);
  s.d.cuDeviceGetAttribute(&major, kAttrMajor, s.device);
  s.d.cuDeviceGetAttribute(&minor, kAttrMinor, s.device);
  copyOut(std::string(name) + ", sm_" + std::to_string(major) +
              std::to_string(minor),
          out, size);
  return 1;
}

int fxpCudaTakeError(char *message, size_t size) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.errorMutex);
  if (s.error.empty())
    return 0;
  copyOut(s.error, message, size);
  s.error.clear();
  return 1;
}

void *mgpuModuleLoad(void *data, size_t) {
  if (!enter())
    return nullptr;
  CUmodule module = nullptr;
  check(state().d.cuModuleLoadData(&module, data),
        "loading the GPU binary (cuModuleLoadData; is it built for this "
        "GPU's architecture?)");
  return module;
}

void *mgpuModuleLoadJIT(void *data, int optLevel) {
  if (!enter())
    return nullptr;
  char log[4096] = {0};
  CUjit_option options[] = {kJitOptLevel, kJitErrorLog, kJitErrorLogSize};
  void *values[] = {reinterpret_cast<void *>(static_cast<intptr_t>(optLevel)),
                    log, reinterpret_cast<void *>(sizeof(log))};
  CUmodule module = nullptr;
  CUresult r =
      state().d.cuModuleLoadDataEx(&module, data, 3, options, values);
  if (r != kSuccess && log[0])
    record(std::string("JIT-compiling the PTX failed: ") + log);
  check(r, "JIT-compiling the PTX (cuModuleLoadDataEx)");
  return module;
}

void mgpuModuleUnload(void *module) {
  if (module && enter())
    check(state().d.cuModuleUnload(module), "cuModuleUnload");
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!module || !enter())
    return nullptr;
  CUfunction fn = nullptr;
  check(state().d.cuModuleGetFunction(&fn, module, name), "finding kernel ",
        name);
  return fn;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t) {
  if (!function || !enter())
    return;
  if (gridX <= 0 || gridY <= 0 || gridZ <= 0)
    return; // an empty batch: nothing to do
  check(state().d.cuLaunchKernel(function, gridX, gridY, gridZ, blockX,
                                 blockY, blockZ, smem, stream, params, extra),
        "kernel launch (cuLaunchKernel)");
}

void *mgpuStreamCreate(void) {
  if (!enter())
    return nullptr;
  CUstream stream = nullptr;
  check(state().d.cuStreamCreate(&stream, 0), "cuStreamCreate");
  return stream;
}

void mgpuStreamDestroy(void *stream) {
  if (stream && enter())
    check(state().d.cuStreamDestroy(stream), "cuStreamDestroy");
}

void mgpuStreamSynchronize(void *stream) {
  if (enter())
    check(state().d.cuStreamSynchronize(stream),
          "running the kernels (cuStreamSynchronize)");
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  if (enter())
    check(state().d.cuStreamWaitEvent(stream, event, 0), "cuStreamWaitEvent");
}

void *mgpuEventCreate(void) {
  if (!enter())
    return nullptr;
  CUevent event = nullptr;
  check(state().d.cuEventCreate(&event, /*CU_EVENT_DISABLE_TIMING=*/2),
        "cuEventCreate");
  return event;
}

void mgpuEventDestroy(void *event) {
  if (event && enter())
    check(state().d.cuEventDestroy(event), "cuEventDestroy");
}

void mgpuEventSynchronize(void *event) {
  if (event && enter())
    check(state().d.cuEventSynchronize(event), "cuEventSynchronize");
}

void mgpuEventRecord(void *event, void *stream) {
  if (event && enter())
    check(state().d.cuEventRecord(event, stream), "cuEventRecord");
}

void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared) {
  if (!enter())
    return nullptr;
  if (sizeBytes == 0)
    return nullptr;
  CUdeviceptr ptr = 0;
  CUresult r;
  if (isHostShared)
    r = state().d.cuMemAllocManaged(&ptr, sizeBytes, kAttachGlobal);
  else if (state().pooled)
    r = state().d.cuMemAllocAsync(&ptr, sizeBytes, stream);
  else
    r = state().d.cuMemAlloc(&ptr, sizeBytes);
  if (r != kSuccess)
    check(r, "allocating ",
          std::to_string(sizeBytes) + " bytes of device memory");
  return reinterpret_cast<void *>(ptr);
}

void mgpuMemFree(void *ptr, void *stream) {
  if (!ptr || !enter())
    return;
  if (state().pooled)
    check(state().d.cuMemFreeAsync(dev(ptr), stream), "cuMemFreeAsync");
  else
    check(state().d.cuMemFree(dev(ptr)), "cuMemFree");
}

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  if (sizeBytes == 0 || !dst || !src || !enter())
    return;
  check(state().d.cuMemcpyAsync(dev(dst), dev(src), sizeBytes, stream),
        "cuMemcpyAsync");
}

void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream) {
  if (count && dst && enter())
    check(state().d.cuMemsetD32Async(dev(dst), value, count, stream),
          "cuMemsetD32Async");
}

void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  void *stream) {
  if (count && dst && enter())
    check(state().d.cuMemsetD16Async(dev(dst), value, count, stream),
          "cuMemsetD16Async");
}

/// Bytes spanned by a ranked memref descriptor {alloc, aligned, offset,
/// sizes[rank], strides[rank]}.
static size_t spannedBytes(int64_t rank, void *descriptor,
                           int64_t elementSizeBytes, void **base) {
  auto *words = static_cast<int64_t *>(descriptor);
  auto *aligned = reinterpret_cast<char *>(words[1]);
  int64_t offset = words[2];
  // Elements spanned: 1 + sum (size - 1) * stride; none when a size is 0.
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (words[3 + d] == 0)
      return 0;
    count += (words[3 + d] - 1) * std::abs(words[3 + rank + d]);
  }
  *base = aligned + offset * elementSizeBytes;
  return static_cast<size_t>(count * elementSizeBytes);
}

void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementSizeBytes) {
  if (!enter())
    return;
  void *base = nullptr;
  size_t bytes = spannedBytes(rank, descriptor, elementSizeBytes, &base);
  if (bytes)
    check(state().d.cuMemHostRegister(base, bytes, 0), "cuMemHostRegister");
}

void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementSizeBytes) {
  if (!enter())
    return;
  void *base = nullptr;
  if (spannedBytes(rank, descriptor, elementSizeBytes, &base))
    check(state().d.cuMemHostUnregister(base), "cuMemHostUnregister");
}

} // extern "C"
