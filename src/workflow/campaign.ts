import { checkFunction, checkObject, checkPositive, checkSeed, isPlainObject, join } from '../check.js';
import { MeshcastError, ValidationError } from '../errors.js';
import { checkFloodWorkers, FloodPool } from '../broadcast/flood-pool.js';
import type { RunOptions } from '../broadcast/options.js';
import { LISTED_COLLECTORS } from '../broadcast/warnings.js';
import { compareVersions, isModule42x } from '../network/firmware.js';
import type { BroadcastCommandInput, BroadcastType } from '../headend/commands.js';
import { onHanPlatform } from '../headend/commands.js';
import type { HeadEnd, HeadEndRunOptions, HeadEndState } from '../headend/headend.js';
import type { BroadcastOutcome, UnicastOutcome } from '../headend/outcomes.js';
import { RECORD_FLAGS, STATUS, type FirmwareField } from '../headend/records.js';
import { DEVICE_KINDS, FLAG_BITS, KIND, type DeviceKind } from '../network/device.js';
import type { ReadWindow } from '../traffic/kpis.js';
import type { Seed } from '../random/stream.js';
import type { Workers } from '../runtime/workers.js';
import { collectorGroups } from './groups.js';
import {
  crcChange,
  devicesOfKind,
  packagesOf,
  programKey,
  STEPPING_STONE,
  steps42xThrough518,
  type Plan,
  type PlanStep,
} from './plan.js';
import { releaseTarget, type ReleaseKind } from './release.js';
import { incompleteTargets, missingStretches, sampleEvenly, type SegmentStretch } from './selective.js';

/** How long the operator's own steps take (docs/model.md, "The upgrade campaign"). */
export interface CampaignTimingOptions {
  /** Head-end software upgrade, seconds. @defaultValue 14400 (4 h) */
  readonly headendUpgradeS?: number;
  /** Second head-end (USC) upgrade, seconds. @defaultValue 14400 */
  readonly uscUpgradeS?: number;
  /** Importing the packages, seconds. @defaultValue 900 */
  readonly importS?: number;
  /**
   * One batch of collector code downloads over the WAN (the head-end's `collectorsAtOnce`
   * collectors), seconds. @defaultValue 1800
   */
  readonly collectorCodeS?: number;
  /** The live-upgrade tool, per concentrator, seconds. @defaultValue 600 */
  readonly concentratorToolS?: number;
  /** Activating the concentrators' firmware, seconds. @defaultValue 900 */
  readonly activateConcentratorsS?: number;
  /** A head-end restart, seconds. @defaultValue 1800 */
  readonly restartS?: number;
  /**
   * A setting changed by the operator (post-install process, data messages, security group,
   * General Query), seconds. @defaultValue 300
   */
  readonly settingS?: number;
}

/** {@link CampaignTimingOptions} with defaults applied. */
export type CampaignTiming = Required<CampaignTimingOptions>;

const TIMING_DEFAULTS: CampaignTiming = {
  headendUpgradeS: 14_400,
  uscUpgradeS: 14_400,
  importS: 900,
  collectorCodeS: 1800,
  concentratorToolS: 600,
  activateConcentratorsS: 900,
  restartS: 1800,
  settingS: 300,
};

/** Progress of a campaign, reported after each command. */
export interface CampaignProgress {
  /** The step's number, 1-based. */
  readonly step: number;
  /** Steps in the plan. */
  readonly steps: number;
  /** The step's id. */
  readonly id: string;
  /** What just finished (`broadcast meter-module focus-ax 5.18 → 5.22, pass 2: 2,311 of 2,402`). */
  readonly message: string;
  /** The head-end's clock, seconds. */
  readonly clockS: number;
}

/** Where a campaign keeps its checkpoint between steps (a file, for the command line). */
export interface CampaignCheckpointStore {
  /** The checkpoint written last, or null when there is none. */
  read(): CampaignCheckpoint | null;
  /** Writes a checkpoint (replacing the last one whole, or not at all). */
  write(checkpoint: CampaignCheckpoint): void;
}

/** A campaign's progress as data: the finished steps and the head-end as they left it. */
export interface CampaignCheckpoint {
  /** What the data is. */
  readonly format: 'meshcast-campaign-checkpoint';
  /** Its format version. */
  readonly version: 1;
  /** Identity of the campaign: its plan and seed (a checkpoint of another campaign is refused). */
  readonly key: string;
  /** Steps finished. */
  readonly done: number;
  /** Their outcomes. */
  readonly timeline: readonly StepOutcome[];
  /** CRCs the head-end has learnt from seed meters, as program keys: their endpoints skip RF reconfiguration. */
  readonly learnt: readonly string[];
  /** CRCs seed meters taught for 9.5x, waiting for the head-end restart that makes them learnt. */
  readonly unlearnt: readonly string[];
  /** Collector code version installed, if any. */
  readonly collectorCode: string | null;
  /** RF frames of the broadcasts so far. */
  readonly transmissions: number;
  /** Unicast messages (hop by hop) of the other commands so far, estimated. */
  readonly messages: number;
  /** When the campaign started, clock seconds. */
  readonly startS: number;
  /** Read success around each broadcast pass so far (absent in checkpoints written before it was kept: none). */
  readonly kpiSamples?: readonly CampaignKpiSample[];
  /** The head-end. */
  readonly state: HeadEndState;
}

