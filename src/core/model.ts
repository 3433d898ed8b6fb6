// The domain model shared by every part of the engine: the validated config, the traffic plan,
// and the state document a router carries. Plain data only — no I/O here.

export type Color = 'blue' | 'green';
export const COLORS: readonly Color[] = ['blue', 'green'];
export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/** Versions are safe as file names, shell words and nginx values. */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export interface AppBuild {
  /** Folder (relative to the config file) holding the Dockerfile that builds the app. */
  context: string;
  /** Dockerfile path relative to `context`; defaults to `Dockerfile`. */
  dockerfile: string;
}

/** `artifact:` of an app: a tarball path template, and maybe the local command that makes it. */
export interface AppArtifact {
  /** Path template relative to the config file; `{{version}}` is substituted. */
  path: string;
  /** Command run on the operator's machine, in the config's folder, before the path is read; `{{version}}` is substituted. */
  build?: string;
  /** Line of `artifact:` in the config file, for messages (0 when unknown). */
  line: number;
}

/** The stock runtimes the product knows; the name is the key used in `runtime:`. */
export const STOCK_RUNTIMES = ['node', 'java'] as const;
export type StockRuntime = (typeof STOCK_RUNTIMES)[number];

/** `runtime:` of an app: a stock runtime on the product's base image, or a base image that carries the user's own. */
export type AppRuntime = { kind: 'stock'; name: StockRuntime } | { kind: 'image'; image: string };

export interface AppSpec {
  name: string;
  port: number;
  /** Path answered with 2xx when the app is healthy, e.g. `/health`. */
  health: string;
  /** URL prefix the routers send to this app, e.g. `/api/`; the longest prefix wins. */
  route: string;
  build?: AppBuild;
  /** The release tarball the user's own build makes (docs/your-app.md); used instead of the Dockerfile's `artifact` target. */
  artifact?: AppArtifact;
  /** A stock sandbox runtime the product builds (no Dockerfile needed). */
  runtime?: AppRuntime;
  /** Shell commands run on every host of a color; `{{version}}` and `{{artifact}}` are substituted. */
  deploy: string[];
}

/** How a segment recognises a request. Exactly one of the three is set. */
export type SegmentMatch =
  | { kind: 'userAgent'; regex: string; caseInsensitive: boolean }
  | { kind: 'cookie'; name: string; value?: string }
  | { kind: 'header'; name: string; value?: string };

export interface SegmentSpec {
  name: string;
  match: SegmentMatch;
}

export interface PreviewRule {
  /** Request header whose value (`blue`/`green`) forces a color. */
  header: string;
  /** Cookie whose value (`blue`/`green`) forces a color. */
  cookie: string;
}

export interface CanaryThresholds {
  windowSeconds: number;
  /** A fraction: 0.01 is 1 %. */
  maxErrorRate: number;
  maxP95Ms: number;
}

export type Weights = Record<Color, number>;

export interface TrafficSpec {
  initial: Weights;
  segments: SegmentSpec[];
  preview: PreviewRule;
  canary: CanaryThresholds;
  /** Cookie the router sets to keep a client on one side of a percentage split. */
  stickyCookie: string;
  /** How long drain and switch wait for the requests in flight on the color users left. */
  drainTimeoutSeconds: number;
}

export interface SmokeCheck {
  path: string;
  expect: number;
  /** Optional text the body must contain. */
  contains?: string;
}

export type RunbookStep =
  | { stage: 'migrate' }
  | { stage: 'drain'; color: Color }
  /** `apps`: a per-app deploy of only these apps (absent: every app). */
  | { stage: 'deploy'; color: Color; apps?: string[] }
  | { stage: 'verify'; color: Color }
  | { stage: 'canary'; color: Color; percent?: number; segment?: string }
  | { stage: 'switch'; color: Color }
  | { stage: 'restore' }
  | { stage: 'pause'; message: string };

export interface DatabaseSpec {
  /** Folder of `*.sql` migrations, relative to the config file. */
  migrations?: string;
  /** Connections idle longer than this are zombies. */
  zombieAfterSeconds: number;
  /** Gate: refuse switch/restore when more zombies than this. */
  maxZombies: number;
  /** Gate: refuse switch/restore when connections exceed this share of max_connections. */
  maxConnectionShare: number;
  /** True when the config has a `database:` section: only then does the sandbox start a database. */
  declared?: boolean;
}

/** The local Docker sandbox: the engine creates routers, app hosts and the database. */
export interface DockerEnvironment {
  kind: 'docker';
  name: string;
  /** Number of nginx routers (default 2). */
  routers: number;
  /** App hosts per app per color (default 1). */
  hostsPerColor: number;
  /** Run sshd in routers and app hosts so the SSH transport can be tried against them. */
  ssh: boolean;
  /** First host port to publish on 127.0.0.1 (routers first, then app hosts). 0 = let Docker pick. */
  basePort: number;
  /** The version the app images start with. */
  initialVersion: string;
  /** DOCKER_HOST-style address; empty = the default socket. */
  dockerHost: string;
}

export interface SshHost {
  name: string;
  /** What `ssh` is given (an alias from ~/.ssh/config, or a host name); defaults to `name`. */
  sshTarget: string;
  /** Where routers reach this host for upstream traffic; defaults to `name`. */
  address: string;
  port?: number;
}

/** A real environment reached over SSH. */
/**
 * How users reach an environment's routers: the listeners, names and TLS of the product's server
 * block — or, with `include`, of the operator's own server block, which includes the product's
 * routing (the site snippet) and is never written by the product.
 */
