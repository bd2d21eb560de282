// The bundle and bundle_load actions (lib/bundle.c bundle_execute,
// ofproto-dpif-xlate.c xlate_bundle_action): pick one live member port,
// by hash (hrw) or the first live one (active_backup), then output to it or
// load its number into a subfield.
import { OFPP_ALL, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_NONE, OFPP_NORMAL, OFPP_TABLE } from '../ofp/ports.js';
import type { OfpactOf, Port } from '../ofp/ofpact.js';
import type { Ctx } from './context.js';
import { portIsAlive } from './group.js';
import { flowHashFields, flowMaskHashFields } from './hash.js';
import { hashInt as hash2Words } from './hmap-order.js';

type Bundle = OfpactOf<'bundle'>;

/** Reserved ports member_enabled_cb always takes (CONTROLLER, which bundle_check refuses, never). */
const ALWAYS_ENABLED: ReadonlySet<Port> = new Set([OFPP_IN_PORT, OFPP_TABLE, OFPP_NORMAL, OFPP_FLOOD, OFPP_ALL, OFPP_NONE]);

function memberEnabled(ctx: Ctx, port: Port): boolean {
  if (ALWAYS_ENABLED.has(port)) return true;
  return port !== OFPP_CONTROLLER && portIsAlive(ctx, port);
}

/** Highest random weight over the live members; a lone member needs no hash bits in the megaflow. */
function hrw(ctx: Ctx, b: Bundle): Port {
  if (b.members.length > 1) flowMaskHashFields(ctx.flow, ctx.wc, b.fields);
  const flowHash = flowHashFields(ctx.flow, b.fields, b.basis);
  let best = -1, bestHash = 0;
  b.members.forEach((port, i) => {
    if (!memberEnabled(ctx, port)) return;
    const hash = hash2Words(i, flowHash);
    if (best < 0 || hash > bestHash) {
      best = i;
      bestHash = hash;
    }
  });
  return best < 0 ? OFPP_NONE : b.members[best];
}

const ALGORITHMS: Record<Bundle['algorithm'], (ctx: Ctx, b: Bundle) => Port> = {
  hrw,
  active_backup: (ctx, b) => b.members.find((port) => memberEnabled(ctx, port)) ?? OFPP_NONE,
};

/** bundle_execute: the chosen member, OFPP_NONE when none is live. */
export function bundleExecute(ctx: Ctx, b: Bundle): Port {
  return ALGORITHMS[b.algorithm](ctx, b);
}
