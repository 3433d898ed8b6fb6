// The next step a refusal names, chosen from what the hosts and routers really carry, so that no
// two refusals send the operator in a circle (deploy → "drain it first" → "deploy to the other
// color" → "drain it first" …). `--force` is named only where users are already failing.
import { Color, TrafficPlan, hasLiveTraffic, otherColor } from '../model';
import { EnvironmentHandle } from '../environment/openEnvironment';
import { ColorHealth, checkColorHealth } from './health';
import { SUDO_RULE_HINT } from '../hosts/sudoRefusal';

const runsNothing = (health: ColorHealth) => health.hosts.every((h) => !h.version);

/** Why a color that would receive users is refused, and what to do about it. */
export function unhealthyColorHint(env: string, current: TrafficPlan, health: ColorHealth): string {
  const color = health.color;
  // Not knowing what runs is not "nothing runs": the rule is missing.
  if (health.hosts.some((h) => h.sudoRefused)) return SUDO_RULE_HINT;
  if (!hasLiveTraffic(current, color)) return `deploy a working version to ${color} (bluegreen deploy ${color} VERSION --env ${env}) and verify it`;
  if (runsNothing(health)) {
    return `nothing is released on ${color} yet, though the routers send users there: bluegreen bootstrap VERSION --env ${env} makes the first release`;
  }
  return `${color} already serves users and is not healthy: deploy a working version there now (bluegreen deploy ${color} VERSION --force --env ${env}) or move users back (bluegreen rollback --env ${env})`;
}

/** A deploy refused because `color` has live traffic: drain it, or what else works. */
export async function liveColorDeployHint(handle: EnvironmentHandle, plan: TrafficPlan, color: Color): Promise<string> {
  const env = handle.env.name;
  const other = otherColor(color);
  const [mine, theirs] = await Promise.all([checkColorHealth(handle, color), checkColorHealth(handle, other)]);
  if ([...mine.hosts, ...theirs.hosts].some((h) => h.sudoRefused)) return SUDO_RULE_HINT;
  if (runsNothing(mine) && runsNothing(theirs)) return `nothing is released here yet: bluegreen bootstrap VERSION --env ${env} deploys both colors before any user is sent there`;
  if (theirs.healthy) return `drain it first (bluegreen drain ${color} --env ${env}): every user moves to ${other}, which is healthy`;
  if (!hasLiveTraffic(plan, other)) return `${other} is not healthy, so ${color} cannot be drained yet: deploy to ${other} first (bluegreen deploy ${other} VERSION --env ${env}), then drain ${color}`;
  return `both colors serve users and ${other} is not healthy, so nothing can be drained: in this emergency, deploy with --force (bluegreen deploy ${color} VERSION --force --env ${env})`;
}
