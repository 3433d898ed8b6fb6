// Blue-Green: Set Up Hosts — prepares real hosts once (idempotent; never moves traffic): the
// release layout on app hosts, the routing config on routers.
import * as vscode from 'vscode';
import type { HostSetupReport } from '../../core/hosts/setupHosts';
import { commandTarget } from '../stages/commandTarget';
import { chooseEnvironment } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('Set Up Hosts');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target, () => true, 'Set up the hosts of which environment?');
  if (!chosen) return undefined;
  // Setup installs nginx config and units as root: an administrator's login, once (the CLI's
  // --ssh-user); the stages keep ssh.user and its narrow sudo rule (docs/hosts.md).
  let sshUser = target.options.sshUser;
  if (chosen.env.kind === 'ssh' && sshUser === undefined) {
    sshUser = await vscode.window.showInputBox({
      title: `Set up hosts of ${chosen.envName}`,
      prompt: 'Log in as which user for the setup? An administrator with full sudo, once; the stages keep ssh.user and its narrow sudo rule (docs/hosts.md).',
      value: chosen.env.ssh.user ?? '',
      ignoreFocusOut: true,
    });
    if (sshUser === undefined) return undefined;
  }
  return runStageCommand<HostSetupReport>(services, {
    title: `Set up hosts of ${chosen.envName}`, envName: chosen.envName, config: chosen.config, options: target.options,
    body: async (s) => {
      await s.core.confirmOrStop(s.ctx, `Set up ${s.handle.topology.routers.length} router(s) and the app hosts of "${chosen.envName}"?`);
      return s.core.setupHosts(s.handle, s.ctx.actor, s.progress, sshUser ? { sshUser } : {});
    },
    summarize: (r) => ({
      summary: [
        ...r.routers.map((x) => `${x.router}: ${x.mode}${x.keptState ? ', kept its plan' : ', no users until the first release (Bootstrap)'}`),
        `${r.appHosts.length} app host(s) ready`,
      ].join('; '),
      warnings: r.notes,
    }),
  });
}
