// fxp-linalg-to-gpu: int8 contractions become mma.sync tensor-core kernels
// (epilogues fused), everything else point-wise kernels.
// RUN: quant-opt %s --fxp-linalg-to-gpu --split-input-file | FileCheck %s
// RUN: quant-opt %s --fxp-linalg-to-gpu="contraction=scalar" --split-input-file | FileCheck %s --check-prefix=SCALAR
// RUN: quant-opt %s --fxp-linalg-to-gpu="tile-m=32 tile-n=16 tile-k=64" --split-input-file | FileCheck %s --check-prefix=TILES
// RUN: quant-opt %s --fxp-linalg-to-gpu="contraction=dp4a" --split-input-file | FileCheck %s --check-prefix=DP4A

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A zero-filled matmul whose accumulator only feeds the requantization
// epilogue: one kernel, the i32 buffer and the fill disappear, the epilogue
// body runs on each accumulator and stores i8.
// CHECK-LABEL: func.func @matmul_fused
// CHECK-NOT: linalg.
// CHECK-NOT: memref.alloc(%{{.*}}) : memref<?x10xi32>
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%{{.*}} : memref<64x48xi8, #gpu.address_space<workgroup>>, %{{.*}} : memref<64x48xi8, #gpu.address_space<workgroup>>)
// CHECK: scf.for
// CHECK: gpu.barrier
// CHECK-COUNT-2: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<64x48xi8, #gpu.address_space<workgroup>> -> vector<4x4xi8>
// CHECK-COUNT-4: nvgpu.ldmatrix %{{.*}} {numTiles = 2 : i32, transpose = false} : memref<64x48xi8, #gpu.address_space<workgroup>> -> vector<2x4xi8>
// CHECK-COUNT-8: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]} : (vector<4x4xi8>, vector<2x4xi8>, vector<2x2xi32>) -> vector<2x2xi32>
// CHECK: vector.extract %{{.*}}[0, 0] : i32 from vector<2x2xi32>
// CHECK: arith.addi %{{.*}} : i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: memref.store %{{.*}} : memref<?x10xi8>
// CHECK: fxp.kernel = "mma_sync_m16n8k32_s8"
// SCALAR-LABEL: func.func @matmul_fused
// SCALAR-NOT: nvgpu.mma.sync
// SCALAR-COUNT-3: fxp.kernel = "pointwise"
// DP4A-LABEL: func.func @matmul_fused
// DP4A-NOT: nvgpu.mma.sync
// DP4A: gpu.launch blocks({{.*}}) threads({{.*}}) in ({{.*}} = %c16{{.*}}, {{.*}} = %c16
// DP4A: scf.for
// DP4A: vector.load %{{.*}} {alignment = 4 : i64} : memref<?x64xi8>, vector<4xi8>
// DP4A: vector.from_elements
// DP4A: nvvm.dot.accumulate.4way %{{.*}} <signed>, %{{.*}} <signed>, %{{.*}} : vector<4xi8>, vector<4xi8>
// DP4A: arith.trunci %{{.*}} : i32 to i8
// DP4A: memref.store %{{.*}} : memref<?x10xi8>
// DP4A: fxp.kernel = "dp4a_s8"
// TILES-LABEL: func.func @matmul_fused
// TILES: workgroup(%{{.*}} : memref<32x80xi8, #gpu.address_space<workgroup>>, %{{.*}} : memref<16x80xi8, #gpu.address_space<workgroup>>)
// TILES-COUNT-2: nvgpu.mma.sync
// TILES: gpu.barrier
func.func @matmul_fused(%a: memref<?x64xi8>, %w: memref<64x10xi8>, %bias: memref<10xi32>) -> memref<?x10xi8> {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0 : i32
  %n = memref.dim %a, %c0 : memref<?x64xi8>
  %acc = memref.alloc(%n) : memref<?x10xi32>
  %out = memref.alloc(%n) : memref<?x10xi8>
  linalg.fill ins(%z : i32) outs(%acc : memref<?x10xi32>)
  linalg.matmul ins(%a, %w : memref<?x64xi8>, memref<64x10xi8>) outs(%acc : memref<?x10xi32>)
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %bias : memref<?x10xi32>, memref<10xi32>) outs(%out : memref<?x10xi8>) {
  ^bb0(%x: i32, %b: i32, %o: i8):
    %s = arith.addi %x, %b : i32
    %t = arith.trunci %s : i32 to i8
    linalg.yield %t : i8
  }
  return %out : memref<?x10xi8>
}

