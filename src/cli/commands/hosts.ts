// `bluegreen hosts setup --env E`: prepare real hosts once (idempotent) for the stage commands.
import { Command } from 'commander';
import { setupHosts } from '../../core/hosts/setupHosts';
import { CommandContext } from '../context';
import { withStageSession } from '../stageSession';
import { confirmOrStop } from '../../core/stages/confirm';

export function registerHosts(program: Command, ctx: CommandContext): void {
  const hosts = program.command('hosts').description('prepare real hosts for the stages');
  hosts.command('setup').description('install the release layout, deploy script and supervisor on app hosts, and the routing config on routers (idempotent; never moves traffic)')
    .option('-v, --verbose', 'print every host command and its output')
    .option('--ssh-user <name>', 'log in as this user, one with full sudo (setup needs an administrator once; the stages keep ssh.user and need only the sudo rule of docs/hosts.md)')
    .action(async (options: { verbose?: boolean; sshUser?: string }) => {
      await withStageSession(ctx, { verbose: options.verbose }, async (stage, handle) => {
        await confirmOrStop(stage, `Set up ${handle.topology.routers.length} router(s) and the app hosts of "${handle.env.name}"?`);
        const report = await setupHosts(handle, stage.actor, stage.progress, {
          sshUser: options.sshUser,
          hostLog: options.verbose ? (e) => process.stderr.write(`  [${e.host}] ${e.kind === 'command' ? '$ ' : ''}${e.text.trimEnd()}\n`) : undefined,
        });
        const text = [
          ...report.routers.map((r) => `router ${r.router}: ${r.mode} mode${r.keptState ? ', kept its traffic plan' : ', no users until the first release (bluegreen bootstrap VERSION)'}${r.unchanged ? ', config unchanged' : ''}`),
          ...report.appHosts.map((h) => `app host ${h.host}: ${h.apps.join(', ')} (supervisor: ${h.supervisor === 'systemd' ? 'systemd unit, enabled' : 'setsid, not kept across a reboot'})`),
          ...report.notes.map((n) => `note: ${n}`),
        ].join('\n');
        ctx.output().result(report, text);
      });
    });
}
