/**
 * What `passk run` says about failed items of its plan (the transport lists and retries them:
 * transport.failed). An item of the plan that failed is never seeded again by itself (it would fail
 * again for the same reason, forever); the run ends with exit 1 and names it. With --retry-failed each
 * one goes back to work, its failed entry kept as history:
 *
 * - failed after too many attempts (ERR_TOO_MANY_ATTEMPTS, the content is a valid item of its
 *   stage): back into its own stage, attempts 0, history kept plus one line for the retry;
 * - quarantined (bad content: not JSON, a schema violation, not matching the plan): the content
 *   cannot be trusted, so the item is generated again from the plan.
 */
import type { Plan, Transport, Logger, FailedItem } from '@passk/core';

/** Lines naming each failed item, its reason and where the reason is. */
export function describeFailedItems(items: FailedItem[]): string[] {
  return items.flatMap((item) => [`  ${item.stem} (${item.stage}): ${item.code}: ${item.message}`, `    reason: ${item.reasonAt}`]);
}

/** The command that retries: this one, plus --retry-failed. */
export function retryCommand(args: string[], quote: (word: string) => string): string {
  const rest = args.filter((a) => a !== '--retry-failed' && a !== '--retry-failed=true');
  return ['passk', ...rest.map(quote), '--retry-failed'].join(' ');
}

export interface FailedContext {
  transport: Transport;
  plan: Plan;
  logger: Logger;
  say: (line: string) => void;
  /** This command's arguments (for the retry hint). */
  args: string[];
  quote: (word: string) => string;
}

/**
 * Before seeding: with --retry-failed put the plan's failed items back to work; without it, say
 * which ones are failed and will stay there.
 */
export async function failedAtStart(ctx: FailedContext, retry: boolean): Promise<void> {
  const { transport, plan, logger, say } = ctx;
  const { failed } = transport;
  const { items } = await failed.list(plan, await transport.store.combinedGroups());
  if (!items.length) {
    if (retry) say(`passk: --retry-failed: no item of the plan is in ${failed.where}`);
    return;
  }
  if (!retry) {
    say(`passk: ${items.length} item(s) of the plan are in ${failed.where} and are not retried; the run cannot finish without them (add --retry-failed to retry):`);
    for (const line of describeFailedItems(items)) say(line);
    return;
  }
  const r = await failed.retry(plan, items);
  logger.info({ requeued: r.requeued, regenerated: r.regenerated, history: failed.historyWhere }, 'retrying failed items');
  const stages = r.requeued.map((x) => `${x.stem} → ${x.to}`);
  say(
    `passk: --retry-failed: ${stages.length + r.regenerated.length} failed item(s) of the plan back to work` +
      `${stages.length ? `; attempts reset: ${stages.join(', ')}` : ''}` +
      `${r.regenerated.length ? `; generated again (their content was bad): ${r.regenerated.join(', ')}` : ''}` +
      `. Their failed entries are kept in ${failed.historyWhere}`,
  );
}

/** The failed items of a plan, and how many other failed entries there are (transport.failed.list). */
export type FailedListing = Awaited<ReturnType<Transport['failed']['list']>>;

/** When only failed items are left (`listing`, at least one): name them and their reasons, and say how to retry. */
export async function failedAtEnd(ctx: FailedContext, listing: FailedListing): Promise<void> {
  const { transport, logger, say } = ctx;
  const { failed } = transport;
  const { items, others } = listing;
  logger.info({ failed: items.map((i) => ({ item: i.stem, stage: i.stage, code: i.code, reason: i.reasonAt })) }, 'only failed items left');
  say(`passk: nothing is left to do but ${items.length} failed item(s) of the plan; the run cannot finish without them:`);
  for (const line of describeFailedItems(items)) say(line);
  if (others) say(`passk: (${others} other failed entr${others === 1 ? 'y' : 'ies'} in ${failed.where} are not needed by the plan and are left alone)`);
  say(`passk: fix the cause if there is one, then retry them (their failed entries are kept in ${failed.historyWhere}):`);
  say(`  ${retryCommand(ctx.args, ctx.quote)}`);
}
