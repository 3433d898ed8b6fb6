// Blue-Green: Set Up Hosts — prepares real hosts once (idempotent; never moves traffic): the
// release layout on app hosts, the routing config on routers. When hosts lack Debian packages (the
// njs module, the apps' runtimes) it asks whether to install them (the CLI's --install).
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
  /** `confirmed`: the person already said Install, which is the confirmation. */
  const setUp = (install: boolean, confirmed = false) => {
    let packageLines: string[] = [];
    return runStageCommand<HostSetupReport>(services, {
      title: `Set up hosts of ${chosen.envName}${install ? ', installing missing packages' : ''}`, envName: chosen.envName, config: chosen.config,
      options: confirmed ? { ...target.options, yes: true } : target.options,
      body: async (s) => {
        await s.core.confirmOrStop(s.ctx, `Set up ${s.handle.topology.routers.length} router(s) and the app hosts of "${chosen.envName}"${install ? ', installing the Debian packages they lack with apt-get' : ''}?`);
        const report = await s.core.setupHosts(s.handle, s.ctx.actor, s.progress, { ...(sshUser ? { sshUser } : {}), install });
        packageLines = s.core.describePackages(report.packages);
        return report;
      },
      summarize: (r) => ({
        summary: [
          ...r.routers.map((x) => `${x.router}: ${x.mode}${x.keptState ? ', kept its plan' : ', no users until the first release (Bootstrap)'}`),
          `${r.appHosts.length} app host(s) ready`,
        ].join('; '),
        warnings: [...packageLines, ...r.notes],
      }),
    });
  };
  const outcome = await setUp(target.options.install === true);
  // Packages are installed only when the operator allows it: asked here, as the CLI's --install.
  const missing = outcome.result?.packages.filter((p) => p.status === 'missing') ?? [];
  if (!outcome.ok || !missing.length || target.options.install !== undefined || target.options.yes) return outcome;
  const named = missing.map((p) => `${p.host}: ${p.package} (${p.for})`).join('; ');
  const choice = await vscode.window.showWarningMessage(`Install missing packages? ${named}. Setup installs them with apt-get as root, then sets the hosts up again (routers that get njs read the plan per request, with no limit on segments).`,
    { modal: true }, 'Install');
  return choice === 'Install' ? setUp(true, true) : outcome;
}
