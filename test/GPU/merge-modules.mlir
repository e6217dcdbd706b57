// fxp-gpu-merge-modules: outlined kernels end in one gpu.module.
// RUN: quant-opt %s --fxp-gpu-merge-modules | FileCheck %s
// RUN: quant-opt %s --fxp-gpu-merge-modules="name=model_kernels" | FileCheck %s --check-prefix=NAMED

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
