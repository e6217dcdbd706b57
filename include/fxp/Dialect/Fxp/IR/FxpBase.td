//===- FxpBase.td - fxp dialect definition -----------------*- tablegen -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_IR_FXPBASE_TD
#define FXP_DIALECT_FXP_IR_FXPBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Fxp_Dialect : Dialect {
  let name = "fxp";
  let cppNamespace = "::mlir::fxp";
  let summary = "Binary-point-scaled fixed-point types and operations";
  let description = [{
    The `fxp` dialect models fixed-point quantization the way MATLAB's
    `fi` objects and its Deep Network Quantizer do: a value is a W-bit
    integer `stored` with a binary-point position, the fraction length F,
    and means `stored * 2^-F`. There are no zero points and no arbitrary
    scales: every scale is a power of two, so requantization is a shift.

    The element type `!fxp.fixed<s8, 3>` carries the format; per-channel
    weights use one fraction length per slice along an axis,
    `!fxp.fixed<s8, axis 0: [7, 6, 6, 5]>`.

    Float values enter and leave fixed point through `fxp.quantize` and
    `fxp.dequantize`, formats change with `fxp.cast`, constants are
    `fxp.constant`, and `fxp.observe` marks calibration points. The
    numerics of every conversion (rounding and overflow modes) are the
    ones of `docs/Numerics.md`; folders use the same C++ implementation,
    so `--canonicalize` shows exactly what the integer kernels compute.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    // Defined next to the storage classes (FxpTypes.cpp, FxpAttrs.cpp).
    void registerTypes();
    void registerAttributes();
  }];
}

class Fxp_Op<string mnemonic, list<Trait> traits = []>
    : Op<Fxp_Dialect, mnemonic, traits>;

class Fxp_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Fxp_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

class Fxp_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Fxp_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // FXP_DIALECT_FXP_IR_FXPBASE_TD
