// fxp-gpu-align-shared-memory: workgroup buffers get an alignment for
// ldmatrix.
// RUN: quant-opt %s --pass-pipeline="builtin.module(gpu.module(gpu.func(fxp-gpu-align-shared-memory)))" | FileCheck %s
// RUN: quant-opt %s --pass-pipeline="builtin.module(gpu.module(gpu.func(fxp-gpu-align-shared-memory{alignment=128})))" | FileCheck %s --check-prefix=A128
// RUN: not quant-opt %s --pass-pipeline="builtin.module(gpu.module(gpu.func(fxp-gpu-align-shared-memory{alignment=24})))" 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: gpu.func @k
// CHECK-SAME: workgroup(%{{.*}} : memref<64x32xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<8xi8, #gpu.address_space<workgroup>> {llvm.align = 4 : i64})
// A128: workgroup(%{{.*}} : memref<64x32xi8, #gpu.address_space<workgroup>> {llvm.align = 128 : i64}, %{{.*}} : memref<8xi8, #gpu.address_space<workgroup>> {llvm.align = 4 : i64})
// BAD: error: fxp-gpu-align-shared-memory: alignment must be a power of two, got 24
module attributes {gpu.container_module} {
  gpu.module @kernels {
    // An explicit alignment is kept.
    gpu.func @k() workgroup(%a : memref<64x32xi8, #gpu.address_space<workgroup>>,
                            %b : memref<8xi8, #gpu.address_space<workgroup>> {llvm.align = 4 : i64}) kernel {
      gpu.return
    }
  }
}
