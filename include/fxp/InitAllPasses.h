//===- InitAllPasses.h - register fxp and upstream passes -------*- C++ -*-===//
//
// Part of the fxp project.
//
//===----------------------------------------------------------------------===//

#ifndef FXP_INITALLPASSES_H
#define FXP_INITALLPASSES_H

namespace mlir::fxp {

/// Registers every fxp pass and pipeline plus all upstream passes, so that
/// `quant-opt` accepts them on its command line.
void registerAllPasses();

} // namespace mlir::fxp

#endif // FXP_INITALLPASSES_H
