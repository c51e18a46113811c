import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { extname, join } from 'node:path';
import { TRACE_MAX_DEVICES } from '../../broadcast/trace.js';
import type { CompiledMesh } from '../../network/mesh.js';
import type { ResolvedRadio } from '../../radio/radio.js';
import { endpointsCsv, endpointsGeoJson, failedEndpointsCsv } from '../../report/endpoint-files.js';
import { campaignCharts, renderCampaignReport } from '../../report/campaign-report.js';
import { endpointTable, type EndpointTable } from '../../report/endpoints.js';
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

/**
 * The output options a command was given, by long name (`'svg-dir'` is `--svg-dir`); each
 * command's table in `src/cli/options/` declares those it takes.
 */
export interface OutputValues {
  /** `--html FILE`: the self-contained page. */
  readonly html?: string | undefined;
  /** `--svg-dir DIR`: each chart as `.svg` and `.vl.json`. */
  readonly 'svg-dir'?: string | undefined;
  /** `--endpoints FILE`: every endpoint, CSV or GeoJSON by the extension. */
  readonly endpoints?: string | undefined;
  /** `--failed FILE`: the endpoints left without the image. */
  readonly failed?: string | undefined;
  /** `--trace FILE`: every copy of every packet, NDJSON. */
  readonly trace?: string | undefined;
  /** `--records csv|parquet`: the tidy records' format. */
  readonly records?: string | undefined;
  /** `--out-records FILE`: where the tidy records go (standard output without it). */
  readonly 'out-records'?: string | undefined;
}

type OutputName = keyof OutputValues;

/** Options of `meshcast run` that write pictures and files beside the report. */
const RUN_OUTPUTS = ['html', 'svg-dir', 'endpoints', 'failed', 'trace'] as const;

/** Options of `meshcast run` that write pictures and files for a head-end scenario's day. */
const HEADEND_OUTPUTS = ['html', 'svg-dir', 'endpoints', 'failed'] as const;

/** Options of `meshcast campaign` that write its page and charts. */
const CAMPAIGN_OUTPUTS = ['html', 'svg-dir'] as const;

/** Options of `meshcast report` that write pictures and tidy records into files. */
const REPORT_OUTPUTS = ['html', 'svg-dir', 'out-records'] as const;

/** An option's path, or undefined when absent; an empty path (`--html=`) is a mistake. */
function pathOf(values: OutputValues, name: OutputName): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (v === '') throw new UsageError(`--${name} needs a path`);
  return v;
}

