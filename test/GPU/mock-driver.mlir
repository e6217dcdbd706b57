// The host side of GPU execution, end to end without a GPU: a mock
// libcuda (test/GPU/Inputs/mock_cuda.c: host memory, memcpy, kernels checked
// and counted but not run) stands in for the driver. `quant run
// --target=cuda` (JIT) and a C program over `quant compile --target=cuda`'s
// library must load the module, find and launch every kernel with valid
// launch parameters, and free every buffer they allocate.
// REQUIRES: cc
// RUN: rm -rf %t && mkdir -p %t
// RUN: cc -shared -fPIC -o %t/libmockcuda.so %S/Inputs/mock_cuda.c
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.zeros((37, 2, 8, 8), np.float32)); np.zeros((3, 2, 8, 8), np.float32).tofile('%t/x.f32')"

// 37 samples in batches of 16: three calls of 6 kernels each.
// RUN: env FXP_CUDA_DRIVER=%t/libmockcuda.so quant run %S/Inputs/tiny-int8.mlir --target=cuda --input %t/x.npy --batch 16 2>&1 | FileCheck %s --check-prefix=JIT
// JIT-DAG: ran 37 samples
// JIT-DAG: mock-cuda: PTX module, 18 kernels, 18 launches, 21 allocs, 21 frees, 6 copies, 0 pooled, 0 bad calls

// With the stream-ordered pool every allocation goes through it.
// RUN: env MOCK_CUDA_POOLS=1 FXP_CUDA_DRIVER=%t/libmockcuda.so quant run %S/Inputs/tiny-int8.mlir --target=cuda --input %t/x.npy --batch 64 2>&1 | FileCheck %s --check-prefix=POOL
// POOL: mock-cuda: PTX module, 6 kernels, 6 launches, 7 allocs, 7 frees, 2 copies, 7 pooled, 0 bad calls

// The ahead-of-time library driven from C through its header.
// RUN: quant compile %S/Inputs/tiny-int8.mlir --target=cuda --gpu-options=format=isa -o %t/lib/model.so
// RUN: cc -DFXP_CUDA -o %t/run %S/../Integration/Inputs/run_model.c -I %t/lib %t/lib/model.so -Wl,-rpath,%t/lib
// RUN: env FXP_CUDA_DRIVER=%t/libmockcuda.so %t/run %t/x.f32 3 2 8 8 %t/out.f32 2>&1 | FileCheck %s --check-prefix=AOT
// AOT-DAG: run_model: 3 x 5 logits
// AOT-DAG: mock-cuda: PTX module, 6 kernels, 6 launches, 7 allocs, 7 frees, 2 copies, 0 pooled, 0 bad calls

// `quant run` of the compiled CUDA library itself.
// RUN: env FXP_CUDA_DRIVER=%t/libmockcuda.so quant run %t/lib/model.so --input %t/x.npy --batch 64 2>&1 | FileCheck %s --check-prefix=LIB
// LIB-DAG: ran 37 samples
// LIB-DAG: mock-cuda: PTX module, 6 kernels, 6 launches, 7 allocs, 7 frees, 2 copies, 0 pooled, 0 bad calls
// RUN: env FXP_CUDA_DRIVER=%t/none.so not quant run %t/lib/model.so --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=LIBNOGPU
// LIBNOGPU: quant run: error: {{.*}}model.so needs a GPU: no CUDA driver: {{.*}}none.so cannot be loaded
