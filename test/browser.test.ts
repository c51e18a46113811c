/**
 * The HTML reports in a real browser: headless Chromium (Debian's, driven by playwright-core)
 * opens each kind of report from a file, with every request that is not for that file failed
 * and recorded. Screenshots are kept as artefacts in `.meshcast-tmp/browser/` (git-ignored).
 * Skipped, saying so, only when Chromium is not installed and neither CI=true nor
 * MESHCAST_BROWSER_TESTS=required is set: CI runs with CI=true, and `.ci/run` installs Chromium
 * and sets MESHCAST_BROWSER_TESTS=required, so there a missing browser fails the tests.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadScenario,
  Network,
  renderCampaignReport,
  renderHeadendReport,
  renderRunReport,
  renderSweepReport,
  runBroadcast,
  runCampaignScenario,
  runHeadendScenario,
  runScenario,
  sweep,
  type ScenarioResult,
} from '../src/index.js';
import { CHROMIUM, hasChromium, launchChromium } from './chromium.js';

const required = process.env['CI'] === 'true' || process.env['MESHCAST_BROWSER_TESTS'] === 'required';
const skip = !hasChromium() && !required;
if (skip) {
  process.stderr.write(
    `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium; ` +
      `CI=true or MESHCAST_BROWSER_TESTS=required never skips them)\n`,
  );
}

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '.meshcast-tmp', 'browser');
mkdirSync(dir, { recursive: true });

/** A page opened on a report file: what it logged as errors and the requests it tried beyond the file. */
interface Opened {
  readonly page: Page;
  readonly errors: string[];
  readonly outside: string[];
}

