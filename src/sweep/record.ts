import { nearestRank } from '../stats.js';
import type { ScenarioResult } from '../scenario/run.js';
import { MeshcastError } from '../errors.js';
import { VERSION } from '../version.js';
import { isResultsHeader, type ResultsHeader } from './header.js';

/** The outcome of one (cell, replication) of a sweep: one NDJSON line. */
export interface SweepRecord {
  /**
   * Identity of the sweep (scenario, grid, seed, replications, version): lines of another sweep are
   * refused on resume.
   */
  readonly sweepId: string;
  /** Cell index in grid order. */
  readonly cell: number;
  /** The cell's parameter values. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Replication index. */
  readonly replication: number;
  /** The seed the replication ran with (derived from the root seed and the cell). */
  readonly seed: string;
  /** Passes run. */
  readonly passes: number;
  /** Coverage after the last pass run. */
  readonly coverage: number;
  /** Coverage after each pass. */
  readonly coverageByPass: readonly number[];
  /** Passes needed to meet the scenario's coverage goal (`stopAtCoverage`), or null if the passes run did not. */
  readonly passesToGoal: number | null;
  /** Targets. */
  readonly targets: number;
  /** Targets complete after the last pass. */
  readonly completed: number;
  /** Campaign time: seconds from the first packet of pass 1 to the last traffic of the last pass. */
  readonly campaignS: number;
  /** RF frames sent, all passes. */
  readonly transmissions: number;
  /** RF copies received, all passes. */
  readonly receptions: number;
  /** Duplicate copies (redundant receptions: in time at a node that already had the packet), all passes. */
  readonly duplicates: number;
  /** Delivered copies: node-packet pairs reached (each node's first copy of each packet), all passes. */
  readonly reached: number;
  /** Seconds of airtime used on the shared air, all passes (null with contention off). */
  readonly airtimeS: number | null;
  /** Receptions lost to overlapping frames, all passes (null with contention off). */
  readonly collisions: number | null;
  /** Completion reports sent to the head-end, all passes (null without report traffic). */
  readonly reportsSent: number | null;
  /** Of which the head-end missed (they never reached a collector), all passes (null without report traffic). */
  readonly reportsMissed: number | null;
  /** Copies dropped after their TTL, all passes. */
  readonly expired: number;
  /** Hop-limited drops, all passes. */
  readonly hopLimited: number;
  /** Median completion time after the first packet, seconds (null if none completed). */
  readonly completionP50S: number | null;
  /** 90th-percentile completion time after the first packet, seconds. */
  readonly completionP90S: number | null;
  /** meshcast version. */
  readonly version: string;
}

/** Condenses a scenario run into a sweep record. @internal */
export function toRecord(
  result: ScenarioResult,
  task: { sweepId: string; cell: number; params: Readonly<Record<string, unknown>>; replication: number; seed: string },
): SweepRecord {
  const passes = result.passes;
  const first = passes[0]!;
  const last = passes[passes.length - 1]!;
  const stop = result.loaded.resolved.stopAtCoverage;
  // Over every group: targets and completions (each group's latest pass), after each pass in order.
  const targets = result.groups.reduce((a, g) => a + g.passes[0]!.targets, 0);
  const coverageByPass: number[] = [];
  let doneBefore = 0;
  for (const g of result.groups) {
    for (const p of g.passes) coverageByPass.push(targets === 0 ? 1 : (doneBefore + p.completed) / targets);
    doneBefore += g.passes[g.passes.length - 1]!.completed;
  }
  const completed = doneBefore;
  const met = coverageByPass.findIndex((c) => c >= stop);
  const times = mergeSorted(result.groups.map((g) => g.passes[g.passes.length - 1]!.completionTimesS()));
  const sum = (key: 'transmissions' | 'receptions' | 'duplicates' | 'expired' | 'hopLimited' | 'reached'): number =>
    passes.reduce((a, p) => a + p.stats[key], 0);
  const air = (key: 'airtimeS' | 'collisions'): number | null =>
    first.air === null ? null : passes.reduce((a, p) => a + (p.air?.[key] ?? 0), 0);
  const reports = (key: 'sent' | 'missed'): number | null =>
    first.air === null || first.air.reports === null
      ? null
      : passes.reduce((a, p) => a + (p.air?.reports?.[key] ?? 0), 0);
  const rel = (t: number | null): number | null => (t === null ? null : t - first.firstPacketS);
  return {
    sweepId: task.sweepId,
    cell: task.cell,
    params: task.params,
    replication: task.replication,
    seed: task.seed,
    passes: passes.length,
    coverage: coverageByPass[coverageByPass.length - 1]!,
    coverageByPass,
    passesToGoal: met < 0 ? null : met + 1,
    targets,
    completed,
    campaignS: last.endS - first.firstPacketS,
    transmissions: sum('transmissions'),
    receptions: sum('receptions'),
    duplicates: sum('duplicates'),
    reached: sum('reached'),
    airtimeS: air('airtimeS'),
    collisions: air('collisions'),
    reportsSent: reports('sent'),
    reportsMissed: reports('missed'),
    expired: sum('expired'),
    hopLimited: sum('hopLimited'),
    completionP50S: rel(nearestRank(times, 0.5)),
    completionP90S: rel(nearestRank(times, 0.9)),
    version: VERSION,
  };
}

