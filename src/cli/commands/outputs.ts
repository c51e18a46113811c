import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { extname, join } from 'node:path';
import { TRACE_MAX_DEVICES } from '../../broadcast/trace.js';
import type { CompiledMesh } from '../../network/mesh.js';
import type { ResolvedRadio } from '../../radio/radio.js';
import { endpointsCsv, endpointsGeoJson, failedEndpointsCsv } from '../../report/endpoint-files.js';
import { campaignCharts, renderCampaignReport } from '../../report/campaign-report.js';
import { endpointTable } from '../../report/endpoints.js';
import { headendCharts, headendRun, renderHeadendReport } from '../../report/headend-report.js';
import { tidyParquet } from '../../report/parquet.js';
import { tidyCsv, tidyRecords } from '../../report/records.js';
import { runCharts } from '../../report/run-charts.js';
import { renderRunReport } from '../../report/run-report.js';
import { sweepCharts } from '../../report/sweep-charts.js';
import { renderSweepReport } from '../../report/sweep-report.js';
import { traceScenario } from '../../report/trace.js';
import { chartFiles, renderCharts, type RenderedChart } from '../../report/vega.js';
import type { HeadendDay } from '../../scenario/headend.js';
import type { ScenarioResult } from '../../scenario/run.js';
import type { SweepRecord } from '../../sweep/record.js';
import type { CampaignResult } from '../../workflow/campaign.js';
import { UsageError } from '../args.js';
import { writablePath } from '../files.js';
import { sameFile } from '../results-file.js';

type Flags = Map<string, string | true>;

/** Flags of `meshcast run` that write pictures and files beside the report. */
export const RUN_OUTPUT_FLAGS = ['--html', '--svg-dir', '--endpoints', '--failed', '--trace'] as const;

/** Flags of `meshcast run` that write pictures and files for a head-end scenario's day. */
export const HEADEND_OUTPUT_FLAGS = ['--html', '--svg-dir', '--endpoints', '--failed'] as const;

/** Flags of `meshcast campaign` that write its page and charts. */
export const CAMPAIGN_OUTPUT_FLAGS = ['--html', '--svg-dir'] as const;

/** Flags of `meshcast report` that write pictures and tidy records. */
export const REPORT_OUTPUT_FLAGS = ['--html', '--svg-dir', '--records', '--out-records'] as const;

/** A flag's path, or undefined when absent; a flag given without a value is a mistake. */
function pathOf(flags: Flags, flag: string): string | undefined {
  const v = flags.get(flag);
  if (v === undefined) return undefined;
  if (v === true || v === '') throw new UsageError(`${flag} needs a path`);
  return v;
}

/**
 * Refuses output paths that cannot be written, that name an input, or that name each other —
 * before any work, not after it.
 */
function checkOutputs(outputs: readonly [string, string | undefined][], inputs: readonly string[]): void {
  const given = outputs.filter((o): o is [string, string] => o[1] !== undefined);
  given.forEach(([flag, path], i) => {
    if (flag !== '--svg-dir') writablePath(flag, path);
    for (const input of inputs) if (sameFile(path, input)) throw new UsageError(`${flag}: ${path} is an input file`);
    for (const [other, otherPath] of given.slice(0, i)) {
      if (sameFile(path, otherPath)) throw new UsageError(`${flag}: ${path} is also the ${other} file`);
    }
  });
}

/** Writes each chart's `.svg` and `.vl.json` into `dir` (made if missing). */
function writeChartFiles(dir: string, charts: readonly RenderedChart[], err: (s: string) => void): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--svg-dir: cannot make ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const files = chartFiles(charts);
  for (const f of files) writeFileSync(join(dir, f.name), f.contents);
  err(`meshcast: wrote ${files.length} chart files to ${dir}\n`);
}

/** Writes a file and says so on standard error, with its size. */
function write(path: string, contents: string | Uint8Array, err: (s: string) => void): void {
  writeFileSync(path, contents);
  const bytes = typeof contents === 'string' ? Buffer.byteLength(contents) : contents.byteLength;
  err(`meshcast: wrote ${path} (${(bytes / 1e6).toFixed(bytes < 1e5 ? 3 : 1)} MB)\n`);
}

