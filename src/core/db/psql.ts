// Reaches an environment's database with `psql` through the environment's own transport: in the
// sandbox, inside the db container (local socket, no password); on real environments, on the
// configured `database.host` over ssh, with the connection URL taken from a local environment
// variable (`url: env:NAME`) and handed over on stdin — never on a command line, never logged.
// The command lines themselves are built in hostCommands/databaseCommands.ts.
import { EnvironmentHandle } from '../environment/openEnvironment';
import { ExecResult, Transport } from '../transport';
import { PrerequisiteError, StageError } from '../errors';
import { dbContainerName, DB_NAME, DB_USER } from '../sandbox/naming';
import { PsqlConnection, psqlCommand, psqlScript, psqlStdinPrefix } from '../hostCommands/databaseCommands';
import { runHostCommand } from '../hostCommands/run';

export { OWN_APPLICATION_NAME } from '../hostCommands/databaseCommands';

export interface PsqlRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * What the script does: `read` (a query) or `change` (a migration). Defaults: `run` changes,
   * `queryJson` reads — what their callers (migrate, the connection watch and gate) need.
   */
  effect?: 'read' | 'change';
}

export interface Psql {
  /** Where psql runs, for messages: `bg-sandbox-db` or `db1`. */
  readonly where: string;
  /** Runs a psql script (ON_ERROR_STOP, no psqlrc, unaligned tuples-only output); a change unless told. */
  run(script: string, options?: PsqlRunOptions): Promise<ExecResult>;
  /** Runs one query that returns a single JSON value and parses it (a read unless told). */
  queryJson<T>(sql: string, options?: PsqlRunOptions): Promise<T>;
}

export interface PsqlInvocation {
  host: string;
  connection: PsqlConnection;
  /** The psql command line (psqlScript of the connection): never holds the secret. */
  command: string;
  /** What goes before the script on stdin: the URL's line, or nothing. */
  stdinPrefix: string;
  secret?: string;
}

function invocation(host: string, connection: PsqlConnection, secret?: string): PsqlInvocation {
  return { host, connection, command: psqlScript(connection), stdinPrefix: psqlStdinPrefix(connection), ...(secret ? { secret } : {}) };
}

/** Where psql runs and how it connects. Exported for unit tests. */
export function psqlInvocation(handle: Pick<EnvironmentHandle, 'env'>, environ: NodeJS.ProcessEnv = process.env, options: { watch?: boolean } = {}): PsqlInvocation {
  const { env } = handle;
  if (env.kind === 'docker') {
    // The connection watch reads as the sandbox's superuser: it still gets one of the slots
    // PostgreSQL reserves for superusers when zombies have taken all the others.
    const user = options.watch ? 'postgres' : DB_USER;
    return invocation(dbContainerName(env.name), { kind: 'socket', user, database: DB_NAME });
  }
  const host = env.database?.host;
  if (!host) {
    throw new PrerequisiteError(
      `environment "${env.name}" names no database host`,
      `add \`database: { host: DBHOST, url: env:DATABASE_URL }\` under environments.${env.name} (psql runs on that host over ssh)`,
    );
  }
  const url = env.database?.url;
  if (!url) return invocation(host, { kind: 'defaults' });
  const variable = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(url)?.[1];
  if (!variable) throw new PrerequisiteError(`database.url of "${env.name}" must be env:NAME, got something else`, 'secrets never go in the config: name the environment variable that holds the URL');
  const secret = environ[variable];
  if (!secret) throw new PrerequisiteError(`the environment variable ${variable} is not set`, `export ${variable}=postgres://… (database.url of "${env.name}" names it)`);
  if (/[\r\n]/.test(secret)) throw new PrerequisiteError(`the environment variable ${variable} holds more than one line`);
  // The first stdin line is the URL; psql reads the rest as its script.
  return invocation(host, { kind: 'url', url: secret }, secret);
}

export function openPsql(handle: EnvironmentHandle, environ: NodeJS.ProcessEnv = process.env, options: { watch?: boolean } = {}): Psql {
  const call = psqlInvocation(handle, environ, options);
  const transport: Transport = handle.host(call.host);
  const redact = (text: string) => (call.secret ? text.split(call.secret).join('<database url>') : text);
  const run = async (script: string, options: PsqlRunOptions = {}): Promise<ExecResult> => {
    const command = psqlCommand(call.connection, script, { effect: options.effect ?? 'change', timeoutMs: options.timeoutMs ?? 60_000 });
    const result = await runHostCommand(transport, command, { signal: options.signal });
    return { ...result, stdout: redact(result.stdout), stderr: redact(result.stderr) };
  };
  return {
    where: call.host,
    run,
    async queryJson<T>(sql: string, options?: PsqlRunOptions): Promise<T> {
      const result = await run(`${sql}\n`, { ...options, effect: options?.effect ?? 'read' });
      if (result.code !== 0) {
        throw new StageError(`psql on ${call.host} failed (exit ${result.code}): ${firstLines(result.stderr || result.stdout)}`,
          'check that the database is up and reachable from that host');
      }
      const text = result.stdout.trim();
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new StageError(`psql on ${call.host} answered something that is not JSON: ${firstLines(text)}`);
      }
    },
  };
}

export function firstLines(text: string, count = 6): string {
  return text.trim().split('\n').slice(0, count).join('\n  ');
}

/** A PostgreSQL string literal: single quotes doubled (standard_conforming_strings is on). */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
