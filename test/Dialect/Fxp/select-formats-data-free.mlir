// fxp-select-formats in data-free mode (policy=range): formats from the
// range analysis' intervals instead of statistics.
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=range input-range=-1,3}))" | FileCheck %s --check-prefix=DATAFREE
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=range input-range=-1,3 unsigned-activations=true}))" | FileCheck %s --check-prefix=DATAFREE-UNSIGNED
// RUN: not quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(fxp-select-formats{policy=range}))" 2>&1 | FileCheck %s --check-prefix=NORANGE
// NORANGE: error: fxp-select-formats: policy range needs input-range=lo,hi

// Data-free (policy=range): the interval of x is input-range [-1, 3];
// ReLU gives [0, 3]; |3| < 4 needs 2 integer bits: s8 F=5 ([-4, 3.97]) for
// both (signed by default), u8 F=6 for the ReLU with unsigned-activations.
// DATAFREE-LABEL: func.func @data_free
// DATAFREE: fxp.observe "x" {{.*}}format = !fxp.fixed<s8, 5>
// DATAFREE: fxp.observe "relu" {{.*}}format = !fxp.fixed<s8, 5>
// DATAFREE-UNSIGNED-LABEL: func.func @data_free
// DATAFREE-UNSIGNED: fxp.observe "relu" {{.*}}format = !fxp.fixed<u8, 6>
#id = affine_map<(d0) -> (d0)>
func.func @data_free(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %x = fxp.observe "x" %arg0 : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %r = fxp.observe "relu" %0 : tensor<4xf32>
  return %r : tensor<4xf32>
}