/** Options of {@link runCampaign}. */
export interface CampaignOptions extends Pick<RunOptions, 'radio' | 'traffic' | 'handoff'> {
  /** Root seed of every command. @defaultValue 0 */
  readonly seed?: Seed;
  /** How long the operator's own steps take. */
  readonly timing?: CampaignTimingOptions;
  /** Where to keep a checkpoint after each step (and resume from). */
  readonly checkpoint?: CampaignCheckpointStore;
  /** Called after each command. */
  readonly onProgress?: (progress: CampaignProgress) => void;
  /** Stops the campaign between commands (the last checkpoint keeps the finished steps). */
  readonly signal?: AbortSignal;
  /**
   * Worker threads flooding the packets of its broadcast passes: a number, or `'auto'` (one per
   * core, at most 8; none on a single core). The threads start with the first pass worth them,
   * live for the whole campaign (the mesh sent to each once) and stop when it ends, fails or is
   * stopped. Passes too small to pay back, and passes on shared air (contention on), run on the
   * calling thread. The result is the same, bit for bit, on any number of threads; a checkpoint
   * written with some resumes with any other (docs/decisions/0025-campaign-worker-pool.md).
   * @defaultValue 0 (the calling thread)
   */
  readonly workers?: Workers;
}

/** One broadcast of a step and its passes. */
export interface BroadcastSeries {
  /** Endpoint model (null: water firmware). */
  readonly model: string | null;
  /** Source version (the filter). */
  readonly from: string;
  /** Version sent. */
  readonly to: string;
  /** ZigBee-capable filter. */
  readonly zigbee: boolean;
  /** Its collectors. */
  readonly collectors: readonly string[];
  /** Its passes, in order: the command repeated, tanks carried over, until the remainder goal or the pass limit. */
  readonly passes: readonly {
    /** Devices that match the command (Total in Command History): the pass's targets. */
    readonly targeted: number;
    /** Targets that completed the image in this pass. */
    readonly updated: number;
    /** Targets that did not: `targeted` − `updated`. */
    readonly failed: number;
  }[];
}

/** What one step did. */
export interface StepOutcome {
  /** The plan step's id ({@link PlanStep.id}). */
  readonly id: string;
  /** The step's name, as the operator would call it. */
  readonly name: string;
  /** What it did. */
  readonly action: PlanStep['action'];
  /** How it reached what it changed. */
  readonly delivery: PlanStep['delivery'];
  /** The deviation rule that put the step in the plan (null: a step of the installation order). */
  readonly rule: string | null;
  /** When it started, clock seconds. */
  readonly startS: number;
  /** When it ended, clock seconds. */
  readonly endS: number;
  /** Its broadcasts (download steps by broadcast). */
  readonly broadcasts: readonly BroadcastSeries[];
  /** Endpoints addressed by its group and point-to-point commands (clean-up included), once per command. */
  readonly addressed: number;
  /** Of those, the ones whose response was heard successful. */
  readonly succeeded: number;
  /** Endpoints sent through RF reconfiguration after it (a CRC change the head-end had not learnt). */
  readonly reconfigurations: number;
  /** Of those, the ones left in Configure (a round trip failed every try). */
  readonly reconfigurationFailures: number;
  /** RF frames of its broadcasts (and of group commands' floods). */
  readonly transmissions: number;
  /**
   * Unicast messages of its other commands, estimated hop by hop: a round trip along each
   * addressed endpoint's route (a download: one per packet and one more), and RF reconfiguration's.
   */
  readonly messages: number;
}

/** Why an endpoint is left off its target at the end. */
export type LeftReason = 'unreachable' | 'refused' | 'failed' | 'stale record';

/** An endpoint the campaign did not bring to target (or whose record does not show it). */
export interface LeftEndpoint {
  /** Device id. */
  readonly id: string;
  /** Kind of device. */
  readonly kind: DeviceKind;
  /** Endpoint model, as the records show it. */
  readonly model: string;
  /** The firmware field off target (an endpoint behind on two fields is listed twice). */
  readonly field: FirmwareField;
  /** What it runs. */
  readonly version: string | null;
  /** What the release wants. */
  readonly target: string;
  /**
   * Why: `unreachable` (no route), `refused` (4.2x module firmware, or Disable Broadcasts /
   * Encrypt FW Download, and not finished point to point), `failed`, or `stale record` (it runs
   * the target; the head-end's record does not show it).
   */
  readonly reason: LeftReason;
}

/**
 * Interval-read success around one broadcast pass of a campaign (with shared air and AMI reads),
 * on the head-end's clock: the reads made before the pass's first packet, while its frames were on
 * the air, and after, summed over its commands (a selective repeat pass sends one per stretch).
 * Each command's air is simulated on its own, from `traffic.reads.beforeS` before its first
 * packet to `afterS` after its last packet's TTL, so one pass's `after` and the next one's
 * `before` may be reads of the same clock time in two simulations.
 */
export interface CampaignKpiSample {
  /** The step's index in the timeline (0-based). */
  readonly step: number;
  /** The broadcast's index in that step's `broadcasts` (0-based). */
  readonly broadcast: number;
  /** The pass of that broadcast, from 1. */
  readonly pass: number;
  /** Clock seconds of the pass's first packet: where `before` ends and `during` starts. */
  readonly firstPacketS: number;
  /**
   * Clock seconds by which the pass's broadcast traffic had died out (`BroadcastResult.endS` of
   * its last command): about where `during` ends, at its last broadcast frame.
   */
  readonly endS: number;
  /** Reads made before the first packet. */
  readonly before: ReadWindow;
  /** Reads made while the pass's broadcast frames were on the air. */
  readonly during: ReadWindow;
  /** Reads made after its last broadcast frame. */
  readonly after: ReadWindow;
}

