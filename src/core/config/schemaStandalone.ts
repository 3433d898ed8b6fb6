// Run by the build (scripts/build.mjs) and by test/unit/config-schema-standalone.test.ts: the
// schema compiled by ajv into the source of a CommonJS module that exports the validate function
// (ajv's standalone code), with the same options and formats as schemaCheck.ts uses.
import Ajv, { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import schema from '../../../schema/bluegreen.schema.json';
import { AJV_OPTIONS, ajvFormats } from './schemaFormats';

/** `formatsModule`: what the generated code requires for the formats (schemaFormats.ts). */
export function standaloneValidatorCode(formatsModule: string): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, formats: _`require(${formatsModule}).ajvFormats` } });
  for (const [name, format] of Object.entries(ajvFormats)) ajv.addFormat(name, format);
  return standaloneCode(ajv, ajv.compile(schema));
}