/** The format of `--endpoints` by the file's extension. */
function endpointsFormat(path: string): 'csv' | 'geojson' {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  throw new UsageError(`--endpoints: ${path}: name a .csv or a .geojson file`);
}

/**
 * Checks `meshcast run`'s output flags before the run: paths writable and distinct from the
 * scenario, `--endpoints` a .csv or .geojson file, and a `--trace` the network allows.
 */
export function checkRunOutputs(flags: Flags, scenarioPath: string, mesh: CompiledMesh, radio: ResolvedRadio): void {
  const outputs = RUN_OUTPUT_FLAGS.map((f): [string, string | undefined] => [f, pathOf(flags, f)]);
  checkOutputs(outputs, [scenarioPath]);
  const endpoints = pathOf(flags, '--endpoints');
  if (endpoints !== undefined) endpointsFormat(endpoints);
  if (flags.has('--trace')) {
    if (mesh.n > TRACE_MAX_DEVICES) {
      throw new UsageError(
        `--trace: the network has ${mesh.n.toLocaleString('en-US')} devices; a trace follows every copy of every ` +
          `packet and is made for networks of at most ${TRACE_MAX_DEVICES.toLocaleString('en-US')}`,
      );
    }
    if (radio.contention !== 'none') {
      throw new UsageError('--trace: the scenario runs with contention on; a trace follows floods without shared air');
    }
  }
}

/**
 * Checks `meshcast run`'s output flags for a head-end scenario before its day runs: paths
 * writable and distinct from the scenario, `--endpoints` a .csv or .geojson file; `--trace`
 * refused (a day's commands are not traced).
 */
export function checkHeadendOutputs(flags: Flags, scenarioPath: string): void {
  if (flags.has('--trace'))
    throw new UsageError('--trace: a head-end scenario is not traced; trace a broadcast scenario');
  checkOutputs(
    HEADEND_OUTPUT_FLAGS.map((f): [string, string | undefined] => [f, pathOf(flags, f)]),
    [scenarioPath],
  );
  const endpoints = pathOf(flags, '--endpoints');
  if (endpoints !== undefined) endpointsFormat(endpoints);
}

/**
 * Writes what `meshcast run`'s output flags ask for after a head-end day: its page, its charts,
 * and the devices as the day's broadcasts left them.
 */
export async function writeHeadendOutputs(
  flags: Flags,
  day: HeadendDay,
  title: string,
  err: (s: string) => void,
): Promise<void> {
  const html = pathOf(flags, '--html');
  const svgDir = pathOf(flags, '--svg-dir');
  const endpoints = pathOf(flags, '--endpoints');
  const failed = pathOf(flags, '--failed');
  if (html !== undefined) {
    const report = await renderHeadendReport(day, { title });
    write(html, report.html, err);
    if (svgDir !== undefined) writeChartFiles(svgDir, report.charts, err);
  } else if (svgDir !== undefined) writeChartFiles(svgDir, await renderCharts(headendCharts(day)), err);
  if (endpoints === undefined && failed === undefined) return;
  const run = headendRun(day);
  if (run === null) {
    err('meshcast: no broadcast command ran: no endpoint files written\n');
    return;
  }
  const table = endpointTable(run);
  if (endpoints !== undefined) {
    write(endpoints, endpointsFormat(endpoints) === 'csv' ? endpointsCsv(table) : endpointsGeoJson(table), err);
  }
  if (failed !== undefined) write(failed, failedEndpointsCsv(table), err);
}

/**
 * Checks `meshcast campaign`'s output flags before the campaign runs: paths writable and
 * distinct from its inputs (the scenario, the checkpoint).
 */
export function checkCampaignOutputs(flags: Flags, inputs: readonly string[]): void {
  checkOutputs(
    CAMPAIGN_OUTPUT_FLAGS.map((f): [string, string | undefined] => [f, pathOf(flags, f)]),
    inputs,
  );
}

/** Writes what `meshcast campaign`'s output flags ask for, from the campaign's result. */
export async function writeCampaignOutputs(
  flags: Flags,
  result: CampaignResult,
  title: string,
  err: (s: string) => void,
): Promise<void> {
  const html = pathOf(flags, '--html');
  const svgDir = pathOf(flags, '--svg-dir');
  if (html !== undefined) {
    const report = await renderCampaignReport(result, { title });
    write(html, report.html, err);
    if (svgDir !== undefined) writeChartFiles(svgDir, report.charts, err);
  } else if (svgDir !== undefined) writeChartFiles(svgDir, await renderCharts(campaignCharts(result)), err);
}

