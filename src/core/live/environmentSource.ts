// The real LiveTrafficSource: an environment's routers, read through its transports (Docker
// logs for the sandbox, `tail -F` over SSH for real hosts).
import { EnvironmentHandle } from '../environment/openEnvironment';
import { streamAccessLogs } from '../environment/accessLogStream';
import { readRouters } from '../fleet/readRouters';
import { LiveTrafficSource } from './liveTraffic';
import { configuredSplitOf } from './trafficView';

export function environmentSource(handle: EnvironmentHandle): LiveTrafficSource {
  return {
    streamLines: (onLine, signal) => streamAccessLogs(handle, (line) => onLine(line), signal),
    readConfigured: async () => configuredSplitOf(await readRouters(handle.routers)),
  };
}
