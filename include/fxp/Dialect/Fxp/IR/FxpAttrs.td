//===- FxpAttrs.td - fxp attributes ------------------------*- tablegen -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_IR_FXPATTRS_TD
#define FXP_DIALECT_FXP_IR_FXPATTRS_TD

include "fxp/Dialect/Fxp/IR/FxpBase.td"

// The enums live in the numerics core (fxp/Numerics/FixedPoint.h) so that IR
// and plain C++ share one definition; the attributes wrap them.

def Fxp_RoundingModeAttr : Fxp_Attr<"RoundingMode", "rounding"> {
  let summary = "rounding mode of a fixed-point conversion";
  let description = [{
    How a value between two representable values is resolved:
    `nearest_away` (round to nearest, ties away from zero, as MATLAB's
    `round`; the default), `nearest_even` (ties to even), `floor`
    (toward negative infinity), `zero` (toward zero) and `stochastic`
    (round up with probability equal to the discarded fraction; the
    random bits are a pure function of the op's seed and the element's
    linear index, so results are reproducible).

    ```mlir
    #fxp.rounding<nearest_even>
    ```
  }];
  let parameters = (ins "::mlir::fxp::RoundingMode":$value);
  let hasCustomAssemblyFormat = 1;
  let returnType = "::mlir::fxp::RoundingMode";
  let convertFromStorage = "$_self.getValue()";
  let constBuilderCall =
      "::mlir::fxp::RoundingModeAttr::get($_builder.getContext(), $0)";
}

def Fxp_OverflowModeAttr : Fxp_Attr<"OverflowMode", "overflow"> {
  let summary = "overflow mode of a fixed-point conversion";
  let description = [{
    What happens to a value outside the representable range: `saturate`
    clamps it to the nearest representable value (the default), `wrap`
    keeps the low W bits (two's complement).

    ```mlir
    #fxp.overflow<wrap>
    ```
  }];
  let parameters = (ins "::mlir::fxp::OverflowMode":$value);
  let hasCustomAssemblyFormat = 1;
  let returnType = "::mlir::fxp::OverflowMode";
  let convertFromStorage = "$_self.getValue()";
  let constBuilderCall =
      "::mlir::fxp::OverflowModeAttr::get($_builder.getContext(), $0)";
}

def Fxp_StatsAttr : Fxp_Attr<"Stats", "stats"> {
  let summary = "calibration statistics of one observed tensor";
  let description = [{
    The statistics `fxp-select-formats` needs, in a form that lives in the
    IR (on `fxp.observe`, for tests and for stacks that calibrate
    elsewhere): the number of observed values, how many were zero, the
    extremes, and the MSB histogram: `msb P: [c_P, c_P+1, ...]` counts the
    non-zero values whose most significant bit floor(log2|x|) is P, P + 1,
    and so on.

    ```mlir
    #fxp.stats<count = 100, zeros = 4, min = -3.5, max = 6.25,
               msb -2: [10, 30, 40, 16]>
    ```

    The attribute has no finer histogram: policies that need one
    (`percentile`, `entropy`, `mse`) see every octave's values at its
    midpoint. `quant` passes the full statistics file to the pass instead.
  }];
  let parameters = (ins "uint64_t":$count, "uint64_t":$zeros,
                        "::mlir::FloatAttr":$min, "::mlir::FloatAttr":$max,
                        "int64_t":$lowest,
                        ArrayRefParameter<"uint64_t">:$msb);
  let assemblyFormat = [{
    `<` `count` `=` $count `,` `zeros` `=` $zeros `,` `min` `=` $min `,`
    `max` `=` $max `,` `msb` $lowest `:` `[` $msb `]` `>`
  }];
  let genVerifyDecl = 1;
}

#endif // FXP_DIALECT_FXP_IR_FXPATTRS_TD
