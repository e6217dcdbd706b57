// RUN: quant-opt %s --fxp-print-ranges="input-range=2,1" --verify-diagnostics
// RUN: quant-opt %s --fxp-verify-no-overflow="input-range=1" --verify-diagnostics
// RUN: quant-opt %s --fxp-narrow-accumulators="input-range=0,1,2" --verify-diagnostics
// RUN: not quant-opt %s --fxp-narrow-accumulators="min-width=12" 2>&1 | FileCheck %s --check-prefix=WIDTH

// Options of the range passes are checked before the analysis runs.
// WIDTH: error: min-width must be 8, 16 or 32, got 12

// expected-error@below {{input-range must be two numbers lo,hi with lo <= hi}}
module {
}
