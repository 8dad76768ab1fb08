/* Hot standalone timings of unet-small's forward convolution shapes on oneDNN, one thread, as dtr's lanes
 * run them: forward_training, f32 (oneDNN's choice of algorithm, and direct) and bf16 operands (direct).
 * Build and run:  gcc -O2 conv-shapes.c -o conv-shapes -ldnnl && OMP_NUM_THREADS=1 ./conv-shapes 50
 * Each row: ms per call for `mb` images; "per forward" weights each shape by its calls in one unet-small
 * forward pass (docs/performance.md, "Latest"). */
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static dnnl_engine_t eng;
static dnnl_stream_t st;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

/* ms per forward call of an ic→oc k×k convolution with stride s on mb images of h×h; impl receives oneDNN's kernel name. */
static double run(int mb, int ic, int oc, int h, int k, int s, dnnl_alg_kind_t alg, dnnl_data_type_t type, const char **impl) {
  int p = k / 2, oh = (h + 2 * p - k) / s + 1;
  dnnl_memory_desc_t src, w, b, dst;
  dnnl_dims_t sd = {mb, ic, h, h}, wd = {oc, ic, k, k}, bd = {oc}, dd = {mb, oc, oh, oh};
  dnnl_memory_desc_init_by_tag(&src, 4, sd, type, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&w, 4, wd, type, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&b, 1, bd, dnnl_f32, dnnl_x);
  dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_format_tag_any);
  dnnl_dims_t str = {s, s}, pl = {p, p}, pr = {(oh - 1) * s + k - h - p, (oh - 1) * s + k - h - p};
  dnnl_convolution_desc_t cd;
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t prim;
  if (dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, alg, &src, &w, &b, &dst, str, pl, pr)) return -1;
  if (dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL)) return -1;
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, impl);
  dnnl_primitive_create(&prim, pd);
  dnnl_query_t q[] = {dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md, dnnl_query_scratchpad_md};
  dnnl_memory_t m[5];
  for (int i = 0; i < 4; i++) {
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, q[i], 0);
    dnnl_memory_create(&m[i], md, eng, DNNL_MEMORY_ALLOCATE);
    void *ptr;
    dnnl_memory_get_data_handle(m[i], &ptr);
    memset(ptr, 0, dnnl_memory_desc_get_size(md));
  }
  dnnl_memory_create(&m[4], &b, eng, DNNL_MEMORY_ALLOCATE);
  dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, m[0]}, {DNNL_ARG_WEIGHTS, m[1]}, {DNNL_ARG_DST, m[2]},
                            {DNNL_ARG_SCRATCHPAD, m[3]}, {DNNL_ARG_BIAS, m[4]}};
  for (int i = 0; i < 3; i++) dnnl_primitive_execute(prim, st, 5, args);
  int n = 20;
  double t = now();
  for (int i = 0; i < n; i++) dnnl_primitive_execute(prim, st, 5, args);
  dnnl_stream_wait(st);
  t = (now() - t) / n * 1e3;
  for (int i = 0; i < 5; i++) dnnl_memory_destroy(m[i]);
  dnnl_primitive_destroy(prim);
  dnnl_primitive_desc_destroy(pd);
  return t;
}

int main(int argc, char **argv) {
  int mb = argc > 1 ? atoi(argv[1]) : 50;
  /* ic, oc, side, kernel, stride, calls per unet-small forward (from ONEDNN_VERBOSE of dtr bench sample) */
  int shapes[][6] = {{128, 64, 14, 3, 1, 1}, {32, 32, 28, 3, 1, 4}, {64, 64, 14, 3, 1, 4}, {96, 32, 28, 3, 1, 1},
                     {64, 64, 28, 3, 1, 1},  {64, 32, 28, 3, 1, 1}, {96, 64, 14, 3, 1, 1}, {64, 64, 7, 3, 1, 8},
                     {128, 64, 7, 3, 1, 2},  {32, 1, 28, 3, 1, 1},  {1, 32, 28, 3, 1, 1},  {32, 64, 14, 3, 1, 1},
                     {32, 32, 28, 3, 2, 1},  {64, 64, 14, 3, 2, 1}};
  int count = sizeof shapes / sizeof shapes[0];
  double total[3] = {0, 0, 0};
  dnnl_engine_create(&eng, dnnl_cpu, 0);
  dnnl_stream_create(&st, eng, dnnl_stream_default_flags);
  printf("mb %d, one thread; ms per call\n", mb);
  printf("| ic | oc | side | stride | calls | f32 auto | kernel | f32 direct | bf16 direct |\n|---|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < count; i++) {
    int *S = shapes[i];
    const char *ia, *id, *ib;
    double a = run(mb, S[0], S[1], S[2], S[3], S[4], dnnl_convolution_auto, dnnl_f32, &ia);
    double d = run(mb, S[0], S[1], S[2], S[3], S[4], dnnl_convolution_direct, dnnl_f32, &id);
    double b = run(mb, S[0], S[1], S[2], S[3], S[4], dnnl_convolution_direct, dnnl_bf16, &ib);
    printf("| %d | %d | %d | %d | %d | %.2f | %s | %.2f | %.2f (%s) |\n", S[0], S[1], S[2], S[4], S[5], a, ia, d, b, ib);
    total[0] += S[5] * a;
    total[1] += S[5] * d;
    total[2] += S[5] * b;
  }
  printf("per forward (calls-weighted): f32 auto %.1f ms, f32 direct %.1f ms, bf16 direct %.1f ms\n", total[0], total[1], total[2]);
  return 0;
}
