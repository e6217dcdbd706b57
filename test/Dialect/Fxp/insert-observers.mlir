// fxp-insert-observers: calibration points on arguments, node outputs,
// weights and biases of imported float programs.
// RUN: quant-opt %s --fxp-insert-observers --split-input-file | FileCheck %s
// RUN: quant-opt %s --fxp-insert-observers --fxp-insert-observers --split-input-file | FileCheck %s
// RUN: quant-opt %s --fxp-insert-observers="weights=false" --split-input-file | FileCheck %s --check-prefix=NOWEIGHTS
// RUN: quant-opt %s --fxp-insert-observers="activations=false" --split-input-file | FileCheck %s --check-prefix=NOACT

// Arguments are named by `fxp.name`, else their NameLoc, else `arg<N>`;
// non-float and non-tensor arguments are not observed.
// CHECK-LABEL: func.func @args
// CHECK-SAME: (%[[A:.+]]: tensor<2xf32> {fxp.name = "input"}, %[[B:[^:]+]]: tensor<2xf32>, %[[C:[^:]+]]: tensor<2xf32>, %[[I:[^:]+]]: tensor<2xi32>, %[[F:[^:]+]]: f32)
// CHECK-NEXT: %[[OA:.+]] = fxp.observe "input" %[[A]] : tensor<2xf32>
// CHECK-NEXT: %[[OB:.+]] = fxp.observe "b_loc" %[[B]] : tensor<2xf32>
// CHECK-NEXT: %[[OC:.+]] = fxp.observe "arg2" %[[C]] : tensor<2xf32>
// CHECK-NEXT: return %[[OA]], %[[OB]], %[[OC]], %[[I]], %[[F]]
// NOWEIGHTS-LABEL: func.func @args
// NOWEIGHTS-COUNT-3: fxp.observe
// NOACT-LABEL: func.func @args
// NOACT-NOT: fxp.observe
func.func @args(%a: tensor<2xf32> {fxp.name = "input"} loc("a_loc"),
                %b: tensor<2xf32> loc("b_loc"), %c: tensor<2xf32>,
                %i: tensor<2xi32>, %f: f32)
    -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xi32>, f32) {
  return %a, %b, %c, %i, %f : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xi32>, f32
}

// -----

