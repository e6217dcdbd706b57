// fxp-gpu-legalize-math: the rounding of quantization becomes arithmetic,
// so no libdevice call remains; and the quantizing network's PTX is made
// without a CUDA toolkit.
// RUN: quant-opt %s --pass-pipeline="builtin.module(gpu.module(fxp-gpu-legalize-math))" | FileCheck %s
// RUN: quant-opt %S/Inputs/round.mlir --fxp-lower-to-nvvm="format=isa toolkit=%t.none" 2>&1 | FileCheck %s --check-prefix=PTX

// CHECK-LABEL: gpu.func @round
// CHECK-NOT: math.round
// CHECK-NOT: math.copysign
// CHECK: arith.fptosi
// CHECK: arith.sitofp
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.andi %{{.*}}, %c2147483647_i32
// CHECK: arith.andi %{{.*}}, %c-2147483648_i32
// CHECK: arith.ori
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK-LABEL: gpu.func @vector_copysign
// CHECK: arith.bitcast %{{.*}} : vector<4xf64> to vector<4xi64>
// CHECK-NOT: math.copysign
// CHECK-LABEL: gpu.func @others_stay
// CHECK: math.exp
// PTX-NOT: error
// PTX-NOT: __nv_
// PTX: gpu.binary @{{[a-z_]+}}
// PTX-SAME: .target sm_80
// PTX-NOT: __nv_
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @round(%x: f32, %out: memref<1xf32>) kernel {
      %c0 = arith.constant 0 : index
      %r = math.round %x : f32
      memref.store %r, %out[%c0] : memref<1xf32>
      gpu.return
    }
    gpu.func @vector_copysign(%a: vector<4xf64>, %b: vector<4xf64>, %out: memref<4xf64>) kernel {
      %c0 = arith.constant 0 : index
      %r = math.copysign %a, %b : vector<4xf64>
      vector.store %r, %out[%c0] : memref<4xf64>, vector<4xf64>
      gpu.return
    }
    gpu.func @others_stay(%x: f32, %out: memref<1xf32>) kernel {
      %c0 = arith.constant 0 : index
      %r = math.exp %x : f32
      memref.store %r, %out[%c0] : memref<1xf32>
      gpu.return
    }
  }
}
