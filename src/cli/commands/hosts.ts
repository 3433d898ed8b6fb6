// `bluegreen hosts setup --env E`: prepare real hosts once (idempotent) for the stage commands.
import { Command } from 'commander';
import { describePackages, setupHosts } from '../../core/hosts/setupHosts';
import { CommandContext } from '../context';
import { showPlan, withStageSession } from '../stageSession';
import { dryRunOption } from '../stageCommand';
import { confirmOrStop } from '../../core/stages/confirm';

export function registerHosts(program: Command, ctx: CommandContext): void {
  const hosts = program.command('hosts').description('prepare real hosts for the stages');
  hosts.command('setup').description('install the release layout, deploy script and supervisor on app hosts, and the routing config on routers (idempotent; never moves traffic)')
    .option('-v, --verbose', 'print every host command and its output')
    .option('--ssh-user <name>', 'log in as this user, one with full sudo (setup needs an administrator once; the stages keep ssh.user and need only the sudo rule of docs/hosts.md)')
    .option('--install', 'install the Debian packages a host lacks with apt-get: the njs module on routers (reads the plan per request, with no limit on segments), the apps\' runtimes (node: nodejs, java: openjdk-17-jre-headless); without it setup names them')
    .addOption(dryRunOption())
    .action(async (options: { verbose?: boolean; sshUser?: string; install?: boolean; dryRun?: boolean }) => {
      await withStageSession(ctx, { verbose: options.verbose, dryRun: options.dryRun }, async (stage, handle) => {
        const setup = () => setupHosts(handle, stage.actor, stage.progress, {
          sshUser: options.sshUser,
          install: options.install,
          hostLog: options.verbose ? (e) => process.stderr.write(`  [${e.host}] ${e.kind === 'command' ? '$ ' : ''}${e.text.trimEnd()}\n`) : undefined,
        });
        if (handle.plan) return showPlan(ctx, stage, 'hosts setup', setup);
        await confirmOrStop(stage, `Set up ${handle.topology.routers.length} router(s) and the app hosts of "${handle.env.name}"?`);
        const report = await setup();
        const text = [
          ...report.routers.map((r) => `router ${r.router}: ${r.mode} mode${r.keptState ? ', kept its traffic plan' : ', no users until the first release (bluegreen bootstrap VERSION)'}${r.unchanged ? ', config unchanged' : ''}`),
          ...report.appHosts.map((h) => `app host ${h.host}: ${h.apps.join(', ')} (supervisor: ${h.supervisor === 'systemd' ? 'systemd unit, enabled' : 'setsid, not kept across a reboot'})`),
          ...describePackages(report.packages),
          ...report.notes.map((n) => `note: ${n}`),
        ].join('\n');
        ctx.output().result(report, text);
      });
    });
}
