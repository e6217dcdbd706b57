// `quant run --target=cuda` on a GPU: the tiny integer network's outputs
// are bit-identical to the CPU path's.
// REQUIRES: cuda-gpu
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(7).normal(0, 2, (37, 2, 8, 8)).astype(np.float32))"
// RUN: quant run %S/Inputs/tiny-int8.mlir --input %t/x.npy --output %t/cpu.npy --batch 16
// RUN: quant run %S/Inputs/tiny-int8.mlir --target=cuda --input %t/x.npy --output %t/gpu.npy --batch 16
// RUN: quant run %S/Inputs/tiny-int8.mlir --target=cuda --gpu-options="format=isa contraction=scalar" --input %t/x.npy --output %t/scalar.npy --batch 16
// RUN: quant run %S/Inputs/tiny-int8.mlir --target=cuda --gpu-options="format=isa contraction=dp4a" --input %t/x.npy --output %t/dp4a.npy --batch 16
// RUN: %python -c "import numpy as np; c = np.load('%t/cpu.npy'); r = [np.array_equal(c, np.load('%t/' + k + '.npy')) for k in ('gpu', 'scalar', 'dp4a')]; print('equal', c.shape, *r)" | FileCheck %s
// CHECK: equal (37, 5) True True True
