/**
 * The HTML report of a large run: how long `renderRunReport` takes and how big the page is, then
 * how soon headless Chromium has the map drawn and how long a full redraw of the map takes.
 * Answers first: the page must draw every device.
 *
 *   npm run bench:report                                   (100,000 meters, a 200-packet image)
 *   npm run bench:report -- --collectors 4 --packets 50    (a 10,000-meter rehearsal)
 *
 * Targets: the page of a 100,000-endpoint run written in ≤ 5 s and ≤ 30 MB; its map drawn
 * (interactive) in ≤ 2 s. Needs Debian's `chromium` for the browser figures (skipped without).
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generators, renderRunReport, runBroadcastParallel } from '../dist/index.js';
import { CHROMIUM, hasChromium, launchChromium } from '../test/chromium.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const collectors = arg('--collectors', 40);
const packets = arg('--packets', 200);
const meters = collectors * 2500;

let t = performance.now();
const mesh = generators.utilityMesh({ collectors, endpointsPerCollector: 2500, seed: 1 });
const origins = Array.from(mesh.collectors, (c) => mesh.id(c));
const pass = await runBroadcastParallel(
  mesh,
  { origins, packets, spacingS: 70, maxHops: { maxLayerPlus: 1 }, ttlS: 60 },
  { seed: 1, workers: availableParallelism() },
);
const runS = (performance.now() - t) / 1000;

const dir = mkdtempSync(join(tmpdir(), 'meshcast-bench-report-'));
const file = join(dir, 'report.html');
// The first report pays for loading Vega and Vega-Lite; the second is the steady cost.
const times: number[] = [];
for (let i = 0; i < 2; i++) {
  t = performance.now();
  const { html } = await renderRunReport([pass], { title: 'bench' });
  writeFileSync(file, html);
  times.push((performance.now() - t) / 1000);
}
const bytes = statSync(file).size;

let browser = `no Chromium at ${CHROMIUM}: not measured`;
if (hasChromium()) {
  const b = await launchChromium();
  try {
    const page = await b.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    t = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#map[data-ready="true"]', { timeout: 120_000 });
    const loadS = (performance.now() - t) / 1000;
    const drawn = Number(await page.getAttribute('#map', 'data-drawn'));
    const readyMs = Number(await page.getAttribute('#map', 'data-ready-ms'));
    if (drawn !== mesh.n) throw new Error(`the map drew ${drawn} devices of ${mesh.n}`);
    if (errors.length > 0) throw new Error(`console errors: ${errors.join('; ')}`);
    const redrawMs = await page.evaluate(() => {
      const map = (globalThis as unknown as { meshcastMap: { render(): void } }).meshcastMap;
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        map.render();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    });
    browser =
      `map drawn ${(readyMs / 1000).toFixed(2)} s after navigation started (${loadS.toFixed(2)} s from goto, ` +
      `every one of ${drawn.toLocaleString('en-US')} devices); full redraw ${redrawMs.toFixed(0)} ms`;
  } finally {
    await b.close();
  }
}

console.log(
  `Run report — ${meters.toLocaleString('en-US')} meters (${mesh.n.toLocaleString('en-US')} devices, ` +
    `${(mesh.neighbours.length / 2).toLocaleString('en-US')} links), ${packets} packets, coverage ` +
    `${(100 * pass.coverage).toFixed(2)} %; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
    `Node ${process.version}`,
);
console.log(`| run | first report (loads Vega) | report | page size | browser |`);
console.log(`|---:|---:|---:|---:|---|`);
console.log(
  `| ${runS.toFixed(1)} s | ${times[0]!.toFixed(2)} s | ${times[1]!.toFixed(2)} s | ` +
    `${(bytes / 1e6).toFixed(1)} MB | ${browser} |`,
);
