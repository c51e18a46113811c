import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completenessOf, formatMissing } from '../src/cli/missing.js';
import { main } from '../src/cli/main.js';
import { planShards } from '../src/cli/plan-shards.js';
import {
  parseShard,
  resolveShard,
  SHARD_INDEX_VARIABLES,
  shardFromEnvironment,
  shardPath,
  type Environment,
} from '../src/cli/shard.js';
import {
  isResultsHeader,
  missingTasks,
  parseResults,
  resultsHeader,
  shardOfTask,
  sweep,
  ValidationError,
  type Scenario,
} from '../src/index.js';

const small: Scenario = {
  name: 'small sweep',
  seed: 5,
  network: { generator: 'grid', options: { width: 9, success: 0.8 } },
  radio: { delay: { kind: 'exponential', meanS: 2 } },
  broadcast: { origins: ['C1'], packets: 6, ttlS: 60 },
  passes: 1,
};
/** 3 cells × 3 replications = 9 tasks. */
const study = ['--hops', '3,6,12', '--replications', '3', '--workers', '0'];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'meshcast-shard-'));
}

/** Runs the command line with exactly the given shard index variables set (the others unset). */
async function cli(args: string[], env: Environment = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = Object.fromEntries(SHARD_INDEX_VARIABLES.map((k) => [k, process.env[k]]));
  for (const k of SHARD_INDEX_VARIABLES) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const code = await main(
      args,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}

/**
 * The variables SLURM sets in each task of `sbatch --array=SPEC`: the task id itself and the
 * array's smallest id, largest id, step and size (a throttle `%N` changes none of them).
 */
function slurmArray(spec: string): Record<string, string>[] {
  const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?(?:%\d+)?$/.exec(spec);
  if (m === null) throw new Error(`not an array spec: ${spec}`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  const ids: number[] = [];
  for (let id = from; id <= to; id += step) ids.push(id);
  return ids.map((id) => ({
    SLURM_ARRAY_JOB_ID: '1234',
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(ids[0]),
    SLURM_ARRAY_TASK_MAX: String(ids[ids.length - 1]),
    SLURM_ARRAY_TASK_STEP: String(step),
    SLURM_ARRAY_TASK_COUNT: String(ids.length),
  }));
}

describe('the shard index', () => {
  it('is the index each scheduler sets', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }, 4)).toEqual({ index: 2, count: 4 });
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '3' }, 4)).toEqual({ index: 3, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0' }, 4)).toEqual({ index: 0, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '007' }, 8)).toEqual({ index: 7, count: 8 });
    // Two variables that agree are one index.
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '1', SLURM_ARRAY_TASK_ID: '1' }, 2).index).toBe(1);
  });

  it('is the SLURM task id itself however the array is submitted: whole, one task, stepped, throttled', () => {
    const shardsOf = (spec: string, count: number): number[] =>
      slurmArray(spec).map((env) => shardFromEnvironment(env, count).index);
    expect(shardsOf('0-7', 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // A failed task resubmitted alone: SLURM_ARRAY_TASK_MIN is 1 too, and it is still shard 1.
    expect(slurmArray('1')[0]).toMatchObject({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1' });
    expect(shardsOf('1', 8)).toEqual([1]);
    expect(shardsOf('5', 8)).toEqual([5]);
    // Stepped arrays (SLURM_ARRAY_TASK_STEP 3): together they cover every shard once.
    expect(shardsOf('0-9:3', 10)).toEqual([0, 3, 6, 9]);
    expect(shardsOf('1-9:3', 10)).toEqual([1, 4, 7]);
    expect(shardsOf('2-9:3', 10)).toEqual([2, 5, 8]);
    // A throttled array runs a few at a time; the ids are the same.
    expect(shardsOf('0-9%2', 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('covers every shard exactly once over any split of the ids into stepped, throttled or single submissions', () => {
    const split = fc.record({
      count: fc.integer({ min: 1, max: 40 }),
      step: fc.integer({ min: 1, max: 5 }),
      throttle: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(split, ({ count, step, throttle }) => {
        // Submission k covers ids k, k+step, …; one more resubmits the last id alone.
        const specs = Array.from({ length: Math.min(step, count) }, (_, k) => `${k}-${count - 1}:${step}%${throttle}`);
        const seen = specs.flatMap((spec) => slurmArray(spec).map((env) => shardFromEnvironment(env, count).index));
        expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
        expect(slurmArray(String(count - 1)).map((env) => shardFromEnvironment(env, count).index)).toEqual([count - 1]);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an empty, non-integer or out-of-range variable, naming it and its value', () => {
    const bad: [string, string, number][] = [
      ['JOB_COMPLETION_INDEX', '', 4],
      ['SLURM_ARRAY_TASK_ID', 'abc', 4],
      ['SLURM_ARRAY_TASK_ID', '4', 4],
      ['SLURM_ARRAY_TASK_ID', '-1', 4],
      ['AWS_BATCH_JOB_ARRAY_INDEX', '1.0', 4],
      ['AWS_BATCH_JOB_ARRAY_INDEX', ' 1', 4],
      ['JOB_COMPLETION_INDEX', '+1', 4],
      ['JOB_COMPLETION_INDEX', '1e0', 4],
      ['JOB_COMPLETION_INDEX', '0x1', 4],
      ['JOB_COMPLETION_INDEX', '99999999999999999999', 4],
    ];
    for (const [name, value, count] of bad) {
      const at = `${name}=${JSON.stringify(value)}`;
      expect(() => shardFromEnvironment({ [name]: value }, count), at).toThrow(ValidationError);
      expect(() => shardFromEnvironment({ [name]: value }, count), at).toThrow(
        expect.objectContaining({ path: name, value }),
      );
    }
    // An empty variable is refused even when another one holds a good index.
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '', SLURM_ARRAY_TASK_ID: '1' }, 4)).toThrow(
      expect.objectContaining({ path: 'JOB_COMPLETION_INDEX' }),
    );
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '1' }, 4)).toThrow(
      expect.objectContaining({ path: 'JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID' }),
    );
    expect(() => shardFromEnvironment({}, 4)).toThrow(expect.objectContaining({ path: '--shard-count' }));
  });

  it('parses --shard I/N and --shard-count, and puts the index in --out', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    for (const bad of ['4/4', '1/0', 'a/4', '1/4/5', '', '/4', '1/', '-1/4', '1/4.0'])
      expect(() => parseShard(bad), bad).toThrow(expect.objectContaining({ path: '--shard' }));
    // --shard wins over the environment (one member rerun by hand); a --shard-count beside it must agree.
    expect(resolveShard('2/4', undefined, { SLURM_ARRAY_TASK_ID: '1' })).toEqual({ index: 2, count: 4 });
    expect(resolveShard('2/4', '4', {})).toEqual({ index: 2, count: 4 });
    expect(() => resolveShard('2/4', '8', {})).toThrow(expect.objectContaining({ path: '--shard-count' }));
    expect(resolveShard(undefined, '8', { SLURM_ARRAY_TASK_ID: '5' })).toEqual({ index: 5, count: 8 });
    expect(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '5' })).toBeUndefined();
    for (const bad of ['0', '-2', 'x', '', '2.5'])
      expect(() => resolveShard(undefined, bad, { SLURM_ARRAY_TASK_ID: '0' }), bad).toThrow(
        expect.objectContaining({ path: '--shard-count' }),
      );
    expect(shardPath('r/shard-{shard}.ndjson', { index: 3, count: 8 })).toBe('r/shard-3.ndjson');
    expect(shardPath('r/plain.ndjson', { index: 3, count: 8 })).toBe('r/plain.ndjson');
    expect(() => shardPath('r/shard-{shard}.ndjson', undefined)).toThrow(expect.objectContaining({ path: '--out' }));
  });

  it('meshcast sweep: a bad index is a command-line error (exit 2) naming the variable and value', async () => {
    const dir = tempDir();
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(small));
    const cases: [Environment, string[], RegExp][] = [
      [{ JOB_COMPLETION_INDEX: '' }, ['--shard-count', '4'], /JOB_COMPLETION_INDEX: got ""/],
      [{ SLURM_ARRAY_TASK_ID: 'abc' }, ['--shard-count', '4'], /SLURM_ARRAY_TASK_ID: got "abc"/],
      [{ AWS_BATCH_JOB_ARRAY_INDEX: '4' }, ['--shard-count', '4'], /AWS_BATCH_JOB_ARRAY_INDEX: got "4".*0\.\.3/],
      [{}, ['--shard-count', '4'], /JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX/],
      [{}, ['--shard', '4/4'], /--shard: got "4"/],
      [{}, ['--shard', '1/4', '--shard-count', '2'], /--shard-count/],
      [{}, ['--out', join(dir, 'r-{shard}.ndjson')], /--out: .*\{shard\}/],
    ];
    for (const [env, args, message] of cases) {
      const r = await cli(['sweep', file, ...study, ...args], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/done, .* elapsed/);
    }
    // The SLURM task id itself, not its rank in the submission: --array=1 computes shard 1.
    const out = join(dir, 'shard-{shard}.ndjson');
    const r = await cli(['sweep', file, ...study, '--shard-count', '4', '--out', out], slurmArray('1')[0]!);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\(shard 1\/4\)/);
    const written = parseResults(readFileSync(join(dir, 'shard-1.ndjson'), 'utf8'));
    expect(written.header?.shard).toEqual({ index: 1, count: 4 });
    expect(written.records.map((t) => shardOfTask(t, 3, 4))).toEqual([1, 1]);
    expect(existsSync(join(dir, 'shard-0.ndjson'))).toBe(false);
  });
});

