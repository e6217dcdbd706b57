// quant-opt registers the fxp dialect, its passes and pipelines next to the
// upstream dialects a user of fxp needs.
// RUN: quant-opt --show-dialects | FileCheck %s --check-prefix=DIALECTS
// RUN: quant-opt --help | FileCheck %s --check-prefix=HELP

// DIALECTS: arith
// DIALECTS-SAME: bufferization
// DIALECTS-SAME: func
// DIALECTS-SAME: fxp
// DIALECTS-SAME: gpu
// DIALECTS-SAME: linalg
// DIALECTS-SAME: llvm
// DIALECTS-SAME: math
// DIALECTS-SAME: memref
// DIALECTS-SAME: nvvm
// DIALECTS-SAME: quant
// DIALECTS-SAME: scf
// DIALECTS-SAME: tensor
// DIALECTS-SAME: tosa
// DIALECTS-SAME: vector

// HELP-DAG: --fxp-insert-observers
// HELP-DAG: --fxp-interchange-reductions
// HELP-DAG: --fxp-lower-observers
// HELP-DAG: --fxp-lower-to-cpu
// HELP-DAG: --one-shot-bufferize