/** Read success before and during the campaign's broadcasts (with shared air and AMI reads). */
export interface CampaignKpis {
  /** Interval reads made before each broadcast's first packet, summed over every pass. */
  readonly before: {
    /** Reads made. */
    readonly sent: number;
    /** Of which reached the collector within the read deadline. */
    readonly delivered: number;
    /** `delivered` / `sent` (1 when none were made). */
    readonly successRate: number;
  };
  /** Interval reads made while broadcast frames were on the air, summed over every pass. */
  readonly during: {
    /** Reads made. */
    readonly sent: number;
    /** Of which reached the collector within the read deadline. */
    readonly delivered: number;
    /** `delivered` / `sent` (1 when none were made). */
    readonly successRate: number;
  };
  /**
   * The same pass by pass, in the order the passes ran: read success over the campaign's clock.
   * `before` and `during` above are their sums.
   */
  readonly samples: readonly CampaignKpiSample[];
}

/** What a campaign did. */
export interface CampaignResult {
  /** The plan it ran. */
  readonly plan: Plan;
  /** Each step, in order. */
  readonly timeline: readonly StepOutcome[];
  /** When it started, clock seconds (the first run's start, for a resumed campaign). */
  readonly startS: number;
  /** When it ended, clock seconds. */
  readonly endS: number;
  /** How long it took, seconds: `endS` − `startS`. */
  readonly durationS: number;
  /** RF frames of all its broadcasts (and group commands' floods). */
  readonly transmissions: number;
  /** Unicast messages of its other commands, hop by hop, estimated (see {@link StepOutcome.messages}). */
  readonly messages: number;
  /** Endpoints sent through RF reconfiguration. */
  readonly reconfigurations: number;
  /** What the devices run at the end, per kind and field: version → devices. */
  readonly finalVersions: readonly {
    /** Kind of device (collectors, and the kinds the release targets). */
    readonly kind: DeviceKind;
    /** Firmware field. */
    readonly field: FirmwareField;
    /** Devices of the kind running each version in the field (devices without one left out). */
    readonly versions: Readonly<Record<string, number>>;
  }[];
  /** Endpoints left, by reason, and the first 1,000 of them. */
  readonly left: {
    /** Endpoint-fields left off target: each field an endpoint is behind on counts once. */
    readonly total: number;
    /** `total` by reason. */
    readonly byReason: Readonly<Record<LeftReason, number>>;
    /** The first 1,000, in device order. */
    readonly endpoints: readonly LeftEndpoint[];
  };
  /** Read success before and during its broadcasts, and pass by pass, when the air is shared and reads are on. */
  readonly kpis: CampaignKpis | null;
  /** Collector code version at the end (null: not changed). */
  readonly collectorCode: string | null;
}

/** Endpoints whose tanks a selective repeat reads by default ({@link PlanSettings.repeatSample}). */
const REPEAT_SAMPLE = 20;

/** The longest a step waits for reports still on their way (an activation date further off is not waited for). */
const DAY_S = 86_400;

/** The package type a step's kind and field download. */
export function packageType(kind: DeviceKind, field: FirmwareField): Exclude<BroadcastType, 'smallDcw'> {
  if (field !== 'module') return field;
  if (kind === 'gasModule') return 'gasModuleFirmware';
  if (kind === 'waterModule') return 'waterModuleFirmware';
  return 'moduleFirmware';
}