// Pad + conv with a broadcast bias (node "conv1"), then a relu (node
// "relu1"): the weight and bias are observed after their constants, the pad
// inside the node is not, and each node's output is observed once.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_relu
// CHECK-SAME: (%[[X:.+]]: tensor<?x1x6x6xf32> {fxp.name = "x"})
// CHECK: %[[OX:.+]] = fxp.observe "x" %[[X]]
// CHECK: %[[PAD:.+]] = tensor.pad %[[OX]]
// CHECK-NOT: fxp.observe
// CHECK: %[[W:.+]] = arith.constant dense<5.000000e-01> : tensor<4x1x3x3xf32>
// CHECK-NEXT: %[[OW:.+]] = fxp.observe "conv1/weight" %[[W]]
// CHECK-NEXT: %[[B:.+]] = arith.constant dense<2.500000e-01> : tensor<4xf32>
// CHECK-NEXT: %[[OB:.+]] = fxp.observe "conv1/bias" %[[B]]
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[OB]]
// CHECK: %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.+}} ins(%[[PAD]], %[[OW]] : {{.+}}) outs(%[[INIT]]
// CHECK-NEXT: %[[OCONV:.+]] = fxp.observe "conv1" %[[CONV]]
// CHECK: %[[RELU:.+]] = linalg.generic {{.+}} ins(%[[OCONV]]
// CHECK: %[[ORELU:.+]] = fxp.observe "relu1" %[[RELU]]
// CHECK-NEXT: return %[[ORELU]]
// NOWEIGHTS-LABEL: func.func @conv_relu
// NOWEIGHTS-NOT: /weight
// NOWEIGHTS-NOT: /bias
// NOWEIGHTS: fxp.observe "conv1"
// NOWEIGHTS: fxp.observe "relu1"
// NOACT-LABEL: func.func @conv_relu
// NOACT-NOT: fxp.observe "x"
// NOACT: fxp.observe "conv1/weight"
// NOACT: fxp.observe "conv1/bias"
// NOACT-NOT: fxp.observe
// NOACT: return
func.func @conv_relu(%x: tensor<?x1x6x6xf32> {fxp.name = "x"} loc("x")) -> tensor<?x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32 loc("conv1")
  %pad = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x1x6x6xf32> to tensor<?x1x8x8xf32> loc("conv1")
  %c0 = arith.constant 0 : index loc("conv1")
  %n = tensor.dim %x, %c0 : tensor<?x1x6x6xf32> loc("conv1")
  %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32> loc("w")
  %b = arith.constant dense<0.25> : tensor<4xf32> loc("b")
  %e = tensor.empty(%n) : tensor<?x4x6x6xf32> loc("conv1")
  %init = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<?x4x6x6xf32>) dimensions = [0, 2, 3] loc("conv1")
  %conv = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
            ins(%pad, %w : tensor<?x1x8x8xf32>, tensor<4x1x3x3xf32>) outs(%init : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32> loc("conv1")
  %e2 = tensor.empty(%n) : tensor<?x4x6x6xf32> loc("relu1")
  %relu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
            ins(%conv : tensor<?x4x6x6xf32>) outs(%e2 : tensor<?x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<?x4x6x6xf32> loc("relu1")
  return %relu : tensor<?x4x6x6xf32>
}

// -----

// Gemm: matmul + bias add share the node name "fc"; the weight is the
// matmul's constant input, the bias the constant of the add, and only the
// add (the node output) is observed.
#mm_id = affine_map<(d0, d1) -> (d0, d1)>
#mm_row = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm
// CHECK: %[[W:.+]] = arith.constant dense<1.000000e+00> : tensor<4x3xf32>
// CHECK-NEXT: fxp.observe "fc/weight" %[[W]]
// CHECK: %[[MM:.+]] = linalg.matmul
// CHECK-NOT: fxp.observe "fc" %[[MM]]
// CHECK: %[[B:.+]] = arith.constant dense<2.000000e+00> : tensor<3xf32>
// CHECK-NEXT: %[[OB:.+]] = fxp.observe "fc/bias" %[[B]]
// CHECK: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[MM]], %[[OB]]
// CHECK: %[[OY:.+]] = fxp.observe "fc" %[[Y]]
// CHECK-NEXT: return %[[OY]]
func.func @gemm(%x: tensor<2x4xf32> {fxp.name = "x"}) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32> loc("fc")
  %zero = arith.constant 0.0 : f32 loc("fc")
  %e = tensor.empty() : tensor<2x3xf32> loc("fc")
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc")
  %mm = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc")
  %b = arith.constant dense<2.0> : tensor<3xf32> loc("fc")
  %e2 = tensor.empty() : tensor<2x3xf32> loc("fc")
  %y = linalg.generic {indexing_maps = [#mm_id, #mm_row, #mm_id], iterator_types = ["parallel", "parallel"]}
         ins(%mm, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e2 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32> loc("fc")
  return %y : tensor<2x3xf32>
}

// -----

// Gemm with a dynamic batch: the matmul result also feeds a tensor.dim (the
// bias add's output size); the bias is still found.
#dyn_id = affine_map<(d0, d1) -> (d0, d1)>
#dyn_row = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm_dynamic_batch
// CHECK: fxp.observe "fc/weight"
// CHECK: %[[B:.+]] = arith.constant dense<2.000000e+00> : tensor<3xf32>
// CHECK-NEXT: fxp.observe "fc/bias" %[[B]]
// CHECK: fxp.observe "fc" %{{.+}} : tensor<?x3xf32>
func.func @gemm_dynamic_batch(%x: tensor<?x4xf32> {fxp.name = "x"}) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index loc("fc")
  %n = tensor.dim %x, %c0 : tensor<?x4xf32> loc("fc")
  %w = arith.constant dense<1.0> : tensor<4x3xf32> loc("fc")
  %zero = arith.constant 0.0 : f32 loc("fc")
  %e = tensor.empty(%n) : tensor<?x3xf32> loc("fc")
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32> loc("fc")
  %mm = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x3xf32>) outs(%init : tensor<?x3xf32>) -> tensor<?x3xf32> loc("fc")
  %b = arith.constant dense<2.0> : tensor<3xf32> loc("fc")
  %m = tensor.dim %mm, %c0 : tensor<?x3xf32> loc("fc")
  %e2 = tensor.empty(%m) : tensor<?x3xf32> loc("fc")
  %y = linalg.generic {indexing_maps = [#dyn_id, #dyn_row, #dyn_id], iterator_types = ["parallel", "parallel"]}
         ins(%mm, %b : tensor<?x3xf32>, tensor<3xf32>) outs(%e2 : tensor<?x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<?x3xf32> loc("fc")
  return %y : tensor<?x3xf32>
}

// -----

// A softmax lowered into several generics of one node is observed once, at
// its last generic; a reshape node and a pure copy generic are not compute.
#sm_id = affine_map<(d0, d1) -> (d0, d1)>
#sm_red = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK: %[[EXP:.+]] = linalg.generic
// CHECK-NOT: fxp.observe
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-NOT: fxp.observe
// CHECK: %[[DIV:.+]] = linalg.generic {{.+}} ins(%[[EXP]], %[[SUM]]
// CHECK: %[[ODIV:.+]] = fxp.observe "softmax" %[[DIV]]
// CHECK-NEXT: %[[R:.+]] = tensor.collapse_shape %[[ODIV]]
// CHECK-NOT: fxp.observe
// CHECK: %[[COPY:.+]] = linalg.generic
// CHECK-NOT: fxp.observe
// CHECK: return %[[COPY]]
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %e = tensor.empty() : tensor<2x3xf32> loc("softmax")
  %exp = linalg.generic {indexing_maps = [#sm_id, #sm_id], iterator_types = ["parallel", "parallel"]}
           ins(%x : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.exp %a : f32
    linalg.yield %v : f32
  } -> tensor<2x3xf32> loc("softmax")
  %zero = arith.constant 0.0 : f32 loc("softmax")
  %es = tensor.empty() : tensor<2xf32> loc("softmax")
  %init = linalg.fill ins(%zero : f32) outs(%es : tensor<2xf32>) -> tensor<2xf32> loc("softmax")
  %sum = linalg.generic {indexing_maps = [#sm_id, #sm_red], iterator_types = ["parallel", "reduction"]}
           ins(%exp : tensor<2x3xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.addf %a, %o : f32
    linalg.yield %v : f32
  } -> tensor<2xf32> loc("softmax")
  %div = linalg.generic {indexing_maps = [#sm_id, #sm_red, #sm_id], iterator_types = ["parallel", "parallel"]}
           ins(%exp, %sum : tensor<2x3xf32>, tensor<2xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %v = arith.divf %a, %s : f32
    linalg.yield %v : f32
  } -> tensor<2x3xf32> loc("softmax")
  %r = tensor.collapse_shape %div [[0, 1]] : tensor<2x3xf32> into tensor<6xf32> loc("flatten")
  %ec = tensor.empty() : tensor<6xf32> loc("copy")
  %copy = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
            ins(%r : tensor<6xf32>) outs(%ec : tensor<6xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<6xf32> loc("copy")
  return %copy : tensor<6xf32>
}

// -----

// A grouped conv node ends in a collapse_shape: the node output is the
// collapse, observed under the node name.
// CHECK-LABEL: func.func @grouped
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK-NOT: fxp.observe "gconv"
// CHECK: %[[C:.+]] = tensor.collapse_shape
// CHECK-NEXT: %[[OC:.+]] = fxp.observe "gconv" %[[C]]
// CHECK-NEXT: return %[[OC]]
func.func @grouped(%x: tensor<1x2x2x5x5xf32>, %init: tensor<1x2x3x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %w = arith.constant dense<1.0> : tensor<2x3x2x3x3xf32> loc("w")
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x2x2x5x5xf32>, tensor<2x3x2x3x3xf32>) outs(%init : tensor<1x2x3x3x3xf32>) -> tensor<1x2x3x3x3xf32> loc("gconv")
  %r = tensor.collapse_shape %c [[0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32> loc("gconv")
  return %r : tensor<1x6x3x3xf32>
}

// -----

// Repeated names get "#2", "#3", also against observers already present
// (two ONNX nodes may share a name); values already observed are not
// observed again.
// CHECK-LABEL: func.func @unique
// CHECK: %[[OX:.+]] = fxp.observe "add" %{{.+}}
// CHECK-NOT: fxp.observe
// CHECK: %[[A1:.+]] = linalg.add ins(%[[OX]], %[[OX]]
// CHECK-NEXT: %[[OA1:.+]] = fxp.observe "add#2" %[[A1]]
// CHECK-NEXT: %[[N:.+]] = arith.negf %[[OA1]]
// CHECK-NEXT: %[[A2:.+]] = linalg.add ins(%[[N]], %[[N]]
// CHECK-NEXT: %[[OA2:.+]] = fxp.observe "add#3" %[[A2]]
// CHECK-NEXT: return %[[OA2]]
func.func @unique(%x: tensor<4xf32>) -> tensor<4xf32> {
  %obs = fxp.observe "add" %x : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32> loc("e")
  %a1 = linalg.add ins(%obs, %obs : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32> loc("add")
  %n = arith.negf %a1 : tensor<4xf32> loc("neg")
  %a2 = linalg.add ins(%n, %n : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32> loc("add")
  return %a2 : tensor<4xf32>
}
