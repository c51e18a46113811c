import type { HeadEnd } from '../headend/headend.js';
import { TWO_MILES_M } from '../broadcast/warnings.js';
import { FLAG_BITS, KIND } from '../network/device.js';
import { compareVersions, isModule42x } from '../network/firmware.js';
import { ORDER_STEPS } from './orders.js';
import {
  concentratorsFrom5,
  crcChange,
  packagesOf,
  pending,
  programKey,
  steps42xThrough518,
  stepsBefore,
  STEPPING_STONE,
  waterBeforeParents,
  type Plan,
  type PlanStep,
} from './plan.js';
import { releaseTarget, type ReleaseKind } from './release.js';

/** A deviation from the guide's rules found in a plan. */
export interface PlanProblem {
  /** The rule's id (see {@link DEVIATION_RULES}). */
  readonly rule: string;
  /** What is wrong, in the guide's terms. */
  readonly message: string;
  /** The step it concerns (null: the plan as a whole). */
  readonly step: string | null;
  /** Endpoints affected. */
  readonly count: number;
  /** Some of their ids (at most 5). */
  readonly sample: readonly string[];
  /** What fixes it. */
  readonly fix: string;
  /** Whether {@link fixPlan} fixes it (otherwise the release or the head-end must change). */
  readonly fixable: boolean;
}

/** The guide's deviation rules and recommended practice that {@link checkPlan} enforces. */
export const DEVIATION_RULES: Readonly<Record<string, string>> = {
  'post-install-off':
    'The post-install process must be disabled when installing or upgrading to head-end 5.5 or later.',
  catalogue: 'The catalogue must hold the present and target versions before the upgrade starts.',
  'installation-order': 'Device classes are upgraded in the installation order.',
  'synchronise-unknown': 'Unknown versions are synchronised (Get Endpoint Info / Configuration) before the start.',
  '42x-no-broadcast': 'Endpoints on 4.2x module firmware cannot receive broadcasts: they are upgraded point to point.',
  '42x-stepping-stone': 'Focus AL, Focus AX modular meters and mesh extenders on 4.2x go to 5.18 first.',
  'broadcast-bits': 'Endpoints with Disable Broadcasts or Encrypt FW Download set do not take broadcast images.',
  'dcw-before-module-7xx': 'Going from 6.xx to 7.xx module firmware, the DCW is upgraded before module firmware.',
  'seed-7xx': 'Before 6.xx → 7.xx, one seed meter per unique meter program is upgraded point to point, then GEC.',
  'seed-95x': 'Before 9.2x → 9.5x+, one seed meter per configuration, program factor, program, tariff and misc id.',
  'headend-restart-95x': 'After the 9.5x seed meters, the head-end is restarted before the broadcast.',
  'han-init-before-zigbee': 'Meters with an active HAN complete HAN Initialization before their ZigBee firmware.',
  'zigbee-before-module': 'ZigBee firmware is never upgraded before module firmware (it holds the HAN in reset).',
  'han-init-after-metrology': 'A metrology upgrade stops HAN data until a new HAN Initialization.',
  'water-before-parent': 'Water modules are on water firmware 2.0 or newer before their electric parents change.',
  'concentrators-to-85x':
    'Dual head-end, concentrators older than 6.0 to 8.5x: collectors first, Informational data messages, an ' +
    'open-security concentrator group, every concentrator upgraded, then General Query.',
  'nearby-collectors': 'Collectors within about 2 miles of each other are not in the same broadcast.',
};

/** Context of a check: the head-end, the plan and where each step is. */
interface Ctx {
  readonly he: HeadEnd;
  readonly plan: Plan;
  readonly index: ReadonlyMap<string, number>;
}

/** Endpoint ids addressed point to point by steps before index i that match. */
function addressedBefore(ctx: Ctx, i: number, match: (s: PlanStep) => boolean): Set<string> {
  const out = new Set<string>();
  ctx.plan.steps.slice(0, i).forEach((s) => {
    if (match(s)) for (const id of s.endpoints ?? []) out.add(id);
  });
  return out;
}