// -----

// The consumer writes a buffer the caller passed: it might alias the GEMM's
// operands, so it is not fused (the accumulator is materialized).
// CHECK-LABEL: func.func @matmul_unfused
// CHECK: memref.alloc(%{{.*}}) : memref<?x10xi32>
// CHECK: fxp.kernel = "mma_sync_m16n8k32_s8"
// CHECK: fxp.kernel = "pointwise"
func.func @matmul_unfused(%a: memref<?x64xi8>, %w: memref<64x10xi8>, %out: memref<?x10xi32>) {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0 : i32
  %n = memref.dim %a, %c0 : memref<?x64xi8>
  %acc = memref.alloc(%n) : memref<?x10xi32>
  linalg.fill ins(%z : i32) outs(%acc : memref<?x10xi32>)
  linalg.matmul ins(%a, %w : memref<?x64xi8>, memref<64x10xi8>) outs(%acc : memref<?x10xi32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%acc : memref<?x10xi32>) outs(%out : memref<?x10xi32>) {
  ^bb0(%x: i32, %o: i32):
    %s = arith.addi %x, %x : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// A strided convolution as an implicit GEMM: the A loader gathers the
// window (row = oh*2 + kh), the filter is read as F x (C*KH*KW). Without a
// zero fill the kernel adds the buffer's contents.
// CHECK-LABEL: func.func @conv_accumulate
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK: %[[M:.+]] = arith.muli
// CHECK: gpu.launch
// CHECK: memref.load %{{.*}} : memref<2x8x9x9xi8>
// CHECK: memref.load %{{.*}} : memref<16x8x3x3xi8>
// CHECK-COUNT-8: nvgpu.mma.sync
// CHECK: memref.load %{{.*}} : memref<2x16x4x4xi32>
// CHECK: arith.addi %{{.*}} : i32
// CHECK: memref.store %{{.*}} : memref<2x16x4x4xi32>
func.func @conv_accumulate(%x: memref<2x8x9x9xi8>, %w: memref<16x8x3x3xi8>, %o: memref<2x16x4x4xi32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<2x8x9x9xi8>, memref<16x8x3x3xi8>) outs(%o : memref<2x16x4x4xi32>)
  return
}

// -----

// Point-wise kernels: one thread per output element, reductions looped in
// the thread (the global average pool's i64 sum), copies included.
// CHECK-LABEL: func.func @pool_and_copy
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %{{.*}}, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads({{.*}}) in ({{.*}} = %c256
// CHECK: arith.cmpi ult
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK: fxp.kernel = "pointwise"
// CHECK: gpu.launch
// CHECK: fxp.kernel = "pointwise"
// CHECK-NOT: memref.copy
func.func @pool_and_copy(%x: memref<4x64x7x7xi8>, %sum: memref<4x64x1x1xi64>, %y: memref<4x64x7x7xi8>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : memref<4x64x7x7xi8>) outs(%sum : memref<4x64x1x1xi64>) {
  ^bb0(%in: i8, %acc: i64):
    %e = arith.extsi %in : i8 to i64
    %s = arith.addi %acc, %e : i64
    linalg.yield %s : i64
  }
  memref.copy %x, %y : memref<4x64x7x7xi8> to memref<4x64x7x7xi8>
  return
}

// -----

// Contractions tensor cores cannot take (16-bit operands, i64
// accumulator) fall back to the scalar point-wise kernel.
// CHECK-LABEL: func.func @wide_matmul
// CHECK-NOT: nvgpu.mma.sync
// CHECK: scf.for
// CHECK: arith.muli %{{.*}} : i64
// CHECK: fxp.kernel = "pointwise"
func.func @wide_matmul(%a: memref<8x16xi16>, %b: memref<16x4xi16>, %c: memref<8x4xi64>) {
  linalg.matmul ins(%a, %b : memref<8x16xi16>, memref<16x4xi16>) outs(%c : memref<8x4xi64>)
  return
}

// -----

// A zero fill right before the GEMM is dead even when the accumulator is a
// function argument (no fusion then): the kernel starts from zero and
// stores without reading C. B given as N x K (transposed) with K a multiple
// of 16: both operands are staged with 16-byte vector loads.
// CHECK-LABEL: func.func @transposed_b
// CHECK-NOT: linalg.fill
// M goes on grid x (large batches), N on grid y.
// CHECK: %[[GX:.+]] = arith.ceildivui %c128{{.*}}, %c64
// CHECK: %[[GY:.+]] = arith.ceildivui %c96{{.*}}, %c64
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[GX]], {{.*}} = %[[GY]],
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<128x64xi8>, vector<16xi8>
// CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<64x48xi8, #gpu.address_space<workgroup>>, vector<16xi8>
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<96x64xi8>, vector<16xi8>
// CHECK-COUNT-8: nvgpu.mma.sync
// CHECK-NOT: memref.load %{{.*}} : memref<128x96xi32>
// CHECK: memref.store %{{.*}} : memref<128x96xi32>
// CHECK-NOT: fxp.kernel = "pointwise"
func.func @transposed_b(%a: memref<128x64xi8>, %b: memref<96x64xi8>, %c: memref<128x96xi32>) {
  %z = arith.constant 0 : i32
  linalg.fill ins(%z : i32) outs(%c : memref<128x96xi32>)
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%a, %b : memref<128x64xi8>, memref<96x64xi8>) outs(%c : memref<128x96xi32>)
  return
}

