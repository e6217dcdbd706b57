// The PTX of the tiny integer network assembles with the CUDA toolkit's
// ptxas for Ampere and Hopper, and `quant compile --target=cuda` links a
// shared library with the cubin and fxp's CUDA runtime inside.
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: quant compile %S/Inputs/tiny-int8.mlir --target=cuda --emit=ptx -o %t/sm80.ptx
// RUN: FileCheck %s --input-file=%t/sm80.ptx
// RUN: %ptxas -arch=sm_80 %t/sm80.ptx -o %t/sm80.cubin
// RUN: %ptxas -arch=sm_90 %t/sm80.ptx -o %t/sm90.cubin
// RUN: quant compile %S/Inputs/tiny-int8.mlir --target=cuda --emit=ptx --gpu-options="chip=sm_90a features=+ptx80" -o %t/sm90a.ptx
// RUN: FileCheck %s --check-prefix=SM90A --input-file=%t/sm90a.ptx
// RUN: %ptxas -arch=sm_90a %t/sm90a.ptx -o %t/sm90a.cubin
// RUN: quant compile %S/Inputs/tiny-int8.mlir --target=cuda --emit=ptx --gpu-options="chip=sm_75 features=+ptx80" -o %t/sm75.ptx
// RUN: FileCheck %s --check-prefix=DP4A --input-file=%t/sm75.ptx
// RUN: %ptxas -arch=sm_75 %t/sm75.ptx -o %t/sm75.cubin
// RUN: quant compile %S/Inputs/tiny-int8.mlir --target=cuda -o %t/lib/model.so | FileCheck %s --check-prefix=WROTE
// RUN: llvm-nm -D --defined-only %t/lib/model.so | FileCheck %s --check-prefix=SYMS
// RUN: FileCheck %s --check-prefix=HEADER --input-file=%t/lib/model.h

// CHECK: .version 8.0
// CHECK: .target sm_80
// CHECK: .visible .entry
// CHECK: .shared .align 16 .b8
// CHECK: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK: ldmatrix.sync.aligned.m8n8.x2.shared.b16
// CHECK: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// SM90A: .target sm_90a
// SM90A: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// DP4A: .target sm_75
// DP4A: dp4a.s32.s32
// WROTE: quant compile: wrote {{.*}}model.so and {{.*}}model.h (--target=cuda, entry _mlir_ciface_main; `quant run {{.*}}model.so` runs it)
// SYMS-DAG: T _mlir_ciface_main
// SYMS-DAG: T fxpCudaProbe
// SYMS-DAG: T fxpCudaTakeError
// SYMS-DAG: T mgpuLaunchKernel
// SYMS-DAG: T mgpuModuleLoad
// HEADER: int fxpCudaTakeError(char *message, size_t size);
