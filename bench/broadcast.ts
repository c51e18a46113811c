/**
 * meshcast broadcast benchmarks: a grid flood (1000 × 1000), a grid with 20 packets in
 * flight, scaling over grid sizes, a utility flood with exponential and with uniform delays, and
 * the shared air (contention on against off).
 *
 *   npm run bench               full sizes, prints a Markdown table for bench/RESULTS.md
 *   npm run bench -- --quick    small sizes, about a minute
 *   npm run bench:check         quick sizes, fails if a ratio stays > 20 % above bench/baseline.json
 *                               after two re-measurements of the rows flagged (CHECK_TOLERANCE)
 *   npm run bench -- --quick --write-baseline   records the quick ratios as the new baseline
 *
 * Every figure is a ratio to a baseline measured in the same process (these machines are
 * shared and noisy): floods against a breadth-first walk making the same draws, the two timed
 * alternately, round by round. Times are the minimum over the rounds (the least disturbed run). Each queue
 * implementation is measured
 * in a process of its own (`--queue K`), as a user's process runs one: timing them all in one
 * process would make the flood's queue calls polymorphic and slow every one of them down. Answers
 * are checked first: every queue implementation must give the same result.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  generators,
  runBroadcast,
  runBroadcastParallel,
  type AirStats,
  type BroadcastResult,
  type BroadcastSpec,
  type CompiledMesh,
  type DelaySpec,
  type QueueKind,
} from '../src/index.js';
import { bfsSameDraws } from './bfs.js';
import { alternating } from './timing.js';

const quick = process.argv.includes('--quick') || process.argv.includes('--check');
const check = process.argv.includes('--check');
const writeBaseline = process.argv.includes('--write-baseline');
/** Workloads to measure (`--only grid-flood,utility`), or all. */
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1]!.split(',')) : null;
/**
 * `bench:check` fails a row whose ratio is more than this share above its baseline after
 * {@link CHECK_REPEATS} re-measurements, each in fresh processes, keeping the row's best ratio:
 * one quick-size run can move a ratio by more than 20 % on a loaded two-core machine with the
 * code unchanged (bench/RESULTS.md), so a single run decides nothing; three rarely all do.
 */
const CHECK_TOLERANCE = 0.2;
const CHECK_REPEATS = 2;
/** What bench/baseline.json holds, said in the file. */
const BASELINE_NOTE =
  'quick-size ratios (min time ÷ BFS min time; the utility with uniform delays: ÷ the same flood with ' +
  'exponential delays); npm run bench:check compares against these';
const QUEUES: QueueKind[] = ['ladder', 'calendar', 'radix', 'heap', 'fastpriorityqueue'];
/** The queue floods use unless told otherwise: it measures the rows that do not compare queues. */
const DEFAULT_QUEUE: QueueKind = 'ladder';
const exponential: DelaySpec = { kind: 'exponential', meanS: 2 };
const uniform: DelaySpec = { kind: 'uniform', minS: 1, maxS: 3 };
const research = { maxHops: 1e9, ttlS: Infinity, limits: 'research' } as const;

interface Row {
  readonly key: string;
  readonly workload: string;
  readonly task: string;
  readonly minMs: number;
  /** The breadth-first floor's min time, in the same process. */
  readonly bfsMs: number;
  readonly ratio: number;
  readonly receptionsPerS: number;
  readonly nsPerReception: number;
  /** The pass summary at seed 1, which every queue must reproduce. */
  readonly answer: string;
  /**
   * What `bench:check` holds this row to instead of `ratio`, when the row names one: its min time ÷
   * another flood's min time, timed alternately in the same process (see {@link UNIFORM_FLOOR}).
   */
  readonly checkRatio?: number;
}

/** What one queue's process measured. */
interface ChildReport {
  readonly rows: Row[];
  readonly gridBuildS: number;
  readonly utilityBuildS: number;
  /** The shared air: contention off and on, same mesh and packets (the default queue's process only). */
  readonly sharedAir: { readonly offMs: number; readonly onMs: number; readonly air: AirStats } | null;
}

/**
 * One workload with one queue, against the breadth-first floor, in this process; with `workers`,
 * the pass runs on that many worker threads (`runBroadcastParallel`) against the same
 * single-threaded floor.
 */
