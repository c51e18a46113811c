import { formatDuration } from '../report/text.js';

/** Least milliseconds between two redraws of a progress line on a terminal. */
const REDRAW_MS = 100;

/**
 * Progress of a sweep on stderr: a bar with ETA on a terminal (redrawn at most ten times a
 * second, and at the end), a line per 10 % otherwise.
 * @param nowMs - the clock, milliseconds
 */
export function progressReporter(
  err: (s: string) => void,
  tty: boolean,
  quiet: boolean,
  nowMs: () => number = Date.now,
): (done: number, total: number) => void {
  const started = nowMs();
  let lastTenth = -1;
  let drawnMs = -Infinity;
  return (done, total) => {
    if (quiet || total === 0) return;
    const now = nowMs();
    const elapsedS = (now - started) / 1000;
    const etaS = done === 0 ? NaN : (elapsedS * (total - done)) / done;
    const eta = Number.isNaN(etaS) ? '?' : formatDuration(etaS);
    if (tty) {
      if (done < total && now - drawnMs < REDRAW_MS) return;
      drawnMs = now;
      err(`\r${bar(done, total)} ${done}/${total}  ETA ${eta}   ${done === total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      err(`meshcast: ${done}/${total} done, ${formatDuration(elapsedS)} elapsed, ETA ${eta}\n`);
    }
  };
}

/** `[#####.....]`, 30 wide. */
function bar(done: number, total: number): string {
  const width = 30;
  const filled = Math.min(width, Math.round((width * done) / total));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * Progress of a run's passes on stderr (these passes can take minutes): on a terminal, one line
 * per pass redrawn at most ten times a second; otherwise a line per tenth of each pass.
 * @param nowMs - the clock, milliseconds
 */
export function passProgress(
  err: (s: string) => void,
  tty: boolean,
  nowMs: () => number = Date.now,
): (pass: number, flooded: number, packets: number) => void {
  let shown = { pass: 0, tenth: -1, drawnMs: -Infinity };
  return (pass, flooded, packets) => {
    if (pass !== shown.pass) shown = { pass, tenth: -1, drawnMs: -Infinity };
    const percent = Math.floor((100 * flooded) / packets);
    if (tty) {
      const now = nowMs();
      if (flooded < packets && now - shown.drawnMs < REDRAW_MS) return;
      shown.drawnMs = now;
      err(
        `\rpass ${pass}: ${bar(flooded, packets)} ${flooded}/${packets} packets flooded` +
          `${flooded === packets ? '\n' : ''}`,
      );
      return;
    }
    const tenth = Math.floor((10 * flooded) / packets);
    if (tenth <= shown.tenth) return;
    shown.tenth = tenth;
    err(`pass ${pass}: ${flooded} of ${packets} packets flooded (${percent} %)\n`);
  };
}
