import { isPlainObject } from '../check.js';
import { VERSION } from '../version.js';

/**
 * The first line of a results file written by `meshcast sweep`: which sweep and which shard
 * the file holds, and how many tasks the whole sweep has. Resuming checks it (a file of shard
 * 0 never takes shard 1's work); `meshcast report` uses it to name the tasks and shards that no
 * file holds.
 */
export interface ResultsHeader {
  /** Marks the line as a header: always `'sweep results'`. */
  readonly meshcast: 'sweep results';
  /** Identity of the sweep, as in its records. */
  readonly sweepId: string;
  /** The shard the file holds: tasks t with t mod count = index (`{ index: 0, count: 1 }`: the whole sweep). */
  readonly shard: {
    /** This shard's index, 0 … count − 1. */
    readonly index: number;
    /** Shards the sweep is split into. */
    readonly count: number;
  };
  /** Cells of the sweep's grid. */
  readonly cells: number;
  /** Replications per cell. */
  readonly replications: number;
  /** meshcast version. */
  readonly version: string;
}

/**
 * The header of a results file.
 * @param sweepId - the sweep's identity
 * @param shard - the shard the file holds (`{ index: 0, count: 1 }` for a whole sweep)
 * @param cells - cells of the grid
 * @param replications - replications per cell
 */
export function resultsHeader(
  sweepId: string,
  shard: { readonly index: number; readonly count: number },
  cells: number,
  replications: number,
): ResultsHeader {
  return {
    meshcast: 'sweep results',
    sweepId,
    shard: { index: shard.index, count: shard.count },
    cells,
    replications,
    version: VERSION,
  };
}

const isCount = (v: unknown, least: number): boolean => Number.isSafeInteger(v) && (v as number) >= least;

/** Whether a parsed line is a {@link ResultsHeader}, every field of the right type and range. */
export function isResultsHeader(v: unknown): v is ResultsHeader {
  if (!isPlainObject(v) || v['meshcast'] !== 'sweep results') return false;
  const shard = v['shard'];
  return (
    typeof v['sweepId'] === 'string' &&
    typeof v['version'] === 'string' &&
    isCount(v['cells'], 1) &&
    isCount(v['replications'], 1) &&
    isPlainObject(shard) &&
    isCount(shard['count'], 1) &&
    isCount(shard['index'], 0) &&
    (shard['index'] as number) < (shard['count'] as number)
  );
}
