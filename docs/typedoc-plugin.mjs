/**
 * meshcast's typedoc plugin.
 *
 * The published JSON Schemas (`SCENARIO_SCHEMA`, `GENERATOR_SCHEMAS`) appear as `object`: their
 * contents are JSON Schema — documented by the schemas' own `description`s and published as
 * docs/scenario.schema.json — not TypeScript members to list one keyword at a time.
 *
 * Nothing else is set aside: every typedoc warning (a member without documentation, a broken
 * link, a type referenced but not exported) fails `npm run docs` (`treatWarningsAsErrors`).
 */
import { Converter, IntrinsicType, ReflectionType } from 'typedoc';

const SCHEMAS = ['SCENARIO_SCHEMA', 'GENERATOR_SCHEMAS'];

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
}
