//===- FxpOps.td - fxp operations --------------------------*- tablegen -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_IR_FXPOPS_TD
#define FXP_DIALECT_FXP_IR_FXPOPS_TD

include "fxp/Dialect/Fxp/IR/FxpBase.td"
include "fxp/Dialect/Fxp/IR/FxpAttrs.td"
include "fxp/Dialect/Fxp/IR/FxpTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Fxp_AnyFixed : Type<CPred<"::llvm::isa<::mlir::fxp::FixedType>($_self)">,
                        "fixed-point", "::mlir::fxp::FixedType">;

// A fixed-point scalar, or a vector or tensor of them.
def Fxp_FixedLike : TypeOrValueSemanticsContainer<Fxp_AnyFixed,
                                                  "fixed-point-like">;

// A float scalar, or a vector or tensor of floats.
def Fxp_FloatLike : TypeOrValueSemanticsContainer<AnyFloat,
                                                  "floating-point-like">;

def Fxp_FloatOrFixedLike : AnyTypeOf<[Fxp_FloatLike, Fxp_FixedLike],
                                     "floating-point-like or fixed-point-like">;

// Rounding/overflow attributes default to the numerics contract.
def Fxp_DefaultRounding : DefaultValuedAttr<Fxp_RoundingModeAttr,
    "::mlir::fxp::RoundingMode::NearestAway">;
def Fxp_DefaultOverflow : DefaultValuedAttr<Fxp_OverflowModeAttr,
    "::mlir::fxp::OverflowMode::Saturate">;

// Side-effect resource of calibration statistics written by fxp.observe.
def Fxp_StatisticsResource
    : Resource<"::mlir::fxp::StatisticsResource">;

//===----------------------------------------------------------------------===//
// fxp.quantize
//===----------------------------------------------------------------------===//