async function workload(
  key: string,
  name: string,
  mesh: CompiledMesh,
  spec: BroadcastSpec,
  delay: DelaySpec,
  iterations: number,
  queue: QueueKind,
  workers = 0,
  checkFloor?: () => unknown,
): Promise<Row> {
  const origin = mesh.index(spec.origins[0]!);
  const packets = spec.packets ?? 1;
  const run = (seed: number): Promise<BroadcastResult> | BroadcastResult =>
    workers > 0
      ? runBroadcastParallel(mesh, spec, { seed, radio: { delay }, queue, workers })
      : runBroadcast(mesh, spec, { seed, radio: { delay }, queue });
  const task = workers > 0 ? `runBroadcastParallel/${queue}, ${workers} workers` : `runBroadcast/${queue}`;
  const reference = await run(1);
  const receptions = reference.stats.receptions;
  let seed = 2;
  const [bfsMs, ms, floorMs] = (await alternating(iterations, [
    [
      'bfs',
      () => {
        for (let k = 0; k < packets; k++) bfsSameDraws(mesh, origin, seed, delay, k);
        seed++;
      },
    ],
    [task, () => run(seed++)],
    ...(checkFloor === undefined ? [] : [['check floor', checkFloor] as const]),
  ])) as [number, number, number | undefined];
  process.stderr.write(`  ${name}, ${task}: done\n`);
  return {
    key: `${key}/${workers > 0 ? `runBroadcastParallel${workers}` : 'runBroadcast'}/${queue}`,
    workload: name,
    task,
    minMs: ms,
    bfsMs,
    ratio: ms / bfsMs,
    receptionsPerS: receptions / (ms / 1000),
    nsPerReception: (ms * 1e6) / receptions,
    answer: JSON.stringify(reference.summary()),
    ...(floorMs === undefined ? {} : { checkRatio: ms / floorMs }),
  };
}

/**
 * What `bench:check` holds the utility flood with uniform delays to: its time ÷ the same flood
 * with exponential delays (the event-queue path), timed alternately in one process. Its
 * breadth-first floor is the shortest of all (a success and a uniform draw per copy, 19–32 ms at
 * quick size) and moves with the host: the same code and Node measured it at 19 ms on one machine
 * and 31–32 ms on another, while the flood took 52 and 55–57 ms on both, so its ratio to the floor
 * went from 1.76–1.85 to 2.81 with nothing changed. Its time ÷ the exponential flood stayed
 * 0.52 on both. The printed table keeps the ratio to the breadth-first floor.
 */
const UNIFORM_FLOOR = '÷ exponential';

/** A row's key in bench/baseline.json: the row's own, marked when it is held to another floor. */
const checkKey = (r: Row): string => (r.checkRatio === undefined ? r.key : `${r.key} ${UNIFORM_FLOOR}`);

/**
 * The workloads that measure each queue: every queue on the grid flood and the utility flood,
 * three on the grid with packets in flight, the default and the calendar queue on the scaling
 * grids, the default on the utility with bounded delays (which uses no queue).
 */
const MEASURED: Record<string, readonly QueueKind[]> = {
  'grid-flood': QUEUES,
  'grid-packets': ['ladder', 'calendar', 'radix'],
  scaling: ['ladder', 'calendar'],
  utility: QUEUES,
  'utility-uniform': [DEFAULT_QUEUE],
};
const measures = (key: string, queue: QueueKind): boolean =>
  MEASURED[key]!.includes(queue) &&
  (only === null || only.has(key) || (key === 'scaling' && [...only].some((k) => k.startsWith('scaling-'))));
/** Whether a scaling grid's row is wanted (`--only scaling-10000`). */
const wanted = (key: string): boolean => only === null || only.has(key);

