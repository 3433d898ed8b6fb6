// Confirmations and pause points: --yes answers them; a person answers them when one can be
// asked; otherwise the stage stops before changing anything and says how to go on.
import { RefusedError } from '../errors';
import { StageContext } from './stageContext';

export async function confirmOrStop(ctx: StageContext, question: string, howToGoOn = 'run it again with --yes'): Promise<void> {
  // A dry run asks nobody: it plans the path a "yes" takes, and says it would ask.
  if (ctx.handle.plan) {
    ctx.handle.plan.note(`would ask: ${question}`);
    return;
  }
  if (ctx.yes) {
    ctx.progress(`${question} yes (--yes)`);
    return;
  }
  if (!ctx.confirm) throw new RefusedError(`needs confirmation: ${question}`, howToGoOn);
  if (!(await ctx.confirm(question))) throw new RefusedError(`not confirmed: ${question}`, 'nothing was changed');
}
