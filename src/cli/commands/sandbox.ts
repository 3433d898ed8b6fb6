// `bluegreen sandbox up|down|status|logs`: the local Docker sandbox where releases are rehearsed.
import { Command } from 'commander';
import { up, down, status, logs, formatSandboxProgress, SandboxStatus } from '../../core/sandbox';
import { InputError } from '../../core/errors';
import { CommandContext, environmentOf, loadConfigOrThrow } from '../context';
import { parseInteger } from '../numbers';
import { BluegreenConfig } from '../../core/model';

async function sandboxConfig(ctx: CommandContext): Promise<{ config: BluegreenConfig; env: string }> {
  const globals = ctx.globals();
  const config = await loadConfigOrThrow(globals.config);
  const env = environmentOf(config, globals.env);
  if (env.kind !== 'docker') throw new InputError(`environment "${env.name}" is not a sandbox (it has no docker: section)`, 'pick one with --env');
  return { config, env: env.name };
}

export function formatSandboxStatus(s: SandboxStatus): string {
  const lines = [`sandbox ${s.env} of ${s.project}: ${s.healthy ? 'healthy' : s.hosts.every((h) => h.state === 'missing') ? 'not up' : 'NOT healthy'}`];
  for (const h of s.hosts) {
    const ports = Object.entries(h.ports).map(([inner, outer]) => `127.0.0.1:${outer}→${inner}`).join(' ');
    lines.push(`  ${h.name.padEnd(28)} ${h.state.padEnd(8)} ${h.healthy ? 'healthy' : `unhealthy${h.problem ? ` (${h.problem})` : ''}`}${h.version ? `  ${h.version}` : ''}${ports ? `  ${ports}` : ''}${h.state !== 'missing' && h.project !== s.project ? `  [${h.project ? `project ${h.project}` : 'no owner: made before sandboxes had owners'}]` : ''}`);
  }
  return lines.join('\n');
}

export function registerSandbox(program: Command, ctx: CommandContext): void {
  const sandbox = program.command('sandbox').description('the local Docker sandbox: paired nginx routers, Java and Node.js app hosts per color, PostgreSQL');

  sandbox.command('up').description('build missing images, create the containers, wait until all are healthy (idempotent)')
    .option('--build-output', 'also print every line the image builds print (by default one line per build step)')
    .action(async (options: { buildOutput?: boolean }) => {
      const { config, env } = await sandboxConfig(ctx);
      const out = ctx.output();
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort(new Error('interrupted')));
      // A build's raw lines (`build`) are hundreds per image: its steps (`build-step`) say where it is.
      const result = await up(config, env, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step !== 'build') out.progress(formatSandboxProgress(p));
          else if (options.buildOutput) out.progress(`    | ${p.detail}`);
        },
      });
      out.result(result, `${formatSandboxStatus(result.status)}\ncreated ${result.created.length}, kept ${result.adopted.length}, replaced/removed ${result.removed.length}`);
    });

  sandbox.command('down').description('remove the containers and the network (the database volume stays unless --volumes)')
    .option('--volumes', 'also remove the database volume')
    .action(async (options: { volumes?: boolean }) => {
      const { config, env } = await sandboxConfig(ctx);
      const out = ctx.output();
      const result = await down(config, env, { volumes: options.volumes, onProgress: (p) => out.progress(formatSandboxProgress(p)) });
      out.result(result, result.containers.length ? `removed ${result.containers.length} container(s), ${result.networks.length} network(s), ${result.volumes.length} volume(s)` : 'nothing was up');
    });

  sandbox.command('status').description('every container, its health, version and published ports — read from Docker and the hosts')
    .action(async () => {
      const { config, env } = await sandboxConfig(ctx);
      const result = await status(config, env);
      ctx.output().result(result, formatSandboxStatus(result));
    });

  sandbox.command('logs').description('the containers\' logs')
    .option('-f, --follow', 'keep printing new lines')
    .option('--tail <n>', 'only the last N lines of each container', '50')
    .option('--only <names...>', 'only these containers')
    .action(async (options: { follow?: boolean; tail: string; only?: string[] }) => {
      const { config, env } = await sandboxConfig(ctx);
      const tail = parseInteger(options.tail, '--tail', 0, 1_000_000);
      const opened = await logs(config, env, { follow: options.follow, tail, only: options.only });
      process.once('SIGINT', () => opened.close());
      await Promise.all(opened.containers.map((c) => Promise.all([c.stdout, c.stderr].map((stream) => new Promise<void>((resolve) => {
        let rest = '';
        stream.on('data', (chunk: Buffer) => {
          const lines = (rest + chunk.toString('utf8')).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) process.stdout.write(`${c.name} | ${line}\n`);
        });
        stream.on('end', () => { if (rest) process.stdout.write(`${c.name} | ${rest}\n`); resolve(); });
      })))));
    });
}
