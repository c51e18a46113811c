/**
 * The cluster files of docs/cluster/ (SLURM job script, Kubernetes manifests, AWS Batch job
 * definition and submission, Dockerfile) and docs/cluster.md, which shows them. No scheduler
 * or docker engine runs here (CI runs the SLURM script on a real one-node cluster: see
 * .ci/slurm-test.sh), so these files are checked by parsing them: the fields each scheduler
 * requires, the shard count and index variable they agree on with meshcast, and each
 * command line run through meshcast itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { main } from '../src/cli/main.js';
import { SHARD_INDEX_VARIABLES } from '../src/cli/shard.js';
import { parseResults, type Scenario } from '../src/index.js';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'docs', 'cluster');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
const doc = readFileSync(join(root, 'docs', 'cluster.md'), 'utf8');

type Obj = Record<string, unknown>;
const obj = (v: unknown, what: string): Obj => {
  expect(v, what).toBeTypeOf('object');
  expect(v, what).not.toBeNull();
  expect(Array.isArray(v), what).toBe(false);
  return v as Obj;
};
const list = (v: unknown, what: string): unknown[] => {
  expect(Array.isArray(v), what).toBe(true);
  return v as unknown[];
};

/** The value after `flag` in an argument list. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/**
 * Runs a documented command line through meshcast with its container paths mapped to a temp
 * directory and the scheduler's index variable set: it must run as the given shard and write
 * that shard's file.
 */
async function runsAsShard(
  args: readonly string[],
  paths: Readonly<Record<string, string>>,
  variable: string,
  index: number,
): Promise<void> {
  const local = mkdtempSync(join(tmpdir(), 'meshcast-cluster-'));
  const scenario: Scenario = {
    name: 'cluster file check',
    network: { generator: 'grid', options: { width: 5 } },
    broadcast: { origins: ['C1'], packets: 2 },
    sweep: { grid: { maxHops: [4, 6, 8] }, replications: 4 },
  };
  const mapped = args.map((a) => {
    let m = a;
    for (const [from, to] of Object.entries(paths)) m = m.split(from).join(join(local, to));
    return m;
  });
  const scenarioArg = mapped[1]!;
  writeFileSync(scenarioArg, JSON.stringify(scenario));
  let err = '';
  const saved = process.env[variable];
  process.env[variable] = String(index);
  try {
    const code = await main(
      [...mapped],
      () => undefined,
      (s) => (err += s),
    );
    expect(code, err).toBe(0);
  } finally {
    if (saved === undefined) delete process.env[variable];
    else process.env[variable] = saved;
  }
  const out = flagValue(mapped, '--out')!.replace('{shard}', String(index));
  const header = parseResults(readFileSync(out, 'utf8')).header;
  expect(header?.shard.index).toBe(index);
}

describe('docs/cluster.md', () => {
  it('shows every file of docs/cluster/ word for word, each under a link to it', () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      [
        'Dockerfile',
        'aws-batch-job-definition.json',
        'aws-batch-submit.json',
        'k8s-merge.yaml',
        'k8s-sweep.yaml',
        'slurm-sweep.sh',
      ].sort(),
    );
    for (const name of files) {
      const link = doc.indexOf(`](cluster/${name})`);
      expect(link, `a link to cluster/${name}`).toBeGreaterThan(0);
      // The first code block after the link is the file.
      const fence = /```[a-z]*\n([\s\S]*?)\n```/.exec(doc.slice(link));
      expect(fence?.[1], `the block after the link to ${name}`).toBe(read(name).replace(/\n$/, ''));
    }
    // Every link into docs/cluster/ names a file that is there.
    for (const m of doc.matchAll(/\]\(cluster\/([^)]*)\)/g)) expect(['', ...files]).toContain(m[1]);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('(docs/cluster.md)');
  });

  it('names the index variable of each scheduler as meshcast reads it', () => {
    for (const v of SHARD_INDEX_VARIABLES) expect(doc).toContain(`\`${v}\``);
  });
});

