// QoS queues (xlate_set_queue_action, xlate_enqueue_action). A queue is an
// skb priority the datapath's dpif class maps it to (dpif_queue_to_priority):
// the userspace datapath takes the queue id as it is; the Linux kernel
// datapath (dpif-netlink) makes it tc class 1:(id + 1) and has no priority for
// ids from 0xf000 on, where set_queue does nothing and enqueue is a plain output.
import { M } from '../meta-flow/flow.js';
import { OFPP_IN_PORT } from '../ofp/ports.js';
import type { OfpactOf } from '../ofp/ofpact.js';
import type { Ctx } from './context.js';
import { composeOutput, xlateOutputAction } from './output.js';

const netlinkPriority = (queue: number) => (queue < 0xf000 ? ((1 << 16) | (queue + 1)) >>> 0 : undefined);
const netdevPriority = (queue: number) => queue;

/** queue_to_priority of each datapath type's dpif class. */
const QUEUE_TO_PRIORITY: Record<string, (queue: number) => number | undefined> = {
  system: netlinkPriority,
  netdev: netdevPriority,
  dummy: netdevPriority,
};

/** The skb priority of `queue` on the bridge's datapath (a type not known here is taken for the kernel's). */
export function queueToPriority(ctx: Ctx, queue: number): number | undefined {
  return (QUEUE_TO_PRIORITY[ctx.xbridge.datapathType] ?? netlinkPriority)(queue);
}

/** xlate_enqueue_action: output with the queue's priority for that output only. */
export function xlateEnqueue(ctx: Ctx, a: OfpactOf<'enqueue'>, isLast: boolean, groupBucket: boolean): void {
  const priority = queueToPriority(ctx, a.queue);
  if (priority === undefined) {
    xlateOutputAction(ctx, a.port, 0, false, isLast, false, groupBucket);
    return;
  }
  const inPort = Number(ctx.flow[M.in_port]);
  let port = a.port;
  if (port === OFPP_IN_PORT) port = inPort;
  else if (port === inPort) return;
  const saved = ctx.flow[M.skb_priority];
  ctx.flow[M.skb_priority] = BigInt(priority);
  composeOutput(ctx, port, isLast, false);
  ctx.flow[M.skb_priority] = saved;
}