function problem(
  rule: string,
  step: string | null,
  ids: readonly string[],
  fix: string,
  fixable = true,
  message = DEVIATION_RULES[rule]!,
): PlanProblem {
  return { rule, message, step, count: ids.length, sample: ids.slice(0, 5), fix, fixable };
}

/**
 * Checks a plan against the guide's deviation rules and recommended practice on this head-end
 * (its records and catalogue): each problem names its rule, the step, the endpoints affected
 * (count and sample ids) and the fix. {@link planUpgrade}'s own plans give none, but for
 * packages missing from the catalogue.
 */
export function checkPlan(headEnd: HeadEnd, plan: Plan): PlanProblem[] {
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const ctx: Ctx = { he: headEnd, plan, index };
  const out: PlanProblem[] = [];
  const mesh = headEnd.network;
  const { records } = headEnd;
  const { release } = plan;
  const at = (id: string): number => index.get(id) ?? -1;

  // The head-end and the catalogue.
  if (release.headend !== undefined && compareVersions(release.headend, '5.5') >= 0) {
    const off = plan.steps.findIndex((s) => s.action === 'postInstallOff');
    const up = at('headend');
    if (up >= 0 && (off < 0 || off > up))
      out.push(problem('post-install-off', 'headend', [], 'disable it before the head-end upgrade'));
  }
  const missing = missingPackages(headEnd, plan);
  if (missing.length > 0) {
    out.push(
      problem(
        'catalogue',
        'import',
        missing,
        `import ${missing.join(', ')}`,
        false,
        `${DEVIATION_RULES['catalogue']} Missing: ${missing.join(', ')}.`,
      ),
    );
  }

  // Installation order of the order's own steps.
  const orderIds = ORDER_STEPS[plan.order].map((s) => s.id);
  const swapped = crossing7xx(headEnd, plan);
  const present = plan.steps.filter((s) => orderIds.includes(s.id)).map((s) => s.id);
  const sorted = [...present].sort((a, b) => rank(plan, a, swapped) - rank(plan, b, swapped));
  const wrong = present.filter((id, k) => id !== sorted[k]);
  if (wrong.length > 0)
    out.push(
      problem('installation-order', wrong[0]!, [], `put ${wrong.join(', ')} in the order ${sorted.join(' → ')}`),
    );

  // Unknown versions.
  const firstDownload = plan.steps.findIndex((s) => s.action === 'download' || s.action === 'seed');
  if (firstDownload >= 0) {
    const stale: string[] = [];
    for (const t of release.targets) {
      for (let v = 0; v < mesh.n; v++) {
        if (mesh.kind[v] !== KIND[t.kind] || (t.model !== undefined && records.modelOf(v) !== t.model)) continue;
        if (records.version(v, 'module') === null) stale.push(mesh.id(v));
      }
    }
    const synced = addressedBefore(ctx, firstDownload, (s) => s.action === 'synchronise');
    const left = [...new Set(stale)].filter((id) => !synced.has(id));
    if (left.length > 0)
      out.push(
        problem(
          'synchronise-unknown',
          plan.steps[firstDownload]!.id,
          left,
          'a synchronise step (Get Endpoint Configuration) before the first download',
        ),
      );
  }

  // Point-to-point module downloads across a CRC change need their seeds before them too.
  plan.steps.forEach((s, i) => {
    if (s.action !== 'download' || s.delivery !== 'point-to-point' || s.field !== 'module') return;
    const kind = s.kind!;
    for (const rule of ['7xx', '95x'] as const) {
      const seeded = seededKeys(ctx, i, kind, rule);
      const unseeded = (s.endpoints ?? []).filter((id) => {
        const v = mesh.index(id);
        const model = records.modelOf(v);
        const to = s.version ?? releaseTarget(release, kind, model, 'module');
        return (
          to !== undefined &&
          crcChange(records.version(v, 'module'), to) === rule &&
          !seeded.has(programKey(mesh, v, model, rule))
        );
      });
      if (unseeded.length > 0) {
        out.push(problem(`seed-${rule}`, s.id, unseeded, `seed meters point to point before ${s.id}`));
      }
    }
  });

  // Per download step.
  plan.steps.forEach((s, i) => {
    if (s.action !== 'download' || s.delivery !== 'broadcast') return;
    const kind = s.kind!;
    if (s.field === 'module') {
      const todo = pending(headEnd, release, kind, 'module');
      const p2p = addressedBefore(
        ctx,
        i,
        (x) => x.kind === kind && x.field === 'module' && x.delivery === 'point-to-point' && x.action === 'download',
      );
      const stone = addressedBefore(
        ctx,
        i,
        (x) =>
          x.kind === kind && x.field === 'module' && x.version === STEPPING_STONE && x.delivery === 'point-to-point',
      );
      const no42x: string[] = [];
      const noStone: string[] = [];
      const bits: string[] = [];
      for (const v of todo) {
        const id = mesh.id(v);
        const from = records.version(v, 'module');
        if (isModule42x(from ?? undefined)) {
          if (steps42xThrough518(kind, records.modelOf(v))) {
            if (!stone.has(id)) noStone.push(id);
          } else if (!p2p.has(id)) no42x.push(id);
        } else if ((mesh.flags[v]! & (FLAG_BITS.disableBroadcasts | FLAG_BITS.encryptFwDownload)) !== 0 && !p2p.has(id))
          bits.push(id);
      }
      if (noStone.length > 0)
        out.push(
          problem(
            '42x-stepping-stone',
            s.id,
            noStone,
            `a point-to-point step to ${STEPPING_STONE} for them before ${s.id}`,
          ),
        );
      if (no42x.length > 0)
        out.push(problem('42x-no-broadcast', s.id, no42x, `a point-to-point step for them before ${s.id}`));
      if (bits.length > 0)
        out.push(
          problem('broadcast-bits', s.id, bits, `clear the bits, or a point-to-point step for them before ${s.id}`),
        );
      for (const rule of ['7xx', '95x'] as const) {
        const seeded = seededKeys(ctx, i, kind, rule);
        const unseeded: string[] = [];
        for (const v of todo) {
          const model = records.modelOf(v);
          if (crcChange(records.version(v, 'module'), releaseTarget(release, kind, model, 'module')!) !== rule)
            continue;
          if (!seeded.has(programKey(mesh, v, model, rule))) unseeded.push(mesh.id(v));
        }
        if (unseeded.length > 0) {
          out.push(
            problem(
              `seed-${rule}`,
              s.id,
              unseeded,
              `seed meters point to point before ${s.id} (otherwise these endpoints go through RF reconfiguration)`,
            ),
          );
        }
        if (rule === '95x' && unseeded.length === 0) {
          const seedAt = plan.steps.findIndex((x) => x.action === 'seed' && x.kind === kind && x.rule === 'seed-95x');
          const restart = plan.steps.findIndex((x, k) => k > seedAt && k < i && x.action === 'headendRestart');
          if (seedAt >= 0 && seedAt < i && restart < 0)
            out.push(problem('headend-restart-95x', s.id, [], `restart the head-end after the seeds, before ${s.id}`));
        }
      }
      const crosses7 = todo.some(
        (v) =>
          crcChange(records.version(v, 'module'), releaseTarget(release, kind, records.modelOf(v), 'module')!) ===
          '7xx',
      );
      const dcw = at(`${kind}-dcw`);
      if (crosses7 && dcw > i) out.push(problem('dcw-before-module-7xx', s.id, [], `move ${kind}-dcw before ${s.id}`));
    }
    if (s.field === 'han' && kind === 'meter') {
      const init = addressedBefore(ctx, i, (x) => x.action === 'hanInitialization');
      const need = pending(headEnd, release, 'meter', 'han')
        .filter((v) => (mesh.flags[v]! & FLAG_BITS.activeHan) !== 0)
        .map((v) => mesh.id(v))
        .filter((id) => !init.has(id));
      if (need.length > 0)
        out.push(problem('han-init-before-zigbee', s.id, need, `HAN Initialization of them before ${s.id}`));
      const module = at('meter-module');
      if (module > i) out.push(problem('zigbee-before-module', s.id, [], `move ${s.id} after meter-module`));
    }
    if (s.field === 'metrology' && kind === 'meter') {
      const active = new Set(activeHanMetrology(headEnd, plan));
      const after = new Set<string>();
      plan.steps
        .slice(i + 1)
        .forEach((x) => x.action === 'hanInitialization' && x.endpoints?.forEach((id) => after.add(id)));
      const need = [...active].filter((id) => !after.has(id));
      if (need.length > 0)
        out.push(problem('han-init-after-metrology', s.id, need, `HAN Initialization of them after ${s.id}`));
    }
  });

  // Water before its electric parents.
  if (waterBeforeParents(headEnd, release)) {
    const water = at('waterModule-module');
    const meter = at('meter-module');
    const olds: string[] = [];
    for (let v = 0; v < mesh.n; v++) {
      if (mesh.kind[v] !== KIND.waterModule) continue;
      const now = records.version(v, 'module');
      if (now !== null && compareVersions(now, '2.0') < 0) olds.push(mesh.id(v));
    }
    const target = release.targets.find((t) => t.kind === 'waterModule')?.module;
    if (target === undefined || compareVersions(target, '2.0') < 0) {
      out.push(
        problem(
          'water-before-parent',
          'meter-module',
          olds,
          'a release with water module firmware 2.0 or newer',
          false,
        ),
      );
    } else if (water < 0 || water > meter)
      out.push(problem('water-before-parent', 'meter-module', olds, 'move waterModule-module before meter-module'));
  }

  // Dual head-end concentrators.
  if (plan.order === 'dual-headend' && concentratorsFrom5(plan)) {
    const need = ['data-message-informational', 'open-security-group', 'general-query'].filter((id) => at(id) < 0);
    const gq = at('general-query');
    const act = at('concentrator-activate');
    const radio = Math.max(at('collector-radio'), at('collector-code'));
    const firstConc = plan.steps.findIndex((s) => s.kind === 'concentrator' || s.action === 'concentratorTool');
    if (need.length > 0 || (gq >= 0 && gq < act) || (radio >= 0 && firstConc >= 0 && firstConc < radio)) {
      out.push(
        problem(
          'concentrators-to-85x',
          firstConc >= 0 ? plan.steps[firstConc]!.id : null,
          [],
          need.length > 0
            ? `add ${need.join(', ')}`
            : 'collectors first, General Query after every concentrator is activated',
        ),
      );
    }
  }

  // Nearby collectors.
  if (plan.settings.grouping === 'all') {
    const near: string[] = [];
    const cs = Array.from(mesh.collectors);
    for (let a = 0; a < cs.length; a++) {
      for (let b = a + 1; b < cs.length; b++) {
        const pa = mesh.device(cs[a]!).position;
        const pb = mesh.device(cs[b]!).position;
        if (pa && pb && Math.hypot(pa.xM - pb.xM, pa.yM - pb.yM) < TWO_MILES_M)
          near.push(`${mesh.id(cs[a]!)}–${mesh.id(cs[b]!)}`);
      }
    }
    if (near.length > 0)
      out.push(
        problem(
          'nearby-collectors',
          null,
          near,
          "grouping 'two-mile': broadcasts by groups of collectors none within 2 miles of another",
        ),
      );
  }
  return out;
}