describe.skipIf(skip)('HTML reports in headless Chromium', () => {
  let browser: BrowserContext;
  beforeAll(async () => {
    browser = await launchChromium();
    // Every request but the report file itself fails, and is recorded.
    await browser.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) await route.continue();
      else {
        outside.push(url);
        await route.abort();
      }
    });
    process.stderr.write(`browser screenshots: ${dir}\n`);
  });
  afterAll(async () => {
    await browser?.close();
  });
  const outside: string[] = [];

  async function open(html: string, name: string): Promise<Opened> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    outside.length = 0;
    await page.goto(pathToFileURL(file).href);
    return { page, errors, outside };
  }

  /** The target farthest from any other device: hovering it finds it and nothing else. */
  function loneTarget(result: ScenarioResult): string {
    const mesh = result.passes[0]!.mesh;
    let best = '';
    let bestD = -1;
    for (const id of result.passes[0]!.targetIds()) {
      const p = mesh.device(mesh.index(id)).position!;
      let d = Infinity;
      for (let u = 0; u < mesh.n; u++) {
        const q = mesh.device(u).position;
        if (u === mesh.index(id) || q === undefined) continue;
        d = Math.min(d, Math.hypot(p.xM - q.xM, p.yM - q.yM));
      }
      if (d > bestD) [best, bestD] = [id, d];
    }
    return best;
  }

  it('a run: loads with no error and no outside request, draws every device, shows a tank on hover', async () => {
    const result = runScenario(
      loadScenario({
        seed: 3,
        network: {
          generator: 'utility',
          options: { collectors: 2, endpointsPerCollector: 150, seed: 3, pathLoss: { exponent: 3.4 } },
        },
        broadcast: { origins: 'all', packets: 40, spacingS: 70, maxHops: 7, ttlS: 60 },
        passes: 2,
      }),
    );
    const { html } = await renderRunReport(result, { title: 'browser run' });
    const { page, errors } = await open(html, 'run');
    await page.waitForSelector('#map[data-ready="true"]');
    const n = result.passes[0]!.mesh.n;
    expect(await page.getAttribute('#map', 'data-devices')).toBe(String(n));
    expect(await page.getAttribute('#map', 'data-drawn')).toBe(String(n));

    const id = loneTarget(result);
    const at = await page.evaluate(
      (target) =>
        (
          globalThis as unknown as { meshcastMap: { screenOf(id: string): { x: number; y: number } } }
        ).meshcastMap.screenOf(target),
      id,
    );
    await page.mouse.move(at.x, at.y);
    await page.waitForSelector(`.map-tip[data-id="${id}"]`);
    const last = result.passes[result.passes.length - 1]!;
    expect(await page.textContent('.map-tip-tank')).toContain(last.tankHex(id));
    expect(await page.textContent('.map-tip')).toContain(last.mesh.device(last.mesh.index(id)).model);
    await page.screenshot({ path: join(dir, 'run-hover.png') });

    for (const mode of ['layer', 'tank', 'completion', 'status']) {
      await page.selectOption('select.map-colour', mode);
      expect(await page.getAttribute('#map', 'data-drawn')).toBe(String(n));
      await page.locator('#map').screenshot({ path: join(dir, `run-map-${mode}.png`) });
    }
    await page.selectOption('select.map-links', 'routes');
    // Pan and zoom, then back to the whole network.
    await page.mouse.move(640, 500);
    await page.mouse.down();
    await page.mouse.move(700, 540, { steps: 4 });
    await page.mouse.up();
    await page.mouse.wheel(0, -400);
    await page.click('button.map-reset');
    expect(await page.getAttribute('#map', 'data-drawn')).toBe(String(n));
    for (const name of ['coverage-by-layer', 'completion-cdf', 'packets-sent', 'traffic']) {
      expect(await page.locator(`figure[data-chart="${name}"] svg`).count()).toBe(1);
    }
    await page.screenshot({ path: join(dir, 'run.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('a run on a network without positions: devices laid out by layer, all drawn', async () => {
    const net = new Network();
    net.addDevice({ id: 'C1', kind: 'collector' });
    for (let i = 1; i <= 30; i++) {
      net.addDevice({ id: `M${i}`, kind: 'meter' });
      net.addLink({ from: i <= 5 ? 'C1' : `M${i - 5}`, to: `M${i}`, success: 0.9 });
    }
    const pass = runBroadcast(net, { origins: ['C1'], packets: 10, maxHops: 10, ttlS: 120 }, { seed: 2 });
    const { html } = await renderRunReport([pass]);
    const { page, errors } = await open(html, 'layout');
    await page.waitForSelector('#map[data-ready="true"]');
    expect(await page.getAttribute('#map', 'data-drawn')).toBe('31');
    expect(await page.textContent('#map .note')).toContain('positions are not known');
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('a head-end day: command history, every device drawn, a tank of a broadcast target on hover', async () => {
    const scenario = JSON.parse(readFileSync(join(root, 'scenarios', 'headend-operator.json'), 'utf8')) as {
      network: { options: Record<string, unknown> };
    };
    scenario.network.options['endpointsPerCollector'] = 300;
    const day = runHeadendScenario(loadScenario(scenario));
    const { html } = await renderHeadendReport(day, { title: 'browser head-end day' });
    const { page, errors } = await open(html, 'headend');
    await page.waitForSelector('#map[data-ready="true"]');
    const n = day.outcomes.find((o) => o.delivery === 'broadcast')!.result.mesh.n;
    expect(await page.getAttribute('#map', 'data-drawn')).toBe(String(n));
    const history = day.headEnd.reports.commandHistory();
    expect(history.length).toBeGreaterThan(1);
    const rows = page.locator('h2:text("Command History") + .table-wrap tbody tr');
    expect(await rows.count()).toBe(history.length);
    const broadcasts = day.outcomes.filter((o) => o.delivery === 'broadcast');
    const last = broadcasts[broadcasts.length - 1]!.result;
    const id = last.targetIds()[0]!;
    await page.fill('input.map-find', id);
    await page.press('input.map-find', 'Enter');
    const at = await page.evaluate(
      (target) =>
        (
          globalThis as unknown as { meshcastMap: { screenOf(id: string): { x: number; y: number } } }
        ).meshcastMap.screenOf(target),
      id,
    );
    await page.mouse.move(at.x, at.y);
    await page.waitForSelector(`.map-tip[data-id="${id}"]`);
    expect(await page.textContent('.map-tip-tank')).toContain(last.tankHex(id));
    for (const name of ['coverage-by-layer', 'completion-cdf', 'packets-sent', 'traffic']) {
      expect(await page.locator(`figure[data-chart="${name}"] svg`).count()).toBe(1);
    }
    await page.screenshot({ path: join(dir, 'headend.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('a campaign: a timeline bar per step, what a step did on hover', async () => {
    const scenario = JSON.parse(readFileSync(join(root, 'scenarios', 'campaign-single-headend.json'), 'utf8')) as {
      network: { options: Record<string, unknown> };
    };
    scenario.network.options['endpointsPerCollector'] = 150;
    const { result } = runCampaignScenario(loadScenario(scenario));
    const { html } = await renderCampaignReport(result, { title: 'browser campaign' });
    const { page, errors } = await open(html, 'campaign');
    const bars = page.locator('figure[data-chart="campaign-timeline"] [aria-roledescription="bar"]');
    expect(await bars.count()).toBe(result.timeline.length);
    await bars.last().hover();
    await page.waitForSelector('#chart-tip:not([hidden])');
    expect(await page.textContent('#chart-tip')).toContain('targeted');
    await page.screenshot({ path: join(dir, 'campaign.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('a campaign on shared air: read success over the campaign, a point per pass and window', async () => {
    const scenario = JSON.parse(readFileSync(join(root, 'scenarios', 'campaign-single-headend.json'), 'utf8')) as {
      network: { options: Record<string, unknown> };
      radio?: unknown;
      traffic?: unknown;
    };
    scenario.network.options['endpointsPerCollector'] = 60;
    scenario.radio = { contention: 'csma' };
    scenario.traffic = { reads: { intervalS: 900 } };
    const { result } = runCampaignScenario(loadScenario(scenario));
    const { html } = await renderCampaignReport(result, { title: 'browser campaign on shared air' });
    const { page, errors } = await open(html, 'campaign-reads');
    const chart = page.locator('figure[data-chart="campaign-reads"]');
    expect(await chart.locator('svg').count()).toBe(1);
    const points = chart.locator('[aria-roledescription="point"]');
    const windows = result.kpis!.samples.flatMap((k) => [k.before, k.during, k.after]).filter((w) => w.sent > 0);
    expect(await points.count()).toBe(windows.length);
    await points.first().hover();
    await page.waitForSelector('#chart-tip:not([hidden])');
    expect(await page.textContent('#chart-tip')).toContain('reads made');
    await chart.screenshot({ path: join(dir, 'campaign-reads.png') });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('a sweep: one heatmap cell per grid cell, its confidence interval on hover', async () => {
    const outcome = await sweep(
      {
        seed: 2,
        network: { generator: 'utility', options: { collectors: 1, endpointsPerCollector: 100, seed: 2 } },
        broadcast: { origins: 'all', packets: 8, spacingS: 70, ttlS: 60 },
        passes: 2,
      } as never,
      { maxHops: [3, 5, 8, 12], ttlS: [60, 120, 300] },
      { replications: 3, workers: 0 },
    );
    const { html } = await renderSweepReport(outcome.records, { title: 'browser sweep' });
    const { page, errors } = await open(html, 'sweep');
    const cells = outcome.cells.length;
    for (const name of ['coverage-heatmap', 'transmissions-heatmap', 'redundancy-heatmap']) {
      expect(await page.locator(`figure[data-chart="${name}"] [aria-roledescription="rect mark"]`).count()).toBe(cells);
    }
    const cell = page.locator('figure[data-chart="coverage-heatmap"] [aria-roledescription="rect mark"]').first();
    await cell.hover();
    await page.waitForSelector('#chart-tip:not([hidden])');
    const tip = await page.textContent('#chart-tip');
    expect(tip).toContain('95% CI');
    expect(tip).toContain('maxHops');
    await page.screenshot({ path: join(dir, 'sweep.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });
});
