// The real LiveTrafficSource: an environment's routers, read through its transports (Docker
// logs for the sandbox, `tail -F` over SSH for real hosts).
import { EnvironmentHandle } from '../environment/openEnvironment';
import { streamAccessLogs } from '../environment/accessLogStream';
import { readRouters } from '../fleet/readRouters';
import { LiveTrafficSource } from './liveTraffic';
import { configuredSplitOf, DatabaseSummary } from './trafficView';
import { readConnections, describeGroup, ConnectionReport } from '../db/connections';

export function environmentSource(handle: EnvironmentHandle): LiveTrafficSource {
  return {
    streamLines: (onLine, signal) => streamAccessLogs(handle, (line) => onLine(line), signal),
    readConfigured: async () => configuredSplitOf(await readRouters(handle.routers)),
    // A real environment without a database host has nothing to read.
    readDatabase: handle.env.kind === 'ssh' && !handle.env.database?.host
      ? undefined
      : async () => summariseDatabase(await readConnections(handle)),
  };
}

export function summariseDatabase(report: ConnectionReport): DatabaseSummary {
  return {
    total: report.total,
    maxConnections: report.maxConnections,
    zombies: report.zombies,
    zombieAfterSeconds: report.zombieAfterSeconds,
    holders: report.groups.slice(0, 3).map((g) => `${describeGroup(g)}: ${g.zombies ? `${g.zombies} zombie(s), ` : ''}${g.total} connection(s)`),
  };
}
