// fxp-gpu-merge-modules: outlined kernels end in one gpu.module.
// RUN: quant-opt %s --fxp-gpu-merge-modules --split-input-file | FileCheck %s
// RUN: quant-opt %s --fxp-gpu-merge-modules="name=model_kernels" --split-input-file | FileCheck %s --check-prefix=NAMED

// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK: gpu.module @fxp_kernels {
// CHECK: gpu.func @main_kernel(
// CHECK: gpu.func @main_kernel_0_main_kernel(
// CHECK-NOT: gpu.func
// CHECK-NOT: gpu.module
// CHECK: gpu.module @with_target [#nvvm.target]
// CHECK: func.func @main
// CHECK: gpu.launch_func @fxp_kernels::@main_kernel
// CHECK: gpu.launch_func @fxp_kernels::@main_kernel_0_main_kernel
// CHECK: gpu.launch_func @fxp_kernels::@main_kernel blocks
// CHECK: gpu.launch_func @with_target::@k
// NAMED: gpu.module @model_kernels {
// NAMED: gpu.launch_func @model_kernels::@main_kernel
module attributes {gpu.container_module} {
  gpu.module @main_kernel {
    gpu.func @main_kernel(%arg0: memref<4xi8>) kernel {
      gpu.return
    }
  }
  gpu.module @main_kernel_0 {
    gpu.func @main_kernel(%arg0: memref<8xi8>) kernel {
      gpu.return
    }
  }
  // Identical to the first: merged into it.
  gpu.module @main_kernel_1 {
    gpu.func @main_kernel(%arg0: memref<4xi8>) kernel {
      gpu.return
    }
  }
  // Modules with a target already are left alone.
  gpu.module @with_target [#nvvm.target] {
    gpu.func @k() kernel {
      gpu.return
    }
  }
  func.func @main(%x: memref<4xi8>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @main_kernel::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xi8>)
    %y = memref.alloc() : memref<8xi8>
    gpu.launch_func @main_kernel_0::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%y : memref<8xi8>)
    gpu.launch_func @main_kernel_1::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xi8>)
    gpu.launch_func @with_target::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    return
  }
}

// -----

// Kernels with the same ops but different wiring stay apart; a renamed
// global is renamed inside the kernels that read it; identical globals are
// shared.
// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK: gpu.module @fxp_kernels {
// CHECK: memref.global "private" constant @w : memref<2xi8> = dense<[1, 2]>
// CHECK: gpu.func @k(%[[A:.+]]: memref<2x2xi8>)
// CHECK: memref.load %[[A]][%[[I:.+]], %[[J:.+]]]
// CHECK: memref.global "private" constant @m1_w : memref<2xi8> = dense<[3, 4]>
// CHECK: gpu.func @m1_k(%[[B:.+]]: memref<2x2xi8>)
// CHECK: memref.load %[[B]][%[[J2:.+]], %[[I2:.+]]]
// CHECK: memref.get_global @m1_w
// CHECK: gpu.func @m2_k(
// CHECK: memref.get_global @w :
// CHECK-NOT: memref.global
// CHECK: gpu.launch_func @fxp_kernels::@k
// CHECK: gpu.launch_func @fxp_kernels::@m1_k
// CHECK: gpu.launch_func @fxp_kernels::@m2_k
// NAMED: gpu.module @model_kernels {
// NAMED: gpu.launch_func @model_kernels::@k
module attributes {gpu.container_module} {
  gpu.module @m0 {
    memref.global "private" constant @w : memref<2xi8> = dense<[1, 2]>
    gpu.func @k(%a: memref<2x2xi8>) kernel {
      %i = gpu.thread_id x
      %j = gpu.block_id x
      %v = memref.load %a[%i, %j] : memref<2x2xi8>
      memref.store %v, %a[%j, %i] : memref<2x2xi8>
      %w = memref.get_global @w : memref<2xi8>
      gpu.return
    }
  }
  gpu.module @m1 {
    memref.global "private" constant @w : memref<2xi8> = dense<[3, 4]>
    gpu.func @k(%a: memref<2x2xi8>) kernel {
      %i = gpu.thread_id x
      %j = gpu.block_id x
      %v = memref.load %a[%j, %i] : memref<2x2xi8>
      memref.store %v, %a[%i, %j] : memref<2x2xi8>
      %w = memref.get_global @w : memref<2xi8>
      gpu.return
    }
  }
  gpu.module @m2 {
    memref.global "private" constant @w : memref<2xi8> = dense<[1, 2]>
    gpu.func @k(%a: memref<2x2xi8>) kernel {
      %w = memref.get_global @w : memref<2xi8>
      gpu.return
    }
  }
  func.func @main(%x: memref<2x2xi8>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @m0::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<2x2xi8>)
    gpu.launch_func @m1::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<2x2xi8>)
    gpu.launch_func @m2::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<2x2xi8>)
    return
  }
}
