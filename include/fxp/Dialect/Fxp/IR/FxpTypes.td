//===- FxpTypes.td - fxp types -----------------------------*- tablegen -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_DIALECT_FXP_IR_FXPTYPES_TD
#define FXP_DIALECT_FXP_IR_FXPTYPES_TD

include "fxp/Dialect/Fxp/IR/FxpBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Fxp_FixedType : Fxp_Type<"Fixed", "fixed",
                             [VectorElementTypeInterface]> {
  let summary = "binary-point-scaled fixed-point number";
  let description = [{
    A fixed-point number of `width` bits (1 to 32), signed (`s`) or
    unsigned (`u`), whose real value is `stored * 2^-F`. The fraction length
    F may be any integer: negative (the LSB weighs more than 1) and larger
    than the width (all bits are fractional) are legal, as in MATLAB's `fi`.

    Per-tensor format, one fraction length:

    ```mlir
    !fxp.fixed<s8, 3>        // s8, real = stored / 8, range [-16, 15.875]
    !fxp.fixed<u16, -2>      // u16, real = stored * 4
    ```

    Per-axis (per-channel) format, one fraction length per slice of a
    tensor along `axis`; the list length must equal that dimension's size
    wherever the type is used in a tensor:

    ```mlir
    tensor<4x3x3x3x!fxp.fixed<s8, axis 0: [7, 6, 6, 5]>>
    ```

    Values are stored in a signless integer of the same width (see
    `getStorageType()`); unsigned formats read the bits as unsigned.
  }];
  let parameters = (ins
    "bool":$isSigned,
    "unsigned":$width,
    OptionalParameter<"std::optional<int32_t>">:$axis,
    ArrayRefParameter<"int32_t">:$fractionLengths
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    TypeBuilder<(ins "bool":$isSigned, "unsigned":$width,
                     "int32_t":$fractionLength), [{
      return $_get($_ctxt, isSigned, width, std::nullopt,
                   ::llvm::ArrayRef<int32_t>{fractionLength});
    }]>,
    TypeBuilder<(ins "bool":$isSigned, "unsigned":$width, "int32_t":$axis,
                     "::llvm::ArrayRef<int32_t>":$fractionLengths), [{
      return $_get($_ctxt, isSigned, width, std::optional<int32_t>(axis),
                   fractionLengths);
    }]>,
  ];
  let extraClassDeclaration = [{
    /// Builds the per-tensor type of a numerics-core format.
    static FixedType get(::mlir::MLIRContext *context,
                         const ::mlir::fxp::FixedFormat &format);

    /// True for a per-axis (per-channel) format.
    bool isPerAxis() const { return getAxis().has_value(); }
    /// The fraction length of a per-tensor format.
    int32_t getFractionLength() const;
    /// The format of slice `slice` along the axis (any slice for a
    /// per-tensor format).
    ::mlir::fxp::FixedFormat getFormat(unsigned slice = 0) const;
    /// The signless integer type holding the stored value.
    ::mlir::IntegerType getStorageType() const;
    /// The integer type lowered code computes with: the storage type,
    /// widened to i8 for formats under 8 bits (sub-byte values are held
    /// sign- or zero-extended in bytes and computed as int8).
    ::mlir::IntegerType getComputeType() const;
    /// Bytes `numElements` constant values of this format occupy once
    /// lowered: formats of at most 4 bits are packed two per byte, wider
    /// ones take ceil(width / 8) bytes per value.
    int64_t getPackedBytes(int64_t numElements) const;
    /// Number of fraction lengths (1 for per-tensor).
    unsigned getNumSlices() const { return getFractionLengths().size(); }
  }];
}

#endif // FXP_DIALECT_FXP_IR_FXPTYPES_TD
