// The toolkit's libcuda stub loads but is no driver: the runtime names the
// driver's error.
// REQUIRES: cuda-stub
// UNSUPPORTED: cuda-gpu
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.zeros((2, 2, 8, 8), np.float32))"
// RUN: env FXP_CUDA_DRIVER=%cuda_stub not quant run %S/Inputs/tiny-int8.mlir --target=cuda --input %t/x.npy 2>&1 | FileCheck %s
// CHECK: quant run: error: --target=cuda: cuInit failed: CUDA_ERROR_STUB_LIBRARY
