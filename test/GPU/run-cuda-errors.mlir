// Without a usable GPU, `quant run --target=cuda` stops with the reason
// before compiling, never a crash.
// UNSUPPORTED: cuda-gpu
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.zeros((2, 2, 8, 8), np.float32))"
// RUN: not quant run %S/Inputs/tiny-int8.mlir --target=cuda --input %t/x.npy 2>&1 | FileCheck %s
// RUN: env FXP_CUDA_DRIVER=%t/none.so not quant run %S/Inputs/tiny-int8.mlir --target=cuda --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=NODRIVER
// RUN: not quant run %S/Inputs/tiny-int8.mlir --target=gpu --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=TARGET
// CHECK: quant run: error: --target=cuda: no CUDA
// NODRIVER: quant run: error: --target=cuda: no CUDA driver: {{.*}}none.so cannot be loaded
// TARGET: quant run: error: --target must be cpu or cuda, got 'gpu'