/** The given output options as `[--flag, path]` pairs, empty paths refused. */
function outputsOf(values: OutputValues, names: readonly OutputName[]): [string, string | undefined][] {
  return names.map((name): [string, string | undefined] => [`--${name}`, pathOf(values, name)]);
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
 * Writes `--html` (and then the page's own charts into `--svg-dir`), or with `--svg-dir` alone
 * the charts without a page: the page is rendered only when asked for.
 */
async function writePageAndCharts(
  values: OutputValues,
  page: () => Promise<{ readonly html: string; readonly charts: readonly RenderedChart[] }>,
  charts: () => Promise<readonly RenderedChart[]>,
  err: (s: string) => void,
): Promise<void> {
  const html = pathOf(values, 'html');
  const svgDir = pathOf(values, 'svg-dir');
  if (html !== undefined) {
    const report = await page();
    write(html, report.html, err);
    if (svgDir !== undefined) writeChartFiles(svgDir, report.charts, err);
  } else if (svgDir !== undefined) writeChartFiles(svgDir, await charts(), err);
}

/** Writes `--endpoints` (CSV or GeoJSON by its extension) and `--failed` from one endpoint table. */
function writeEndpointFiles(values: OutputValues, table: EndpointTable, err: (s: string) => void): void {
  const endpoints = pathOf(values, 'endpoints');
  const failed = pathOf(values, 'failed');
  if (endpoints !== undefined) {
    write(endpoints, endpointsFormat(endpoints) === 'csv' ? endpointsCsv(table) : endpointsGeoJson(table), err);
  }
  if (failed !== undefined) write(failed, failedEndpointsCsv(table), err);
}

/**
 * Checks `meshcast run`'s output options before the run: paths writable and distinct from the
 * scenario, `--endpoints` a .csv or .geojson file, and a `--trace` the network allows.
 */
export function checkRunOutputs(
  values: OutputValues,
  scenarioPath: string,
  mesh: CompiledMesh,
  radio: ResolvedRadio,
): void {
  checkOutputs(outputsOf(values, RUN_OUTPUTS), [scenarioPath]);
  const endpoints = pathOf(values, 'endpoints');
  if (endpoints !== undefined) endpointsFormat(endpoints);
  if (values.trace !== undefined) {
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
 * Checks `meshcast run`'s output options for a head-end scenario before its day runs: paths
 * writable and distinct from the scenario, `--endpoints` a .csv or .geojson file; `--trace`
 * refused (a day's commands are not traced).
 */
export function checkHeadendOutputs(values: OutputValues, scenarioPath: string): void {
  if (values.trace !== undefined)
    throw new UsageError('--trace: a head-end scenario is not traced; trace a broadcast scenario');
  checkOutputs(outputsOf(values, HEADEND_OUTPUTS), [scenarioPath]);
  const endpoints = pathOf(values, 'endpoints');
  if (endpoints !== undefined) endpointsFormat(endpoints);
}

/**
 * Writes what `meshcast run`'s output options ask for after a head-end day: its page, its charts,
 * and the devices as the day's broadcasts left them.
 */
export async function writeHeadendOutputs(
  values: OutputValues,
  day: HeadendDay,
  title: string,
  err: (s: string) => void,
): Promise<void> {
  await writePageAndCharts(
    values,
    () => renderHeadendReport(day, { title }),
    () => renderCharts(headendCharts(day)),
    err,
  );
  if (pathOf(values, 'endpoints') === undefined && pathOf(values, 'failed') === undefined) return;
  const run = headendRun(day);
  if (run === null) {
    err('meshcast: no broadcast command ran: no endpoint files written\n');
    return;
  }
  writeEndpointFiles(values, endpointTable(run), err);
}

/**
 * Checks `meshcast campaign`'s output options before the campaign runs: paths writable and
 * distinct from its inputs (the scenario, the checkpoint).
 */
export function checkCampaignOutputs(values: OutputValues, inputs: readonly string[]): void {
  checkOutputs(outputsOf(values, CAMPAIGN_OUTPUTS), inputs);
}

/** Writes what `meshcast campaign`'s output options ask for, from the campaign's result. */
export async function writeCampaignOutputs(
  values: OutputValues,
  result: CampaignResult,
  title: string,
  err: (s: string) => void,
): Promise<void> {
  await writePageAndCharts(
    values,
    () => renderCampaignReport(result, { title }),
    () => renderCharts(campaignCharts(result)),
    err,
  );
}

/** Writes what `meshcast run`'s output options ask for, from the run's result. */
export async function writeRunOutputs(
  values: OutputValues,
  result: ScenarioResult,
  title: string,
  err: (s: string) => void,
): Promise<void> {
  await writePageAndCharts(
    values,
    () => renderRunReport(result, { title }),
    () => renderCharts(runCharts(result)),
    err,
  );
  if (pathOf(values, 'endpoints') !== undefined || pathOf(values, 'failed') !== undefined) {
    writeEndpointFiles(values, endpointTable(result), err);
  }
  const trace = pathOf(values, 'trace');
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
 * Checks `meshcast report`'s output options before reading: paths writable and distinct from the
 * results files, `--records` csv or parquet (parquet only into `--out-records`; csv to standard
 * output only without `--csv` or `--json`).
 * @returns whether the tidy records go to standard output (in place of the table)
 */
export function checkReportOutputs(
  values: OutputValues & { readonly csv?: boolean | undefined; readonly json?: boolean | undefined },
  inputs: readonly string[],
): boolean {
  checkOutputs(outputsOf(values, REPORT_OUTPUTS), inputs);
  const format = values.records;
  const into = pathOf(values, 'out-records');
  if (format === undefined) {
    if (into !== undefined) throw new UsageError('--out-records: give the format with --records csv|parquet');
    return false;
  }
  if (format !== 'csv' && format !== 'parquet') throw new UsageError(`--records: got ${format}; allowed: csv, parquet`);
  if (into !== undefined) return false;
  if (format === 'parquet') throw new UsageError('--records parquet: name the file with --out-records FILE');
  if (values.csv === true || values.json === true) {
    throw new UsageError('--records csv without --out-records prints the records: not with --csv or --json');
  }
  return true;
}

/** Writes what `meshcast report`'s output options ask for, from the merged records. */
export async function writeReportOutputs(
  values: OutputValues,
  records: readonly SweepRecord[],
  page: { readonly title: string; readonly notes: readonly string[] },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<void> {
  await writePageAndCharts(
    values,
    () => renderSweepReport(records, page),
    () => renderCharts(sweepCharts(records)),
    err,
  );
  const format = values.records;
  if (format === undefined) return;
  const table = tidyRecords(records);
  const into = pathOf(values, 'out-records');
  if (into === undefined) out(tidyCsv(table));
  else write(into, format === 'parquet' ? await tidyParquet(table) : tidyCsv(table), err);
}