/**
 * The plan's steps with its order steps in the installation order: each order step moves with the
 * steps inserted for it (ids it prefixes: its seeds, 4.2x and HAN Initialization steps), and
 * every other step stays after the order step it followed.
 */
function reorder(plan: Plan, swapped: ReadonlySet<string>): PlanStep[] {
  const isOrder = (s: PlanStep): boolean => rank(plan, s.id, swapped) >= 0;
  const orders = plan.steps.filter(isOrder);
  const owner = (s: PlanStep): PlanStep | undefined =>
    s.id.endsWith('-reinit') ? undefined : orders.find((o) => s.id.startsWith(`${o.id}-`));
  const blocks = new Map<string, PlanStep[]>(orders.map((o) => [o.id, []]));
  const after = new Map<string, PlanStep[]>(orders.map((o) => [o.id, []]));
  const head: PlanStep[] = [];
  let previous: PlanStep | undefined;
  for (const s of plan.steps) {
    const o = isOrder(s) ? s : owner(s);
    if (o !== undefined) {
      blocks.get(o.id)!.push(s);
      if (o === s) previous = s;
    } else if (previous === undefined) head.push(s);
    else after.get(previous.id)!.push(s);
  }
  const sorted = [...orders].sort((a, b) => rank(plan, a.id, swapped) - rank(plan, b.id, swapped));
  // In a block, the steps inserted for an order step come before it.
  const block = (o: PlanStep): PlanStep[] => [...blocks.get(o.id)!.filter((s) => s !== o), o];
  return [...head, ...sorted.flatMap((o) => [...block(o), ...after.get(o.id)!])];
}

