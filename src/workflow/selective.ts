import type { BroadcastOutcome } from '../headend/outcomes.js';

/** A stretch of an image a repeat pass sends: `segments` segments from `firstSegment`. */
export interface SegmentStretch {
  /** First image segment sent (the command's First Segment). */
  readonly firstSegment: number;
  /** Segments sent (the command's Maximum Segments). */
  readonly segments: number;
}

/**
 * Targets of a broadcast pass still missing its image, in device order: neither completed (in
 * this pass or an earlier one of the same image) nor refusing broadcast images.
 */
export function incompleteTargets(outcome: BroadcastOutcome): string[] {
  const r = outcome.result;
  const ids = r.targetIds();
  const done = r.targetCompletionS();
  const out: string[] = [];
  for (let t = 0; t < ids.length; t++) {
    if (!Number.isNaN(done[t]!)) continue;
    if (r.endpoint(ids[t]!).refused) continue;
    out.push(ids[t]!);
  }
  return out;
}

/**
 * At most n items spread evenly over the list (every ⌈length / n⌉-th, from the first): a
 * deterministic sample that reaches every part of a list in device order (so every collector's
 * share of the mesh), without drawing from a random stream of the campaign.
 */
export function sampleEvenly<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.floor((i * items.length) / n)]!);
  return out;
}

/**
 * The stretches of an image that tanks (hex bytes as Flash Download Progress shows them, bit k of
 * byte ⌊k/8⌋ least significant first, 1 = missing) still lack, as few commands as pays: two
 * stretches are merged when the segments between them take no longer to send than a command
 * takes to die out after its last packet (`gapSegments` = ⌊TTL / spacing⌋), since each command
 * of a pass waits out its TTL before the next one starts.
 * @param packets - segments in the image
 * @returns the stretches in order; empty when no tank misses anything
 */
export function missingStretches(tanks: readonly string[], packets: number, gapSegments: number): SegmentStretch[] {
  const missing = new Uint8Array(packets);
  for (const hex of tanks) {
    const bytes = hex.trim() === '' ? [] : hex.trim().split(/\s+/);
    for (let k = 0; k < packets; k++) {
      const b = bytes[k >> 3];
      if (b !== undefined && ((parseInt(b, 16) >> (k & 7)) & 1) === 1) missing[k] = 1;
    }
  }
  const out: { firstSegment: number; segments: number }[] = [];
  for (let k = 0; k < packets; k++) {
    if (missing[k] === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && k - (last.firstSegment + last.segments) <= gapSegments) {
      last.segments = k - last.firstSegment + 1;
    } else {
      out.push({ firstSegment: k, segments: 1 });
    }
  }
  return out;
}
