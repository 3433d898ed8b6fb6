// Plans in words, for confirmations, reports and the tree: "blue 90% · green 10% · mobile → green".
import { COLORS, TrafficPlan } from '../model';

export function describePlan(plan: TrafficPlan): string {
  const weights = COLORS.filter((c) => plan.weights[c] > 0).map((c) => `${c} ${plan.weights[c]}%`);
  const segments = plan.segments.map((s) => `${s.name} → ${s.color}`);
  return [...weights, ...segments].join(' · ') || 'no users (not released)';
}

export function describeChange(environment: string, from: TrafficPlan, to: TrafficPlan): string {
  return `${environment}: ${describePlan(from)} → ${describePlan(to)}`;
}

export function samePlan(a: TrafficPlan, b: TrafficPlan): boolean {
  return COLORS.every((c) => a.weights[c] === b.weights[c])
    && a.segments.length === b.segments.length
    && a.segments.every((s, i) => s.name === b.segments[i].name && s.color === b.segments[i].color);
}