describe('results files of one shard', () => {
  it('carry a header naming the sweep, the shard and the sweep’s size', async () => {
    const dir = tempDir();
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(small));
    expect((await cli(['sweep', file, ...study, '--shard', '2/4', '--out', join(dir, 'r.ndjson')])).code).toBe(0);
    const lines = readFileSync(join(dir, 'r.ndjson'), 'utf8').trim().split('\n');
    const header: unknown = JSON.parse(lines[0]!);
    expect(isResultsHeader(header)).toBe(true);
    expect(header).toMatchObject({
      meshcast: 'sweep results',
      shard: { index: 2, count: 4 },
      cells: 3,
      replications: 3,
    });
    expect(lines).toHaveLength(3); // tasks 2 and 6
    // A header anywhere but the first line is not a record.
    expect(() => parseResults(`${lines[1]}\n${lines[0]}\n${lines[2]}\n`)).toThrow(/line 2/);
    for (const bad of [
      { ...(header as object), shard: { index: 4, count: 4 } },
      { ...(header as object), cells: 0 },
      { ...(header as object), sweepId: 5 },
      { ...(header as object), meshcast: 'other' },
    ])
      expect(isResultsHeader(bad)).toBe(false);
  });

  it('refuse another shard’s work (exit 3, the file named) and resume their own', async () => {
    const dir = tempDir();
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(small));
    const shard0 = join(dir, 'shard-0.ndjson');
    expect((await cli(['sweep', file, ...study, '--shard', '0/4', '--out', shard0])).code).toBe(0);
    const before = readFileSync(shard0, 'utf8');
    const refusals: [string[], Environment, RegExp][] = [
      [['--shard', '1/4'], {}, /a results file of shard 1\/4 \(it holds shard 0\/4/],
      [['--shard-count', '4'], { SLURM_ARRAY_TASK_ID: '1' }, /a results file of shard 1\/4 \(it holds shard 0\/4/],
      [['--shard', '0/2'], {}, /a results file of shard 0\/2 \(it holds shard 0\/4/],
      [[], {}, /a results file of this whole sweep \(it holds shard 0\/4/],
      [['--shard', '0/4', '--hops', '3,6'], {}, /another sweep/],
    ];
    for (const [args, env, message] of refusals) {
      // An option is given once: other --hops replace the study's.
      const base = args.includes('--hops') ? study.slice(2) : study;
      const r = await cli(['sweep', file, ...base, ...args, '--out', shard0], env);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.err).toContain(shard0);
      expect(r.err).toMatch(message);
      expect(readFileSync(shard0, 'utf8')).toBe(before);
    }
    // A file without a header (an earlier meshcast's) is checked record by record.
    const legacy = join(dir, 'legacy.ndjson');
    writeFileSync(legacy, before.slice(before.indexOf('\n') + 1));
    const r = await cli(['sweep', file, ...study, '--shard', '1/4', '--out', legacy]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/cell 0, replication 0, a task of shard 0\/4/);
    // Its own shard resumes: one result cut off is redone, the rest skipped, the file as a fresh one.
    const lines = before.trim().split('\n');
    writeFileSync(shard0, `${lines.slice(0, -1).join('\n')}\n`);
    const resumed = await cli(['sweep', file, ...study, '--shard-count', '4', '--out', shard0], {
      JOB_COMPLETION_INDEX: '0',
    });
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(/2 results already there; skipping them/);
    expect(readFileSync(shard0, 'utf8')).toBe(before);
    // An empty file (a shard killed before its first result) takes any shard and gets its header.
    const empty = join(dir, 'empty.ndjson');
    writeFileSync(empty, '');
    expect((await cli(['sweep', file, ...study, '--shard', '3/4', '--out', empty])).code).toBe(0);
    expect(parseResults(readFileSync(empty, 'utf8')).header?.shard).toEqual({ index: 3, count: 4 });
    // A shard with no task at all still writes its header.
    const none = join(dir, 'none.ndjson');
    expect((await cli(['sweep', file, ...study, '--shard', '9/10', '--out', none])).code).toBe(0);
    expect(parseResults(readFileSync(none, 'utf8'))).toMatchObject({ header: { shard: { index: 9 } }, records: [] });
  });
});

describe('meshcast report over shard files', () => {
  async function shardFiles(dir: string, count: number): Promise<string[]> {
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(small));
    const files: string[] = [];
    for (let i = 0; i < count; i++) {
      const out = join(dir, `shard-${i}.ndjson`);
      expect((await cli(['sweep', file, ...study, '--shard', `${i}/${count}`, '--out', out])).code).toBe(0);
      files.push(out);
    }
    return files;
  }

  it('names the shards and tasks missing (exit 4) and merges complete files (exit 0)', async () => {
    const dir = tempDir();
    const files = await shardFiles(dir, 4);
    const whole = join(dir, 'whole.ndjson');
    expect((await cli(['sweep', join(dir, 's.json'), ...study, '--out', whole])).code).toBe(0);
    const complete = await cli(['report', ...files]);
    expect(complete.code).toBe(0);
    expect(complete.err).toBe('');
    expect(complete.out).toBe((await cli(['report', whole])).out);
    // Shard 1 stopped after its first result; shard 3's file never written.
    const one = readFileSync(files[1]!, 'utf8').split('\n');
    writeFileSync(files[1]!, `${one.slice(0, 2).join('\n')}\n`);
    const partial = [files[0]!, files[1]!, files[2]!];
    const r = await cli(['report', ...partial]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/^6 results/); // what is there is still summarised
    expect(r.err).toContain('incomplete: 3 of 9 tasks have no result');
    expect(r.err).toContain(`shard 1/4: 1 of 2 tasks missing (${files[1]}): cell 1 replication 2`);
    expect(r.err).toContain(
      'shard 3/4: 2 of 2 tasks missing (no results file): cell 1 replication 0, cell 2 replication 1',
    );
    expect(r.err).not.toMatch(/shard [02]\/4/);
    const json = await cli(['report', ...partial, '--json']);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.out)).toMatchObject({ records: 6, tasks: 9, missing: 3, missingShards: [1, 3] });
    // The whole-sweep file with tasks missing names the tasks.
    const lines = readFileSync(whole, 'utf8').split('\n');
    writeFileSync(whole, `${lines.slice(0, 8).join('\n')}\n`);
    const cut = await cli(['report', whole]);
    expect(cut.code).toBe(4);
    expect(cut.err).toMatch(/2 of 9 tasks have no result\n {2}missing: cell 2 replication 1, cell 2 replication 2/);
  });

  it('refuses files that disagree on the sweep’s size, and records outside it (exit 3)', async () => {
    const dir = tempDir();
    const files = await shardFiles(dir, 2);
    const text = readFileSync(files[0]!, 'utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as Record<string, unknown>;
    const rest = text.slice(text.indexOf('\n') + 1);
    const bigger = join(dir, 'bigger.ndjson');
    writeFileSync(bigger, `${JSON.stringify({ ...header, replications: 4 })}\n${rest}`);
    const r = await cli(['report', bigger, files[1]!]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/files of one sweep/);
    const smaller = join(dir, 'smaller.ndjson');
    writeFileSync(smaller, `${JSON.stringify({ ...header, cells: 1 })}\n${rest}`);
    const s = await cli(['report', smaller]);
    expect(s.code).toBe(3);
    expect(s.err).toMatch(/records of a sweep of 1 cell × 3 replications/);
    const other = join(dir, 'other.ndjson');
    writeFileSync(other, `${JSON.stringify({ ...header, sweepId: 'ffffffffffffffff' })}\n`);
    expect((await cli(['report', other, files[1]!])).code).toBe(3);
    // Files without a header (an earlier meshcast's) merge as before, unchecked for completeness.
    const legacy = join(dir, 'legacy.ndjson');
    writeFileSync(legacy, rest);
    const l = await cli(['report', legacy]);
    expect(l.code).toBe(0);
    expect(l.err).toMatch(/no header/);
  });

  it('completeness: shard sizes when the tasks do not divide evenly', () => {
    const header = (index: number): ReturnType<typeof resultsHeader> => resultsHeader('x', { index, count: 4 }, 3, 2);
    // 6 tasks over 4 shards: shards 0 and 1 have 2 tasks, shards 2 and 3 one each.
    const c = completenessOf([0, 1, 2, 3].map((i) => ({ path: `s${i}`, header: header(i), records: [] })));
    expect(c.tasks).toBe(6);
    expect(c.shards.map((s) => [s.index, s.tasks, s.missing.length, s.files])).toEqual([
      [0, 2, 2, ['s0']],
      [1, 2, 2, ['s1']],
      [2, 1, 1, ['s2']],
      [3, 1, 1, ['s3']],
    ]);
    expect(formatMissing(c)).toMatch(/^incomplete: 6 of 6 tasks have no result\n/);
    expect(
      missingTasks(2, 2, [
        { cell: 0, replication: 1 },
        { cell: 5, replication: 0 },
      ]),
    ).toEqual([
      { cell: 0, replication: 0 },
      { cell: 1, replication: 0 },
      { cell: 1, replication: 1 },
    ]);
    expect(formatMissing(completenessOf([{ path: 'a', header: null, records: [] }]))).toBe('');
  });
});

