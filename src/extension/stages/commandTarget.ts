// What a command acts on. From a tree item VS Code passes the node; from the palette nothing
// (the command asks with quick picks); from other code and the tests an options object, which
// may also answer the questions (`yes`) so nothing waits for a person.
import type { Color } from '../../core/model';
import type { EnvironmentNode } from '../tree/environmentNodes';

export interface StageCommandOptions {
  env?: string;
  color?: Color;
  version?: string;
  percent?: number;
  segment?: string;
  /** Answer every confirmation and pause point with yes (the CLI's --yes). */
  yes?: boolean;
  /** Answer the traffic confirmations with yes but leave pause points to a person (tests). */
  confirmChanges?: boolean;
  /** Canary: watch the access log afterwards (default true) and for how long. */
  analyze?: boolean;
  windowSeconds?: number;
  /** Release: resume at this 1-based step. */
  from?: number;
  /** Deploy: even to a color with live traffic. */
  force?: boolean;
  /** Deploy: only these apps (a per-app deploy); absent: asked when the config has more than one app. */
  apps?: string[];
  /** Sandbox down: also remove the database volume. */
  volumes?: boolean;
  /** Show Plan: run the stage as a dry run (reads only) and show its plan in an editor. */
  dryRun?: boolean;
  /** Set Up Hosts: log in as this user for the setup (an administrator, once); the stages keep ssh.user. */
  sshUser?: string;
  /** Set Up Hosts: install the Debian packages a host lacks (the CLI's --install); absent: asked when setup finds some. */
  install?: boolean;
}

export interface CommandTarget {
  node?: EnvironmentNode;
  options: StageCommandOptions;
}

function isNode(value: unknown): value is EnvironmentNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
    && typeof (value as { envName?: unknown }).envName === 'string';
}

export function commandTarget(args: unknown[]): CommandTarget {
  const [first] = args;
  if (isNode(first)) return { node: first, options: {} };
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) return { options: first as StageCommandOptions };
  return { options: {} };
}

/** The environment a node belongs to (config errors belong to none). */
export function envNameOfNode(node: EnvironmentNode | undefined): string | undefined {
  return node && 'envName' in node ? node.envName : undefined;
}

/** The color a node stands for: a color row, or a host of a color. */
export function colorOfNode(node: EnvironmentNode | undefined): Color | undefined {
  if (node?.kind === 'color') return node.row.color;
  if (node?.kind === 'host') return node.color;
  return undefined;
}
