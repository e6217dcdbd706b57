//===- Passes.td - fxp dialect transforms ------------------*- tablegen -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_TRANSFORMS_PASSES_TD
#define FXP_DIALECT_FXP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InsertObservers : Pass<"fxp-insert-observers", "::mlir::func::FuncOp"> {
  let summary = "Insert `fxp.observe` calibration points into a float program";
  let description = [{
    Instruments a float program produced by `quant import` (linalg, tensor
    and arith on tensors, every op located by the name of its ONNX node) with
    `fxp.observe` ops, the points whose value ranges calibration records:

    * every float tensor argument, at function entry, named by its
      `fxp.name` argument attribute, else its `NameLoc`, else `arg<N>`;
    * the output of every compute node: the ops that share one `NameLoc`
      form a node, and a node computes when one of its ops is a linalg op
      other than `linalg.fill`, `linalg.broadcast`, `linalg.transpose`,
      `linalg.copy` or a `linalg.generic` that only yields its inputs. Its
      float tensor results that leave the node (used by an op of another
      node or returned) are observed under the node name, so a pad + conv or
      a softmax made of several generics gets a single observer;
    * the float `arith.constant` weight (`<node>/weight`, the second input
      of a convolution or matmul) and bias (`<node>/bias`, the input of the
      `linalg.broadcast` that initializes the output, or a constant added to
      the result in the same node, as Gemm does), right after the constant.

    Names are unique within a function: repeats get `#2`, `#3`, ... Values
    already observed (used by or produced by an `fxp.observe`) are left
    alone, so the pass is idempotent. Observers already in the input must
    have distinct names. A compute op without a `NameLoc` is named
    `<op-name>_<index>` with a warning.

    Before:

    ```mlir
    func.func @main(%x: tensor<?x1x8x8xf32> {fxp.name = "x"}) -> tensor<?x4x6x6xf32> {
      %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32> loc("w")
      %b = arith.constant dense<0.25> : tensor<4xf32> loc("b")
      %init = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<?x4x6x6xf32>)
                dimensions = [0, 2, 3] loc("conv1")
      %c = linalg.conv_2d_nchw_fchw ins(%x, %w : ...) outs(%init : ...) loc("conv1")
      return %c : tensor<?x4x6x6xf32>
    }
    ```

    After:

    ```mlir
    func.func @main(%x: tensor<?x1x8x8xf32> {fxp.name = "x"}) -> tensor<?x4x6x6xf32> {
      %0 = fxp.observe "x" %x : tensor<?x1x8x8xf32>
      %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
      %1 = fxp.observe "conv1/weight" %w : tensor<4x1x3x3xf32>
      %b = arith.constant dense<0.25> : tensor<4xf32>
      %2 = fxp.observe "conv1/bias" %b : tensor<4xf32>
      %init = linalg.broadcast ins(%2 : tensor<4xf32>) ...
      %c = linalg.conv_2d_nchw_fchw ins(%0, %1 : ...) outs(%init : ...)
      %3 = fxp.observe "conv1" %c : tensor<?x4x6x6xf32>
      return %3 : tensor<?x4x6x6xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::fxp::FxpDialect"];
  let options = [
    Option<"activations", "activations", "bool", /*default=*/"true",
           "Observe function arguments and the outputs of compute nodes">,
    Option<"weights", "weights", "bool", /*default=*/"true",
           "Observe the constant weights and biases of convolutions and "
           "matmuls">,
  ];
  let statistics = [
    Statistic<"numObservers", "num-observers", "Number of observers inserted">,
  ];
}

def LowerObservers : Pass<"fxp-lower-observers", "::mlir::ModuleOp"> {
  let summary = "Lower `fxp.observe` on f32 tensors to runtime calls (CPU)";
  let description = [{
    Replaces every `fxp.observe` with a call that hands the observed tensor to
    the statistics runtime, for the CPU path, before bufferization. The
    observers are numbered 0, 1, 2, ... in walk order over the module; the
    module attribute `fxp.observers` lists their names (index = id) so that
    the runtime's statistics can be keyed by name. When the attribute
    already exists, numbering continues after it. The runtime entry point is
    declared once, with a C interface:

    ```mlir
    func.func private @fxp_observe_f32(i64, memref<*xf32>)
        attributes {llvm.emit_c_interface}
    ```

    and is implemented in C++ as
    `_mlir_ciface_fxp_observe_f32(int64_t id, UnrankedMemRefType<float> *)`.
    Only observers on f32 ranked tensors are supported.

    With `mode=simulate` the observers become simulated quantization
    instead (what `quant search` measures sensitivities with): each result is
    a fresh buffer that `fxp_simulate_f32(id, input, output)` fills with the
    input quantized and dequantized in the format the runtime holds for
    observer `id` (a copy when it holds none), so one compiled program
    evaluates any assignment of formats to observers — weights included,
    since their observers sit on the constants:

    ```mlir
    %in = bufferization.to_buffer %x read_only : tensor<?x16x28x28xf32> to memref<?x16x28x28xf32>
    %c0 = arith.constant 0 : index
    %n = memref.dim %in, %c0 : memref<?x16x28x28xf32>
    %out = memref.alloc(%n) : memref<?x16x28x28xf32>
    // casts to memref<*xf32>, id constant
    func.call @fxp_simulate_f32(%id, %uin, %uout) : (i64, memref<*xf32>, memref<*xf32>) -> ()
    %y = bufferization.to_tensor %out restrict writable : memref<?x16x28x28xf32> to tensor<?x16x28x28xf32>
    ```

    Before:

    ```mlir
    %y = fxp.observe "conv1" %x : tensor<?x16x28x28xf32>
    ```

    After:

    ```mlir
    module attributes {fxp.observers = ["conv1"]} {
      func.func private @fxp_observe_f32(i64, memref<*xf32>)
          attributes {llvm.emit_c_interface}
      ...
      %buf = bufferization.to_buffer %x read_only
          : tensor<?x16x28x28xf32> to memref<?x16x28x28xf32>
      %u = memref.cast %buf : memref<?x16x28x28xf32> to memref<*xf32>
      %id = arith.constant 0 : i64
      func.call @fxp_observe_f32(%id, %u) : (i64, memref<*xf32>) -> ()
      // uses of %y now use %x
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
  ];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"statistics\"",
           "statistics (record values: fxp_observe_f32) or simulate "
           "(quantize-dequantize in the runtime: fxp_simulate_f32)">,
  ];
  let statistics = [
    Statistic<"numLowered", "num-lowered", "Number of observers lowered">,
  ];
}

