//===- gpu_bench.cpp - fxp's GPU kernels against cuBLASLt and cuDNN -------===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//
//
//   gpu_bench gemm KERNELS_DIR         int8 GEMM (gemm.so) vs cuBLASLt
//   gpu_bench conv KERNELS_DIR         the reference model's convolutions
//                                      (conv_*.so, shapes.txt) vs cuDNN
//   gpu_bench network MODEL.so BATCH   whole quantized network per batch
//
// KERNELS_DIR comes from make_kernels.py (fxp shared libraries compiled with
// device-arguments, so they take device pointers). Every fxp kernel's
// result is compared with the vendor library's on the same random data
// before it is timed. fxp kernel time = (time of a call repeating the
// kernel R+1 times - time of a call running it once) / R, which removes the
// per-call stream setup; vendor kernels are timed with CUDA events.
//
//===----------------------------------------------------------------------===//

#include <cublasLt.h>
#include <cuda_runtime.h>
#include <cudnn.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

#define CHECK_CUDA(x)                                                          \
  do {                                                                         \
    cudaError_t e = (x);                                                       \
    if (e != cudaSuccess) {                                                    \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x,          \
                   cudaGetErrorString(e));                                     \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

template <int Rank> struct Desc {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

template <int Rank> Desc<Rank> descOf(void *ptr, const int64_t (&shape)[Rank]) {
  Desc<Rank> d{ptr, ptr, 0, {}, {}};
  int64_t stride = 1;
  for (int i = Rank - 1; i >= 0; --i) {
    d.sizes[i] = shape[i];
    d.strides[i] = stride;
    stride *= shape[i];
  }
  return d;
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A compiled fxp library and its error channel.
struct FxpLibrary {
  void *handle = nullptr;
  int (*takeError)(char *, size_t) = nullptr;
  explicit FxpLibrary(const std::string &path) {
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), dlerror());
      std::exit(1);
    }
    takeError = reinterpret_cast<int (*)(char *, size_t)>(
        dlsym(handle, "fxpCudaTakeError"));
  }
  void *symbol(const char *name) const {
    void *s = dlsym(handle, name);
    if (!s) {
      std::fprintf(stderr, "missing symbol %s\n", name);
      std::exit(1);
    }
    return s;
  }
  void check(const char *what) const {
    char message[1024];
    if (takeError && takeError(message, sizeof(message))) {
      std::fprintf(stderr, "%s: fxp GPU error: %s\n", what, message);
      std::exit(1);
    }
  }
};

/// Median wall time of `fn` over `n` runs.
template <typename Fn> double medianSeconds(int n, Fn fn) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) {
    double start = now();
    fn();
    CHECK_CUDA(cudaDeviceSynchronize());
    t.push_back(now() - start);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

/// Seconds per call of `fn` (a vendor library call on the default stream),
/// from CUDA events around `reps` back-to-back calls.
template <typename Fn> double eventSeconds(int reps, Fn fn) {
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaEventRecord(start);
  for (int i = 0; i < reps; ++i)
    fn();
  cudaEventRecord(stop);
  CHECK_CUDA(cudaEventSynchronize(stop));
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms / 1e3 / reps;
}

void fillRandom(std::vector<int8_t> &v, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  for (int8_t &x : v)
    x = static_cast<int8_t>(dist(rng));
}

void *toDevice(const void *host, size_t bytes) {
  void *d = nullptr;
  CHECK_CUDA(cudaMalloc(&d, bytes));
  CHECK_CUDA(cudaMemcpy(d, host, bytes, cudaMemcpyHostToDevice));
  return d;
}

//===----------------------------------------------------------------------===//
// GEMM
//===----------------------------------------------------------------------===//

/// C (M x N, row-major int32) = A (M x K) * B (N x K)^T with cuBLASLt IMMA:
/// column-major C^T = B' * A, i.e. "TN". Returns seconds per call.
double cublasLtGemm(int64_t m, int64_t n, int64_t k, const void *a,
                    const void *b, void *c) {
  cublasLtHandle_t lt;
  cublasLtCreate(&lt);
  cublasLtMatmulDesc_t op;
  cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32I, CUDA_R_32I);
  cublasOperation_t transA = CUBLAS_OP_T, transB = CUBLAS_OP_N;
  cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &transA,
                                 sizeof(transA));
  cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &transB,
                                 sizeof(transB));
  cublasLtMatrixLayout_t la, lb, lc;
  cublasLtMatrixLayoutCreate(&la, CUDA_R_8I, k, n, k); // B' : K x N
  cublasLtMatrixLayoutCreate(&lb, CUDA_R_8I, k, m, k); // A' : K x M
  cublasLtMatrixLayoutCreate(&lc, CUDA_R_32I, n, m, n);
  size_t workspaceBytes = 64u << 20;
  void *workspace;
  CHECK_CUDA(cudaMalloc(&workspace, workspaceBytes));
  cublasLtMatmulPreference_t pref;
  cublasLtMatmulPreferenceCreate(&pref);
  cublasLtMatmulPreferenceSetAttribute(
      pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspaceBytes,
      sizeof(workspaceBytes));
  cublasLtMatmulHeuristicResult_t heuristic;
  int found = 0;
  cublasStatus_t status = cublasLtMatmulAlgoGetHeuristic(
      lt, op, la, lb, lc, lc, pref, 1, &heuristic, &found);
  if (status != CUBLAS_STATUS_SUCCESS || found == 0) {
    std::fprintf(stderr, "cuBLASLt: no int8 algorithm (status %d)\n",
                 static_cast<int>(status));
    return -1;
  }
  int32_t alpha = 1, beta = 0;
  auto run = [&] {
    cublasLtMatmul(lt, op, &alpha, b, la, a, lb, &beta, c, lc, c, lc,
                   &heuristic.algo, workspace, workspaceBytes, 0);
  };
  run();
  CHECK_CUDA(cudaDeviceSynchronize());
  double seconds = eventSeconds(20, run);
  cudaFree(workspace);
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(la);
  cublasLtMatrixLayoutDestroy(lb);
  cublasLtMatrixLayoutDestroy(lc);
  cublasLtMatmulDescDestroy(op);
  cublasLtDestroy(lt);
  return seconds;
}