// -----

// A convolution of a padded copy (bufferized tensor.pad: constant-filled
// buffer, source copied into a spatial subview) reads the source in place:
// the fill, the copy and the padded buffer disappear, the implicit GEMM
// loads the source at (row - 1, col - 1) and the pad value outside it.
// CHECK-LABEL: func.func @padded_conv
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.map
// CHECK-NOT: memref.copy
// CHECK: gpu.launch
// CHECK: %[[R:.+]] = arith.subi %{{.*}}, %c1{{.*}} : index
// CHECK: %[[Q:.+]] = arith.subi %{{.*}}, %c1{{.*}} : index
// CHECK: arith.cmpi ult, %{{.*}}, %c2{{.*}} : index
// CHECK: arith.cmpi ult, %{{.*}}, %c8{{.*}} : index
// CHECK: arith.cmpi ult, %[[R]], %c6{{.*}} : index
// CHECK: arith.cmpi ult, %[[Q]], %c6{{.*}} : index
// CHECK: scf.if %{{.*}} -> (i8)
// CHECK: memref.load %{{.*}} : memref<2x8x6x6xi8>
// CHECK: } else {
// CHECK: scf.yield %{{.*}} : i8
// CHECK-COUNT-8: nvgpu.mma.sync
// CHECK-NOT: fxp.kernel = "pointwise"
func.func @padded_conv(%x: memref<2x8x6x6xi8>, %w: memref<16x8x3x3xi8>, %o: memref<2x16x6x6xi32>) {
  %pad = arith.constant -3 : i8
  %p = memref.alloc() : memref<2x8x8x8xi8>
  linalg.map outs(%p : memref<2x8x8x8xi8>)
    (%init: i8) {
      linalg.yield %pad : i8
    }
  %sv = memref.subview %p[0, 0, 1, 1] [2, 8, 6, 6] [1, 1, 1, 1] : memref<2x8x8x8xi8> to memref<2x8x6x6xi8, strided<[512, 64, 8, 1], offset: 9>>
  memref.copy %x, %sv : memref<2x8x6x6xi8> to memref<2x8x6x6xi8, strided<[512, 64, 8, 1], offset: 9>>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<2x8x8x8xi8>, memref<16x8x3x3xi8>) outs(%o : memref<2x16x6x6xi32>)
  return
}
