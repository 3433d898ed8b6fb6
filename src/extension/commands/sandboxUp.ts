// Blue-Green: Sandbox Up — builds what is missing and starts the sandbox's routers, app hosts and
// database in Docker, waiting until all are healthy (idempotent). Progress in a notification
// (the latest step) and the output channel (every line).
import type { UpResult } from '../../core/sandbox';
import { commandTarget } from '../stages/commandTarget';
import { chooseEnvironment } from '../stages/pickers';
import type { ExtensionServices } from '../services';
import { refuseWhenUntrusted, runStageCommand } from '../stages/stageRunner';

export async function run(services: ExtensionServices, ...args: unknown[]) {
  const refused = refuseWhenUntrusted('Sandbox Up');
  if (refused) return refused;
  const target = commandTarget(args);
  const chosen = await chooseEnvironment(services, target, (env) => env.kind === 'docker', 'Which sandbox?');
  if (!chosen) return undefined;
  return runStageCommand<UpResult>(services, {
    title: `Sandbox up: ${chosen.envName}`, envName: chosen.envName, config: chosen.config, options: target.options,
    // Each build step shows in the notification and the output channel; the builder's raw lines
    // (hundreds per image) go to the output channel only, under their step.
    body: (s) => s.core.sandboxUp(s.config, chosen.envName, {
      signal: s.signal,
      onProgress: (p) => (p.step === 'build' ? services.output.appendLine(`      | ${p.detail}`) : s.progress(s.core.formatSandboxProgress(p))),
    }),
    summarize: (r) => ({
      summary: `${r.status.healthy ? 'healthy' : 'NOT healthy'}; created ${r.created.length}, kept ${r.adopted.length}, replaced/removed ${r.removed.length}`,
      warnings: r.status.hosts.filter((h) => !h.healthy).map((h) => `${h.name}: ${h.problem ?? h.state}`),
    }),
  });
}
