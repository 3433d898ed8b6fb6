// The `bluegreen` bin (dist/cli.js, CommonJS, built by scripts/build.mjs). Help and the version
// come from help.json (quickAnswer.ts) without loading the program; everything else imports
// dist/cli/start.mjs, the program, which loads only the command that runs.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { HelpAnswers, mayAnswer, quickAnswer } from './quickAnswer';

// A reader that stops early (`bluegreen --json history | head`) closes the pipe: the output ends
// there, instead of Node's stack trace for the unhandled EPIPE. The command itself runs to its
// end (a stage is not cut short holding the routers' lock because nobody reads its result).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
});

const argv = process.argv.slice(2);
let answer: string | undefined;
if (mayAnswer(argv)) {
  try {
    const answers = JSON.parse(readFileSync(path.join(__dirname, 'cli', 'help.json'), 'utf8')) as HelpAnswers;
    answer = quickAnswer(argv, answers, process.stdout.isTTY ? process.stdout.columns : undefined);
  } catch {
    // No help.json (an older build): the program answers, as it does for anything else.
  }
}
if (answer !== undefined) {
  process.stdout.write(answer);
} else {
  // A variable, so neither tsc nor esbuild looks for it: it is a file of the build, beside this one.
  const program = './cli/start.mjs';
  import(program).then((cli: { run: () => void }) => cli.run(), (error: Error) => {
    process.stderr.write(`bluegreen: cannot load dist/cli/start.mjs: ${error.message}\n  → rebuild with npm run build\n`);
    process.exitCode = 1;
  });
}
