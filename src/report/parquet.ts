import { VERSION } from '../version.js';
import type { ColumnType, TidyRecords } from './records.js';

/** Parquet's physical type of each tidy column type (integers as INT64: counts can pass 2^31). */
const PARQUET_TYPE = {
  int: 'INT64',
  double: 'DOUBLE',
  string: 'STRING',
  boolean: 'BOOLEAN',
} as const satisfies Record<ColumnType, string>;

/**
 * A tidy table as an Apache Parquet file (one row group per 100,000 rows, Snappy-compressed,
 * every column nullable; integers as INT64, which pandas reads as int64 — or as float64 when
 * the column has nulls). The writer, hyparquet-writer, is loaded on the first call only: the
 * library and the other commands never pay for it (docs/decisions/0021-tidy-records-parquet.md).
 * @param table - from {@link tidyRecords}
 * @returns the file's bytes
 */
export async function tidyParquet(table: TidyRecords): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const columnData = table.columns.map((c) => ({
    name: c.name,
    type: PARQUET_TYPE[c.type],
    data: c.type === 'int' ? c.values.map((v) => (v === null ? null : BigInt(v as number))) : [...c.values],
  }));
  const buffer = parquetWriteBuffer({
    columnData,
    rowGroupSize: 100_000,
    createdBy: `meshcast version ${VERSION}`,
  });
  return new Uint8Array(buffer);
}
