/* A stand-in for libcuda.so.1 that runs on the CPU, for testing fxp's host
 * side without a GPU (FXP_CUDA_DRIVER=libmockcuda.so). Device memory is host
 * memory, copies are memcpy, kernels are not executed: each launch is
 * checked (known function, positive grid, parameters present) and counted.
 * At exit it prints what happened on stderr:
 *   mock-cuda: <image kind> module, K kernels, L launches, A allocs, F frees,
 *              C copies, P pooled
 * MOCK_CUDA_POOLS=1 advertises the stream-ordered memory pool. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
static int kernels, launches, allocs, frees, copies, pooled, bad;
static const char *image = "no";

static void report(void) {
  fprintf(stderr,
          "mock-cuda: %s module, %d kernels, %d launches, %d allocs, %d "
          "frees, %d copies, %d pooled, %d bad calls\n",
          image, kernels, launches, allocs, frees, copies, pooled, bad);
}

CUresult cuInit(unsigned flags) {
  (void)flags;
  atexit(report);
  return 0;
}
CUresult cuDeviceGetCount(int *n) { *n = 1; return 0; }
CUresult cuDeviceGet(int *d, int i) { *d = i; return 0; }
CUresult cuDeviceGetName(char *name, int len, int d) {
  (void)d;
  snprintf(name, len, "mock GPU");
  return 0;
}
CUresult cuDeviceGetAttribute(int *v, int attr, int d) {
  (void)d;
  const char *pools = getenv("MOCK_CUDA_POOLS");
  *v = attr == 75 ? 9 : attr == 76 ? 0 : attr == 115 ? (pools && *pools == '1') : 0;
  return 0;
}
CUresult cuDevicePrimaryCtxRetain(void **c, int d) { (void)d; *c = (void *)0x1; return 0; }
CUresult cuCtxSetCurrent(void *c) { return c ? 0 : 1; }
CUresult cuGetErrorString(CUresult r, const char **s) {
  *s = r ? "mock error" : "no error";
  return 0;
}
static CUresult load(void **m, const void *data) {
  const unsigned char *p = data;
  if (p[0] == 0x7f && p[1] == 'E')
    image = "ELF cubin";
  else if (p[0] == 0x50 && p[1] == 0xed && p[2] == 0x55 && p[3] == 0xba)
    image = "fatbin";
  else if (strstr((const char *)data, ".version") != NULL)
    image = "PTX";
  else
    return ++bad, 200; /* CUDA_ERROR_INVALID_IMAGE */
  *m = (void *)0x2;
  return 0;
}
CUresult cuModuleLoadData(void **m, const void *data) { return load(m, data); }
CUresult cuModuleLoadDataEx(void **m, const void *data, unsigned n, int *o, void **v) {
  (void)n; (void)o; (void)v;
  return load(m, data);
}
CUresult cuModuleUnload(void *m) { return m ? 0 : (++bad, 1); }
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
  if (!m || !name || !*name)
    return ++bad, 1;
  ++kernels;
  *f = strdup(name);
  return 0;
}
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *stream, void **params, void **extra) {
  (void)smem; (void)stream; (void)extra;
  if (!f || !gx || !gy || !gz || !bx || !by || !bz || bx * by * bz > 1024 || !params)
    return ++bad, 1;
  ++launches;
  return 0;
}
CUresult cuStreamCreate(void **s, unsigned flags) { (void)flags; *s = malloc(1); return 0; }
CUresult cuStreamDestroy_v2(void *s) { free(s); return 0; }
CUresult cuStreamSynchronize(void *s) { (void)s; return 0; }
CUresult cuStreamWaitEvent(void *s, void *e, unsigned f) { (void)s; (void)e; (void)f; return 0; }
CUresult cuEventCreate(void **e, unsigned f) { (void)f; *e = malloc(1); return 0; }
CUresult cuEventDestroy_v2(void *e) { free(e); return 0; }
CUresult cuEventRecord(void *e, void *s) { (void)e; (void)s; return 0; }
CUresult cuEventSynchronize(void *e) { (void)e; return 0; }
CUresult cuMemAlloc_v2(unsigned long long *p, size_t n) {
  ++allocs;
  *p = (unsigned long long)(uintptr_t)aligned_alloc(256, (n + 255) / 256 * 256);
  return 0;
}
CUresult cuMemAllocManaged(unsigned long long *p, size_t n, unsigned f) {
  (void)f;
  return cuMemAlloc_v2(p, n);
}
CUresult cuMemFree_v2(unsigned long long p) { ++frees; free((void *)(uintptr_t)p); return 0; }
CUresult cuMemAllocAsync(unsigned long long *p, size_t n, void *s) {
  (void)s;
  ++pooled;
  return cuMemAlloc_v2(p, n);
}
CUresult cuMemFreeAsync(unsigned long long p, void *s) { (void)s; return cuMemFree_v2(p); }
CUresult cuDeviceGetDefaultMemPool(void **pool, int d) { (void)d; *pool = (void *)0x3; return 0; }
CUresult cuMemPoolSetAttribute(void *pool, int attr, void *v) { (void)attr; (void)v; return pool ? 0 : 1; }
CUresult cuMemcpyAsync(unsigned long long d, unsigned long long s, size_t n, void *st) {
  (void)st;
  ++copies;
  memcpy((void *)(uintptr_t)d, (const void *)(uintptr_t)s, n);
  return 0;
}
CUresult cuMemsetD16Async(unsigned long long d, unsigned short v, size_t n, void *s) {
  (void)s;
  for (size_t i = 0; i < n; ++i)
    ((unsigned short *)(uintptr_t)d)[i] = v;
  return 0;
}
CUresult cuMemsetD32Async(unsigned long long d, unsigned v, size_t n, void *s) {
  (void)s;
  for (size_t i = 0; i < n; ++i)
    ((unsigned *)(uintptr_t)d)[i] = v;
  return 0;
}
CUresult cuMemHostRegister_v2(void *p, size_t n, unsigned f) { (void)p; (void)n; (void)f; return 0; }
CUresult cuMemHostUnregister(void *p) { (void)p; return 0; }