/** A stable identity of a campaign: its plan and the options that change its outcome. */
export function campaignKey(plan: Plan, options: CampaignOptions): string {
  const text = JSON.stringify({ plan, seed: options.seed ?? 0, timing: options.timing ?? {} });
  let h1 = 0x811c9dc5;
  let h2 = 0;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h2 = (Math.imul(h2, 31) + text.charCodeAt(i)) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}-${text.length}`;
}

/** Thrown when a campaign is stopped through its signal. */
export class CampaignCancelled extends MeshcastError {
  /** @param done - steps finished before it stopped (kept by the checkpoint, if any) */
  constructor(readonly done: number) {
    super(`campaign stopped after ${done} finished step(s); the checkpoint, if any, keeps them`);
    this.name = 'CampaignCancelled';
  }
}

/** The running campaign's own state (beside the head-end's). */
interface Running {
  learnt: Set<string>;
  unlearnt: Set<string>;
  collectorCode: string | null;
  transmissions: number;
  messages: number;
  /** Read success pass by pass (empty without shared air and reads). */
  kpiSamples: CampaignKpiSample[];
}

/**
 * Runs an upgrade plan through the head-end (docs/model.md, "The upgrade campaign"): operator and
 * WAN steps take their time; each download step broadcasts per model, source version, ZigBee
 * filter and collector group at the plan's Maximum Hops (Max. Layer + n) and TTL, repeats each
 * broadcast until fewer than the remainder goal miss the image or the pass limit, refreshes the
 * records of the rest by Get Endpoint Configuration and finishes them point to point; seed
 * meters teach the head-end their CRCs; endpoints whose new firmware reports a CRC it has not
 * learnt go through RF reconfiguration. Writes a checkpoint after each step and resumes from
 * one (nothing finished is redone; the result is the uninterrupted one).
 */
export function runCampaign(headEnd: HeadEnd, plan: Plan, options: CampaignOptions = {}): CampaignResult {
  const o = checkObject(
    'options',
    options,
    ['seed', 'radio', 'traffic', 'handoff', 'timing', 'checkpoint', 'onProgress', 'signal', 'workers'],
    'campaign options',
  );
  const seed = checkSeed('options.seed', o['seed'] ?? 0);
  const threads = checkFloodWorkers('options.workers', o['workers'] ?? 0);
  const timing = checkCampaignTiming(o['timing'], 'options.timing');
  if (o['onProgress'] !== undefined) checkFunction('options.onProgress', o['onProgress'], '(progress) => void');
  const store = o['checkpoint'] as CampaignCheckpointStore | undefined;
  if (
    store !== undefined &&
    (!isPlainObject(store) || typeof store.read !== 'function' || typeof store.write !== 'function')
  ) {
    throw new ValidationError('options.checkpoint', store, 'a checkpoint store: { read(), write(checkpoint) }');
  }
  const given: unknown = plan;
  if (!isPlainObject(given) || !Array.isArray(given['steps']))
    throw new ValidationError('plan', plan, 'a plan from planUpgrade()');
  const key = campaignKey(plan, options);
  const engine = { seed, ...pick(options, ['radio', 'traffic', 'handoff']) };
  const timeline: StepOutcome[] = [];
  const running: Running = {
    learnt: new Set(),
    unlearnt: new Set(),
    collectorCode: null,
    transmissions: 0,
    messages: 0,
    kpiSamples: [],
  };
  let startS = headEnd.now;
  let done = 0;
  const saved = store?.read() ?? null;
  if (saved !== null) {
    if (saved.format !== 'meshcast-campaign-checkpoint' || saved.key !== key) {
      throw new ValidationError(
        'checkpoint',
        saved.key ?? saved,
        `a checkpoint of this campaign (${key}): it holds another campaign's`,
      );
    }
    headEnd.restoreState(saved.state);
    timeline.push(...saved.timeline);
    saved.learnt.forEach((k) => running.learnt.add(k));
    saved.unlearnt.forEach((k) => running.unlearnt.add(k));
    running.collectorCode = saved.collectorCode;
    running.transmissions = saved.transmissions;
    running.messages = saved.messages;
    running.kpiSamples.push(...(saved.kpiSamples ?? []));
    startS = saved.startS;
    done = saved.done;
  }
  const pool = threads === 0 ? null : new FloodPool(threads);
  const runner = pool === null ? undefined : pool.run.bind(pool);
  const ctx: StepContext = { he: headEnd, plan, engine, timing, running, options, index: 0, runner };
  try {
    for (let i = done; i < plan.steps.length; i++) {
      if (options.signal?.aborted === true) throw new CampaignCancelled(i);
      ctx.index = i;
      headEnd.forgetImages();
      timeline.push(runStep(ctx, plan.steps[i]!));
      store?.write({
        format: 'meshcast-campaign-checkpoint',
        version: 1,
        key,
        done: i + 1,
        timeline,
        learnt: [...running.learnt],
        unlearnt: [...running.unlearnt],
        collectorCode: running.collectorCode,
        transmissions: running.transmissions,
        messages: running.messages,
        startS,
        kpiSamples: [...running.kpiSamples],
        state: headEnd.saveState(),
      });
    }
  } finally {
    // Whatever ends the campaign — its last step, a stop, an error — ends the threads.
    pool?.close();
  }
  const endS = headEnd.now;
  return {
    plan,
    timeline,
    startS,
    endS,
    durationS: endS - startS,
    transmissions: running.transmissions,
    messages: running.messages,
    reconfigurations: timeline.reduce((a, s) => a + s.reconfigurations, 0),
    finalVersions: finalVersions(headEnd, plan),
    left: leftEndpoints(headEnd, plan),
    kpis: kpisOf(running),
    collectorCode: running.collectorCode,
  };
}

interface StepContext {
  readonly he: HeadEnd;
  readonly plan: Plan;
  readonly engine: Omit<RunOptions, 'previous'>;
  readonly timing: CampaignTiming;
  readonly running: Running;
  readonly options: CampaignOptions;
  index: number;
  /** Runs broadcast passes on the campaign's worker threads (undefined: on this thread). */
  readonly runner: HeadEndRunOptions['runner'];
}

/** A step's tally while it runs. */
class Tally {
  readonly broadcasts: BroadcastSeries[] = [];
  addressed = 0;
  succeeded = 0;
  reconfigurations = 0;
  reconfigurationFailures = 0;
  transmissions = 0;
  messages = 0;
}

