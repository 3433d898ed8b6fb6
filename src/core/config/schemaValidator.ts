// The schema's validator. From source it is compiled here with ajv, once; scripts/build.mjs
// replaces this module in the bundles with the code schemaStandalone.ts generates (the same
// options and formats), so a bundle neither loads ajv's compiler nor runs it at every start.
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import schema from '../../../schema/bluegreen.schema.json';
import { AJV_OPTIONS, ajvFormats } from './schemaFormats';

let compiled: ValidateFunction | undefined;

export function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv(AJV_OPTIONS);
    for (const [name, format] of Object.entries(ajvFormats)) ajv.addFormat(name, format);
    compiled = ajv.compile(schema);
  }
  return compiled;
}