/** Program keys of the seed meters of steps before index i. */
function seededKeys(ctx: Ctx, i: number, kind: string, rule: '7xx' | '95x'): Set<string> {
  const mesh = ctx.he.network;
  const seeded = new Set<string>();
  for (const id of addressedBefore(ctx, i, (x) => x.action === 'seed' && x.kind === kind)) {
    const v = mesh.index(id);
    seeded.add(programKey(mesh, v, ctx.he.records.modelOf(v), rule));
  }
  return seeded;
}

/**
 * Position of a step id in the plan's order. A kind going 6.xx → 7.xx takes its DCW before its
 * module firmware: the two rank together, and their own rule orders them.
 */
function rank(plan: Plan, id: string, swapped: ReadonlySet<string>): number {
  const kind = /^(.*)-dcw$/.exec(id)?.[1];
  const at = kind !== undefined && swapped.has(kind) ? `${kind}-module` : id;
  return ORDER_STEPS[plan.order].findIndex((s) => s.id === at);
}

/** Kinds some of whose endpoints go from 6.xx to 7.xx module firmware. */
function crossing7xx(headEnd: HeadEnd, plan: Plan): Set<string> {
  const out = new Set<string>();
  const { records } = headEnd;
  for (const t of plan.release.targets) {
    if (out.has(t.kind)) continue;
    const todo = pending(headEnd, plan.release, t.kind, 'module');
    const crosses = todo.some(
      (v) =>
        crcChange(records.version(v, 'module'), releaseTarget(plan.release, t.kind, records.modelOf(v), 'module')!) ===
        '7xx',
    );
    if (crosses) out.add(t.kind);
  }
  return out;
}

