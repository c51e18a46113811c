/**
 * Firmware versions as the head-end writes them: `5.18`, `9.57`, `4.21`, or a family such as
 * `42x` (every 4.2 release: 4.2, 4.21, 4.25 …). One ordering rule for all of meshcast:
 * components compare as numbers, left to right, so `9.57` > `9.5` and `5.18` > `5.2`.
 * @module
 */

/** A version's numeric components (`[5, 18]`), or null when it is not a version. */
export function versionParts(version: string): number[] | null {
  const family = /^(\d)(\d)x$/i.exec(version);
  if (family !== null) return [Number(family[1]), Number(family[2])];
  if (!/^\d+(\.\d+)*$/.test(version)) return null;
  return version.split('.').map(Number);
}

/**
 * Compares two versions: negative when `a` is older, 0 when equal, positive when newer. A
 * missing component counts as 0 (`5.2` = `5.2.0`).
 * @throws Error when either is not a version
 */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  if (pa === null || pb === null) throw new Error(`not a version: ${pa === null ? a : b}`);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether module firmware is of the 4.2x family (4.2, 4.21, `42x` …): endpoints on it take no
 * broadcast image — broadcast arrived with 5.x (the guide's deviation rule for 42x firmware).
 */
export function isModule42x(version: string | undefined): boolean {
  if (version === undefined) return false;
  if (/^42x$/i.test(version)) return true;
  return /^4\.2\d*(\.\d+)*$/.test(version);
}

/**
 * Whether two versions name the same release: equal as versions (`5.2` = `5.2.0`), or one is a
 * family and the other of it (`42x` names 4.2, 4.21, 4.25 …).
 * @throws Error when either is not a version
 */
export function sameVersion(a: string, b: string): boolean {
  const family = (f: string, v: string): boolean => {
    const m = /^(\d)(\d)x$/i.exec(f);
    if (m === null) return false;
    return /^\d+(\.\d+)*$/.test(v) ? v === `${m[1]}.${m[2]}` || v.startsWith(`${m[1]}.${m[2]}`) : false;
  };
  if (family(a, b) || family(b, a)) return true;
  return compareVersions(a, b) === 0;
}