/** Sorted arrays merged into one, ascending. */
function mergeSorted(lists: readonly Float64Array[]): Float64Array {
  if (lists.length === 1) return lists[0]!;
  const out = new Float64Array(lists.reduce((a, l) => a + l.length, 0));
  let at = 0;
  for (const l of lists) {
    out.set(l, at);
    at += l.length;
  }
  return out.sort();
}

/** Counts and indices: non-negative integers. */
const COUNT_FIELDS = [
  'cell',
  'replication',
  'passes',
  'targets',
  'completed',
  'transmissions',
  'receptions',
  'duplicates',
  'reached',
  'expired',
  'hopLimited',
] as const;
/** Finite numbers or null. */
const NULLABLE_FIELDS = [
  'airtimeS',
  'collisions',
  'reportsSent',
  'reportsMissed',
  'passesToGoal',
  'completionP50S',
  'completionP90S',
] as const;

const isShare = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;

/**
 * Whether a parsed value is a {@link SweepRecord}: every field of the right type and range
 * (counts non-negative integers, coverages in [0, 1], one coverage per pass, parameters an
 * object), so a damaged or foreign line is refused rather than summarised.
 */
export function isSweepRecord(v: unknown): v is SweepRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const params = r['params'];
  const byPass = r['coverageByPass'];
  return (
    typeof r['sweepId'] === 'string' &&
    typeof r['seed'] === 'string' &&
    typeof r['version'] === 'string' &&
    typeof params === 'object' &&
    params !== null &&
    !Array.isArray(params) &&
    COUNT_FIELDS.every((k) => Number.isSafeInteger(r[k]) && (r[k] as number) >= 0) &&
    NULLABLE_FIELDS.every((k) => r[k] === null || (typeof r[k] === 'number' && Number.isFinite(r[k]))) &&
    typeof r['campaignS'] === 'number' &&
    Number.isFinite(r['campaignS']) &&
    isShare(r['coverage']) &&
    Array.isArray(byPass) &&
    byPass.length === r['passes'] &&
    byPass.every(isShare)
  );
}

/**
 * Reads NDJSON sweep output, tolerating what a killed writer leaves: a last line without its
 * newline, or that does not parse, is reported as `corruptTail` (to be cut off and redone).
 * Any other bad line is an error. A first line that is a {@link ResultsHeader} is returned as
 * `header` (files written before meshcast recorded it have none).
 * @returns the header or null, the records in file order, and the byte length of the valid prefix
 */
export function parseResults(text: string): {
  /** The file's header line, or null. */
  header: ResultsHeader | null;
  /** The records, in file order. */
  records: SweepRecord[];
  /** Length of the valid prefix (whole lines that parse). */
  validLength: number;
  /** Whether the text ends in a line that does not parse (a write cut short). */
  corruptTail: boolean;
} {
  let header: ResultsHeader | null = null;
  const records: SweepRecord[] = [];
  let offset = 0;
  let lineNo = 0;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    lineNo++;
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(offset, end);
    let parsed: unknown;
    let ok = nl >= 0;
    let isHeader = false;
    if (ok && line.trim() !== '') {
      try {
        parsed = JSON.parse(line);
        isHeader = lineNo === 1 && isResultsHeader(parsed);
        ok = isHeader || isSweepRecord(parsed);
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      const isLast = nl < 0 || text.slice(nl + 1).trim() === '';
      if (isLast) return { header, records, validLength: offset, corruptTail: true };
      throw new MeshcastError(`line ${lineNo} is not a sweep record; the file is damaged beyond its last line`);
    }
    if (isHeader) header = parsed as ResultsHeader;
    else if (line.trim() !== '') records.push(parsed as SweepRecord);
    offset = end + 1;
  }
  return { header, records, validLength: text.length, corruptTail: false };
}

/**
 * Merges records from any number of runs or shards into the single-machine result: one record
 * per (cell, replication), sorted by cell then replication. Duplicates must agree.
 */
export function mergeRecords(...lists: readonly (readonly SweepRecord[])[]): SweepRecord[] {
  const byTask = new Map<string, SweepRecord>();
  for (const list of lists) {
    for (const r of list) {
      const key = `${r.cell}/${r.replication}`;
      const seen = byTask.get(key);
      if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(r)) {
        throw new MeshcastError(
          `two different results for cell ${r.cell}, replication ${r.replication}: were they made by different sweeps?`,
        );
      }
      byTask.set(key, r);
    }
  }
  return [...byTask.values()].sort((a, b) => a.cell - b.cell || a.replication - b.replication);
}
