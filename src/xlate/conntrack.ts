// Conntrack and recirculation (compose_conntrack_action, finish_freezing__):
// ct() commits the packet so far, emits ct(...) and, with table=N, forks a
// recirculation that ofproto/trace follows afterwards.
import { M } from '../meta-flow/flow.js';
import { subfieldValue, unwildcardSubfield } from './subfield-ops.js';
import type { OfpactOf } from '../ofp/ofpact.js';
import type { OdpAction, OdpNat } from './odp-actions.js';
import { xreport, type Ctx } from './context.js';
import { commitActions, doXlateActions, putOdp, clearConntrack } from './xlate.js';
import { frozenState, recircFlow } from './freeze.js';

const CT_ALG_NAMES: Record<number, string> = { 21: 'ftp', 69: 'tftp' };

/** finish_freezing__: allocate a recirc id for the frozen state and emit recirc(). */
export function finishFreezing__(ctx: Ctx, table: number): number {
  const state = frozenState(ctx, table);
  const id = ctx.xin.recircIds.alloc(state, ctx.flow);
  // A paused translation continues in the controller; a trace has no side
  // effects, so nothing reaches the datapath.
  if (!ctx.pause) {
    if (ctx.recircHash) putOdp(ctx, { type: 'hash', ...ctx.recircHash });
    putOdp(ctx, { type: 'recirc', id });
  }
  ctx.freezing = false;
  ctx.frozenActions = [];
  ctx.recircHash = undefined;
  return id;
}

function odpNat(n: OfpactOf<'nat'>): OdpNat {
  const out: OdpNat = { kind: n.kind, persistent: n.persistent, hash: n.hash, random: n.random };
  if (n.range) {
    out.family = n.range.family === 'ipv4' ? 4 : 6;
    out.ipMin = n.range.addrMin;
    out.ipMax = n.range.addrMax;
    if (n.range.portMin) {
      out.protoMin = n.range.portMin;
      out.protoMax = n.range.portMax;
    }
  }
  return out;
}

export function composeConntrack(ctx: Ctx, ct: OfpactOf<'ct'>, isLast: boolean): void {
  let zone = ct.zoneImm;
  if (ct.zoneSrc) {
    zone = Number(subfieldValue(ctx.flow, ct.zoneSrc));
    if (!ctx.xin.frozen || !isFrozenMetadata(ct.zoneSrc.field.segments[0].member)) unwildcardSubfield(ctx.wc, ct.zoneSrc);
  }
  const oldMark = ctx.wc[M.ct_mark], oldLabel = ctx.wc[M.ct_label];
  // The datapath rewrites the conntrack metadata, so only bits set by exec() matter.
  ctx.wc[M.ct_mark] = 0n;
  ctx.wc[M.ct_label] = 0n;
  commitActions(ctx);
  ctx.ctNat = undefined;
  doXlateActions(ctx, ct.actions, isLast, false);

  const odp: Extract<OdpAction, { type: 'ct' }> = { type: 'ct', zone };
  if (ct.commit) {
    if (ct.force) odp.forceCommit = true; else odp.commit = true;
  }
  if (ctx.wc[M.ct_mark]) odp.mark = { value: Number(ctx.flow[M.ct_mark] & ctx.wc[M.ct_mark]), mask: Number(ctx.wc[M.ct_mark]) };
  if (ctx.wc[M.ct_label]) odp.label = { value: ctx.flow[M.ct_label] & ctx.wc[M.ct_label], mask: ctx.wc[M.ct_label] };
  if (CT_ALG_NAMES[ct.alg]) odp.helper = CT_ALG_NAMES[ct.alg];
  if (ctx.ctNat) odp.nat = odpNat(ctx.ctNat);
  putOdp(ctx, odp);
  ctx.wc[M.ct_mark] = oldMark;
  ctx.wc[M.ct_label] = oldLabel;

  if (ct.recircTable !== 255) {
    ctx.conntracked = true;
    ctx.freezing = true;
    const id = finishFreezing__(ctx, ct.recircTable);
    ctx.xin.recircQueue.push({
      type: 'conntrack', id, flow: recircFlow(ctx.flow, id, zone), nat: ctx.ctNat,
      state: ctx.xin.recircIds.states.get(id)!,
    });
    xreport(ctx, 'detail', `A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table ${ct.recircTable}.`);
  }
  ctx.ctNat = undefined;
  clearConntrack(ctx);
  xreport(ctx, 'detail', 'Sets the packet to an untracked state, and clears all the conntrack fields.');
}

/** Frozen metadata (tunnel, metadata, registers, in_port) survives recirculation. */
function isFrozenMetadata(member: number): boolean {
  return member < M.skb_priority || member === M.in_port;
}

export function composeCtClear(ctx: Ctx): void {
  if (!ctx.conntracked) return;
  clearConntrack(ctx);
  putOdp(ctx, { type: 'ct_clear' });
}

