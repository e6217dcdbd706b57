// fxp-gpu-device-buffers: kernels touch device memory only; the function
// keeps its host interface.
// RUN: quant-opt %s --fxp-gpu-device-buffers --split-input-file | FileCheck %s
// RUN: quant-opt %s --fxp-gpu-device-buffers=device-arguments --split-input-file | FileCheck %s --check-prefix=DEVARGS
// RUN: quant-opt %s --fxp-gpu-device-buffers=embed-constants=false --split-input-file | FileCheck %s --check-prefix=COPY

memref.global "private" constant @weights : memref<2x2xi8> = dense<[[1, 2], [3, 4]]>

// Arguments are copied in, the constant weights move into the kernel (so
// outlining puts them in the GPU binary), allocations move to the device,
// the result is copied to a new host buffer, every device buffer is freed.
// CHECK-LABEL: func.func @model
// CHECK-SAME: (%[[X:.+]]: memref<?x4xi8>) -> memref<?x4xi8>
// CHECK: %[[N:.+]] = memref.dim %[[X]], %c0
// CHECK: %[[DX:.+]] = gpu.alloc (%[[N]]) : memref<?x4xi8>
// CHECK: gpu.memcpy %[[DX]], %[[X]]
// CHECK-NOT: memref.get_global
// CHECK: %[[OUT:.+]] = gpu.alloc (%{{.*}}) : memref<?x4xi8>
// CHECK-NOT: memref.dealloc
// CHECK: gpu.launch
// CHECK-NEXT: %[[W:.+]] = memref.get_global @weights : memref<2x2xi8>
// CHECK-NEXT: %[[W2:.+]] = memref.collapse_shape %[[W]]
// CHECK: memref.load %[[DX]]
// CHECK: memref.load %[[W2]]
// CHECK: memref.store %{{.*}}, %[[OUT]]
// CHECK: %[[HOST:.+]] = memref.alloc(%{{.*}}) : memref<?x4xi8>
// CHECK: gpu.memcpy %[[HOST]], %[[OUT]]
// CHECK-DAG: gpu.dealloc %[[DX]]
// CHECK-DAG: gpu.dealloc %[[OUT]]
// CHECK: return %[[HOST]]
// Device arguments are used in place.
// DEVARGS-LABEL: func.func @model
// DEVARGS-SAME: (%[[X:.+]]: memref<?x4xi8>)
// DEVARGS-NOT: gpu.memcpy %{{.*}}, %[[X]]
// DEVARGS: gpu.launch
// DEVARGS: memref.load %[[X]]
// DEVARGS-NOT: gpu.dealloc %[[X]]
// DEVARGS: return
// Without embed-constants the weights are copied in on every call.
// COPY-LABEL: func.func @model
// COPY: %[[G:.+]] = memref.get_global @weights
// COPY: %[[DG:.+]] = gpu.alloc () : memref<2x2xi8>
// COPY: gpu.memcpy %[[DG]], %[[G]]
// COPY: memref.collapse_shape %[[DG]]
// COPY: gpu.launch
// COPY: gpu.dealloc %[[DG]]
func.func @model(%x: memref<?x4xi8>) -> memref<?x4xi8> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?x4xi8>
  %w4 = memref.get_global @weights : memref<2x2xi8>
  %w = memref.collapse_shape %w4 [[0, 1]] : memref<2x2xi8> into memref<4xi8>
  %out = memref.alloc(%n) : memref<?x4xi8>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%bx, %c0] : memref<?x4xi8>
    %u = memref.load %w[%c0] : memref<4xi8>
    %s = arith.addi %v, %u : i8
    memref.store %s, %out[%bx, %c0] : memref<?x4xi8>
    gpu.terminator
  }
  memref.dealloc %x : memref<?x4xi8>
  return %out : memref<?x4xi8>
}

// -----

// Functions without kernels are left alone.
// CHECK-LABEL: func.func @host_only
// CHECK-NOT: gpu.
// CHECK: memref.alloc
func.func @host_only() -> memref<4xi8> {
  %0 = memref.alloc() : memref<4xi8>
  return %0 : memref<4xi8>
}