function runStep(ctx: StepContext, step: PlanStep): StepOutcome {
  const { he, timing } = ctx;
  const startS = he.now;
  const tally = new Tally();
  const wait = (s: number): void => he.advance(he.now + s);
  switch (step.action) {
    case 'headendUpgrade':
      wait(timing.headendUpgradeS);
      break;
    case 'uscUpgrade':
      wait(timing.uscUpgradeS);
      break;
    case 'postInstallOff':
    case 'dataMessageInformational':
    case 'openSecurityGroup':
    case 'generalQuery':
      wait(timing.settingS);
      break;
    case 'import':
      for (const p of packagesOf(ctx.plan.release)) {
        if (!he.catalogue.has(p.type, p.version, p.models?.[0])) he.catalogue.add(p, `release.packages`);
      }
      wait(timing.importS);
      break;
    case 'collectorCode':
      wait(Math.ceil(he.network.collectors.length / he.timing.collectorsAtOnce) * timing.collectorCodeS);
      ctx.running.collectorCode = step.version ?? null;
      break;
    case 'collectorRadio':
      he.collectorDownload({ version: step.version!, collectors: 'all' });
      break;
    case 'concentratorTool':
      wait(step.count * timing.concentratorToolS);
      break;
    case 'activateConcentrators':
      wait(timing.activateConcentratorsS);
      break;
    case 'headendRestart':
      wait(timing.restartS);
      ctx.running.unlearnt.forEach((k) => ctx.running.learnt.add(k));
      ctx.running.unlearnt.clear();
      break;
    case 'synchronise':
      unicast(ctx, tally, step, he.pointToPoint({ command: 'getEndpointConfiguration', endpoints: step.endpoints! }));
      break;
    case 'hanInitialization': {
      const ready = (step.endpoints ?? []).filter((id) => {
        const v = he.network.index(id);
        return (
          (he.records.flags[v]! & RECORD_FLAGS.zigbeeCapable) !== 0 &&
          onHanPlatform(he.records.version(v, 'module') ?? undefined)
        );
      });
      if (ready.length > 0)
        unicast(ctx, tally, step, he.pointToPoint({ command: 'hanInitialization', endpoints: ready }));
      break;
    }
    case 'seed':
      seedStep(ctx, tally, step);
      break;
    case 'download':
      downloadStep(ctx, tally, step);
      break;
  }
  ctx.running.transmissions += tally.transmissions;
  ctx.running.messages += tally.messages;
  return {
    id: step.id,
    name: step.name,
    action: step.action,
    delivery: step.delivery,
    rule: step.rule ?? null,
    startS,
    endS: he.now,
    broadcasts: tally.broadcasts,
    addressed: tally.addressed,
    succeeded: tally.succeeded,
    reconfigurations: tally.reconfigurations,
    reconfigurationFailures: tally.reconfigurationFailures,
    transmissions: tally.transmissions,
    messages: tally.messages,
  };
}

/** Runs a group or point-to-point command and tallies it. */
function unicast(
  ctx: StepContext,
  tally: Tally,
  step: PlanStep,
  cmd: ReturnType<HeadEnd['pointToPoint']>,
): UnicastOutcome {
  const { he } = ctx;
  const out = he.run(cmd, ctx.engine);
  tally.addressed += out.total;
  let ok = 0;
  for (const r of out.responses) if (r.successful) ok++;
  tally.succeeded += ok;
  // Messages: a round trip along each addressed endpoint's route (a download: one per packet).
  const mesh = he.network;
  const per = cmd.command === 'firmwareDownload' ? packetsOf(he, cmd.type!, cmd.version!, cmd.members[0]!) + 1 : 1;
  for (const v of cmd.members) tally.messages += 2 * per * Math.max(1, mesh.layer[v]!);
  if (out.flood !== null) tally.transmissions += out.flood.stats.transmissions;
  progress(
    ctx,
    step,
    `${cmd.name} to ${out.total.toLocaleString('en-US')} endpoint(s): ${ok.toLocaleString('en-US')} succeeded`,
  );
  return out;
}

function packetsOf(he: HeadEnd, type: string, version: string, v: number): number {
  const model = type === 'waterModuleFirmware' ? undefined : he.records.modelOf(v);
  const p = he.catalogue.find(type as never, version, model);
  if (p === undefined) return 1;
  return p.packets ?? Math.ceil((p.imageBytes ?? 1) / 100);
}

function progress(ctx: StepContext, step: PlanStep, message: string): void {
  ctx.options.onProgress?.({
    step: ctx.index + 1,
    steps: ctx.plan.steps.length,
    id: step.id,
    message,
    clockS: ctx.he.now,
  });
  if (ctx.options.signal?.aborted === true) throw new CampaignCancelled(ctx.index);
}

/** Point-to-point downloads of a field to listed endpoints, grouped by the version each takes. */
function downloadTo(
  ctx: StepContext,
  tally: Tally,
  step: PlanStep,
  ids: readonly string[],
  field: FirmwareField,
  version?: string,
): void {
  const { he } = ctx;
  const byVersion = new Map<string, { type: Exclude<BroadcastType, 'smallDcw'>; ids: string[] }[]>();
  for (const id of ids) {
    const v = he.network.index(id);
    const kind = DEVICE_KINDS[he.network.kind[v]!]!;
    const to = version ?? releaseTarget(ctx.plan.release, kind, he.records.modelOf(v), field);
    if (to === undefined) continue;
    const type = packageType(kind, field);
    const groups = byVersion.get(to) ?? [];
    let g = groups.find((x) => x.type === type);
    if (g === undefined) groups.push((g = { type, ids: [] }));
    g.ids.push(id);
    byVersion.set(to, groups);
  }
  for (const [to, groups] of [...byVersion].sort(([a], [b]) => compareVersions(a, b))) {
    for (const g of groups) {
      const cmd = he.pointToPoint({ command: 'firmwareDownload', endpoints: g.ids, type: g.type, version: to });
      unicast(ctx, tally, step, cmd);
    }
  }
}

