import { describe, expect, it } from 'vitest';
import { traceCompletionS, tracePass } from '../src/broadcast/trace.js';
import { traceStates } from '../src/report/trace.js';
import {
  generators,
  loadScenario,
  runScenario,
  TRACE_MAX_DEVICES,
  traceScenario,
  ValidationError,
  type BroadcastResult,
  type ScenarioResult,
} from '../src/index.js';

/** A lossy utility area: repeat passes needed, some hand-offs failing, gas and water modules targeted. */
function lossyRun(seed: number, duplicates: 'per-packet' | 'per-origin', grouped = false): ScenarioResult {
  return runScenario(
    loadScenario({
      seed,
      network: {
        generator: 'utility',
        options: { collectors: 2, endpointsPerCollector: 120, seed, cellSideM: 4000, pathLoss: { exponent: 3.6 } },
      },
      radio: { delay: seed % 2 === 0 ? { kind: 'exponential', meanS: 2 } : { kind: 'uniform', minS: 1.5, maxS: 2.5 } },
      handoff: { attemptSuccess: 0.5, maxAttempts: 2 },
      broadcast: {
        origins: 'all',
        packets: 10,
        spacingS: 70,
        maxHops: 7,
        ttlS: 60,
        duplicates,
        limits: 'research',
        targets: { kinds: ['meter', 'gasModule', 'waterModule'] },
      },
      ...(grouped ? { groups: [['C1'], ['C2']] } : {}),
      passes: 3,
    } as never),
  );
}

const hexOf = (bytes: Uint8Array): string =>
  Array.from(bytes, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');

describe('the trace agrees with the fast path', () => {
  it.each([
    [1, 'per-packet', false],
    [2, 'per-packet', false],
    [3, 'per-origin', false],
    [4, 'per-origin', false],
    [5, 'per-origin', true],
  ] as const)(
    'seed %i, duplicates %s, grouped %s: tank bits and completion times of every pass',
    (seed, dup, grouped) => {
      const result = lossyRun(seed, dup, grouped);
      expect(result.passes.length).toBeGreaterThan(1); // repeat passes continue the traced tanks
      const states = traceStates(result, () => {});
      result.passes.forEach((p, i) => {
        const s = states[i]!;
        expect(Array.from(s.selection.targetNodes)).toEqual(Array.from(p.state.targetNodes));
        s.selection.targetNodes.forEach((v, t) => {
          const id = p.mesh.id(v);
          expect(hexOf(s.tanks.subarray(t * s.stride, (t + 1) * s.stride)), id).toBe(p.tankHex(id));
          const done = traceCompletionS(s, t);
          expect(Number.isNaN(done) ? null : done, id).toBe(p.endpoint(id).completedS);
        });
      });
    },
  );

  it('its NDJSON alone rebuilds every target tank: first arrivals at holders, pass after pass', () => {
    const result = lossyRun(6, 'per-origin');
    const events: Record<string, unknown>[] = [];
    const lines = traceScenario(result, (line) => events.push(JSON.parse(line) as Record<string, unknown>));
    expect(lines).toBe(events.length);
    const mesh = result.passes[0]!.mesh;
    const targets = result.passes[0]!.targetIds();
    const packets = result.passes[0]!.packetsToSend;
    const holder = (id: string): string =>
      mesh.id(mesh.parent[mesh.index(id)]! >= 0 ? mesh.parent[mesh.index(id)]! : mesh.index(id));
    const missing = new Map(targets.map((id) => [id, new Set(Array.from({ length: packets }, (_, k) => k))]));
    result.passes.forEach((p: BroadcastResult, i) => {
      const firsts = new Map<string, number>();
      for (const e of events) {
        if (e['pass'] !== i + 1 || e['outcome'] !== 'first') continue;
        firsts.set(`${String(e['to'])}/${String(e['packet'])}`, 1);
      }
      for (const id of targets) {
        if (p.endpoint(id).refused) continue;
        for (const k of [...missing.get(id)!]) if (firsts.has(`${holder(id)}/${k}`)) missing.get(id)!.delete(k);
        expect(p.tank(id).missing, id).toBe(missing.get(id)!.size);
        for (const k of missing.get(id)!) expect(p.tank(id).has(k)).toBe(false);
      }
      // Hand-offs traced are the modules completed in this pass.
      const handed = events.filter((e) => e['pass'] === i + 1 && e['outcome'] === 'handoff').map((e) => e['to']);
      for (const id of handed) expect(p.endpoint(id as string).completedS).not.toBeNull();
    });
    const outcomes = new Set(events.map((e) => e['outcome']));
    for (const o of ['first', 'duplicate', 'lost', 'hop-limited']) expect(outcomes).toContain(o);
    const head = events.find((e) => e['from'] === null)!;
    expect(head).toMatchObject({ group: 1, pass: 1, t: 0, packet: 0, hops: 1, outcome: 'first' });
    expect(typeof head['message']).toBe('string');
  });

  it('is refused above its size and with contention on', () => {
    const big = generators.gridMesh({ width: 50, height: 50 });
    expect(big.n).toBeGreaterThan(TRACE_MAX_DEVICES);
    const result = lossyRun(1, 'per-packet');
    const p = result.passes[0]!;
    const input = {
      mesh: big,
      spec: p.spec,
      seed: 1,
      replication: 0,
      pass: 0,
      radio: result.loaded.resolved.radio,
      handoff: result.loaded.resolved.handoff,
      previous: null,
    };
    expect(() => tracePass(input, () => {})).toThrow(ValidationError);
    const csma = runScenario(
      loadScenario({
        network: { generator: 'line', options: { meters: 4 } },
        radio: { contention: 'csma' },
        broadcast: { origins: ['C1'], packets: 3 },
      }),
    );
    expect(() => traceScenario(csma, () => {})).toThrow(ValidationError);
  });
});