/** Runs every workload that measures `queue`, in this process (the shared air with the default queue). */
async function measureQueue(queue: QueueKind): Promise<ChildReport> {
  const rows: Row[] = [];
  const side = quick ? 300 : 1000;
  const t0 = performance.now();
  const grid = generators.gridMesh({ width: side, success: 0.9 });
  const gridBuildS = (performance.now() - t0) / 1000;
  const it = quick ? 5 : 7;
  if (measures('grid-flood', queue))
    rows.push(
      await workload(
        'grid-flood',
        `grid flood ${side}×${side}, p=0.9, 1 packet`,
        grid,
        { origins: ['C1'], packets: 1, ...research },
        exponential,
        it,
        queue,
      ),
    );
  const gridPackets = [
    `grid ${side}×${side}, 20 packets 5 s apart`,
    grid,
    { origins: ['C1'], packets: 20, spacingS: 5, ...research },
    exponential,
    3,
    queue,
  ] as const;
  if (measures('grid-packets', queue)) rows.push(await workload('grid-packets', ...gridPackets));
  // Contention off, packets are independent: the same pass on both cores (the same answer).
  if (queue === DEFAULT_QUEUE && wanted('grid-packets')) rows.push(await workload('grid-packets', ...gridPackets, 2));
  if (measures('scaling', queue)) {
    for (const s of quick ? [32, 100, 300] : [32, 100, 316, 1000]) {
      if (!wanted(`scaling-${s * s}`)) continue;
      const mesh = s === side ? grid : generators.gridMesh({ width: s, success: 0.9 });
      const packets = Math.max(1, Math.round(1e5 / (s * s)));
      rows.push(
        await workload(
          `scaling-${s * s}`,
          `scaling: grid of ${(s * s).toLocaleString('en-US')} nodes`,
          mesh,
          { origins: ['C1'], packets, ...research },
          exponential,
          it,
          queue,
        ),
      );
    }
  }
  const t1 = performance.now();
  const collectors = quick ? 4 : 40;
  const utility = generators.utilityMesh({ collectors, endpointsPerCollector: 2500, seed: 1 });
  const utilityBuildS = (performance.now() - t1) / 1000;
  const packets = quick ? 10 : 100;
  if (measures('utility', queue)) {
    rows.push(
      await workload(
        'utility',
        `utility ${(collectors * 2500).toLocaleString('en-US')} meters, ${packets} packets, one origin`,
        utility,
        { origins: ['C1'], packets, ...research },
        exponential,
        3,
        queue,
      ),
    );
  }
  if (measures('utility-uniform', queue)) {
    // A uniform 1–3 s delay (the default before 1.5–2.5 s; kept so rows compare across versions):
    // bounded hop times, so the flood waits in arrival windows
    // (no event queue; the same rows whatever the queue option).
    const spec = { origins: ['C1'], packets, ...research };
    let floorSeed = 1000;
    rows.push(
      await workload(
        'utility-uniform',
        `utility ${(collectors * 2500).toLocaleString('en-US')} meters, ${packets} packets, one origin, uniform 1–3 s`,
        utility,
        spec,
        uniform,
        3,
        queue,
        0,
        () => runBroadcast(utility, spec, { seed: floorSeed++, radio: { delay: exponential }, queue }),
      ),
    );
  }
  if (queue !== DEFAULT_QUEUE || only !== null) return { rows, gridBuildS, utilityBuildS, sharedAir: null };

  // The shared air: contention on, against contention off on the same mesh and packets, same process.
  const airSpec = { origins: Array.from(utility.collectors, (c) => utility.id(c)), packets, maxHops: 40, ttlS: 300 };
  let airSeed = 1;
  let air: AirStats | null = null;
  const [offMs, onMs] = (await alternating(3, [
    ['contention off', () => runBroadcast(utility, airSpec, { seed: airSeed++ })],
    [
      'contention on',
      () => (air = runBroadcast(utility, airSpec, { seed: airSeed++, radio: { contention: 'csma' } }).air),
    ],
  ])) as [number, number];
  process.stderr.write('  shared air: done\n');
  if (air === null) throw new Error('shared air: contention on gave no air statistics');
  return { rows, gridBuildS, utilityBuildS, sharedAir: { offMs, onMs, air } };
}

/** Measures one queue in a process of its own (only the workloads named, when given). */
function measureIn(queue: QueueKind, workloads?: readonly string[]): ChildReport {
  const args = ['--import', 'tsx', import.meta.filename, '--queue', queue, ...(quick ? ['--quick'] : [])];
  if (workloads !== undefined) args.push('--only', workloads.join(','));
  return JSON.parse(
    execFileSync(process.execPath, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 26,
    }),
  ) as ChildReport;
}

/**
 * Measures each queue in a process of its own, checks their answers agree, prints the tables and
 * checks the baseline.
 */