describe('meshcast sweep --plan-shards', () => {
  it('suggests a shard count from the task count and a timed pilot', async () => {
    // A clock that advances one second per reading: every pilot task takes 1 s, with no start-up.
    let t = 0;
    const plan = await planShards({
      scenario: small,
      grid: { maxHops: [3, 6, 12], ttlS: [60, 120] },
      replications: 50,
      seed: 1,
      baseDir: '.',
      workersPerShard: 2,
      targetMinutes: 1,
      nowS: () => t++,
    });
    expect(plan).toMatchObject({ cells: 6, tasks: 300, taskS: 1, setupS: 0, workS: 300 });
    expect(plan.pilot.map((p) => p.cell)).toEqual([0, 3, 5]); // first, middle and last cell
    // 300 task-seconds over 2 workers in 60 s: 3 shards of 100 tasks, 50 s each.
    expect(plan.shards).toBe(3);
    expect(plan.shardWallS).toBe(50);
    // Never more shards than tasks.
    let u = 0;
    const tiny = await planShards({
      scenario: small,
      grid: { maxHops: [3] },
      replications: 1,
      seed: 1,
      baseDir: '.',
      workersPerShard: 1,
      targetMinutes: 0.001,
      nowS: () => (u += 10),
    });
    expect(tiny).toMatchObject({ tasks: 1, shards: 1 });
    expect(tiny.pilot[0]!.taskS).toBeNull();
  });

  it('prints the plan and writes nothing; a pilot result equals the sweep’s own', async () => {
    const dir = tempDir();
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(small));
    const out = join(dir, 'r.ndjson');
    const csv = join(dir, 'r.csv');
    const args = ['sweep', file, ...study, '--out', out, '--csv', csv, '--plan-shards'];
    const r = await cli([...args, '--target-minutes', '5']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3 cells × 3 replications = 9 tasks/);
    expect(r.out).toMatch(/estimate: .* per task/);
    expect(r.out).toMatch(/suggested: 1 shard/);
    expect(existsSync(out) || existsSync(csv)).toBe(false);
    const json = await cli([...args.filter((a) => a !== '0' && a !== '--workers'), '--workers', '4', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ tasks: 9, workersPerShard: 4, targetMinutes: 60, shards: 1 });
    for (const bad of [
      ['--target-minutes', '0'],
      ['--target-minutes', 'soon'],
    ])
      expect((await cli([...args, ...bad])).code).toBe(2);
    expect((await cli(['sweep', file, ...study, '--target-minutes', '5'])).code).toBe(2);
    expect(existsSync(out) || existsSync(csv)).toBe(false);
    // The pilot runs tasks of the sweep as the sweep does: a one-cell grid gives the same records.
    const whole = await sweep(small, { maxHops: [3, 6, 12] }, { replications: 2, workers: 0 });
    const alone = await sweep(small, { maxHops: [12] }, { replications: 2, workers: 0 });
    const strip = (rs: readonly object[]): string => JSON.stringify(rs.map((r) => ({ ...r, cell: 0, sweepId: '' })));
    expect(strip(alone.records)).toBe(strip(whole.records.filter((r) => r.params['maxHops'] === 12)));
  });
});
