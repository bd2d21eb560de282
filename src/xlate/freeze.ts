// Freezing and recirculation: a frozen translation gets a recirc id (shared
// by identical frozen states, as OVS's recirc_alloc_id_ctx does), and traces
// queue the recirculations they fork so ofproto/trace can follow them.
import { copyFlow, M, type Flow } from '../meta-flow/flow.js';
import { formatActions } from '../ofp/actions.js';
import type { Ofpact } from '../ofp/ofpact.js';
import type { Ctx, FrozenState } from './context.js';

export interface RecircNode {
  type: 'conntrack';
  id: number;
  flow: Flow;
  nat?: Extract<Ofpact, { type: 'nat' }>;
  state: FrozenState;
}

export class RecircIds {
  private next = 1;
  private readonly byKey = new Map<string, number>();
  readonly states = new Map<number, FrozenState>();

  alloc(state: FrozenState, flow: Flow): number {
    // frozen_metadata: tunnel, metadata, registers, in_port (not the headers); only
    // the members set, by index (most of the hundred are zero, and joining them all costs).
    let meta = '';
    for (let m = 0; m < M.skb_priority; m++) if (flow[m] !== 0n) meta += `${m}=${flow[m]},`;
    meta += `in_port=${flow[M.in_port]}`;
    const key = [state.bridge.name, state.table, state.conntracked, meta,
      formatActions(state.ofpacts), formatActions(state.actionSet), state.xport, state.userdata?.join('.')].join('|');
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.next++;
      this.byKey.set(key, id);
      this.states.set(id, state);
    }
    return id;
  }
}

export function frozenState(ctx: Ctx, table: number): FrozenState {
  return {
    table,
    bridge: ctx.xbridge,
    conntracked: ctx.conntracked,
    actionSet: ctx.actionSet.slice(),
    ofpacts: ctx.frozenActions.slice(),
    xport: ctx.xport,
    userdata: ctx.pause?.userdata,
  };
}

export function recircFlow(flow: Flow, id: number, zone: number): Flow {
  const f = copyFlow(flow);
  f[M.recirc_id] = BigInt(id);
  f[M.ct_zone] = BigInt(zone);
  return f;
}