/** Seed meters: DCW, module firmware, (modular meters) metrology point to point, then GEC; their CRCs learnt. */
function seedStep(ctx: StepContext, tally: Tally, step: PlanStep): void {
  const { he, plan } = ctx;
  const ids = step.endpoints ?? [];
  const kind = step.kind!;
  const before = snapshotModule(he);
  for (const field of ['dcw', 'module', 'metrology'] as const) {
    const want = ids.filter((id) => {
      const v = he.network.index(id);
      const model = he.records.modelOf(v);
      if (field === 'metrology' && !/modular/i.test(model)) return false;
      const to = releaseTarget(plan.release, kind, model, field);
      return to !== undefined && he.deviceVersion(v, field) !== to;
    });
    if (want.length > 0) downloadTo(ctx, tally, step, want, field);
    he.awaitReports(he.now + DAY_S);
  }
  const gec = unicast(ctx, tally, step, he.pointToPoint({ command: 'getEndpointConfiguration', endpoints: ids }));
  const rule = step.rule === 'seed-95x' ? '95x' : '7xx';
  for (const r of gec.responses) {
    if (!r.successful) continue;
    const v = he.network.index(r.id);
    const model = he.records.modelOf(v);
    const to = releaseTarget(plan.release, kind, model, 'module');
    if (to === undefined || he.records.version(v, 'module') !== to) continue;
    const k = programKey(he.network, v, model, rule);
    if (rule === '95x') ctx.running.unlearnt.add(k);
    else ctx.running.learnt.add(k);
  }
  reconfigureChanged(ctx, tally, step, before, new Set(ids));
}

/** Device truth of module firmware, per device, before a step. */
function snapshotModule(he: HeadEnd): (string | null)[] {
  return Array.from({ length: he.network.n }, (_, v) => he.deviceVersion(v, 'module'));
}

/**
 * Endpoints whose module firmware changed in a step across a CRC change whose program key the
 * head-end has not learnt: RF reconfiguration.
 */
function reconfigureChanged(
  ctx: StepContext,
  tally: Tally,
  step: PlanStep,
  before: readonly (string | null)[],
  seeds: ReadonlySet<string> = new Set(),
): void {
  const { he } = ctx;
  const mesh = he.network;
  const ids: string[] = [];
  for (let v = 0; v < mesh.n; v++) {
    const now = he.deviceVersion(v, 'module');
    const was = before[v]!;
    if (now === was || now === null) continue;
    const rule = crcChange(was, now);
    if (rule === null) continue;
    const id = mesh.id(v);
    if (seeds.has(id)) continue;
    if (ctx.running.learnt.has(programKey(mesh, v, he.records.modelOf(v), rule))) continue;
    ids.push(id);
  }
  if (ids.length === 0) return;
  const r = he.reconfigure(ids, ctx.engine);
  tally.reconfigurations += ids.length;
  tally.reconfigurationFailures += r.failed.length;
  tally.messages += r.messages;
  progress(
    ctx,
    step,
    `RF reconfiguration of ${ids.length.toLocaleString('en-US')} endpoint(s): ${r.failed.length} left in Configure`,
  );
}

/** A download step: broadcasts by model, source version, ZigBee filter and collector group, passes, clean-up. */
function downloadStep(ctx: StepContext, tally: Tally, step: PlanStep): void {
  const { he } = ctx;
  const kind = step.kind!;
  const field = step.field!;
  const before = field === 'module' ? snapshotModule(he) : null;
  if (step.delivery === 'point-to-point') {
    downloadTo(ctx, tally, step, step.endpoints ?? [], field, step.version);
  } else {
    broadcastStep(ctx, tally, step, kind, field);
    he.awaitReports(he.now + DAY_S);
    cleanUp(ctx, tally, step, kind, field);
  }
  he.awaitReports(he.now + DAY_S);
  if (before !== null) reconfigureChanged(ctx, tally, step, before);
}

/** The endpoints of a kind whose records do not show the target in a field (and that the release targets). */
function behind(ctx: StepContext, kind: DeviceKind, field: FirmwareField): number[] {
  const { he, plan } = ctx;
  const out: number[] = [];
  for (const v of devicesOfKind(he.network, kind)) {
    const to = releaseTarget(plan.release, kind, he.records.modelOf(v), field);
    if (to === undefined) continue;
    if (field === 'han' && (he.records.flags[v]! & RECORD_FLAGS.zigbeeCapable) === 0) continue;
    const now = he.records.version(v, field);
    if (now === null || compareVersions(now, to) !== 0) out.push(v);
  }
  return out;
}