/** Versions the campaign needs that neither the catalogue nor the release's packages hold. */
function missingPackages(headEnd: HeadEnd, plan: Plan): string[] {
  const imported = packagesOf(plan.release);
  const has = (type: string, version: string, model: string | undefined): boolean =>
    headEnd.catalogue.has(type as never, version, model) ||
    imported.some(
      (p) =>
        p.type === type &&
        compareVersions(p.version, version) === 0 &&
        (type === 'waterModuleFirmware' || p.models === undefined || model === undefined || p.models.includes(model)),
    );
  const out = new Set<string>();
  for (const m of headEnd.missingFromCatalogue()) {
    const [type, version, model] = /^(\S+) (\S+)(?: \((.+)\))?$/.exec(m)!.slice(1);
    if (!has(type!, version!, model)) out.add(m);
  }
  const mesh = headEnd.network;
  const typeOf = (kind: ReleaseKind, field: string): string =>
    field === 'module'
      ? kind === 'gasModule'
        ? 'gasModuleFirmware'
        : kind === 'waterModule'
          ? 'waterModuleFirmware'
          : 'moduleFirmware'
      : field;
  for (const s of plan.steps) {
    if (s.action !== 'download' && s.action !== 'seed') continue;
    const kind = s.kind!;
    const fields = s.action === 'seed' ? (['dcw', 'module', 'metrology'] as const) : [s.field!];
    // The models it concerns: its endpoints', or every model of the kind.
    const models = new Set<string>();
    if (s.endpoints !== undefined) for (const id of s.endpoints) models.add(headEnd.records.modelOf(mesh.index(id)));
    else for (let v = 0; v < mesh.n; v++) if (mesh.kind[v] === KIND[kind]) models.add(headEnd.records.modelOf(v));
    for (const model of models) {
      for (const f of fields) {
        const version = s.version ?? releaseTarget(plan.release, kind, model, f);
        if (version === undefined) continue;
        const type = typeOf(kind, f);
        if (!has(type, version, type === 'waterModuleFirmware' ? undefined : model)) {
          out.add(`${type} ${version}${type === 'waterModuleFirmware' ? '' : ` (${model})`}`);
        }
      }
    }
  }
  if (plan.release.collectorRadio !== undefined && !has('collectorRadio', plan.release.collectorRadio, 'collector')) {
    out.add(`collectorRadio ${plan.release.collectorRadio} (collector)`);
  }
  return [...out].sort();
}

