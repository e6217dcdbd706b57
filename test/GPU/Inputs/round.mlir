// Quantization of f32 to i8 as convert-fxp-to-arith writes it: multiply,
// round half away from zero (math.round), saturate.
#id = affine_map<(d0) -> (d0)>
func.func @main(%x: tensor<?xf32>) -> tensor<?xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xi8>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xi8>) {
  ^bb0(%v: f32, %o: i8):
    %s = arith.constant 32.0 : f32
    %lo = arith.constant -128.0 : f32
    %hi = arith.constant 127.0 : f32
    %m = arith.mulf %v, %s : f32
    %r = math.round %m : f32
    %c = arith.maximumf %r, %lo : f32
    %d = arith.minimumf %c, %hi : f32
    %i = arith.fptosi %d : f32 to i8
    linalg.yield %i : i8
  } -> tensor<?xi8>
  return %q : tensor<?xi8>
}
