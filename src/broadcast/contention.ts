import type { CompiledMesh } from '../network/mesh.js';
import { Air } from '../radio/air.js';
import { AirClock, eventSubject, eventType } from '../radio/air-clock.js';
import { BROADCAST_FRAME } from '../radio/frame-pool.js';
import type { ResolvedContention } from '../radio/radio.js';
import type { DelaySpec } from '../random/distributions.js';
import type { StreamPath } from '../random/purposes.js';
import type { Seed } from '../random/stream.js';
import { AirTraffic } from '../traffic/air-traffic.js';
import type { ResolvedTraffic } from '../traffic/traffic.js';
import { AirFlood, broadcastSpan, type AirPass } from './air-flood.js';
import type { SharedAirStats } from './result.js';

/** What the shared air did, for the results of the passes on it. */
export interface ContendedRun {
  /** The air's statistics and the traffic's KPIs (the same for every pass). */
  readonly stats: SharedAirStats;
  /** Seconds each node transmitted. */
  readonly nodeAirtimeS: Float64Array;
  /** Per pass, when each tank's completion report reached its collector (NaN: not); null without reports. */
  readonly reportsHeardS: readonly Float64Array[] | null;
}

/** A pass run on the shared air (a prepared pass is one). */
export interface ContendedPass extends AirPass {
  /** The mesh every pass runs on. */
  readonly mesh: CompiledMesh;
  /** Its radio: the forwarding jitter and the frames' airtime. */
  readonly radio: { readonly delay: DelaySpec; readonly airtimeS: number };
  /** Its seed and timing. */
  readonly draws: { readonly seed: Seed; readonly startS: number };
}

/**
 * Runs broadcast passes that share the air, on one clock (contention on), with the AMI traffic
 * configured. Each pass keeps its own tanks, counters and results; frames of all passes and of
 * the traffic compete: several packets in flight, several origins, several broadcasts at once.
 *
 * The parts (docs/model.md "Contention"): the {@link Air} (transmit queues, carrier sense, half
 * duplex, collisions), {@link AirFlood} (forwarding every packet on it), {@link AirTraffic}
 * (reads, round trips, reports); each reserves its event types on the {@link AirClock}, and this
 * loop hands each event to its part in (time, insertion) order.
 * @param streamRoot - the run's stream path: the parts draw from `…, 'air', purpose`
 * @internal
 */
export function runContended(
  passes: readonly ContendedPass[],
  contention: ResolvedContention,
  traffic: ResolvedTraffic,
  streamRoot: StreamPath,
): ContendedRun {
  const first = passes[0]!;
  const { mesh, draws } = first;
  const clock = new AirClock();
  const span = broadcastSpan(passes);
  let packets = 0;
  for (const p of passes) packets += p.spec.segments;
  const air = new Air({
    links: mesh,
    contention,
    airtimeS: first.radio.airtimeS,
    delay: first.radio.delay,
    packets,
    clock,
    seed: draws.seed,
    streamRoot,
  });
  const ami = new AirTraffic(traffic, mesh, air, clock, draws.seed, streamRoot, span);
  const flood = new AirFlood(passes, air, clock, ami, mesh.n);
  // Sends first: at equal times they run before the traffic's first events.
  flood.start();
  ami.start();

  const { queue } = clock;
  const { tryEvent, endEvent, frames } = air;
  let events = 0;
  while (queue.size > 0) {
    const t = queue.peekTime();
    const event = queue.pop();
    events++;
    const type = eventType(event);
    const subject = eventSubject(event);
    if (type === tryEvent) air.trySend(subject, t);
    else if (type === endEvent) {
      const f = air.transmitting(subject);
      if (frames.kind[f] === BROADCAST_FRAME) flood.frameEnd(subject, f, t);
      else ami.frameEnd(subject, f, t);
    } else if (flood.handles(type)) flood.send(subject, t);
    else ami.handle(type, subject, t);
  }

  air.tally.events = events;
  const { maxUtilisation, ...stats } = air.tally.stats(mesh.relays);
  const kpis = ami.kpis(span.firstSendS, Math.max(flood.lastFrameEndS, span.firstSendS));
  // Field order as published (JSON outputs are compared byte for byte): traffic before maxUtilisation.
  return {
    stats: { ...stats, reads: kpis.reads, reports: kpis.reports, maxUtilisation },
    nodeAirtimeS: air.tally.nodeAirtimeS,
    reportsHeardS: ami.reportsHeardS(passes.map((p) => p.state.targetNodes.length)),
  };
}