/** What {@link fixPlan} did. */
export interface FixedPlan {
  /** The plan with every fixable problem fixed. */
  readonly plan: Plan;
  /** The problems it fixed. */
  readonly fixed: readonly PlanProblem[];
  /** Problems left: those no change of the plan fixes (the release or the head-end must change). */
  readonly remaining: readonly PlanProblem[];
}

/**
 * Fixes what {@link checkPlan} finds in a plan, rule by rule: inserts the missing steps (seed
 * meters, point-to-point 4.2x steps, HAN Initialization, the head-end restart, the concentrator
 * sequence, a synchronise step, post-install off), moves steps into the required order, and
 * splits broadcasts by collector groups none within 2 miles; then checks again, until nothing
 * fixable is left.
 */
export function fixPlan(headEnd: HeadEnd, plan: Plan): FixedPlan {
  const fixed: PlanProblem[] = [];
  let current = plan;
  for (let round = 0; round < 20; round++) {
    const problems = checkPlan(headEnd, current).filter((p) => p.fixable);
    if (problems.length === 0) break;
    const p = problems[0]!;
    current = applyFix(headEnd, current, p);
    fixed.push(p);
  }
  return { plan: current, fixed, remaining: checkPlan(headEnd, current) };
}

/** A plan's steps under one fix: found by id, inserted before a step, moved. */
class StepEdit {
  readonly steps: PlanStep[];

  constructor(steps: readonly PlanStep[]) {
    this.steps = [...steps];
  }

  /** The index of the step with this id, or −1. */
  at(id: string): number {
    return this.steps.findIndex((s) => s.id === id);
  }

  /** Inserts the steps not yet in the plan before the step `id` (at the end when it is absent). */
  insertBefore(id: string, add: readonly PlanStep[]): void {
    const i = this.at(id);
    const fresh = add.filter((s) => this.at(s.id) < 0);
    this.steps.splice(i < 0 ? this.steps.length : i, 0, ...fresh);
  }

  /** Moves the step `id`, if present, just before the step `beforeId`. */
  move(id: string, beforeId: string): void {
    const i = this.at(id);
    if (i < 0) return;
    const [s] = this.steps.splice(i, 1);
    this.steps.splice(this.at(beforeId), 0, s!);
  }