/** Writes what `meshcast run`'s output flags ask for, from the run's result. */
export async function writeRunOutputs(
  flags: Flags,
  result: ScenarioResult,
  title: string,
  err: (s: string) => void,
): Promise<void> {
  const html = pathOf(flags, '--html');
  const svgDir = pathOf(flags, '--svg-dir');
  const endpoints = pathOf(flags, '--endpoints');
  const failed = pathOf(flags, '--failed');
  const trace = pathOf(flags, '--trace');
  if (html !== undefined) {
    const report = await renderRunReport(result, { title });
    write(html, report.html, err);
    if (svgDir !== undefined) writeChartFiles(svgDir, report.charts, err);
  } else if (svgDir !== undefined) writeChartFiles(svgDir, await renderCharts(runCharts(result)), err);
  if (endpoints !== undefined || failed !== undefined) {
    const table = endpointTable(result);
    if (endpoints !== undefined) {
      write(endpoints, endpointsFormat(endpoints) === 'csv' ? endpointsCsv(table) : endpointsGeoJson(table), err);
    }
    if (failed !== undefined) write(failed, failedEndpointsCsv(table), err);
  }
  if (trace !== undefined) writeTrace(trace, result, err);
}

/** Streams a run's trace to a file, a megabyte at a time. */
function writeTrace(path: string, result: ScenarioResult, err: (s: string) => void): void {
  const fd = openSync(path, 'w');
  let lines = 0;
  try {
    let buffer: string[] = [];
    let size = 0;
    const flush = (): void => {
      if (buffer.length > 0) writeSync(fd, `${buffer.join('\n')}\n`);
      buffer = [];
      size = 0;
    };
    traceScenario(result, (line) => {
      buffer.push(line);
      lines++;
      size += line.length;
      if (size > 1 << 20) flush();
    });
    flush();
  } finally {
    closeSync(fd);
  }
  err(`meshcast: wrote ${path} (${lines.toLocaleString('en-US')} events)\n`);
}

/**
 * Checks `meshcast report`'s output flags before reading: paths writable and distinct from the
 * results files, `--records` csv or parquet (parquet only into `--out-records`).
 * @returns whether the tidy records go to standard output (in place of the table)
 */
export function checkReportOutputs(flags: Flags, inputs: readonly string[]): boolean {
  const outputs = REPORT_OUTPUT_FLAGS.filter((f) => f !== '--records').map((f): [string, string | undefined] => [
    f,
    pathOf(flags, f),
  ]);
  checkOutputs(outputs, inputs);
  const format = flags.get('--records');
  const into = pathOf(flags, '--out-records');
  if (format === undefined) {
    if (into !== undefined) throw new UsageError('--out-records: give the format with --records csv|parquet');
    return false;
  }
  if (format !== 'csv' && format !== 'parquet')
    throw new UsageError(`--records: got ${String(format)}; allowed: csv, parquet`);
  if (into !== undefined) return false;
  if (format === 'parquet') throw new UsageError('--records parquet: name the file with --out-records FILE');
  if (flags.has('--csv') || flags.has('--json')) {
    throw new UsageError('--records csv without --out-records prints the records: not with --csv or --json');
  }
  return true;
}

/** Writes what `meshcast report`'s output flags ask for, from the merged records. */
export async function writeReportOutputs(
  flags: Flags,
  records: readonly SweepRecord[],
  page: { readonly title: string; readonly notes: readonly string[] },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  const html = pathOf(flags, '--html');
  const svgDir = pathOf(flags, '--svg-dir');
  if (html !== undefined) {
    const report = await renderSweepReport(records, page);
    write(html, report.html, err);
    if (svgDir !== undefined) writeChartFiles(svgDir, report.charts, err);
  } else if (svgDir !== undefined) writeChartFiles(svgDir, await renderCharts(sweepCharts(records)), err);
  const format = flags.get('--records');
  if (format === undefined) return;
  const table = tidyRecords(records);
  const into = pathOf(flags, '--out-records');
  if (into === undefined) out(tidyCsv(table));
  else write(into, format === 'parquet' ? await tidyParquet(table) : tidyCsv(table), err);
}