def ConvertFxpToArith : Pass<"convert-fxp-to-arith", "::mlir::ModuleOp"> {
  let summary = "Lower fixed-point ops to integer linalg, tensor and arith";
  let description = [{
    Replaces every fixed-point type by its signless storage integer
    (`!fxp.fixed<s8, 3>` becomes `i8`) and every `fxp` op by integer code
    with the semantics of docs/Numerics.md, bit for bit:

    * `fxp.constant` becomes `arith.constant` of the stored integers;
    * `fxp.quantize` (tensor, per-tensor, nearest/saturate) becomes a
      `linalg.generic` computing `clamp(round(x * 2^F))` (`math.round` rounds
      ties away from zero; NaN becomes 0);
    * `fxp.dequantize` (per-tensor) becomes `sitofp(q) * 2^-F`;
    * `fxp.cast` (per-tensor) becomes a rounding shift and saturation;
    * `fxp.conv2d` and `fxp.matmul` become `tensor.pad` with stored zeros,
      `linalg.conv_2d_nchw_fchw` / `linalg.matmul` from `iN` operands into an
      `i32` accumulator, and one epilogue `linalg.generic` that adds the
      bias, shifts by `F_acc[c] - F_y` with rounding to nearest (ties away
      from zero), saturates, applies the fused ReLU and truncates;
    * `fxp.add` aligns both operands to the larger fraction length, adds in
      `i64`, shifts, saturates;
    * `fxp.global_avg_pool2d` sums in `i32` and divides by `H * W` with
      rounding to nearest, ties away from zero.

    Shape ops of the `tensor` dialect and function signatures on fixed-point
    tensors are converted to the storage types. Ops the lowering does not
    support (stochastic rounding, per-axis quantize, unsigned kernel
    operands) are reported with their location and the pass fails.

    ```mlir
    // Before
    %y = fxp.add %a, %b : tensor<4x!fxp.fixed<s8, 4>>,
           tensor<4x!fxp.fixed<s8, 5>> -> tensor<4x!fxp.fixed<s8, 4>>
    // After (sketch)
    %y = linalg.generic ... ins(%a, %b : tensor<4xi8>, tensor<4xi8>) {
      // (a << 1) + b, rounding shift right by 1, clamp to [-128, 127]
    } -> tensor<4xi8>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SelectFormats : Pass<"fxp-select-formats", "::mlir::func::FuncOp"> {
  let summary = "Choose a fixed-point format for every calibration point";
  let description = [{
    Sets the `format` attribute (and the predicted `overflow` / `underflow`
    fractions) of every `fxp.observe`, from calibration statistics:

    * activations and inputs: the histogram of the observer's name, chosen
      with `policy` at `word-length` bits (docs/Numerics.md describes the
      policies: `msb` is MATLAB's rule, seed 002; `msb-mse` minimises the
      error the MSB histogram predicts; `minmax`, `percentile`, `entropy`
      and `mse` for comparison);
    * weights (constants observed as the second operand of a convolution or
      matmul): from the constant's values, per output channel (axis 0 of a
      conv's F x C x KH x KW, axis 1 of a matmul's K x N) or per tensor
      (`weights`), with `weight-policy` (default `msb` covering the largest
      magnitude, as MATLAB does for weights);
    * biases: the accumulator format, signed 32-bit with
      F = F_x + F_w per output channel, from the chosen input and weight
      formats (so biases are never chosen independently).

    Statistics come from the table `quant` hands to the pass (read from the
    statistics file: passes do no file I/O), else from the observer's
    `stats` attribute (`#fxp.stats`). An activation without statistics is
    an error.

    Data-free mode (`policy=range`): no statistics; each activation gets the
    format whose range covers the sound interval the range analysis
    computes for it from `input-range` (docs/RangeAnalysis.md). On deep
    networks these intervals are very wide (the reference model's logits
    are bounded by 1e23), so the formats are coarse; the mode exists to
    measure that and for shallow or well-bounded networks.

    Data-free mode (`policy=moments`): per-channel means and variances are
    propagated from `input-moments` through the matched nodes (conv and
    matmul with their constant weights, zero padding, residual add, global
    average pooling, fused ReLU as a rectified Gaussian), assuming
    independent inputs to every sum; each activation format covers
    max over channels of |mean| + `moment-sigmas` * sigma. Not sound, but
    close to calibrated formats on the reference model.

    ```mlir
    // Before
    %0 = fxp.observe "x" %arg0 {stats = #fxp.stats<count = 8, zeros = 0,
           min = -1.5, max = 3.0, msb 0: [4, 4]>} : tensor<8xf32>
    // After (policy=msb, word-length=8)
    %0 = fxp.observe "x" %arg0 {format = !fxp.fixed<s8, 5>, overflow = 0.0,
           underflow = 0.0, stats = ...} : tensor<8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::fxp::FxpDialect"];
  let options = [
    Option<"policy", "policy", "std::string", /*default=*/"\"msb\"",
           "Activation policy: msb, msb-mse, minmax, percentile, entropy, "
           "mse; data-free: range (the range analysis' interval) or "
           "moments (mean + k sigma of propagated moments)">,
    ListOption<"inputRange", "input-range", "double",
               "range policy: interval lo,hi of the function arguments">,
    ListOption<"inputMoments", "input-moments", "double",
               "moments policy: mean,std of the function arguments' "
               "elements (0,1 for normalized data)">,
    Option<"momentSigmas", "moment-sigmas", "double", /*default=*/"6.0",
           "moments policy: activations cover |mean| + k sigma per channel">,
    Option<"wordLength", "word-length", "unsigned", /*default=*/"8",
           "Word length of activations and weights">,
    Option<"weights", "weights", "std::string", /*default=*/"\"per-channel\"",
           "Weight formats: per-channel or per-tensor">,
    Option<"weightPolicy", "weight-policy", "std::string",
           /*default=*/"\"msb\"",
           "Weight policy (msb covers the largest magnitude for weights)">,
    Option<"msbOutlierFraction", "msb-outlier-fraction", "double",
           /*default=*/"0.001",
           "msb policy: fraction of activation values allowed to saturate">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "percentile policy: percentile of |x| to cover">,
    Option<"unsignedActivations", "unsigned-activations", "bool",
           /*default=*/"false",
           "Unsigned formats for activations that are never negative "
           "(after ReLU): one more fraction bit">,
  ];
}

def Quantize : Pass<"fxp-quantize", "::mlir::ModuleOp"> {
  let summary = "Rewrite float network nodes into fixed-point `fxp` ops";
  let description = [{
    Uses the formats `fxp-select-formats` put on the observers to replace
    each quantizable node of a float program by its fixed-point op:

    | float node (as `quant import` produces it)         | becomes                  |
    |----------------------------------------------------|--------------------------|
    | zero `tensor.pad` + `linalg.conv_2d_nchw_fchw` + bias broadcast | `fxp.conv2d` |
    | `linalg.matmul` + bias-add `linalg.generic` (Gemm) | `fxp.matmul`             |
    | element-wise `addf` of two tensors (residual add)  | `fxp.add`                |
    | spatial sum + divide by H * W (GlobalAveragePool)  | `fxp.global_avg_pool2d`  |

    A ReLU node that is the only user of a conv, matmul or add output is
    fused (`relu`): the fused op produces the ReLU's format directly.
    Weights and biases become `fxp.constant`s (located by their observer
    names, `<node>/weight` and `<node>/bias`) quantized with their formats;
    biases use the accumulator format F_x + F_w.

    Float and fixed-point parts meet through `fxp.quantize` (at a node's
    inputs, with the input observer's format) and `fxp.dequantize` (at its
    output); `fxp.quantize(fxp.dequantize(x))` then folds to `x` (or an
    `fxp.cast` when the formats differ) and dequantization moves below
    shape-only ops, so consecutive fixed-point nodes connect directly.
    Nodes named in `exclude`, of a kind in `exclude-kinds`, or whose output
    observer carries `keep_float` (set by `fxp-mixed-precision`) stay float
    (the "Quantize" column of MATLAB's app). All observers are removed.

    It is an error when an observer a node needs has no `format`, when an
    excluded name is not an observer of the module, or when an excluded kind
    is unknown.
  }];
  let dependentDialects = [
    "::mlir::fxp::FxpDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    ListOption<"exclude", "exclude", "std::string",
               "Names of nodes (their output observers) to keep in float">,
    ListOption<"excludeKinds", "exclude-kinds", "std::string",
               "Node kinds to keep in float: conv, matmul, add, pool">,
    Option<"fuseRelu", "fuse-relu", "bool", /*default=*/"true",
           "Fuse a ReLU that follows a conv, matmul or add">,
  ];
  let statistics = [
    Statistic<"numQuantized", "num-quantized", "Number of nodes quantized">,
  ];
}

def MixedPrecision : Pass<"fxp-mixed-precision", "::mlir::ModuleOp"> {
  let summary = "Choose word lengths per layer: an explicit plan, or the "
                "exact optimum under a memory or latency budget";
  let description = [{
    Decides, for every conv and matmul layer of an instrumented float
    module (all its functions: one budget for the whole network), the word
    length of its weights and of its output activation
    (`w4a8`, `w8a16`, ...) or that it stays float, and records the decision
    on the observers: `word_length` on the weight and output observers
    (honoured by `fxp-select-formats`), `keep_float` on the output observer
    of a float layer (honoured by `fxp-quantize`). Layers are named after
    their output observer (`/stage1/unit1/conv1/Conv`). Run it after
    `fxp-insert-observers` and before `fxp-select-formats`.

    Two modes:

    - `formats=LAYER=PRECISION,...` applies an explicit plan (layers not
      named keep the `fxp-select-formats` default).
    - A budget (`budget-ratio`, `budget-bytes` or `budget-latency-us`)
      solves the per-layer choice over the candidates each layer's
      `fxp.sensitivity` dictionary lists (written by `quant search` from
      measured sensitivities): it minimises the sum of the layers'
      sensitivities subject to the learnable-parameter bytes (4-bit
      weights packed two per byte, 32-bit quantized biases, float at 4
      bytes) or the modelled GPU latency (docs/MixedPrecision.md) staying
      within the budget. `solver=exact` is a multiple-choice knapsack solved
      exactly by dynamic programming over Pareto-optimal partial sums;
      `solver=greedy` is the classic bit-allocation baseline.

    ```mlir
    // before (sensitivities from `quant search`)
    %w = fxp.observe "conv/weight" %cst : tensor<8x4x3x3xf32>
    %y = fxp.observe "conv" %acc {fxp.sensitivity = {w4a8 = 0.02 : f64,
           w8a8 = 0.001 : f64, float = 0.0 : f64}} : tensor<?x8x6x6xf32>
    // after --fxp-mixed-precision=budget-ratio=0.3
    %w = fxp.observe "conv/weight" %cst {word_length = 8 : i32} : ...
    %y = fxp.observe "conv" %acc {fxp.sensitivity = {...},
           word_length = 8 : i32} : ...
    ```

    Residual adds and pooling then produce the widest activation format of
    their inputs (inputs without a decision count as `default-width`): a
    16-bit layer output is not narrowed where paths join.

    Errors (located): an unknown layer or malformed precision in `formats`,
    more than one budget, a layer without sensitivities (or with a
    malformed entry) under a budget, and a budget below the cheapest
    assignment (the message gives the cheapest cost).
  }];
  let dependentDialects = ["::mlir::fxp::FxpDialect"];
  let options = [
    ListOption<"formats", "formats", "std::string",
               "Explicit plan: LAYER=PRECISION entries, PRECISION being "
               "wWaA (W, A in [2, 16]) or float">,
    Option<"budgetRatio", "budget-ratio", "double", /*default=*/"0.0",
           "Budget: learnable-parameter bytes at most this fraction of the "
           "float layers' bytes">,
    Option<"budgetBytes", "budget-bytes", "int64_t", /*default=*/"0",
           "Budget: learnable-parameter bytes of the layers">,
    Option<"budgetLatency", "budget-latency-us", "double", /*default=*/"0.0",
           "Budget: modelled GPU microseconds per batch over the layers">,
    ListOption<"latencyModel", "latency-model", "double",
               "Latency model: launch_us,bandwidth_GBs,int8_TOPS,int16_TOPS,"
               "fp32_TFLOPS,batch (default 3,2000,400,25,50,64)">,
    Option<"solver", "solver", "std::string", /*default=*/"\"exact\"",
           "exact (multiple-choice knapsack DP) or greedy">,
    Option<"defaultWidth", "default-width", "unsigned", /*default=*/"8",
           "Word length of points without a decision (the "
           "fxp-select-formats word-length), for join propagation">,
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Emit a remark per layer with its choice and cost">,
  ];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Layers given a precision">,
    Statistic<"numFloat", "num-float", "Layers kept in float">,
  ];
}

def EqualizeWeights : Pass<"fxp-equalize-weights", "::mlir::func::FuncOp"> {
  let summary = "Cross-layer weight equalization of conv-ReLU-conv chains";
  let description = [{
    Data-free cross-layer equalization (Nagel et al., "Data-Free
    Quantization Through Weight Equalization and Bias Correction", 2019) on
    float programs: for every `linalg.conv_2d_nchw_fchw` whose result goes
    only through an element-wise ReLU (and optionally a zero `tensor.pad`)
    into a second convolution, output channel i of the first conv is scaled
    by 1 / s_i and input channel i of the second by s_i, with

        s_i = sqrt(r1_i / r2_i),  r1_i = max |W1[i, :, :, :]|,
                                  r2_i = max |W2[:, i, :, :]|

    so that both channel ranges become sqrt(r1_i * r2_i). The bias of the
    first conv (a `linalg.broadcast` of a constant) is scaled with it.
    Because ReLU is positively homogeneous the network computes the same
    function (up to float rounding), while per-tensor weight formats lose
    less resolution to channels with small ranges. Weights and biases must
    be constants used only by the chain; other chains are left alone.

    Each equalized pair is reported as a remark with the spread
    (max r / min r over channels) of both weights before and after.
  }];
  let options = [
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Emit a remark per equalized pair">,
  ];
  let statistics = [
    Statistic<"numEqualized", "num-equalized",
              "Number of conv pairs equalized">,
  ];
}

def CorrectBias : Pass<"fxp-correct-bias", "::mlir::func::FuncOp"> {
  let summary = "Data-free bias correction of quantized weights";
  let description = [{
    Runs after `fxp-select-formats` on an instrumented float program. For
    every convolution or matmul with a bias, the weight quantization error
    eps = Q(W) - W (with the chosen weight format) shifts the expected
    output by eps * E[x]; the pass subtracts it from the float bias:

        b'[f] = b[f] - sum over c, k of eps[f, c, k] * E[x_c]

    (Nagel et al. 2019, "Data-Free Quantization", section 4.2). E[x_c], the
    mean of input channel c after zero padding, comes from the same
    moment propagation as the `moments` policy of fxp-select-formats,
    started from `input-moments`. The bias constant must be used only by
    its observer; weights and biases without formats are left alone.
  }];
  let options = [
    ListOption<"inputMoments", "input-moments", "double",
               "mean,std of the function arguments' elements">,
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Emit a remark per corrected bias with the largest change">,
  ];
  let statistics = [
    Statistic<"numCorrected", "num-corrected", "Number of biases corrected">,
  ];
}

//===----------------------------------------------------------------------===//
// Range analysis
//===----------------------------------------------------------------------===//

defvar RangeAnalysisOptions = [
  ListOption<"inputRange", "input-range", "double",
             "Interval [lo, hi] of every function argument without an "
             "`fxp.range` argument attribute (default: unknown)">,
  Option<"trustStatistics", "trust-statistics", "bool", /*default=*/"false",
         "At `fxp.observe` ops with `stats`, bound values by the observed "
         "[min, max] (calibrated mode: not sound for unseen inputs)">,
];

def PrintRanges : Pass<"fxp-print-ranges", "::mlir::ModuleOp"> {
  let summary = "Annotate every op result with its analysed interval";
  let description = [{
    Runs the range analysis (docs/RangeAnalysis.md) and attaches to every
    op with results a string attribute `fxp.range` with the interval of
    each result (`"[lo, hi]"`, results separated by `; `) and, where the
    analysis distinguishes output channels (dimension 1), `fxp.channels`
    with one interval per channel. Meant for inspection and tests;
    `quant ranges` prints the same intervals as a table.

    ```mlir
    // fxp-print-ranges{input-range=-1,1}
    %0 = linalg.generic ... ins(%arg0 ...) { arith.maximumf %in, %zero }
         {fxp.range = "[0, 1]"}
    ```

    Integers are exact; float bounds are rounded outward to the element
    type and include the rounding error of reductions.
  }];
  let options = RangeAnalysisOptions;
}

def VerifyNoOverflow : Pass<"fxp-verify-no-overflow", "::mlir::ModuleOp"> {
  let summary = "Prove that integer accumulations and additions cannot "
                "overflow";
  let description = [{
    Runs the range analysis on an integer program (the output of
    `convert-fxp-to-arith`, or any linalg/arith program on tensors) and
    checks every integer operation against its type:

    * every reduction accumulator (convolution, matmul, pooling sums): the
      hull of all its partial sums, per output channel, so the proof holds
      for any summation order and for saturating accumulators too;
    * every integer add, subtract, multiply, shift and truncation in
      linalg bodies and scalar code (bias adds, residual adds, rounding).

    Each operation that can overflow is a located error naming the
    operation, the output channel, the interval it can reach, the bits it
    needs and by how many bits it exceeds its type; the pass then fails.
    With `remarks`, each proven accumulator gets a remark with the bits it
    needs (its headroom).

    ```
    model.mlir:12:10: error: accumulator of output channel 3 can reach
      [-4294967296, 4294967295]: needs 33 bits, i32 holds 32 (overflows by 1 bit)
    ```
  }];
  let options = !listconcat(RangeAnalysisOptions, [
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "Emit a remark with the bits each proven accumulator needs">,
  ]);
  let statistics = [
    Statistic<"numProven", "num-proven",
              "Number of integer accumulators proven overflow-free">,
    Statistic<"numOverflows", "num-overflows",
              "Number of operations that can overflow">,
  ];
}

def NarrowAccumulators
    : Pass<"fxp-narrow-accumulators", "::mlir::ModuleOp"> {
  let summary = "Shrink integer accumulators to the width the range "
                "analysis proves";
  let description = [{
    For every `linalg.conv_2d_nchw_fchw` and `linalg.matmul` with an integer
    accumulator, takes the hull of its partial sums over all output
    channels from the range analysis and, when a narrower power-of-two
    width of at least `min-width` bits holds it, recomputes the op with
    that accumulator (initial value truncated, result sign-extended back),
    so later ops are unchanged. Sums are exact in the narrow type because
    every partial sum fits. Each rewrite is reported as a remark with the
    interval and the widths; ops that keep their width are reported with
    the bits they need when `remarks-for-kept` is set.

    ```mlir
    // Before: i8 x i8 -> i32 accumulator, partial sums within [-1016, 1016]
    %0 = linalg.matmul ins(%a, %b : tensor<4x8xi8>, tensor<8x2xi8>)
           outs(%zero : tensor<4x2xi32>) -> tensor<4x2xi32>
    // After
    %t = arith.trunci %zero : tensor<4x2xi32> to tensor<4x2xi16>
    %1 = linalg.matmul ins(%a, %b : ...) outs(%t : tensor<4x2xi16>)
    %0 = arith.extsi %1 : tensor<4x2xi16> to tensor<4x2xi32>
    ```
  }];
  let options = !listconcat(RangeAnalysisOptions, [
    Option<"minWidth", "min-width", "unsigned", /*default=*/"16",
           "Narrowest accumulator width to use (8, 16 or 32)">,
    Option<"remarksForKept", "remarks-for-kept", "bool", /*default=*/"false",
           "Also report the bits needed by accumulators that keep their "
           "width">,
  ]);
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numNarrowed", "num-narrowed",
              "Number of accumulators narrowed">,
  ];
}

#endif // FXP_DIALECT_FXP_TRANSFORMS_PASSES_TD
