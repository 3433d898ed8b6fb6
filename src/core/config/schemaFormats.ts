// The schema's `bg-*` formats and ajv's options: shared by schemaCheck.ts, which compiles the
// schema from source, and the validator compiled at build time (schemaStandalone.ts), whose code
// calls these very format functions.
import type { Options } from 'ajv';
import * as values from './values';
import { checkWebhookUrl } from '../notify/webhookSpec';

/** The schema's `bg-*` formats: each is one of the value checks, so ajv and the messages agree. */
export const FORMAT_CHECKS: Record<string, values.ValueCheck> = {
  'bg-name': values.checkName,
  'bg-url-path': values.checkUrlPath,
  'bg-route': values.checkRoute,
  'bg-header-name': values.checkHeaderName,
  'bg-cookie-name': values.checkCookieName,
  'bg-value': values.checkCookieOrHeaderValue,
  'bg-regex': values.checkRegex,
  'bg-version': values.checkVersion,
  'bg-duration': values.checkDuration,
  'bg-percent': values.checkPercent,
  'bg-host': values.checkHostName,
  'bg-ssh-target': values.checkSshTarget,
  'bg-user-name': values.checkUserName,
  'bg-ssh-option-name': values.checkSshOptionName,
  'bg-single-line': values.checkSingleLine,
  'bg-file-path': values.checkFilePath,
  'bg-deploy-command': values.checkDeployCommand,
  'bg-artifact-path': values.checkArtifactPath,
  'bg-artifact-build': values.checkArtifactBuild,
  'bg-image': values.checkImageReference,
  'bg-env-ref': values.checkEnvReference,
  'bg-docker-host': values.checkDockerHost,
  'bg-webhook-url': checkWebhookUrl,
};

/** The formats as ajv takes them. */
export const ajvFormats = Object.fromEntries(Object.entries(FORMAT_CHECKS).map(([name, check]) =>
  [name, { type: 'string' as const, validate: (value: string) => check(value) === undefined }]));

export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false };
