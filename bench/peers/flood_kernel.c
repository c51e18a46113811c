/*
 * The flood loop of a meshcast campaign pass in C, for bench/kernel.ts: per-origin floods of one
 * packet after another over a compiled mesh read from a file, with hop times bounded (uniform
 * delays) so waiting nodes sit in arrival windows, a hop limit and a TTL. Each transmitting node
 * makes a link trial per out-link and, where received, a delay draw, then updates the receivers'
 * earliest arrival, hop count and last-heard time — the loop of meshcast's forwardBatch, line for
 * line, with the draws of bench/kernel.ts's JavaScript twin (same hash, same keys), so both make
 * the same receptions and report the same counters. No tanks are taken: an upper bound on what
 * a native kernel would save.
 *
 *   cc -O2 -o flood_kernel flood_kernel.c -lm && ./flood_kernel input.bin
 *
 * Prints the counters and the seconds of the floods (file reading excluded).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static double uniform(uint32_t k0, uint32_t k1, uint32_t counter) {
  return (double)mix32(mix32(counter ^ k0) ^ k1) * 2.3283064365386963e-10;
}

static int32_t n, m, originCount, maxHops, packets;
static double minS, spanS, airtimeS, ttlS, spacingS;
static int32_t *offsets, *neighbours, *origins, *hops, *reached, *heardBy;
static float *linkSuccess;
static uint8_t *forwards;
static double *times, *heardAt;
static int32_t reachedSize;
static int32_t ring;
static int32_t **lists, *lengths, *capacity;
static long long transmissions, receptions, lost, inTime, expired, hopLimited;

static void windowAdd(double t, double baseS, double invWidth, int32_t v) {
  int32_t slot = (int32_t)fmod(floor((t - baseS) * invWidth), ring);
  if (lengths[slot] == capacity[slot]) {
    capacity[slot] *= 2;
    lists[slot] = realloc(lists[slot], 4 * (size_t)capacity[slot]);
  }
  lists[slot][lengths[slot]++] = v;
}

static void flood(int32_t origin, double sendS, uint32_t l0, uint32_t l1, uint32_t d0, uint32_t d1) {
  for (int32_t i = 0; i < reachedSize; i++) times[2 * reached[i]] = INFINITY;
  reachedSize = 0;
  memset(lengths, 0, 4 * (size_t)ring);
  double hopS = minS + airtimeS, invWidth = 2 / hopS, expiryS = sendS + ttlS;
  long long waiting = 1;
  times[2 * origin] = sendS;
  hops[origin] = 1;
  reached[reachedSize++] = origin;
  if (!(times[2 * origin + 1] >= sendS)) times[2 * origin + 1] = sendS;
  windowAdd(sendS, sendS, invWidth, origin);
  for (int32_t k = 0; waiting > 0; k++) {
    int32_t slot = k % ring, taken = lengths[slot];
    int32_t *list = lists[slot];
    lengths[slot] = 0;
    waiting -= taken;
    for (int32_t b = 0; b < taken; b++) {
      int32_t v = list[b];
      if (hops[v] < 0 || !forwards[v]) continue;
      hops[v] = -hops[v];
      double t = times[2 * v];
      int32_t h = -hops[v];
      if (h >= maxHops) {
        hopLimited++;
        continue;
      }
      transmissions++;
      int32_t next = h + 1, start = offsets[v], end = offsets[v + 1], heard = 0;
      for (int32_t e = start; e < end; e++) {
        if (uniform(l0, l1, (uint32_t)e) >= linkSuccess[e]) continue;
        heardBy[heard] = neighbours[e];
        heardAt[heard++] = t + (minS + spanS * uniform(d0, d1, (uint32_t)e)) + airtimeS;
      }
      lost += end - start - heard;
      receptions += heard;
      for (int32_t i = 0; i < heard; i++) {
        int32_t u = heardBy[i];
        double ta = heardAt[i];
        if (!(times[2 * u + 1] >= ta)) times[2 * u + 1] = ta;
        if (ta > expiryS) {
          expired++;
          continue;
        }
        inTime++;
        double earliest = times[2 * u];
        if (ta > earliest || (ta == earliest && next >= hops[u])) continue;
        if (earliest == INFINITY) reached[reachedSize++] = u;
        times[2 * u] = ta;
        hops[u] = next;
        windowAdd(ta, sendS, invWidth, u);
        waiting++;
      }
    }
  }
}

static void readAll(FILE *f, void *to, size_t size, size_t count) {
  if (fread(to, size, count, f) != count) {
    fprintf(stderr, "flood_kernel: input file too short\n");
    exit(2);
  }
}

int main(int argc, char **argv) {
  FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
  if (f == NULL) {
    fprintf(stderr, "usage: flood_kernel input.bin\n");
    return 2;
  }
  int32_t header[5];
  double params[5];
  readAll(f, header, 4, 5);
  readAll(f, params, 8, 5);
  n = header[0], m = header[1], originCount = header[2], maxHops = header[3], packets = header[4];
  minS = params[0], spanS = params[1], airtimeS = params[2], ttlS = params[3], spacingS = params[4];
  offsets = malloc(4 * ((size_t)n + 1));
  neighbours = malloc(4 * (size_t)m);
  linkSuccess = malloc(4 * (size_t)m);
  origins = malloc(4 * (size_t)originCount);
  forwards = malloc((size_t)n);
  readAll(f, offsets, 4, (size_t)n + 1);
  readAll(f, neighbours, 4, (size_t)m);
  readAll(f, linkSuccess, 4, (size_t)m);
  readAll(f, origins, 4, (size_t)originCount);
  readAll(f, forwards, 1, (size_t)n);
  fclose(f);
  int32_t degree = 0;
  for (int32_t v = 0; v < n; v++)
    if (offsets[v + 1] - offsets[v] > degree) degree = offsets[v + 1] - offsets[v];
  times = malloc(16 * (size_t)n);
  hops = calloc((size_t)n, 4);
  reached = malloc(4 * (size_t)n);
  heardBy = malloc(4 * ((size_t)degree + 1));
  heardAt = malloc(8 * ((size_t)degree + 1));
  for (int32_t v = 0; v < n; v++) times[2 * v] = INFINITY, times[2 * v + 1] = NAN;
  ring = (int32_t)ceil(2 * (minS + spanS + airtimeS) / (minS + airtimeS)) + 3;
  lists = malloc(sizeof(int32_t *) * (size_t)ring);
  lengths = calloc((size_t)ring, 4);
  capacity = malloc(4 * (size_t)ring);
  for (int32_t i = 0; i < ring; i++) capacity[i] = 64, lists[i] = malloc(4 * 64);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int32_t p = 0; p < packets; p++)
    for (int32_t i = 0; i < originCount; i++) {
      uint32_t s = mix32((uint32_t)(p * originCount + i));
      flood(origins[i], p * spacingS, mix32(s ^ 1), mix32(s ^ 2), mix32(s ^ 3), mix32(s ^ 4));
    }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double heard = 0;
  for (int32_t v = 0; v < n; v++)
    if (times[2 * v + 1] == times[2 * v + 1]) heard += times[2 * v + 1];
  printf("seconds=%.6f transmissions=%lld receptions=%lld lost=%lld inTime=%lld expired=%lld hopLimited=%lld "
         "heardSum=%.6f\n",
         (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, transmissions, receptions, lost, inTime,
         expired, hopLimited, heard);
  return 0;
}