describe('SLURM job script', () => {
  const script = read('slurm-sweep.sh');

  it('is a bash script that takes the shard from the array task id', () => {
    execFileSync('bash', ['-n', join(dir, 'slurm-sweep.sh')]);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toMatch(/^#SBATCH --array=0-7$/m);
    expect(script).toMatch(/^#SBATCH --requeue$/m);
    expect(script).toMatch(/^#SBATCH --open-mode=append$/m);
    // #SBATCH lines are read only before the first command.
    const firstCommand = script.split('\n').findIndex((l) => l !== '' && !l.startsWith('#'));
    expect(
      script
        .split('\n')
        .slice(firstCommand)
        .some((l) => l.startsWith('#SBATCH')),
    ).toBe(false);
    const command = script.slice(script.indexOf('exec meshcast sweep')).replace(/\\\n\s*/g, '');
    expect(command).toMatch(/--shard-count "\$shards"/);
    expect(command).toMatch(/--workers "\$\{SLURM_CPUS_PER_TASK:-1\}"/);
    expect(command).toMatch(/--out "\$results\/shard-\{shard\}\.ndjson"/);
    // meshcast reads SLURM_ARRAY_TASK_ID itself; the script never computes an index.
    expect(SHARD_INDEX_VARIABLES).toContain('SLURM_ARRAY_TASK_ID');
    expect(script).not.toMatch(/--shard |SLURM_ARRAY_TASK_ID\s*-|\$\(\(/);
    // The default shard count is the default array's size.
    expect(script).toMatch(/^shards=\$\{SHARDS:-8\}$/m);
  });

  it('is the script CI submits to a real SLURM cluster', () => {
    const ci = readFileSync(join(root, '.ci', 'slurm-test.sh'), 'utf8');
    expect(ci).toContain('script="$repo/docs/cluster/slurm-sweep.sh"');
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^bash \.ci\/slurm-test\.sh$/m);
  });
});

describe('Kubernetes manifests', () => {
  const docsOf = (name: string): Obj[] =>
    // YAML 1.1, as Kubernetes reads manifests (yes/no are booleans there).
    parseAllDocuments(read(name), { version: '1.1' }).map((d) => {
      expect(d.errors, name).toEqual([]);
      return obj(d.toJS(), name);
    });
  const sweepDocs = docsOf('k8s-sweep.yaml');
  const mergeDocs = docsOf('k8s-merge.yaml');
  const kind = (docs: Obj[], k: string): Obj => {
    const found = docs.find((d) => d['kind'] === k);
    expect(found, k).toBeDefined();
    return found!;
  };
  const podSpec = (job: Obj): Obj => obj(obj(obj(job['spec'], 'spec')['template'], 'template')['spec'], 'pod spec');
  const container = (job: Obj): Obj => obj(list(podSpec(job)['containers'], 'containers')[0], 'container');
  const volumeOf = (job: Obj, mountPath: string): Obj => {
    const c = container(job);
    const mount = list(c['volumeMounts'], 'volumeMounts')
      .map((m) => obj(m, 'volumeMount'))
      .find((m) => mountPath.startsWith(`${String(m['mountPath'])}/`));
    expect(mount, `a volume mounted above ${mountPath}`).toBeDefined();
    const volume = list(podSpec(job)['volumes'], 'volumes')
      .map((v) => obj(v, 'volume'))
      .find((v) => v['name'] === mount!['name']);
    expect(volume, `volume ${String(mount!['name'])}`).toBeDefined();
    return volume!;
  };

  it('an Indexed Job whose completions are the shard count, writing to a shared volume', () => {
    expect(sweepDocs.map((d) => [d['apiVersion'], d['kind']])).toEqual([
      ['v1', 'PersistentVolumeClaim'],
      ['batch/v1', 'Job'],
    ]);
    const claim = kind(sweepDocs, 'PersistentVolumeClaim');
    const claimSpec = obj(claim['spec'], 'claim spec');
    expect(claimSpec['accessModes']).toEqual(['ReadWriteMany']);
    expect(obj(obj(claimSpec['resources'], 'resources')['requests'], 'requests')['storage']).toBeTypeOf('string');
    const job = kind(sweepDocs, 'Job');
    expect(obj(job['metadata'], 'metadata')['name']).toMatch(/^[a-z0-9-]+$/);
    const spec = obj(job['spec'], 'job spec');
    // JOB_COMPLETION_INDEX is set only in Indexed mode; it is the variable meshcast reads.
    expect(spec['completionMode']).toBe('Indexed');
    expect(SHARD_INDEX_VARIABLES).toContain('JOB_COMPLETION_INDEX');
    const completions = spec['completions'] as number;
    expect(Number.isInteger(completions) && completions >= 1).toBe(true);
    expect(spec['parallelism']).toBeLessThanOrEqual(completions);
    // backoffLimitPerIndex, maxFailedIndexes and FailIndex go with Indexed mode and restartPolicy Never.
    expect(spec['backoffLimitPerIndex']).toBeGreaterThanOrEqual(0);
    expect(spec['maxFailedIndexes']).toBeLessThanOrEqual(completions);
    expect(podSpec(job)['restartPolicy']).toBe('Never');
    const rules = list(obj(spec['podFailurePolicy'], 'podFailurePolicy')['rules'], 'rules').map((r) => obj(r, 'rule'));
    for (const r of rules) expect(['FailJob', 'FailIndex', 'Ignore', 'Count']).toContain(r['action']);
    expect(rules.find((r) => r['action'] === 'Ignore')?.['onPodConditions']).toEqual([{ type: 'DisruptionTarget' }]);
    const c = container(job);
    expect(c['name']).toBe(
      obj(rules.find((r) => r['onExitCodes'] !== undefined)?.['onExitCodes'], 'onExitCodes')['containerName'],
    );
    expect(c['image']).toBeTypeOf('string');
    // Nothing in the pod overrides the index variable the Job controller sets.
    expect(JSON.stringify(c['env'] ?? [])).not.toMatch(/JOB_COMPLETION_INDEX/);
    const args = list(c['args'], 'args').map(String);
    expect(args[0]).toBe('sweep');
    expect(flagValue(args, '--shard-count')).toBe(String(completions));
    expect(flagValue(args, '--workers')).toBe(String(obj(obj(c['resources'], 'resources')['requests'], 'r')['cpu']));
    const out = flagValue(args, '--out')!;
    expect(out).toContain('{shard}');
    expect(obj(volumeOf(job, out)['persistentVolumeClaim'], 'claim')['claimName']).toBe(
      obj(claim['metadata'], 'metadata')['name'],
    );
    expect(volumeOf(job, args[1]!)['configMap']).toBeDefined();
  });

  it('a merge Job on the same volume and image that runs meshcast report over every shard file', () => {
    expect(mergeDocs).toHaveLength(1);
    const merge = kind(mergeDocs, 'Job');
    const job = kind(sweepDocs, 'Job');
    expect(merge['apiVersion']).toBe('batch/v1');
    expect(podSpec(merge)['restartPolicy']).toBe('Never');
    const c = container(merge);
    expect(c['image']).toBe(container(job)['image']);
    expect(c['command']).toEqual(['sh', '-c']);
    const script = list(c['args'], 'args').join(' ');
    const out = flagValue(list(container(job)['args'], 'args').map(String), '--out')!;
    const pattern = out.replace('{shard}', '*');
    expect(script).toContain(`node /app/dist/cli/main.js report ${pattern}`);
    expect(volumeOf(merge, pattern)['persistentVolumeClaim']).toEqual(volumeOf(job, out)['persistentVolumeClaim']);
  });

  it('the Job’s command line runs as the shard of JOB_COMPLETION_INDEX', async () => {
    const args = list(container(kind(sweepDocs, 'Job'))['args'], 'args').map(String);
    await runsAsShard(args, { '/scenario/scenario.json': 'scenario.json', '/results': '' }, 'JOB_COMPLETION_INDEX', 5);
  });
});

describe('AWS Batch job definition and submission', () => {
  const definition = obj(JSON.parse(read('aws-batch-job-definition.json')), 'job definition');
  const submission = obj(JSON.parse(read('aws-batch-submit.json')), 'submission');
  const container = obj(definition['containerProperties'], 'containerProperties');
  const parameters = obj(definition['parameters'], 'parameters');
  const command = list(container['command'], 'command').map(String);
  /** The command as AWS Batch runs it: each `Ref::name` element replaced by the parameter. */
  const substituted = (params: Obj): string[] =>
    command.map((a) => (a.startsWith('Ref::') ? String(params[a.slice(5)] ?? parameters[a.slice(5)]) : a));

  it('registers a container job with the fields AWS Batch requires', () => {
    expect(definition['jobDefinitionName']).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
    expect(definition['type']).toBe('container');
    expect(definition['platformCapabilities']).toEqual(['EC2']);
    expect(container['image']).toBeTypeOf('string');
    const needs = Object.fromEntries(
      list(container['resourceRequirements'], 'resourceRequirements').map((r) => {
        const o = obj(r, 'requirement');
        return [o['type'], Number(o['value'])];
      }),
    );
    expect(needs['VCPU']).toBeGreaterThanOrEqual(1);
    expect(needs['MEMORY']).toBeGreaterThanOrEqual(1024);
    const retry = obj(definition['retryStrategy'], 'retryStrategy');
    expect(retry['attempts']).toBeGreaterThanOrEqual(1);
    expect(retry['attempts']).toBeLessThanOrEqual(10);
    for (const rule of list(retry['evaluateOnExit'], 'evaluateOnExit').map((r) => obj(r, 'rule'))) {
      expect(['RETRY', 'EXIT']).toContain(String(rule['action']).toUpperCase());
      if (rule['onExitCode'] !== undefined) expect(rule['onExitCode']).toMatch(/^\d+\*?$/);
    }
    expect(obj(definition['timeout'], 'timeout')['attemptDurationSeconds']).toBeGreaterThanOrEqual(60);
    // Every Ref:: in the command has a default; every parameter is used.
    const refs = command.filter((a) => a.startsWith('Ref::')).map((a) => a.slice(5));
    expect(refs.sort()).toEqual(Object.keys(parameters).sort());
    expect(substituted({})[0]).toBe('sweep');
    expect(Number(parameters['workers'])).toBe(needs['VCPU']);
    // The results go to the mounted EFS volume.
    const mount = obj(list(container['mountPoints'], 'mountPoints')[0], 'mountPoint');
    const volume = obj(list(container['volumes'], 'volumes')[0], 'volume');
    expect(mount['sourceVolume']).toBe(volume['name']);
    expect(obj(volume['efsVolumeConfiguration'], 'efs')['fileSystemId']).toMatch(/^fs-[0-9a-f]+$/);
    const out = flagValue(substituted({}), '--out')!;
    expect(out.startsWith(`${String(mount['containerPath'])}/`)).toBe(true);
    // AWS Batch does not expand variables in a command: meshcast puts the index in the name.
    expect(out).toContain('{shard}');
    expect(command.join(' ')).not.toMatch(/\$/);
  });

  it('submits an array job whose size is the shard count', () => {
    expect(submission['jobName']).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
    expect(submission['jobQueue']).toBeTypeOf('string');
    expect(submission['jobDefinition']).toBe(definition['jobDefinitionName']);
    const size = obj(submission['arrayProperties'], 'arrayProperties')['size'] as number;
    expect(Number.isInteger(size) && size >= 2 && size <= 10_000).toBe(true);
    const params = obj(submission['parameters'], 'parameters');
    for (const k of Object.keys(params)) expect(Object.keys(parameters)).toContain(k);
    expect(flagValue(substituted(params), '--shard-count')).toBe(String(size));
    // Array children get AWS_BATCH_JOB_ARRAY_INDEX, the variable meshcast reads.
    expect(SHARD_INDEX_VARIABLES).toContain('AWS_BATCH_JOB_ARRAY_INDEX');
  });

  it('the command runs as the shard of AWS_BATCH_JOB_ARRAY_INDEX', async () => {
    const params = obj(submission['parameters'], 'parameters');
    await runsAsShard(substituted(params), { '/results': '' }, 'AWS_BATCH_JOB_ARRAY_INDEX', 7);
  });
});

describe('Dockerfile', () => {
  /** Instructions with continuation lines joined and comments dropped. */
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!, args: rest.join(' ') };
    });
  const stages: { from: string; name: string | undefined; body: { op: string; args: string }[] }[] = [];
  for (const i of instructions) {
    if (i.op === 'FROM') {
      const m = /^(\S+)(?: AS (\S+))?$/i.exec(i.args);
      stages.push({ from: m![1]!, name: m![2], body: [] });
    } else stages[stages.length - 1]!.body.push(i);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    engines: { node: string };
  };
  const final = stages[stages.length - 1]!;

  it('known instructions only, every stage on Node 20 slim (package.json engines: Node 20.19+)', () => {
    expect(instructions[0]!.op).toBe('FROM');
    for (const i of instructions) expect(['FROM', 'WORKDIR', 'COPY', 'RUN', 'ENV', 'ENTRYPOINT']).toContain(i.op);
    for (const s of stages) expect(s.from).toBe('node:20-slim');
    expect(pkg.engines.node).toMatch(/^>=20\./);
  });

  it('the final stage installs production dependencies with npm ci --omit=dev and copies the build', () => {
    const runs = final.body.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci --omit=dev\b/.test(r))).toBe(true);
    for (const s of stages)
      for (const i of s.body) if (i.op === 'RUN') expect(i.args).not.toMatch(/\bnpm (install|i)\b/);
    const build = stages.find((s) => s.name !== undefined && s !== final);
    expect(build?.body.some((i) => i.op === 'RUN' && /npm ci\b/.test(i.args) && !/--omit/.test(i.args))).toBe(true);
    expect(build?.body.some((i) => i.op === 'RUN' && i.args === 'npm run build')).toBe(true);
    const copies = final.body.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContain(`--from=${build!.name} /app/dist ./dist`);
    // Every COPY from the build context names a file or folder of the repository.
    for (const s of stages)
      for (const i of s.body.filter((b) => b.op === 'COPY' && !b.args.startsWith('--from'))) {
        const sources = i.args.split(/\s+/).slice(0, -1);
        for (const src of sources) expect(existsSync(join(root, src)), src).toBe(true);
      }
  });

  it('the entry point is the package’s bin, in exec form', () => {
    const workdir = final.body.filter((i) => i.op === 'WORKDIR').map((i) => i.args);
    expect(workdir).toEqual(['/app']);
    const entry = final.body.filter((i) => i.op === 'ENTRYPOINT');
    expect(entry).toHaveLength(1);
    expect(JSON.parse(entry[0]!.args)).toEqual(['node', posix.join('/app', normalize(pkg.bin['meshcast']!))]);
    expect(final.body.at(-1)!.op).toBe('ENTRYPOINT');
  });
});
