/* global process, console */
// Checks shard files of a sweep against the single-machine results file, record for record,
// without meshcast's own merge: every file's header names its shard (the index in its name)
// and the sweep; every record in a file is a task of that shard; every task is in exactly one
// file; and each record is byte-identical to the single-machine one.
// Usage: node compare-shards.mjs SINGLE.ndjson COUNT DIR/shard-I.ndjson...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [single, countText, ...files] = process.argv.slice(2);
const count = Number(countText);
const problems = [];

/** The header and record lines of a results file. */
function read(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.pop() !== '') problems.push(`${path}: the last line has no newline (a torn write)`);
  const header = JSON.parse(lines[0] ?? 'null');
  if (header?.meshcast !== 'sweep results') problems.push(`${path}: no header line`);
  const records = lines.slice(1).map((text) => ({ text, r: JSON.parse(text) }));
  return { header, records };
}

const whole = read(single);
const expected = new Map(whole.records.map(({ text, r }) => [`${r.cell}/${r.replication}`, text]));
const tasks = whole.header.cells * whole.header.replications;
if (expected.size !== tasks || whole.records.length !== tasks)
  problems.push(`${single}: ${whole.records.length} records, ${expected.size} tasks; the sweep has ${tasks}`);

const seen = new Map();
for (const path of files) {
  const index = Number(/^shard-(\d+)\.ndjson$/.exec(basename(path))?.[1]);
  const { header, records } = read(path);
  if (header?.sweepId !== whole.header.sweepId) problems.push(`${path}: header of another sweep`);
  if (header?.shard?.index !== index || header?.shard?.count !== count)
    problems.push(`${path}: header says shard ${header?.shard?.index}/${header?.shard?.count}, not ${index}/${count}`);
  for (const { text, r } of records) {
    const key = `${r.cell}/${r.replication}`;
    const task = r.cell * whole.header.replications + r.replication;
    if (task % count !== index)
      problems.push(`${path}: cell ${r.cell} replication ${r.replication} is not shard ${index}'s`);
    if (seen.has(key)) problems.push(`${path}: cell ${r.cell} replication ${r.replication} also in ${seen.get(key)}`);
    seen.set(key, path);
    if (expected.get(key) !== text)
      problems.push(`${path}: cell ${r.cell} replication ${r.replication} differs from the single-machine record`);
  }
}
for (const key of expected.keys()) if (!seen.has(key)) problems.push(`task ${key} is in no shard file`);

if (problems.length > 0) {
  console.error(problems.slice(0, 20).join('\n'));
  if (problems.length > 20) console.error(`… and ${problems.length - 20} more`);
  process.exit(1);
}
console.log(
  `${files.length} shard files, ${seen.size} records: each task once, in its own shard, identical to ` +
    `${basename(single)}`,
);
