import type { PlannedCampaign } from '../scenario/campaign.js';
import type { CampaignKpiSample, CampaignResult, StepOutcome } from '../workflow/campaign.js';
import type { Plan } from '../workflow/plan.js';
import type { PlanProblem } from '../workflow/rules.js';
import { formatDuration, table } from './text.js';

function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/**
 * A plan as text: its steps in order (delivery, endpoints, the rule that inserted a step), what
 * was left out, and the problems found.
 */
export function formatUpgradePlan(plan: Plan, problems: readonly PlanProblem[], title: string): string {
  const s = plan.settings;
  const lines = [
    `${title}`,
    `Upgrade plan, ${plan.order} order: ${plan.steps.length} steps. ` +
      `Broadcasts at Max. Layer + ${s.maxHopsOverLayer}, Maximum TTL ${s.ttlS} s, one packet every ${s.spacingS} s, ` +
      `collectors ${s.grouping === 'two-mile' ? 'in groups none within 2 miles of another' : 'all at once'}, ` +
      `at most ${s.passes} pass(es) each until under ${(100 * s.remainderGoal).toFixed(1)}% remain, ` +
      'then point to point.',
    '',
    table(
      ['#', 'step', 'delivery', 'endpoints', 'rule'],
      plan.steps.map((st, i) => [
        String(i + 1),
        st.name,
        st.delivery,
        st.count === 0 ? '' : int(st.count),
        st.rule ?? '',
      ]),
    ),
  ];
  if (plan.skipped.length > 0) {
    lines.push('', 'Left out:', ...plan.skipped.map((k) => `  ${k.name}: ${k.why}`));
  }
  lines.push('');
  if (problems.length === 0) lines.push("Checked against the guide's deviation rules: no problems.");
  else {
    lines.push(`Problems (${problems.length}):`);
    for (const p of problems) {
      lines.push(
        `  [${p.rule}] ${p.message}`,
        `    ${p.step === null ? 'plan' : `step ${p.step}`}: ${int(p.count)} endpoint(s)` +
          (p.sample.length > 0 ? `, e.g. ${p.sample.join(', ')}` : ''),
        `    fix: ${p.fix}${p.fixable ? '' : ' (the release or the head-end must change)'}`,
      );
    }
  }
  return lines.join('\n');
}

/** What a step did, in a few words. */
function stepSummary(st: StepOutcome): string {
  const parts: string[] = [];
  if (st.broadcasts.length > 0) {
    const passes = st.broadcasts.reduce((a, b) => a + b.passes.length, 0);
    const targeted = st.broadcasts.reduce((a, b) => a + (b.passes[0]?.targeted ?? 0), 0);
    const updated = st.broadcasts.reduce((a, b) => a + b.passes.reduce((x, p) => x + p.updated, 0), 0);
    parts.push(`${st.broadcasts.length} broadcast(s), ${passes} pass(es): ${int(updated)} of ${int(targeted)} updated`);
  }
  if (st.addressed > 0) parts.push(`${int(st.succeeded)} of ${int(st.addressed)} unicast succeeded`);
  if (st.reconfigurations > 0) {
    parts.push(
      `${int(st.reconfigurations)} RF reconfiguration(s), ${int(st.reconfigurationFailures)} left in Configure`,
    );
  }
  return parts.join('; ');
}

/**
 * A campaign's result as data for JSON: the timeline, totals, final versions, what is left, and
 * (with shared air and reads) read success before and during the broadcasts and pass by pass.
 */