int benchGemm(const std::string &dir) {
  const int64_t m = 4096, n = 4096, k = 4096;
  FxpLibrary lib(dir + "/gemm.so");
  using Fn = void (*)(Desc<2> *, Desc<2> *, Desc<2> *, int64_t);
  auto gemm = reinterpret_cast<Fn>(lib.symbol("_mlir_ciface_gemm"));
  std::vector<int8_t> a(m * k), b(n * k);
  fillRandom(a, 1);
  fillRandom(b, 2);
  void *da = toDevice(a.data(), a.size()), *db = toDevice(b.data(), b.size());
  void *dc, *dref;
  CHECK_CUDA(cudaMalloc(&dc, m * n * 4));
  CHECK_CUDA(cudaMalloc(&dref, m * n * 4));
  auto A = descOf<2>(da, {m, k}), B = descOf<2>(db, {n, k}),
       C = descOf<2>(dc, {m, n});

  double lt = cublasLtGemm(m, n, k, da, db, dref);
  gemm(&A, &B, &C, 1);
  CHECK_CUDA(cudaDeviceSynchronize());
  lib.check("fxp gemm");
  std::vector<int32_t> got(m * n), want(m * n);
  CHECK_CUDA(cudaMemcpy(got.data(), dc, m * n * 4, cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(want.data(), dref, m * n * 4, cudaMemcpyDeviceToHost));
  int64_t differ = 0;
  for (int64_t i = 0; i < m * n; ++i)
    differ += got[i] != want[i];

  const int64_t reps = 20;
  double once = medianSeconds(5, [&] { gemm(&A, &B, &C, 1); });
  double many = medianSeconds(5, [&] { gemm(&A, &B, &C, reps + 1); });
  lib.check("fxp gemm");
  double fxp = (many - once) / reps;
  double ops = 2.0 * m * n * k;
  std::printf("| GEMM int8 %ldx%ldx%ld | fxp %.3f ms, %.1f TOPS | cuBLASLt "
              "%.3f ms, %.1f TOPS | fxp/cuBLASLt %.1f%% | fxp == cuBLASLt: %s "
              "(%ld of %ld differ) | fxp call overhead %.3f ms |\n",
              (long)m, (long)n, (long)k, fxp * 1e3, ops / fxp / 1e12,
              lt * 1e3, ops / lt / 1e12, 100.0 * lt / fxp,
              differ ? "NO" : "yes", (long)differ, (long)(m * n),
              (once - fxp) * 1e3);
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);
  cudaFree(dref);
  return differ ? 1 : 0;
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

struct ConvShape {
  std::string name;
  int64_t batch, c, h, w, f, kh, kw, stride, pad, oh, ow, count;
};

#define CHECK_CUDNN(x)                                                         \
  do {                                                                         \
    cudnnStatus_t status_ = (x);                                               \
    if (status_ != CUDNN_STATUS_SUCCESS) {                                     \
      cudnnError = std::string(#x) + ": " + cudnnGetErrorString(status_);      \
      return -1;                                                               \
    }                                                                          \
  } while (0)

std::string cudnnError;

/// cuDNN int8 NHWC convolution (INT32 compute, float output); returns
/// seconds per call or -1 (cudnnError says why).
double cudnnConv(const ConvShape &s, const void *x, const void *w, void *y) {
  static cudnnHandle_t handle = nullptr;
  if (!handle)
    CHECK_CUDNN(cudnnCreate(&handle));
  cudnnTensorDescriptor_t xd, yd;
  cudnnFilterDescriptor_t wd;
  cudnnConvolutionDescriptor_t cd;
  CHECK_CUDNN(cudnnCreateTensorDescriptor(&xd));
  CHECK_CUDNN(cudnnCreateTensorDescriptor(&yd));
  CHECK_CUDNN(cudnnCreateFilterDescriptor(&wd));
  CHECK_CUDNN(cudnnCreateConvolutionDescriptor(&cd));
  CHECK_CUDNN(cudnnSetTensor4dDescriptor(xd, CUDNN_TENSOR_NHWC, CUDNN_DATA_INT8,
                                         s.batch, s.c, s.h, s.w));
  CHECK_CUDNN(cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_INT8,
                                         CUDNN_TENSOR_NHWC, s.f, s.c, s.kh,
                                         s.kw));
  CHECK_CUDNN(cudnnSetConvolution2dDescriptor(
      cd, s.pad, s.pad, s.stride, s.stride, 1, 1, CUDNN_CROSS_CORRELATION,
      CUDNN_DATA_INT32));
  CHECK_CUDNN(cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NHWC,
                                         CUDNN_DATA_FLOAT, s.batch, s.f, s.oh,
                                         s.ow));
  cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
  size_t wsBytes = 0;
  CHECK_CUDNN(cudnnGetConvolutionForwardWorkspaceSize(handle, xd, wd, cd, yd,
                                                      algo, &wsBytes));
  void *ws = nullptr;
  if (wsBytes)
    CHECK_CUDA(cudaMalloc(&ws, wsBytes));
  float alpha = 1, beta = 0;
  auto run = [&] {
    return cudnnConvolutionForward(handle, &alpha, xd, x, wd, w, cd, algo, ws,
                                   wsBytes, &beta, yd, y);
  };
  CHECK_CUDNN(run());
  CHECK_CUDA(cudaDeviceSynchronize());
  double seconds = eventSeconds(50, run);
  if (ws)
    cudaFree(ws);
  cudnnDestroyTensorDescriptor(xd);
  cudnnDestroyTensorDescriptor(yd);
  cudnnDestroyFilterDescriptor(wd);
  cudnnDestroyConvolutionDescriptor(cd);
  return seconds;
}

