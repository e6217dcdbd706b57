// fxp-gpu-device-buffers diagnostics.
// RUN: quant-opt %s --fxp-gpu-device-buffers --split-input-file -verify-diagnostics

// Buffer contents read on the host would read device memory.
func.func @host_read(%x: memref<4xi8>) -> i8 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    gpu.terminator
  }
  // expected-error @below {{fxp-gpu-device-buffers: 'memref.load' reads or writes a buffer on the host; run fxp-linalg-to-gpu first}}
  %v = memref.load %x[%c0] : memref<4xi8>
  return %v : i8
}

// -----

// Strided results cannot be copied back as one block.
func.func @strided(%x: memref<8xi8>) -> memref<4xi8, strided<[2]>> {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    gpu.terminator
  }
  %v = memref.subview %x[0] [4] [2] : memref<8xi8> to memref<4xi8, strided<[2]>>
  // expected-error @below {{fxp-gpu-device-buffers: a returned memref has a non-identity layout (a returned memref must be contiguous to be copied)}}
  return %v : memref<4xi8, strided<[2]>>
}

// -----

// Buffers allocated inside loops have no single place to be freed.
func.func @nested(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @below {{fxp-gpu-device-buffers: buffers allocated inside regions are not supported on the GPU path}}
    %b = memref.alloc() : memref<4xi8>
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
      %z = arith.constant 0 : i8
      memref.store %z, %b[%c0] : memref<4xi8>
      gpu.terminator
    }
  }
  return
}
