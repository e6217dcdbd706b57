/* Runs a model compiled by `quant compile` from C, through the header it
 * writes: run_model INPUT.f32 N C H W OUTPUT.f32
 * INPUT holds N*C*H*W float32 values; OUTPUT receives the N x K logits.
 * Built with -DFXP_CUDA for GPU models: exits 3 with the reason when no GPU
 * is usable, 4 when a GPU call failed. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: run_model INPUT.f32 N C H W OUTPUT.f32\n");
    return 2;
  }
  int64_t shape[4];
  for (int i = 0; i < 4; ++i)
    shape[i] = atoll(argv[2 + i]);
  size_t count = (size_t)(shape[0] * shape[1] * shape[2] * shape[3]);
  float *data = malloc(count * sizeof(float));
  FILE *in = fopen(argv[1], "rb");
  if (!in || fread(data, sizeof(float), count, in) != count) {
    fprintf(stderr, "run_model: cannot read %zu floats from %s\n", count,
            argv[1]);
    return 2;
  }
  fclose(in);
#ifdef FXP_CUDA
  char message[512];
  if (!fxpCudaProbe(message, sizeof(message))) {
    fprintf(stderr, "run_model: no GPU: %s\n", message);
    return 3;
  }
#endif
  fxp_main_in0_t input = {data, data, 0, {0}, {0}};
  int64_t stride = 1;
  for (int d = 3; d >= 0; --d) {
    input.sizes[d] = shape[d];
    input.strides[d] = stride;
    stride *= shape[d];
  }
  fxp_main_out0_t result;
  _mlir_ciface_main(&result, &input);
#ifdef FXP_CUDA
  if (fxpCudaTakeError(message, sizeof(message))) {
    fprintf(stderr, "run_model: GPU error: %s\n", message);
    return 4;
  }
#endif
  FILE *out = fopen(argv[6], "wb");
  int64_t rows = result.sizes[0], cols = result.sizes[1];
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      fwrite(result.aligned + result.offset + r * result.strides[0] +
                 c * result.strides[1],
             sizeof(float), 1, out);
  fclose(out);
  free(result.allocated);
  free(data);
  printf("run_model: %lld x %lld logits\n", (long long)rows, (long long)cols);
  return 0;
}
