// The `bluegreen` bin (dist/cli.js, CommonJS, built by scripts/build.mjs). Help and the version
// come from help.json (quickAnswer.ts) without loading the program; everything else runs
// dist/cli/program.cjs, the program, compiled with V8's code cache (compileCache.ts).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { requireProgram } from './compileCache';
import { HelpAnswers, mayAnswer, quickAnswer } from './quickAnswer';

/** The hash of dist/cli/program.cjs, which names its compile cache; set by the build. */
declare const BLUEGREEN_PROGRAM_HASH: string | undefined;

// A reader that stops early (`bluegreen --json history | head`) closes the pipe: the output ends
// there, instead of Node's stack trace for the unhandled EPIPE. The command itself runs to its
// end (a stage is not cut short holding the routers' lock because nobody reads its result).
function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
}
// Node makes process.stdout when it is first read (3–4 ms), and a command writes its result after
// its host calls: the guard goes on when the stream is made, so that cost comes after them too.
const stdout = Object.getOwnPropertyDescriptor(process, 'stdout');
if (stdout?.get && stdout.configurable) {
  const make = stdout.get;
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: stdout.enumerable,
    get() {
      const stream = make.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, 'stdout', stdout);
      stream.on('error', ignoreClosedPipe);
      return stream;
    },
  });
} else {
  process.stdout.on('error', ignoreClosedPipe);
}

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
  const program = path.join(__dirname, 'cli', 'program.cjs');
  let cli: { run: () => void } | undefined;
  try {
    cli = requireProgram(program, typeof BLUEGREEN_PROGRAM_HASH === 'string' ? BLUEGREEN_PROGRAM_HASH : undefined) as { run: () => void };
  } catch (error) {
    process.stderr.write(`bluegreen: cannot load dist/cli/program.cjs: ${(error as Error).message}\n  → rebuild with npm run build\n`);
    process.exitCode = 1;
  }
  cli?.run();
}
