//===- CudaRuntime.h - fxp's CUDA host runtime ------------------*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
// The host side of GPU execution: the `mgpu*` entry points that MLIR's
// gpu-to-llvm lowering calls (module load, launch, streams, events, memory),
// implemented over the CUDA driver API. libcuda.so.1 is opened with dlopen
// on first use, so this library builds without the CUDA toolkit and a
// program linked with it starts on machines without a GPU: the first GPU
// call then records a clear error ("no CUDA driver", "no CUDA device",
// "out of memory", "launch failed: ...") instead of crashing, later calls do
// nothing, and the caller reads the error with fxpCudaTakeError().
//
// Plain C ABI, no MLIR or LLVM dependency: linked into `quant` for the JIT
// and into the shared libraries `quant compile --target=cuda` writes.
// FXP_CUDA_DRIVER, when set, is the driver library to open instead of
// libcuda.so.1. Device memory comes from the device's stream-ordered pool
// (cuMemAllocAsync), which keeps freed blocks for the next call; set
// FXP_CUDA_NO_POOL=1 for plain cuMemAlloc/cuMemFree.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_RUNTIME_CUDARUNTIME_H
#define FXP_RUNTIME_CUDARUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Opens the driver and device 0 if not done yet. Returns 1 when a device is
/// usable; else 0 and `message` (if non-null, `size` bytes) says why.
int fxpCudaProbe(char *message, size_t size);

/// Describes device 0 ("NVIDIA H100 80GB HBM3, sm_90") into `out`; returns 0
/// when no device is usable.
int fxpCudaDeviceName(char *out, size_t size);

/// Copies the first error recorded since the last call into `message` and
/// clears it; returns 1 when there was one.
int fxpCudaTakeError(char *message, size_t size);

// The entry points of MLIR's gpu-to-llvm (signatures as it declares them).
void *mgpuModuleLoad(void *data, size_t gpuBlobSize);
void *mgpuModuleLoadJIT(void *data, int optLevel);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t paramsCount);
void *mgpuStreamCreate(void);
void mgpuStreamDestroy(void *stream);
void mgpuStreamSynchronize(void *stream);
void mgpuStreamWaitEvent(void *stream, void *event);
void *mgpuEventCreate(void);
void mgpuEventDestroy(void *event);
void mgpuEventSynchronize(void *event);
void mgpuEventRecord(void *event, void *stream);
void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream);
void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream);
void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  void *stream);
void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementSizeBytes);
void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementSizeBytes);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // FXP_RUNTIME_CUDARUNTIME_H
