import { formatDuration } from '../report/text.js';

/** Progress of a sweep on stderr: a bar with ETA on a terminal, a line per 10 % otherwise. */
export function progressReporter(
  err: (s: string) => void,
  tty: boolean,
  quiet: boolean,
): (done: number, total: number) => void {
  const started = Date.now();
  let lastTenth = -1;
  return (done, total) => {
    if (quiet || total === 0) return;
    const elapsedS = (Date.now() - started) / 1000;
    const etaS = done === 0 ? NaN : (elapsedS * (total - done)) / done;
    const eta = Number.isNaN(etaS) ? '?' : formatDuration(etaS);
    if (tty) {
      const width = 30;
      const filled = Math.round((width * done) / total);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      err(`\r[${bar}] ${done}/${total}  ETA ${eta}   ${done === total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      err(`meshcast: ${done}/${total} done, ${formatDuration(elapsedS)} elapsed, ETA ${eta}\n`);
    }
  };
}

/** Progress of a run's passes on stderr: a line per tenth of each pass (these passes can take minutes). */
export function passProgress(err: (s: string) => void): (pass: number, flooded: number, packets: number) => void {
  let shown = { pass: 0, next: 0 };
  return (pass, flooded, packets) => {
    if (pass !== shown.pass) shown = { pass, next: 0 };
    if (flooded < shown.next) return;
    err(`pass ${pass}: ${flooded} of ${packets} packets flooded (${Math.floor((100 * flooded) / packets)} %)\n`);
    shown.next = flooded + packets / 10;
  };
}
