/*
 * The native anchor for meshcast's grid flood: one packet flooded from the centre of a
 * WIDTH x WIDTH 4-neighbour grid, link success 0.9, exponential hop delay of mean 2 s, each node
 * forwarding the first copy it hears, no hop or TTL limit — the workload of `npm run bench:peers`
 * — as a plain discrete-event simulation in C: a binary heap of (time, node) events, one event
 * per copy that survives its link trial. What a hand-written native simulator reaches; meshcast
 * is compared with it in the same minute.
 *
 *   cc -O2 -o flood_heap flood_heap.c -lm && ./flood_heap 1000 5
 *
 * Prints one line per timed run and `RESULT best_s=… median_s=… reached=… receptions=…`.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  double t;
  int32_t node;
} event;

static event *heap;
static size_t heap_size, heap_cap;

static int earlier(const event *a, const event *b) { return a->t < b->t || (a->t == b->t && a->node < b->node); }

static void push(double t, int32_t node) {
  if (heap_size == heap_cap) {
    heap_cap *= 2;
    heap = realloc(heap, heap_cap * sizeof *heap);
    if (!heap) exit(2);
  }
  event e = {t, node};
  size_t i = heap_size++;
  while (i > 0) {
    size_t up = (i - 1) / 2;
    if (!earlier(&e, &heap[up])) break;
    heap[i] = heap[up];
    i = up;
  }
  heap[i] = e;
}

static event pop(void) {
  event top = heap[0], last = heap[--heap_size];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= heap_size) break;
    if (child + 1 < heap_size && earlier(&heap[child + 1], &heap[child])) child++;
    if (!earlier(&heap[child], &last)) break;
    heap[i] = heap[child];
    i = child;
  }
  if (heap_size > 0) heap[i] = last;
  return top;
}

/* splitmix64: one 64-bit state, a uniform double in [0, 1) per call. */
static uint64_t state;
static double uniform(void) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53;
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int width = argc > 1 ? atoi(argv[1]) : 1000;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  if (width < 2 || runs < 1) {
    fprintf(stderr, "usage: flood_heap WIDTH(>=2) [RUNS>=1]\n");
    return 1;
  }
  int32_t n = width * width;
  /* Neighbours in CSR form, in the order left, right, up, down. */
  int32_t *offsets = malloc((size_t)(n + 1) * sizeof *offsets);
  int32_t *neighbours = malloc((size_t)n * 4 * sizeof *neighbours);
  uint8_t *seen = malloc((size_t)n);
  double *times = malloc((size_t)runs * sizeof *times);
  heap_cap = 1024;
  heap = malloc(heap_cap * sizeof *heap);
  if (!offsets || !neighbours || !seen || !times || !heap) return 2;
  int32_t edges = 0;
  for (int32_t v = 0; v < n; v++) {
    int x = v % width, y = v / width;
    offsets[v] = edges;
    if (x > 0) neighbours[edges++] = v - 1;
    if (x < width - 1) neighbours[edges++] = v + 1;
    if (y > 0) neighbours[edges++] = v - width;
    if (y < width - 1) neighbours[edges++] = v + width;
  }
  offsets[n] = edges;
  const int32_t origin = (width / 2) * width + width / 2;
  long long reached = 0, receptions = 0;
  /* One untimed run first (page faults, caches), then the timed ones. */
  for (int run = -1; run < runs; run++) {
    state = 12345 + (uint64_t)(run + 1);
    memset(seen, 0, (size_t)n);
    heap_size = 0;
    reached = 0;
    receptions = 0;
    double start = seconds();
    push(0.0, origin);
    while (heap_size > 0) {
      event e = pop();
      if (seen[e.node]) continue; /* a later copy: ignored */
      seen[e.node] = 1;
      reached++;
      for (int32_t k = offsets[e.node]; k < offsets[e.node + 1]; k++) {
        int32_t to = neighbours[k];
        if (uniform() >= 0.9) continue; /* the link trial lost this copy */
        receptions++;
        if (!seen[to]) push(e.t - 2.0 * log(1.0 - uniform()), to);
      }
    }
    double took = seconds() - start;
    if (run >= 0) {
      times[run] = took;
      printf("run %d: %.3f s, %lld reached, %lld receptions\n", run, took, reached, receptions);
    }
  }
  qsort(times, (size_t)runs, sizeof *times, by_value);
  printf("RESULT best_s=%.4f median_s=%.4f reached=%lld receptions=%lld\n", times[0], times[runs / 2], reached,
         receptions);
  return 0;
}
