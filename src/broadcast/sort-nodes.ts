/** Bits per digit of {@link sortNodes}' counting passes: 2,048 counts, two passes up to 4 M nodes. */
export const DIGIT_BITS = 11;

/**
 * Sorts node indices `a[0 .. size)` ascending: small batches with the built-in sort, large ones
 * by counting passes over 11-bit digits of the index (least significant first; two passes for
 * up to 4 M nodes), which costs a few moves per node instead of ~log2(size) comparisons.
 * @param spare - as long as `a`; the passes alternate between the two
 * @param bits - indices are below 2^bits
 * @param counts - 2^11 entries of scratch
 * @returns whichever of `a` and `spare` holds the sorted nodes
 * @internal
 */
export function sortNodes(
  a: Int32Array,
  spare: Int32Array,
  size: number,
  bits: number,
  counts: Int32Array,
): Int32Array {
  if (size < 1024) {
    a.subarray(0, size).sort();
    return a;
  }
  let from = a;
  let to = spare;
  const mask = (1 << DIGIT_BITS) - 1;
  for (let shift = 0; shift < bits; shift += DIGIT_BITS) {
    counts.fill(0);
    for (let i = 0; i < size; i++) counts[(from[i]! >>> shift) & mask]!++;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < size; i++) {
      const v = from[i]!;
      to[counts[(v >>> shift) & mask]!++] = v;
    }
    const t = from;
    from = to;
    to = t;
  }
  return from;
}