function main(): void {
  const reports = QUEUES.map((queue) => measureIn(queue, only === null ? undefined : [...only]));
  const byDefault = reports[QUEUES.indexOf(DEFAULT_QUEUE)]!;
  // Rows in workload order; every queue's answer must equal the default queue's.
  const rows = reports
    .flatMap((r) => r.rows)
    .sort(
      (a, b) =>
        byDefault.rows.findIndex((c) => c.workload === a.workload) -
        byDefault.rows.findIndex((c) => c.workload === b.workload),
    );
  for (const r of rows) {
    const reference = byDefault.rows.find((c) => c.workload === r.workload)!;
    if (r.answer !== reference.answer)
      throw new Error(`${r.workload}: queue ${r.task} disagrees with the default queue (${DEFAULT_QUEUE})`);
  }
  const side = quick ? 300 : 1000;
  const meters = (quick ? 4 : 40) * 2500;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nmeshcast broadcast benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${cpu} (${cpus().length} cores)${quick ? ', quick sizes' : ''}`,
  );
  console.log(
    `Mesh build (gridMesh ${side}×${side}): ${byDefault.gridBuildS.toFixed(1)} s; utilityMesh ` +
      `${meters.toLocaleString('en-US')} meters: ${byDefault.utilityBuildS.toFixed(1)} s`,
  );
  console.log('Each queue in a process of its own; ÷ BFS against the breadth-first floor timed in the same process.\n');
  console.log('| workload | task | min ms | BFS min ms | ÷ BFS | receptions/s | ns/reception |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.workload} | ${r.task} | ${r.minMs.toFixed(0)} | ${r.bfsMs.toFixed(0)} | ${r.ratio.toFixed(2)} | ` +
        `${(r.receptionsPerS / 1e6).toFixed(2)} M | ${r.nsPerReception.toFixed(0)} |`,
    );
  }
  const sharedAir = byDefault.sharedAir;
  if (sharedAir !== null) {
    const { offMs, onMs, air } = sharedAir;
    console.log(
      `\nShared air (contention on), utility ${meters.toLocaleString('en-US')} meters, ${quick ? 10 : 100} ` +
        `packets from every collector:`,
    );
    console.log('| run | min ms | queue events/s | reception events/s | ÷ contention off |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| contention off | ${offMs.toFixed(0)} | | | 1.00 |`);
    console.log(
      `| contention on | ${onMs.toFixed(0)} | ${(air.events / (onMs / 1000) / 1e6).toFixed(2)} M | ` +
        `${((air.events + air.receptionEvents) / (onMs / 1000) / 1e6).toFixed(2)} M | ${(onMs / offMs).toFixed(2)} |`,
    );
    console.log(
      'Queue events: frame sends, tries and frame ends handled by the engine. Reception events: those plus one ' +
        'per receiver per frame (what a per-receiver simulator such as ns-3 schedules).',
    );
  }
  const scaling = rows.filter((r) => r.key.startsWith('scaling-')).map((r) => r.nsPerReception);
  if (scaling.length > 0)
    console.log(
      `\nScaling: ns per reception from ${Math.min(...scaling).toFixed(0)} to ` +
        `${Math.max(...scaling).toFixed(0)} (spread ${(Math.max(...scaling) / Math.min(...scaling)).toFixed(2)}×)`,
    );

  const baselinePath = join(import.meta.dirname, 'baseline.json');
  const ratios = Object.fromEntries(rows.map((r) => [checkKey(r), Number((r.checkRatio ?? r.ratio).toFixed(3))]));
  if (writeBaseline) {
    writeFileSync(baselinePath, `${JSON.stringify({ note: BASELINE_NOTE, node: process.version, ratios }, null, 2)}\n`);
    console.log(`\nbaseline written to ${baselinePath}`);
  }
  if (check) {
    const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as { ratios: Record<string, number> };
    const over = (key: string): boolean =>
      ratios[key] !== undefined && ratios[key] / baseline.ratios[key]! > 1 + CHECK_TOLERANCE;
    // A flagged row is measured again, in fresh processes, before it fails: its best ratio counts.
    for (let attempt = 1; attempt <= CHECK_REPEATS; attempt++) {
      const flagged = Object.keys(baseline.ratios).filter(over);
      if (flagged.length === 0) break;
      console.log(`\nre-measuring ${flagged.join(', ')} (${attempt} of ${CHECK_REPEATS})`);
      // The queue's whole process again, not the flagged workloads alone: what ran before a
      // workload in its process changes what the JIT made of the code it shares (a flood measured
      // alone ran 20 % slower than after the others), so the repeat runs as the first did.
      for (const queue of QUEUES) {
        if (!flagged.some((k) => k.endsWith(`/${queue}`))) continue;
        for (const r of measureIn(queue, only === null ? undefined : [...only]).rows) {
          const reference = byDefault.rows.find((c) => c.workload === r.workload)!;
          if (r.answer !== reference.answer)
            throw new Error(`${r.workload}: ${r.task} gave another answer when repeated`);
          const before = ratios[checkKey(r)];
          const now = Number((r.checkRatio ?? r.ratio).toFixed(3));
          if (before !== undefined) ratios[checkKey(r)] = Math.min(before, now);
        }
      }
    }
    let failed = 0;
    for (const [key, was] of Object.entries(baseline.ratios)) {
      const now = ratios[key];
      if (now === undefined) continue;
      const worse = now / was;
      const verdict = over(key) ? 'REGRESSED' : 'ok';
      if (over(key)) failed++;
      console.log(
        `${verdict.padEnd(9)} ${key}: ${was.toFixed(2)} → ${now.toFixed(2)} (${((worse - 1) * 100).toFixed(0)} %)`,
      );
    }
    if (failed > 0) {
      console.log(
        `\n${failed} ratio(s) more than ${CHECK_TOLERANCE * 100} % above the baseline after ${CHECK_REPEATS} ` +
          `re-measurements`,
      );
      process.exitCode = 1;
    }
  }
}

const queueArg = process.argv.indexOf('--queue');
if (queueArg > 0) process.stdout.write(JSON.stringify(await measureQueue(process.argv[queueArg + 1] as QueueKind)));
else main();
