//===- Passes.td - fxp target-independent transforms -------*- tablegen -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_TRANSFORMS_PASSES_TD
#define FXP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InterchangeReductions
    : Pass<"fxp-interchange-reductions", "::mlir::func::FuncOp"> {
  let summary = "Move reduction loops of linalg ops outside the innermost "
                "output loops";
  let description = [{
    Convolutions, poolings and matmuls iterate their reduction dimensions
    innermost by default (`(n, f, oh, ow, c, kh, kw)`), so the loops that
    `convert-linalg-to-loops` produces carry a scalar dependence through the
    innermost loop and do not vectorize. This pass reorders the iteration
    space of each linalg op with reductions (one output, projected-permutation
    output map) to

        leading parallel dims, reduction dims, trailing output dims

    where the trailing output dims are the last two output dimensions (the
    last one for rank-2 outputs), so the innermost loop walks contiguous
    output elements and LLVM's loop vectorizer turns it into SIMD code. An op
    is only reordered when every input that uses the innermost dimension uses
    it in its last (contiguous) index; otherwise it is left alone. Named ops
    are generalized to `linalg.generic` first.

    Before (loops of `linalg.conv_2d_nchw_fchw`):

    ```
    (n, f, oh, ow, c, kh, kw): O[n, f, oh, ow] += I[n, c, oh + kh, ow + kw] * W[f, c, kh, kw]
    ```

    After:

    ```mlir
    linalg.generic {iterator_types = ["parallel", "parallel", "reduction",
                    "reduction", "reduction", "parallel", "parallel"], ...}
    ```

    The computation is unchanged up to the order of floating-point additions
    per output element, which stays the original reduction order.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let statistics = [
    Statistic<"numInterchanged", "num-interchanged",
              "Number of linalg ops whose loops were reordered">,
  ];
}

#endif // FXP_TRANSFORMS_PASSES_TD