export function campaignReport(planned: PlannedCampaign, result: CampaignResult, title: string) {
  return {
    /** The title given (`meshcast campaign --json`: the scenario's name, else its file). */
    scenario: title,
    /** The installation order the plan followed. */
    order: result.plan.order,
    /** How the plan's broadcasts ran: Maximum Hops over Max. Layer, TTL, grouping, passes, remainder goal, pacing. */
    settings: result.plan.settings,
    /** How long the campaign took, seconds (the text report's days are this / 86,400). */
    durationS: result.durationS,
    /** RF frames of all its broadcasts (the text report's broadcast frames). */
    transmissions: result.transmissions,
    /** Unicast messages of its other commands, hop by hop, estimated (the text report's unicast messages). */
    messages: result.messages,
    /** Endpoints sent through RF reconfiguration. */
    reconfigurations: result.reconfigurations,
    /** Each step: start, end, broadcasts and their passes, endpoints addressed and answered, traffic. */
    timeline: result.timeline,
    /** What the devices run at the end, per kind and field: version → devices. */
    finalVersions: result.finalVersions,
    /** Endpoint-fields left off target, by reason, and the first 1,000 of them. */
    left: result.left,
    /** Interval read success before and during the broadcasts (null without shared air and reads). */
    kpis: result.kpis,
    /** Collector code version at the end (null: not changed). */
    collectorCode: result.collectorCode,
    /** What the guide's deviation rules found in the plan before it ran ({@link PlannedCampaign.problems}). */
    problems: planned.problems,
  };
}

/**
 * A campaign's result as text: the timeline, totals, final versions per device class, the
 * endpoints left, by reason, and (with shared air and reads) read success before and during the
 * broadcasts, with the pass during which it was lowest.
 */
export function formatCampaignResult(result: CampaignResult, title: string): string {
  const lines = [
    title,
    `Campaign, ${result.plan.order} order: ${formatDuration(result.durationS)} ` +
      `(${(result.durationS / 86_400).toFixed(2)} days), ${int(result.transmissions)} broadcast frames, ` +
      `${int(result.messages)} unicast messages, ${int(result.reconfigurations)} RF reconfiguration(s).`,
    '',
    table(
      ['step', 'start', 'took', 'what it did'],
      result.timeline.map((st, i) => [
        `${i + 1}. ${st.name.length > 60 ? `${st.name.slice(0, 57)}...` : st.name}`,
        formatDuration(st.startS - result.startS),
        formatDuration(st.endS - st.startS),
        stepSummary(st),
      ]),
    ),
    '',
    'Versions at the end (devices):',
  ];
  for (const f of result.finalVersions) {
    const versions = Object.entries(f.versions)
      .sort(([, a], [, b]) => b - a)
      .map(([v, n]) => `${v} ${int(n)}`)
      .join(', ');
    lines.push(`  ${f.kind} ${f.field}: ${versions}`);
  }
  if (result.collectorCode !== null) lines.push(`  collector code: ${result.collectorCode}`);
  const left = result.left;
  lines.push('');
  if (left.total === 0) lines.push('Left: none — every targeted device runs its target, and the records show it.');
  else {
    const reasons = Object.entries(left.byReason)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${r} ${int(n)}`)
      .join(', ');
    lines.push(`Left: ${int(left.total)} (${reasons})`);
    for (const e of left.endpoints.slice(0, 10)) {
      lines.push(`  ${e.id} (${e.kind}, ${e.model}) ${e.field} ${e.version ?? 'none'} → ${e.target}: ${e.reason}`);
    }
    if (left.total > 10) lines.push(`  … and ${int(left.total - 10)} more (--json lists the first 1,000)`);
  }
  if (result.kpis !== null) {
    const k = result.kpis;
    // The pass whose reads fared worst while it was on the air (the first of equals).
    const worst = k.samples
      .filter((x) => x.during.sent > 0)
      .reduce<CampaignKpiSample | null>(
        (a, x) => (a === null || x.during.successRate < a.during.successRate ? x : a),
        null,
      );
    lines.push(
      '',
      `Interval reads: ${(100 * k.before.successRate).toFixed(1)}% delivered before the broadcasts, ` +
        `${(100 * k.during.successRate).toFixed(1)}% during them` +
        (worst === null
          ? '.'
          : `; lowest during one pass ${(100 * worst.during.successRate).toFixed(1)}% ` +
            `(step ${worst.step + 1}, broadcast ${worst.broadcast + 1}, pass ${worst.pass}).`),
    );
  }
  return lines.join('\n');
}

/** What {@link campaignReport} gives. */
export type CampaignReport = ReturnType<typeof campaignReport>;