int benchConv(const std::string &dir) {
  std::ifstream shapes(dir + "/shapes.txt");
  if (!shapes) {
    std::fprintf(stderr, "cannot read %s/shapes.txt\n", dir.c_str());
    return 1;
  }
  int failures = 0;
  std::string line;
  std::printf("| layer (count) | N C H W -> F KHxKW /s | fxp ms | fxp TOPS | "
              "cuDNN ms | fxp/cuDNN time | fxp == cuDNN |\n|---|---|---|---|"
              "---|---|---|\n");
  while (std::getline(shapes, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    ConvShape s;
    std::istringstream in(line);
    in >> s.name >> s.batch >> s.c >> s.h >> s.w >> s.f >> s.kh >> s.kw >>
        s.stride >> s.pad >> s.oh >> s.ow >> s.count;
    FxpLibrary lib(dir + "/conv_" + s.name + ".so");
    using Fn = void (*)(Desc<4> *, Desc<4> *, Desc<4> *, int64_t);
    auto conv = reinterpret_cast<Fn>(lib.symbol("_mlir_ciface_conv"));
    int64_t hp = s.h + 2 * s.pad, wp = s.w + 2 * s.pad;
    std::vector<int8_t> x(s.batch * s.c * s.h * s.w), w(s.f * s.c * s.kh * s.kw);
    fillRandom(x, 3);
    fillRandom(w, 4);
    // fxp: padded NCHW input, FCHW filter, NCHW int32 output.
    std::vector<int8_t> xp(s.batch * s.c * hp * wp, 0);
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t c = 0; c < s.c; ++c)
        for (int64_t i = 0; i < s.h; ++i)
          std::memcpy(&xp[((n * s.c + c) * hp + i + s.pad) * wp + s.pad],
                      &x[((n * s.c + c) * s.h + i) * s.w], s.w);
    // cuDNN: NHWC input, KRSC filter, NHWC float output.
    std::vector<int8_t> xn(x.size()), wn(w.size());
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t c = 0; c < s.c; ++c)
        for (int64_t i = 0; i < s.h * s.w; ++i)
          xn[(n * s.h * s.w + i) * s.c + c] = x[(n * s.c + c) * s.h * s.w + i];
    for (int64_t f = 0; f < s.f; ++f)
      for (int64_t c = 0; c < s.c; ++c)
        for (int64_t i = 0; i < s.kh * s.kw; ++i)
          wn[(f * s.kh * s.kw + i) * s.c + c] = w[(f * s.c + c) * s.kh * s.kw + i];
    void *dxp = toDevice(xp.data(), xp.size()), *dw = toDevice(w.data(), w.size());
    void *dxn = toDevice(xn.data(), xn.size()), *dwn = toDevice(wn.data(), wn.size());
    int64_t outElems = s.batch * s.f * s.oh * s.ow;
    void *dy, *dyn;
    CHECK_CUDA(cudaMalloc(&dy, outElems * 4));
    CHECK_CUDA(cudaMalloc(&dyn, outElems * 4));
    auto X = descOf<4>(dxp, {s.batch, s.c, hp, wp});
    auto W = descOf<4>(dw, {s.f, s.c, s.kh, s.kw});
    auto Y = descOf<4>(dy, {s.batch, s.f, s.oh, s.ow});

    conv(&X, &W, &Y, 1);
    CHECK_CUDA(cudaDeviceSynchronize());
    lib.check("fxp conv");
    const int64_t reps = 50;
    double once = medianSeconds(5, [&] { conv(&X, &W, &Y, 1); });
    double many = medianSeconds(5, [&] { conv(&X, &W, &Y, reps + 1); });
    double fxp = (many - once) / reps;
    double vendor = cudnnConv(s, dxn, dwn, dyn);
    std::string same = "n/a";
    if (vendor > 0) {
      std::vector<int32_t> got(outElems);
      std::vector<float> want(outElems);
      CHECK_CUDA(cudaMemcpy(got.data(), dy, outElems * 4, cudaMemcpyDeviceToHost));
      CHECK_CUDA(cudaMemcpy(want.data(), dyn, outElems * 4, cudaMemcpyDeviceToHost));
      int64_t differ = 0;
      for (int64_t n = 0; n < s.batch; ++n)
        for (int64_t f = 0; f < s.f; ++f)
          for (int64_t i = 0; i < s.oh * s.ow; ++i)
            differ += static_cast<float>(got[(n * s.f + f) * s.oh * s.ow + i]) !=
                      want[(n * s.oh * s.ow + i) * s.f + f];
      same = differ ? "NO (" + std::to_string(differ) + " differ)" : "yes";
      failures += differ != 0;
    }
    double ops = 2.0 * s.batch * s.f * s.oh * s.ow * s.c * s.kh * s.kw;
    char vendorText[256];
    if (vendor > 0)
      std::snprintf(vendorText, sizeof(vendorText), "%.4f | %.2fx", vendor * 1e3,
                    fxp / vendor);
    else
      std::snprintf(vendorText, sizeof(vendorText), "n/a (%s) | -",
                    cudnnError.c_str());
    std::printf("| %s (x%ld) | %ld %ld %ld %ld -> %ld %ldx%ld /%ld | %.4f | %.2f "
                "| %s | %s |\n",
                s.name.c_str(), (long)s.count, (long)s.batch, (long)s.c,
                (long)s.h, (long)s.w, (long)s.f, (long)s.kh, (long)s.kw,
                (long)s.stride, fxp * 1e3, ops / fxp / 1e12, vendorText,
                same.c_str());
    for (void *p : {dxp, dw, dxn, dwn, dy, dyn})
      cudaFree(p);
  }
  return failures ? 1 : 0;
}