def Fxp_QuantizeOp : Fxp_Op<"quantize", [Pure]> {
  let summary = "convert floating-point values to fixed point";
  let description = [{
    Converts each float element `x` to `stored = round(x * 2^F)` followed by
    the overflow mode, where F is the fraction length of the result format
    (of the element's slice for per-axis formats). Rounding defaults to
    `nearest_away` and overflow to `saturate`; both print only when they
    differ from the default. `stochastic` rounding takes an optional `seed`
    (default 0). NaN becomes 0.

    The operand and result have the same shape and container kind (scalar,
    vector or tensor).

    ```mlir
    %q = fxp.quantize %x : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
    %r = fxp.quantize %x rounding nearest_even overflow wrap
           : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
    %s = fxp.quantize %x rounding stochastic seed 7
           : tensor<4xf32> to tensor<4x!fxp.fixed<s8, 3>>
    ```

    A quantize of a float constant folds to an `fxp.constant` with exactly
    these numerics: with `!fxp.fixed<s8, 3>`, 0.03125 becomes 0
    (underflow), 2.1 becomes 17 (2.125) and 16.25 saturates to 127 (15.875).
  }];
  let arguments = (ins Fxp_FloatLike:$input,
                       Fxp_DefaultRounding:$rounding,
                       Fxp_DefaultOverflow:$overflow,
                       OptionalAttr<I64Attr>:$seed);
  let results = (outs Fxp_FixedLike:$result);
  let assemblyFormat = [{
    $input `` custom<ConversionModes>($rounding, $overflow, $seed) attr-dict
    `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// fxp.dequantize
//===----------------------------------------------------------------------===//

def Fxp_DequantizeOp : Fxp_Op<"dequantize", [Pure]> {
  let summary = "convert fixed-point values to floating point";
  let description = [{
    Converts each element to its real value `stored * 2^-F`, rounded to the
    nearest value of the result float type (exact for f32 results of words
    up to 24 bits, and for f64 results of every format).

    ```mlir
    %x = fxp.dequantize %q : tensor<4x!fxp.fixed<s8, 3>> to tensor<4xf32>
    ```

    A dequantize of an `fxp.constant` folds to an `arith.constant`; a
    dequantize of a quantize is not folded (quantization is lossy).
  }];
  let arguments = (ins Fxp_FixedLike:$input);
  let results = (outs Fxp_FloatLike:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// fxp.cast
//===----------------------------------------------------------------------===//

def Fxp_CastOp : Fxp_Op<"cast", [Pure]> {
  let summary = "change the fixed-point format of values";
  let description = [{
    Re-expresses each element in the result format: an exact left shift when
    the fraction length grows, a rounding arithmetic right shift when it
    shrinks (rounding mode as in `fxp.quantize`), then the overflow mode for
    the result word. This is the requantization primitive of integer
    kernels.

    Per-axis formats may be cast to per-axis formats on the same axis (and
    number of slices), and to or from per-tensor formats.

    ```mlir
    %y = fxp.cast %x rounding floor
           : tensor<4x!fxp.fixed<s16, 8>> to tensor<4x!fxp.fixed<s8, 3>>
    ```

    A cast to the same type folds away; a cast of an `fxp.constant` folds to
    an `fxp.constant`.
  }];
  let arguments = (ins Fxp_FixedLike:$input,
                       Fxp_DefaultRounding:$rounding,
                       Fxp_DefaultOverflow:$overflow,
                       OptionalAttr<I64Attr>:$seed);
  let results = (outs Fxp_FixedLike:$result);
  let assemblyFormat = [{
    $input `` custom<ConversionModes>($rounding, $overflow, $seed) attr-dict
    `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// fxp.constant
//===----------------------------------------------------------------------===//

def Fxp_ConstantOp : Fxp_Op<"constant",
    [ConstantLike, Pure,
     DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "fixed-point constant";
  let description = [{
    A fixed-point constant given by its stored integers. `value` is an
    integer attribute (scalar) or elements attribute (vector, tensor; dense
    or resource) whose element type is the signless storage integer of the
    format; the result has the same shape with the fixed-point element type
    written after `as`.

    ```mlir
    // 0.0269 in best-precision s8: stored 110 with F = 12 (0.02685546875).
    %c = fxp.constant dense<[110, -3]> : tensor<2xi8> as !fxp.fixed<s8, 12>
    %w = fxp.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
           as !fxp.fixed<s8, axis 0: [7, 5]>
    %s = fxp.constant 5 : i4 as !fxp.fixed<u4, 0>
    ```

    Unsigned payloads print in two's complement like every signless
    integer (`u8` 255 prints as -1).
  }];
  let arguments = (ins TypedAttrInterface:$value);
  let results = (outs Fxp_FixedLike:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "::mlir::TypedAttr":$value,
                   "::mlir::fxp::FixedType":$elementType)>,
  ];
}

//===----------------------------------------------------------------------===//
// fxp.observe
//===----------------------------------------------------------------------===//

def Fxp_ObserveOp : Fxp_Op<"observe",
    [AllTypesMatch<["input", "result"]>,
     MemoryEffects<[MemWrite<Fxp_StatisticsResource>]>]> {
  let summary = "calibration point: identity that records statistics";
  let description = [{
    Returns its operand unchanged. At run time on an instrumented program it
    records statistics (count, min, max, MSB histogram, ...) of the values
    that flow through it under the stable string `name`, which reports and
    statistics files use as key. Because it writes statistics it is not
    removed when its result is unused.

    ```mlir
    %y = fxp.observe "conv1" %x : tensor<1x16x28x28xf32>
    ```

    Optional attributes carry what calibration and format selection know
    about the point: `stats` (an `#fxp.stats`, input of
    `fxp-select-formats` when no statistics file is given), `format` (the
    fixed-point element type chosen by `fxp-select-formats`, per-axis for
    per-channel weights) and `overflow` / `underflow`, the predicted
    fractions of values that saturate or become 0 in that format.

    ```mlir
    %w = fxp.observe "conv1/weight" %cst {format = !fxp.fixed<s8, axis 0: [7, 6]>,
           overflow = 0.0 : f64, underflow = 0.01 : f64} : tensor<2x1x3x3xf32>
    ```

    Mixed precision (`fxp-mixed-precision`) records its per-layer decisions
    on the observers: `word_length` (2 to 16) is the word length
    `fxp-select-formats` gives this point instead of its `word-length`
    option; `keep_float` on the output observer of a conv or matmul keeps
    that node in float (`fxp-quantize` skips it, as with `exclude`).

    ```mlir
    %w = fxp.observe "conv1/weight" %cst {word_length = 4 : i32} : tensor<2x1x3x3xf32>
    %y = fxp.observe "conv1" %acc {keep_float} : tensor<1x2x8x8xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, Fxp_FloatOrFixedLike:$input,
                       OptionalAttr<Fxp_StatsAttr>:$stats,
                       OptionalAttr<TypeAttr>:$format,
                       OptionalAttr<F64Attr>:$overflow,
                       OptionalAttr<F64Attr>:$underflow,
                       OptionalAttr<I32Attr>:$word_length,
                       UnitAttr:$keep_float);
  let results = (outs Fxp_FloatOrFixedLike:$result);
  let assemblyFormat = "$name $input attr-dict `:` type($input)";
  let builders = [
    OpBuilder<(ins "::mlir::Type":$type, "::mlir::StringAttr":$name,
                   "::mlir::Value":$input), [{
      build($_builder, $_state, type, name, input, /*stats=*/nullptr,
            /*format=*/nullptr, /*overflow=*/nullptr, /*underflow=*/nullptr,
            /*word_length=*/nullptr, /*keep_float=*/nullptr);
    }]>,
  ];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Integer compute ops
//===----------------------------------------------------------------------===//

def Fxp_FixedTensor : RankedTensorOf<[Fxp_AnyFixed]>;

def Fxp_Conv2DOp : Fxp_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution on fixed-point tensors (NCHW, FCHW)";
  let description = [{
    Convolution of `input` (N x C x H x W) with `weight` (F x C x KH x KW,
    per-tensor or per-axis on axis 0) plus an optional `bias` (F values).
    The integer semantics (docs/Numerics.md, integer kernels):

    - products of stored values accumulate exactly at
      F_acc[f] = F_x + F_w[f]; padding inserts stored zeros;
    - `bias` must be signed 32-bit with fraction length F_acc[f] per output
      channel (the accumulator format) and is added to the accumulator;
    - the sum is requantized to the result format by a rounding arithmetic
      shift by F_acc[f] - F_y (nearest, ties away from zero; a left shift
      when negative) and saturated to the result's word length;
    - with `relu`, negative results become 0 (ReLU fused as a clamp).

    `padding` is `[top, left, bottom, right]`. Groups are not supported yet
    (depthwise convolutions stay in float).

    ```mlir
    %y = fxp.conv2d %x, %w, %b strides [1, 1] dilations [1, 1]
           padding [1, 1, 1, 1] relu
         : tensor<?x16x28x28x!fxp.fixed<s8, 4>>,
           tensor<16x16x3x3x!fxp.fixed<s8, axis 0: [...]>>,
           tensor<16x!fxp.fixed<s32, axis 0: [...]>>
        -> tensor<?x16x28x28x!fxp.fixed<s8, 5>>
    ```
  }];
  let arguments = (ins Fxp_FixedTensor:$input, Fxp_FixedTensor:$weight,
                       Optional<Fxp_FixedTensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding, UnitAttr:$relu);
  let results = (outs Fxp_FixedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` $strides `dilations` $dilations
    `padding` $padding (`relu` $relu^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def Fxp_MatmulOp : Fxp_Op<"matmul", [Pure]> {
  let summary = "matrix product on fixed-point tensors (M x K times K x N)";
  let description = [{
    `input` (M x K) times `weight` (K x N, per-tensor or per-axis on axis 1,
    one fraction length per output feature) plus an optional `bias`
    (N values, signed 32-bit at F_x + F_w[n]). Accumulation,
    requantization, saturation and the fused `relu` follow `fxp.conv2d`.

    ```mlir
    %y = fxp.matmul %x, %w, %b : tensor<?x64x!fxp.fixed<s8, 4>>,
           tensor<64x10x!fxp.fixed<s8, axis 1: [...]>>,
           tensor<10x!fxp.fixed<s32, axis 0: [...]>>
        -> tensor<?x10x!fxp.fixed<s8, 2>>
    ```
  }];
  let arguments = (ins Fxp_FixedTensor:$input, Fxp_FixedTensor:$weight,
                       Optional<Fxp_FixedTensor>:$bias, UnitAttr:$relu);
  let results = (outs Fxp_FixedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`relu` $relu^)? attr-dict `:`
    type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def Fxp_AddOp : Fxp_Op<"add", [Pure]> {
  let summary = "element-wise sum of fixed-point tensors (residual add)";
  let description = [{
    Adds two per-tensor fixed-point tensors of the same shape: both operands
    are aligned exactly to F_m = max(F_lhs, F_rhs) by left shifts, added
    without overflow, then requantized to the result format by a rounding
    shift by F_m - F_y (ties away from zero) and saturated. With `relu`,
    negative results become 0.

    ```mlir
    %s = fxp.add %a, %b relu : tensor<?x16x28x28x!fxp.fixed<s8, 4>>,
           tensor<?x16x28x28x!fxp.fixed<s8, 5>>
        -> tensor<?x16x28x28x!fxp.fixed<s8, 4>>
    ```
  }];
  let arguments = (ins Fxp_FixedTensor:$lhs, Fxp_FixedTensor:$rhs,
                       UnitAttr:$relu);
  let results = (outs Fxp_FixedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`relu` $relu^)? attr-dict `:` type($lhs) `,` type($rhs)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Fxp_GlobalAvgPool2DOp : Fxp_Op<"global_avg_pool2d", [Pure]> {
  let summary = "mean over the spatial dimensions of a fixed-point tensor";
  let description = [{
    N x C x H x W to N x C x 1 x 1: the stored values of each (n, c) plane
    are summed exactly and divided by H * W with rounding to nearest, ties
    away from zero, at the result's fraction length:
    y = round(sum * 2^(F_y - F_x) / (H * W)), then saturated.

    ```mlir
    %m = fxp.global_avg_pool2d %x : tensor<?x64x7x7x!fxp.fixed<s8, 3>>
        -> tensor<?x64x1x1x!fxp.fixed<s8, 4>>
    ```
  }];
  let arguments = (ins Fxp_FixedTensor:$input);
  let results = (outs Fxp_FixedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

#endif // FXP_DIALECT_FXP_IR_FXPOPS_TD
