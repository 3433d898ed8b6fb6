import { Command, Option } from 'commander';
import { Color, RoutingMode, TrafficPlan } from '../../core/model';
import { DEFAULT_ROUTER_PATHS } from '../../core/hostCommands/layout';
import { InputError } from '../../core/errors';
import { initialState, nextState, renderRouterFiles, validatePlan } from '../../core/router';
import { topologyOf } from '../../core/topology';
import { defaultActor } from '../../core/actor';
import { CommandContext, environmentOf, loadConfigOrThrow } from '../context';
import { parseInteger } from '../numbers';
import { printableLine } from '../../core/printable';

interface RenderOptions {
  mode: RoutingMode;
  weights?: string;
  segment: string[];
  part: 'all' | 'base' | 'script' | 'state' | 'lookup' | 'plan';
  listen: string;
}

export function registerRender(program: Command, ctx: CommandContext): void {
  program
    .command('render')
    .description("print what the environment's routers would carry: the base nginx config, the routing script, the state document; without njs the plan lookup and the plan's files")
    .addOption(new Option('--mode <mode>', 'routing mode (files: routers without njs)').choices(['njs', 'files']).default('njs'))
    .option('--weights <blue:green>', 'the split to render, e.g. 90:10 (default: traffic.initial)')
    .option('--segment <name=color>', 'route a segment to a color (repeatable)', collect, [])
    .addOption(new Option('--part <part>', 'print only one file').choices(['all', 'base', 'script', 'state', 'lookup', 'plan']).default('all'))
    .option('--listen <port>', 'the port routers listen on', '80')
    .action(async (options: RenderOptions) => {
      const globals = ctx.globals();
      const out = ctx.output();
      const config = await loadConfigOrThrow(globals.config);
      const env = environmentOf(config, globals.env);
      const plan = planFromOptions(options, config.traffic.initial);
      const planErrors = validatePlan(plan, config.traffic);
      if (planErrors.length) throw new InputError(`invalid plan: ${planErrors.join('; ')}`);

      const versions = { blue: {}, green: {} } as Record<Color, Record<string, string>>;
      const changedBy = defaultActor();
      const first = initialState(config.traffic, versions, changedBy, 'render');
      const state = options.weights || options.segment.length ? nextState(first, plan, { changedBy, stage: 'render' }) : first;
      const listenPort = parseInteger(options.listen, '--listen', 1, 65535);
      const files = renderRouterFiles(
        { apps: config.apps, traffic: config.traffic, topology: topologyOf(config, env), mode: options.mode, paths: DEFAULT_ROUTER_PATHS, listenPort },
        state,
      );
      const sections: Array<[RenderOptions['part'], string, string | undefined]> = [
        ['base', DEFAULT_ROUTER_PATHS.baseConfig, files.baseConfig],
        ['script', DEFAULT_ROUTER_PATHS.routingScript, files.routingScript],
        ['state', DEFAULT_ROUTER_PATHS.state, files.state],
        ['lookup', DEFAULT_ROUTER_PATHS.planLookup, files.planLookup],
        // The plan's files are empty: their names are the plan.
        ['plan', `${DEFAULT_ROUTER_PATHS.planFiles}/plan-${state.serial}/`, files.planFiles && `${files.planFiles.names.join('\n')}\n`],
      ];
      const shown = sections.filter(([part, , text]) => text !== undefined && (options.part === 'all' || options.part === part));
      if (!shown.length) throw new InputError(`--part ${options.part} does not exist in ${options.mode} mode`);
      const text = options.part === 'all'
        ? shown.map(([, file, body]) => `# ---- ${file}\n${body}`).join('\n')
        : shown[0][2] as string;
      out.result({ environment: env.name, mode: options.mode, files: Object.fromEntries(shown.map(([, file, body]) => [file, body])) }, text);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function planFromOptions(options: RenderOptions, initial: TrafficPlan['weights']): TrafficPlan {
  let weights = { ...initial };
  if (options.weights) {
    const match = /^(\d{1,3}):(\d{1,3})$/.exec(options.weights);
    if (!match) throw new InputError(`--weights must look like 90:10 (blue:green), got "${printableLine(options.weights)}"`, 'two whole numbers that sum to 100, e.g. --weights 90:10');
    weights = { blue: Number(match[1]), green: Number(match[2]) };
  }
  const segments = options.segment.map((spec) => {
    // Exactly one `=`: `mobile=green=blue` is a typo, not a segment routed to green.
    const match = /^([^=]+)=(blue|green)$/.exec(spec);
    if (!match) throw new InputError(`--segment must look like mobile=green (a segment, =, blue or green), got "${printableLine(spec)}"`, 'e.g. --segment mobile=green');
    return { name: match[1], color: match[2] as Color };
  });
  return { weights, segments };
}