  /** The index of the first concentrator step (or the concentrator tool), or −1. */
  firstConcentrator(): number {
    return this.steps.findIndex((s) => s.kind === 'concentrator' || s.action === 'concentratorTool');
  }
}

/** One problem's fix, as a new plan (the plan given is not changed). */
function applyFix(headEnd: HeadEnd, plan: Plan, p: PlanProblem): Plan {
  const edit = new StepEdit(plan.steps);
  const { steps } = edit;
  switch (p.rule) {
    case 'post-install-off':
      edit.insertBefore('headend', [
        {
          id: 'post-install-off',
          name: 'Disable the post-install process',
          action: 'postInstallOff',
          delivery: 'operator',
          count: 0,
          rule: p.rule,
        },
      ]);
      break;
    case 'installation-order':
      return { ...plan, steps: reorder(plan, crossing7xx(headEnd, plan)) };
    case 'synchronise-unknown':
      synchroniseFirst(headEnd, plan, p, edit);
      break;
    case '42x-stepping-stone':
    case '42x-no-broadcast':
    case 'broadcast-bits':
    case 'seed-7xx':
    case 'seed-95x':
    case 'headend-restart-95x':
    case 'han-init-before-zigbee':
      insertRequiredSteps(headEnd, plan, p, edit);
      break;
    case 'dcw-before-module-7xx':
      edit.move(`${steps[edit.at(p.step!)]!.kind}-dcw`, p.step!);
      break;
    case 'zigbee-before-module': {
      const [s] = steps.splice(edit.at(p.step!), 1);
      const last = Math.max(edit.at('meter-module'), edit.at('meter-dcw'), edit.at('meter-metrology'));
      steps.splice(last + 1, 0, s!);
      break;
    }
    case 'han-init-after-metrology': {
      const ids = activeHanMetrology(headEnd, plan);
      steps.splice(edit.at(p.step!) + 1, 0, {
        id: `meter-han-reinit${edit.at('meter-han-reinit') >= 0 ? '-2' : ''}`,
        name: 'HAN Initialization again after the metrology upgrade',
        action: 'hanInitialization',
        delivery: 'point-to-point',
        kind: 'meter',
        endpoints: ids,
        count: ids.length,
        rule: p.rule,
      });
      break;
    }
    case 'water-before-parent':
      if (edit.at('waterModule-module') >= 0) edit.move('waterModule-module', 'meter-module');
      else
        edit.insertBefore('meter-module', [
          {
            id: 'waterModule-module',
            name: 'Water module firmware',
            action: 'download',
            delivery: 'broadcast',
            kind: 'waterModule',
            field: 'module',
            count: pending(headEnd, plan.release, 'waterModule', 'module').length,
          },
        ]);
      break;
    case 'concentrators-to-85x':
      concentratorSequence(headEnd.network.collectors.length, p, edit);
      break;
    case 'nearby-collectors':
      return { ...plan, settings: { ...plan.settings, grouping: 'two-mile' } };
  }
  return { ...plan, steps };
}

/**
 * One Get Endpoint Configuration step, before the first download or seed, to every endpoint whose
 * record shows unknown versions (merged with an existing synchronise step).
 */
function synchroniseFirst(headEnd: HeadEnd, plan: Plan, p: PlanProblem, edit: StepEdit): void {
  const { steps } = edit;
  const first = steps.findIndex((s) => s.action === 'download' || s.action === 'seed');
  const old = edit.at('synchronise');
  const ids = [
    ...new Set([
      ...(old >= 0 ? (steps[old]!.endpoints ?? []) : []),
      ...(p.sample.length < p.count ? allStale(headEnd, plan) : p.sample),
    ]),
  ];
  if (old >= 0) steps.splice(old, 1);
  steps.splice(Math.max(0, old >= 0 && old < first ? old : first), 0, {
    id: 'synchronise',
    name: 'Get Endpoint Configuration to endpoints whose records show unknown versions',
    action: 'synchronise',
    delivery: 'point-to-point',
    endpoints: ids,
    count: ids.length,
    rule: p.rule,
  });
}