//===----------------------------------------------------------------------===//
// Whole network
//===----------------------------------------------------------------------===//

int benchNetwork(const std::string &path, int64_t batch) {
  FxpLibrary lib(path);
  using Fn = void (*)(Desc<2> *, Desc<4> *);
  auto model = reinterpret_cast<Fn>(lib.symbol("_mlir_ciface_main"));
  std::vector<float> x(batch * 28 * 28);
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0, 1);
  for (float &v : x)
    v = dist(rng);
  auto X = descOf<4>(x.data(), {batch, 1, 28, 28});
  Desc<2> out;
  auto call = [&] {
    model(&out, &X);
    std::free(out.allocated);
  };
  call();
  lib.check("fxp network");
  double t = medianSeconds(20, call);
  lib.check("fxp network");
  std::printf("| fxp int8 network (host in/out, copies included) | batch %ld | "
              "%.3f ms | %.0f images/s |\n",
              (long)batch, t * 1e3, batch / t);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gpu_bench gemm|conv KERNELS_DIR | network "
                         "MODEL.so BATCH\n");
    return 2;
  }
  cudaDeviceProp prop;
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s, sm_%d%d, %d SMs\n", prop.name, prop.major,
              prop.minor, prop.multiProcessorCount);
  std::string mode = argv[1];
  if (mode == "gemm")
    return benchGemm(argv[2]);
  if (mode == "conv")
    return benchConv(argv[2]);
  if (mode == "network" && argc == 4)
    return benchNetwork(argv[2], std::atoll(argv[3]));
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
