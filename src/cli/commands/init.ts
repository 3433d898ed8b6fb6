// `bluegreen init [folder]`: writes a commented bluegreen.yaml for the apps found in the folder
// (src/core/init), asking for a port or health path it cannot find when a terminal is there.
// Never overwrites a file.
import type { Command } from 'commander';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { CommandContext } from '../context';
import { InitAnswers, writeInitConfig } from '../../core/init';

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('write a commented bluegreen.yaml for the apps in this folder (package.json, a runnable jar, pom.xml, build.gradle): runtime, port, health path, a sandbox and a runbook; never overwrites a file')
    .argument('[folder]', 'the project folder (default: the current folder)')
    .option('--environment <name>', 'name of the sandbox environment', 'sandbox')
    .action(async (folder: string | undefined, options: { environment: string }) => {
      const out = ctx.output();
      const interactive = process.stdin.isTTY && process.stderr.isTTY && !out.json && !ctx.globals().yes;
      const rl = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
      const answers: InitAnswers = { environment: options.environment };
      if (rl) answers.ask = async (question, fallback) => rl.question(`${question} [${fallback}]: `);
      try {
        const result = await writeInitConfig(path.resolve(folder ?? '.'), answers);
        const shown = path.relative(process.cwd(), result.file) || result.file;
        const checks = result.apps.filter((a) => a.needsCheck).map((a) => a.name);
        out.result(
          { file: result.file, apps: result.apps },
          [
            `wrote ${shown} with ${result.apps.length} app(s):`,
            ...result.apps.map((a) => `  ${a.name}: ${a.runtime}, port ${a.port} (${a.portFrom}), health ${a.health} (${a.healthFrom}) — ${a.evidence}`),
            checks.length ? `check the lines marked "# check" (${checks.join(', ')}), then run: bluegreen validate` : 'next: bluegreen validate',
            'your build must make the release tarball the `artifact:` line names (docs/your-app.md)',
          ].join('\n'),
        );
      } finally {
        rl?.close();
      }
    });
}