/**
 * The steps the rule requires before the step it names (seed meters, point-to-point 4.2x steps,
 * HAN Initialization, the head-end restart), as planning inserts them for that step.
 */
function insertRequiredSteps(headEnd: HeadEnd, plan: Plan, p: PlanProblem, edit: StepEdit): void {
  const step = edit.steps[edit.at(p.step!)]!;
  const os = [...ORDER_STEPS[plan.order]].find((s) => s.id === step.id) ?? {
    id: step.id,
    name: step.id,
    action: 'download' as const,
  };
  const wanted = stepsBefore(headEnd, plan, { ...os, kind: step.kind, field: step.field } as never, true).filter(
    (s) =>
      s.rule === p.rule ||
      (p.rule === 'headend-restart-95x' && s.action === 'headendRestart') ||
      (p.rule === 'seed-95x' && s.rule === 'seed-95x'),
  );
  edit.insertBefore(step.id, wanted);
}

/**
 * The dual head-end concentrator sequence: the collectors' data message setting to Informational
 * and an open-security group before the first concentrator step, General Query after the
 * concentrators activate, and the collectors' own code and radio before any concentrator step.
 */
function concentratorSequence(collectors: number, p: PlanProblem, edit: StepEdit): void {
  const { steps } = edit;
  if (edit.at('data-message-informational') < 0 || edit.at('open-security-group') < 0) {
    const first = edit.firstConcentrator();
    steps.splice(
      first < 0 ? steps.length : first,
      0,
      ...[
        {
          id: 'data-message-informational',
          name: 'Set the collectors’ data message setting to Informational',
          action: 'dataMessageInformational',
          delivery: 'operator',
          count: collectors,
          rule: p.rule,
        } as PlanStep,
        {
          id: 'open-security-group',
          name: 'Put the concentrators in an open-security group',
          action: 'openSecurityGroup',
          delivery: 'operator',
          count: 0,
          rule: p.rule,
        } as PlanStep,
      ].filter((s) => edit.at(s.id) < 0),
    );
  }
  const gq = edit.at('general-query');
  const generalQuery =
    gq >= 0
      ? steps.splice(gq, 1)[0]!
      : ({
          id: 'general-query',
          name: 'Switch the collectors to General Query',
          action: 'generalQuery',
          delivery: 'operator',
          count: collectors,
          rule: p.rule,
        } as PlanStep);
  steps.splice(edit.at('concentrator-activate') + 1, 0, generalQuery);
  const radio = Math.max(edit.at('collector-radio'), edit.at('collector-code'));
  const first = edit.firstConcentrator();
  if (radio >= 0 && first >= 0 && first < radio) {
    const collectorSteps = steps.filter((s) => s.id === 'collector-code' || s.id === 'collector-radio');
    for (const s of collectorSteps) steps.splice(steps.indexOf(s), 1);
    steps.splice(
      steps.findIndex(
        (s) => s.kind === 'concentrator' || s.action === 'concentratorTool' || s.action === 'dataMessageInformational',
      ),
      0,
      ...collectorSteps,
    );
  }
}

function allStale(headEnd: HeadEnd, plan: Plan): string[] {
  const mesh = headEnd.network;
  const out: string[] = [];
  for (let v = 0; v < mesh.n; v++) {
    const kind = mesh.device(v).kind;
    if (!plan.release.targets.some((t) => t.kind === kind)) continue;
    if (headEnd.records.version(v, 'module') === null) out.push(mesh.id(v));
  }
  return out;
}

/** Meters with an active HAN whose metrology firmware the plan changes. */
function activeHanMetrology(headEnd: HeadEnd, plan: Plan): string[] {
  const mesh = headEnd.network;
  return pending(headEnd, plan.release, 'meter', 'metrology')
    .filter((v) => (mesh.flags[v]! & FLAG_BITS.activeHan) !== 0)
    .map((v) => mesh.id(v));
}