export interface SiteSpec {
  /** nginx server_name; empty: whatever reaches the listener and no other server block claims. */
  serverNames: string[];
  /** Plain-HTTP port; absent: none. */
  http?: number;
  https?: { port: number; certificate: string; key: string };
  include: boolean;
}

/** Plain HTTP on `port` for any name: the sandbox's site, and real hosts' by default (port 80). */
export function plainSite(port = 80): SiteSpec {
  return { serverNames: [], http: port, include: false };
}

export interface SshEnvironment {
  kind: 'ssh';
  name: string;
  site: SiteSpec;
  ssh: { user?: string; port?: number; sudo: boolean; identityFile?: string; options: Record<string, string> };
  hosts: Record<string, SshHost>;
  routers: string[];
  /** color → app → host names. */
  colors: Record<Color, Record<string, string[]>>;
  database?: { host?: string; url?: string };
}

export type Environment = DockerEnvironment | SshEnvironment;

/** What a webhook can be told about: a stage's result, a pause point, an automatic rollback. */
export type NotifyEvent = 'ok' | 'failed' | 'refused' | 'pause' | 'rollback';

/** A webhook of `notify:`. Its URL is a secret: the config names only the variable holding it. */
export interface WebhookSpec {
  /** The environment variable holding the URL (from `url: env:NAME`). */
  urlVariable: string;
  /** The events sent to this webhook; every event when the config lists none. */
  events: NotifyEvent[];
  timeoutMs: number;
}

export interface BluegreenConfig {
  /** Absolute path of the file the config came from. */
  file: string;
  apps: AppSpec[];
  traffic: TrafficSpec;
  smoke: SmokeCheck[];
  release: RunbookStep[];
  database: DatabaseSpec;
  environments: Record<string, Environment>;
  /** Webhooks told about stage results, pause points and automatic rollbacks; absent = none. */
  notify?: WebhookSpec[];
}

/**
 * The environment called `name`, if the config has one. A plain index would also find what every
 * object inherits (`toString`, `constructor`, `__proto__`), so `--env toString` is looked up as a
 * name, not as a property.
 */
export function findEnvironment(config: Pick<BluegreenConfig, 'environments'>, name: string): Environment | undefined {
  return Object.prototype.hasOwnProperty.call(config.environments, name) ? config.environments[name] : undefined;
}

/**
 * What the routers do with user traffic. Preview requests are decided by the preview rule and
 * ignore the plan. Order of decision: preview, then segments (first match), then weights.
 */
export interface TrafficPlan {
  weights: Weights;
  /** Segments currently routed to a color, by segment name (defined in TrafficSpec.segments). */
  segments: { name: string; color: Color }[];
}

/**
 * The state document each router carries beside its base config (docs/architecture.md, "The model"). In njs mode the
 * routing logic reads it at run time; in reload mode it is the record that the rendered
 * directives came from. The routers are the source of truth.
 */
export interface RouterState {
  schema: 1;
  /** Increases by one on every change, so a reader can tell which of two documents is newer. */
  serial: number;
  plan: TrafficPlan;
  /** The segment definitions the plan refers to, copied so the routing logic needs no config. */
  segments: Record<string, SegmentMatch>;
  preview: PreviewRule;
  stickyCookie: string;
  /** The version each color runs, per app, as last deployed. */
  versions: Record<Color, Record<string, string>>;
  changedBy: string;
  /** ISO 8601. */
  changedAt: string;
  /** The stage that made this change, e.g. `canary green --percent 10`. */
  stage: string;
  /** When each color was last deployed and verified (ISO 8601): a switch warns when unverified. */
  checks?: Partial<Record<Color, ColorChecks>>;
}

export interface ColorChecks {
  deployedAt?: string;
  verifiedAt?: string;
}

/** A color has live traffic when it has weight above 0 or a segment. */
export function hasLiveTraffic(plan: TrafficPlan, color: Color): boolean {
  return plan.weights[color] > 0 || plan.segments.some((s) => s.color === color);
}

/**
 * Where an environment's hosts are, resolved from the config (SSH) or from the sandbox's naming
 * (Docker). The router renderer and the stages only ever see this shape.
 */
export interface Topology {
  /** Router host names. */
  routers: string[];
  /** color → app → app host names. */
  colors: Record<Color, Record<string, string[]>>;
  /** host name → the address routers use to reach it (a DNS name or an IP). */
  addresses: Record<string, string>;
}

/** Where the bluegreen files live on a router. Tests point these at a temporary folder. */
export interface RouterPaths {
  /** The base config, included in nginx's `http` block (Debian: conf.d/*.conf). */
  baseConfig: string;
  /** The njs routing logic. */
  routingScript: string;
  /** The state document (the current plan). */
  state: string;
  /** Files mode only: the plan lookup (maps), included by the base config; changes with the config only. */
  planLookup: string;
  /** Files mode only: the folder whose `current` symlink points at the plan's files (one folder per plan). */
  planFiles: string;
  /** Folder for the state history, the lock and the audit log. */
  dataDir: string;
  /** Access log path; `/dev/stdout` in the sandbox so Docker collects it. */
  accessLog: string;
  /** Include mode only: the routing the operator's own server block includes. */
  siteSnippet: string;
}

// The default paths are in hostCommands/layout.ts, with every other path on a host.

/**
 * How a router chooses the color per request: njs reads the state document; without njs
 * (`files`), nginx tests which plan files exist. Neither reloads nginx to move traffic.
 */
export type RoutingMode = 'njs' | 'files';
