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

#endif // FXP_DIALECT_FXP_IR_FXPATTRS_TD