function broadcastStep(ctx: StepContext, tally: Tally, step: PlanStep, kind: DeviceKind, field: FirmwareField): void {
  const { he, plan } = ctx;
  const mesh = he.network;
  const { settings } = plan;
  const type = packageType(kind, field);
  // Broadcasts by model, source version and ZigBee filter, as the records show them now.
  const combos = new Map<
    string,
    { model: string | null; from: string; to: string; zigbee: boolean; collectors: Set<number>; modules: Set<string> }
  >();
  for (const v of behind(ctx, kind, field)) {
    const model = he.records.modelOf(v);
    const from = he.records.version(v, field);
    if (from === null || he.records.status[v] !== STATUS.Normal) continue;
    const module = he.records.version(v, 'module');
    if (module === null || isModule42x(module)) continue; // point to point: 4.2x takes no broadcast
    if ((mesh.flags[v]! & (FLAG_BITS.disableBroadcasts | FLAG_BITS.encryptFwDownload)) !== 0) continue;
    const to = releaseTarget(plan.release, kind, model, field)!;
    const zigbee = (he.records.flags[v]! & RECORD_FLAGS.zigbeeCapable) !== 0;
    const m = type === 'waterModuleFirmware' ? null : model;
    const k = `${m ?? ''}|${from}|${zigbee}`;
    let c = combos.get(k);
    if (c === undefined) combos.set(k, (c = { model: m, from, to, zigbee, collectors: new Set(), modules: new Set() }));
    c.modules.add(module);
    const holder = mesh.parent[v]! >= 0 ? mesh.parent[v]! : v;
    const col = he.records.collector[holder]!;
    if (col >= 0) c.collectors.add(col);
  }
  const ordered = [...combos.values()].sort(
    (a, b) =>
      (a.model ?? '').localeCompare(b.model ?? '') ||
      compareVersions(a.from, b.from) ||
      Number(a.zigbee) - Number(b.zigbee),
  );
  for (const c of ordered) {
    const cols = Int32Array.from([...c.collectors].sort((a, b) => a - b));
    if (cols.length === 0) continue;
    const groups = settings.grouping === 'all' ? [cols] : collectorGroups(mesh, cols);
    for (const g of groups) {
      const collectors = Array.from(g, (x) => mesh.id(x));
      const passes: { targeted: number; updated: number; failed: number }[] = [];
      let first = -1;
      let updated = 0;
      let last: BroadcastOutcome | null = null;
      for (let p = 0; p < settings.passes; p++) {
        const input: BroadcastCommandInput = {
          type,
          version: c.to,
          ...(c.model === null ? {} : { model: c.model }),
          zigbee: c.zigbee ? 'yes' : 'no',
          moduleFirmware: field === 'module' ? [c.from] : [...c.modules].sort(compareVersions),
          ...(type === 'waterModuleFirmware' ? {} : { dcw: field === 'dcw' ? [c.from] : 'All' }),
          collectors,
          maxHops: { maxLayerPlus: settings.maxHopsOverLayer },
          ttlS: settings.ttlS,
          spacingS: settings.spacingS,
        };
        // A selective repeat sends only what a sample's tanks miss, a command per stretch.
        const stretches: (SegmentStretch | null)[] =
          p > 0 && settings.repeat === 'selective' && last !== null
            ? selectiveStretches(ctx, tally, step, last)
            : [null];
        let total = -1;
        let completed = 0;
        for (const s of stretches) {
          const slice = s === null ? {} : { firstSegment: s.firstSegment, maxSegments: s.segments };
          const out: BroadcastOutcome = he.run(
            he.broadcast({ ...input, ...slice }),
            ctx.runner === undefined ? ctx.engine : { ...ctx.engine, runner: ctx.runner },
          );
          if (total < 0) total = out.total - out.held;
          completed += out.completed;
          tally.transmissions += out.result.stats.transmissions;
          addKpis(ctx, out, tally.broadcasts.length, p + 1);
          last = out;
        }
        if (first < 0) first = total;
        updated += completed;
        passes.push({ targeted: total, updated: completed, failed: total - completed });
        progress(
          ctx,
          step,
          `broadcast ${c.model ?? type} ${c.from} → ${c.to}${c.zigbee ? ' (ZigBee)' : ''} ` +
            `from ${collectorsText(collectors)}, ` +
            `pass ${p + 1}: ${completed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} updated`,
        );
        if (total === 0 || first - updated <= settings.remainderGoal * first) break;
      }
      tally.broadcasts.push({ model: c.model, from: c.from, to: c.to, zigbee: c.zigbee, collectors, passes });
    }
  }
}

/**
 * A broadcast's collectors as a progress message names them: all of them (`C1,C4`), or for
 * more than {@link LISTED_COLLECTORS} how many, the first and the last (`200 collectors, C1 … C399`).
 */
function collectorsText(ids: readonly string[]): string {
  if (ids.length <= LISTED_COLLECTORS) return ids.join(',');
  return `${ids.length.toLocaleString('en-US')} collectors, ${ids[0]} … ${ids[ids.length - 1]}`;
}

/**
 * The stretches a selective repeat pass sends after a pass: Get Endpoint Info to an even sample
 * of the targets still missing the image, then the union of what the tanks of those that
 * answered lack (Flash Download Progress). The whole image again when none answered.
 */
function selectiveStretches(
  ctx: StepContext,
  tally: Tally,
  step: PlanStep,
  last: BroadcastOutcome,
): (SegmentStretch | null)[] {
  const { he, plan } = ctx;
  const sample = sampleEvenly(incompleteTargets(last), plan.settings.repeatSample ?? REPEAT_SAMPLE);
  if (sample.length === 0) return [null];
  const info = unicast(ctx, tally, step, he.pointToPoint({ command: 'getEndpointInfo', endpoints: sample }));
  const answered = info.responses.filter((r) => r.successful).map((r) => r.id);
  if (answered.length === 0) return [null];
  const tanks = he.reports.flashDownloadProgress(last, answered).map((r) => r.tank);
  const gap = Math.floor(plan.settings.ttlS / plan.settings.spacingS);
  const stretches = missingStretches(tanks, last.command.packets, gap);
  return stretches.length === 0 ? [null] : stretches;
}

/**
 * After the broadcasts: Get Endpoint Configuration to those whose records do not show the target,
 * then point to point to those still behind.
 */
