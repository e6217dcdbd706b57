// fxp-lower-to-nvvm errors: bad options are reported with the pass that
// rejects them, never a crash.
// RUN: not quant-opt %S/Inputs/tiny-int8.mlir --fxp-lower-to-nvvm="format=isa tile-n=12" 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: not quant-opt %S/Inputs/tiny-int8.mlir --fxp-lower-to-nvvm="format=bin toolkit=/nonexistent" 2>&1 | FileCheck %s --check-prefix=TOOLKIT
// RUN: not quant-opt %S/Inputs/tiny-int8.mlir --fxp-lower-to-nvvm="format=nonsense" 2>&1 | FileCheck %s --check-prefix=FORMAT
// TILE: error: fxp-linalg-to-gpu: tile-n must be a positive multiple of 16
// TOOLKIT: error: CUDA path: /nonexistent does not exist or is not a directory
// FORMAT: Cannot find option named 'nonsense'
