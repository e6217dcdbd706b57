// fxp-lower-to-nvvm on a small integer network: host code in the LLVM
// dialect calling the GPU runtime, one embedded GPU module whose PTX
// multiplies on int8 tensor cores.
// RUN: quant-opt %S/Inputs/tiny-int8.mlir --fxp-lower-to-nvvm="format=isa" | FileCheck %s
// RUN: quant-opt %S/Inputs/tiny-int8.mlir --fxp-lower-to-nvvm="format=isa chip=sm_90 tile-m=32 tile-n=16" | FileCheck %s --check-prefix=SM90
// RUN: quant-opt %S/Inputs/tiny-int8.mlir --fxp-lower-to-nvvm="format=isa contraction=scalar" | FileCheck %s --check-prefix=SCALAR
// RUN: quant-opt %S/Inputs/tiny-int8.mlir --fxp-lower-to-nvvm="format=isa chip=sm_75" | FileCheck %s --check-prefix=TURING

// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK: llvm.func @main(
// CHECK: llvm.call @mgpuStreamCreate
// CHECK: llvm.call @mgpuMemAlloc
// CHECK: llvm.call @mgpuMemcpy
// CHECK: gpu.launch_func <%{{.*}} : !llvm.ptr> @fxp_kernels::@{{[a-z_0-9]+}} blocks in
// CHECK: llvm.call @mgpuMemFree
// CHECK: llvm.call @mgpuStreamSynchronize
// CHECK: llvm.func @_mlir_ciface_main(
// CHECK: gpu.binary @fxp_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">
// CHECK-SAME: .version 8.0
// CHECK-SAME: .target sm_80
// CHECK-SAME: .shared .align 16 .b8
// CHECK-SAME: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK-SAME: ldmatrix.sync.aligned.m8n8.x2.shared.b16
// CHECK-SAME: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// CHECK-NOT: gpu.binary
// SM90: chip = "sm_90"
// SM90-SAME: .target sm_90
// SM90-SAME: mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32
// SCALAR: llvm.func @main(
// SCALAR: gpu.binary @fxp_kernels
// SCALAR-NOT: mma.sync
// SCALAR-SAME: mul.wide.s16
// SCALAR-NOT: mma.sync
// Before sm_80 (no int8 m16n8k32 mma.sync) contraction=auto picks dp4a.
// TURING: gpu.binary @fxp_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_75"
// TURING-SAME: .target sm_75
// TURING-NOT: mma.sync
// TURING-SAME: dp4a.s32.s32
// TURING-NOT: mma.sync