function cleanUp(ctx: StepContext, tally: Tally, step: PlanStep, kind: DeviceKind, field: FirmwareField): void {
  const { he } = ctx;
  const mesh = he.network;
  const stale = behind(ctx, kind, field);
  if (stale.length === 0) return;
  unicast(
    ctx,
    tally,
    step,
    he.pointToPoint({ command: 'getEndpointConfiguration', endpoints: stale.map((v) => mesh.id(v)) }),
  );
  const still = behind(ctx, kind, field);
  // 4.2x endpoints of the families that must go through 5.18 first (the guide's deviation rule).
  const stone = still.filter(
    (v) =>
      field === 'module' &&
      isModule42x(he.records.version(v, 'module') ?? undefined) &&
      steps42xThrough518(kind, he.records.modelOf(v)),
  );
  if (stone.length > 0) {
    downloadTo(
      ctx,
      tally,
      step,
      stone.map((v) => mesh.id(v)),
      field,
      STEPPING_STONE,
    );
    he.awaitReports(he.now + DAY_S);
  }
  const rest = behind(ctx, kind, field).filter(
    (v) =>
      field !== 'module' ||
      !isModule42x(he.records.version(v, 'module') ?? undefined) ||
      !steps42xThrough518(kind, he.records.modelOf(v)),
  );
  if (rest.length > 0)
    downloadTo(
      ctx,
      tally,
      step,
      rest.map((v) => mesh.id(v)),
      field,
    );
}

/** Adds a broadcast command's read windows to its pass's sample (a selective repeat pass sends several). */
function addKpis(ctx: StepContext, out: BroadcastOutcome, broadcast: number, pass: number): void {
  const reads = out.result.air?.reads;
  if (reads === null || reads === undefined) return;
  const samples = ctx.running.kpiSamples;
  const last = samples[samples.length - 1];
  const same = last !== undefined && last.step === ctx.index && last.broadcast === broadcast && last.pass === pass;
  const sum = (a: ReadWindow | undefined, b: ReadWindow): ReadWindow =>
    readWindow((a?.sent ?? 0) + b.sent, (a?.delivered ?? 0) + b.delivered);
  const sample: CampaignKpiSample = {
    step: ctx.index,
    broadcast,
    pass,
    firstPacketS: same ? last.firstPacketS : out.result.firstPacketS,
    endS: out.result.endS,
    before: sum(same ? last.before : undefined, reads.before),
    during: sum(same ? last.during : undefined, reads.during),
    after: sum(same ? last.after : undefined, reads.after),
  };
  if (same) samples[samples.length - 1] = sample;
  else samples.push(sample);
}

function readWindow(sent: number, delivered: number): ReadWindow {
  return { sent, delivered, successRate: sent === 0 ? 1 : delivered / sent };
}

function kpisOf(running: Running): CampaignKpis | null {
  const samples = running.kpiSamples;
  if (samples.length === 0) return null;
  const total = (w: 'before' | 'during') =>
    readWindow(
      samples.reduce((a, k) => a + k[w].sent, 0),
      samples.reduce((a, k) => a + k[w].delivered, 0),
    );
  return { before: total('before'), during: total('during'), samples: [...samples] };
}

function finalVersions(he: HeadEnd, plan: Plan): CampaignResult['finalVersions'] {
  const mesh = he.network;
  const out: { kind: DeviceKind; field: FirmwareField; versions: Record<string, number> }[] = [];
  const kinds = DEVICE_KINDS.filter((k) => k === 'collector' || plan.release.targets.some((t) => t.kind === k));
  for (const kind of kinds) {
    for (const field of ['module', 'dcw', 'metrology', 'han'] as const) {
      const versions: Record<string, number> = {};
      let any = false;
      for (let v = 0; v < mesh.n; v++) {
        if (mesh.kind[v] !== KIND[kind]) continue;
        const x = he.deviceVersion(v, field);
        if (x === null) continue;
        any = true;
        versions[x] = (versions[x] ?? 0) + 1;
      }
      if (any) out.push({ kind, field, versions });
    }
  }
  return out;
}

function leftEndpoints(he: HeadEnd, plan: Plan): CampaignResult['left'] {
  const mesh = he.network;
  const byReason: Record<LeftReason, number> = { unreachable: 0, refused: 0, failed: 0, 'stale record': 0 };
  const endpoints: LeftEndpoint[] = [];
  let total = 0;
  for (let v = 0; v < mesh.n; v++) {
    const kind = DEVICE_KINDS[mesh.kind[v]!]! as ReleaseKind;
    if (kind === ('collector' as never)) continue;
    const model = he.records.modelOf(v);
    for (const field of ['module', 'dcw', 'metrology', 'han'] as const) {
      const target = releaseTarget(plan.release, kind, model, field);
      if (target === undefined) continue;
      if (field === 'han' && (mesh.flags[v]! & FLAG_BITS.zigbeeCapable) === 0) continue;
      const now = he.deviceVersion(v, field);
      const record = he.records.version(v, field);
      const onTarget = now !== null && compareVersions(now, target) === 0;
      const recorded = record !== null && compareVersions(record, target) === 0;
      if (onTarget && recorded) continue;
      const reason: LeftReason = onTarget
        ? 'stale record'
        : mesh.layer[v]! < 0
          ? 'unreachable'
          : (field === 'module' && isModule42x(now ?? undefined)) ||
              (mesh.flags[v]! & (FLAG_BITS.disableBroadcasts | FLAG_BITS.encryptFwDownload)) !== 0
            ? 'refused'
            : 'failed';
      byReason[reason]++;
      total++;
      if (endpoints.length < 1000) endpoints.push({ id: mesh.id(v), kind, model, field, version: now, target, reason });
    }
  }
  return { total, byReason, endpoints };
}

/** Checks campaign timing and applies defaults. */
export function checkCampaignTiming(v: unknown, at: string): CampaignTiming {
  const o = checkObject(at, v ?? {}, Object.keys(TIMING_DEFAULTS), 'campaign timing');
  const out: Record<string, number> = {};
  for (const [k, d] of Object.entries(TIMING_DEFAULTS)) out[k] = checkPositive(join(at, k), o[k] ?? d, true);
  return out as CampaignTiming;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
