/**
 * meshcast's typedoc plugin.
 *
 * - The published JSON Schemas (`SCENARIO_SCHEMA`, `GENERATOR_SCHEMAS`) appear as `object`: their
 *   contents are JSON Schema — documented by the schemas' own `description`s and published as
 *   docs/scenario.schema.json — not TypeScript members to list one keyword at a time.
 * - The head-end and workflow layers (src/headend/, src/workflow/) and the campaign's scenario and
 *   report files do not yet document every member and link: until they do, their warnings are
 *   counted and printed as one note instead of failing `npm run docs`. Every other gap fails it.
 */
import { Application, Converter, IntrinsicType, ReflectionType } from 'typedoc';

const SCHEMAS = ['SCENARIO_SCHEMA', 'GENERATOR_SCHEMAS'];

/** Warnings about files not yet documented member by member: their members, and links in their comments. */
const OWNED_ELSEWHERE = [
  /defined in meshcast\/src\/(headend|workflow)\//,
  /defined in meshcast\/src\/(scenario|report)\/campaign\.ts/,
  /link to "Catalogue\.missing" in comment for Catalogue$/,
  /comment for Records\.(status|flags) links to "(STATUS|RECORD_FLAGS)"/,
];

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const name of SCHEMAS) {
      const reflection = context.project.getChildByName(name);
      if (reflection && 'type' in reflection && reflection.type instanceof ReflectionType) {
        context.project.removeReflection(reflection.type.declaration);
        reflection.type = new IntrinsicType('object');
      }
    }
  });

  const logger = app.logger;
  let owned = 0;
  const isOwnedElsewhere = (message) => OWNED_ELSEWHERE.some((pattern) => pattern.test(String(message)));
  for (const method of ['warn', 'validationWarning']) {
    const original = logger[method].bind(logger);
    logger[method] = (message, ...rest) => {
      // Such a warning is counted, not logged (validationWarning logs through warn: no double count).
      if (isOwnedElsewhere(message)) owned++;
      else original(message, ...rest);
    };
  }
  app.on(Application.EVENT_VALIDATE_PROJECT, () => {
    if (owned > 0)
      logger.info(
        `${owned} warnings not counted, in files not yet documented member by member ` +
          '(src/headend/, src/workflow/, the campaign files): members without documentation, links',
      );
  });
}
