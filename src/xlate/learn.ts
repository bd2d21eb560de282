// The learn action (ofproto-dpif-xlate.c xlate_learn_action, lib/learn.c
// learn_execute/learn_mask).  A trace shows the flow it would add only with
// -generate (side effects allowed); the flow is not installed.
import { allOnes } from '../meta-flow/flow.js';
import { addEthernetPrereq, formatMatch, newMatch, OFP_DEFAULT_PRIORITY } from '../meta-flow/match.js';
import { formatActions } from '../ofp/actions.js';
import type { Ofpact, OfpactOf } from '../ofp/ofpact.js';
import { OFPP_ALL, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX } from '../ofp/ports.js';
import { xreport, type Ctx } from './context.js';
import { regLoad, setSubfield, subfieldValue, unwildcardSubfield } from './subfield-ops.js';
import { reportSubfield } from './actions.js';

type Learn = OfpactOf<'learn'>;

export function xlateLearn(ctx: Ctx, learn: Learn): void {
  // learn_mask: the learned flow depends on the fields the specs read.
  for (const spec of learn.specs) if ('src' in spec) unwildcardSubfield(ctx.wc, spec.src);
  if (!ctx.xin.allowSideEffects) {
    xreport(ctx, 'warn', 'suppressing side effects, so learn action ignored');
    return;
  }
  xreport(ctx, 'detail', formatLearnedFlow(ctx, learn));
  const learned = belowLimit(ctx, learn);
  if (learn.resultDst) {
    regLoad(ctx.flow, ctx.wc, learn.resultDst, learned ? 1n : 0n);
    reportSubfield(ctx, learn.resultDst);
  }
  if (!learned) xreport(ctx, 'detail', 'Limit exceeded, learn failed');
}

/** ofproto_flow_mod_learn: a limit counts the rules of the learned table with the learned cookie. */
function belowLimit(ctx: Ctx, learn: Learn): boolean {
  return !learn.limit || ctx.xbridge.countWithCookie(learn.tableId, learn.cookie) < learn.limit;
}

/** The flow_mod learn_execute builds, as xlate_learn_action prints it. */
function formatLearnedFlow(ctx: Ctx, learn: Learn): string {
  const match = newMatch();
  const actions: Ofpact[] = [];
  if (learn.finIdleTimeout || learn.finHardTimeout) {
    actions.push({ type: 'fin_timeout', idleTimeout: learn.finIdleTimeout, hardTimeout: learn.finHardTimeout });
  }
  for (const spec of learn.specs) {
    const value = 'src' in spec ? subfieldValue(ctx.flow, spec.src) : spec.value;
    switch (spec.kind) {
      case 'match_field':
      case 'match_imm':
        setSubfield(match.flow, spec.dst, value);
        unwildcardSubfield(match.wc, spec.dst);
        addEthernetPrereq(match, spec.dst.field);
        break;
      case 'load_field':
      case 'load_imm': {
        const { field, ofs, nBits } = spec.dst;
        actions.push({ type: 'set_field', raw: 'load', field, value: value << BigInt(ofs), mask: allOnes(nBits) << BigInt(ofs) });
        break;
      }
      case 'output': {
        const port = Number(value);
        if (value <= 0xffffn && (port < OFPP_MAX || [OFPP_IN_PORT, OFPP_FLOOD, OFPP_LOCAL, OFPP_ALL].includes(port))) {
          actions.push({ type: 'output', port, maxLen: 0 });
        }
        break;
      }
    }
  }
  let s = `table=${learn.tableId}`;
  const m = formatMatch(match, OFP_DEFAULT_PRIORITY);
  if (m) s += ` ${m}`;
  s += ` priority=${learn.priority}`;
  if (learn.cookie) s += ` cookie=0x${learn.cookie.toString(16)}`;
  if (learn.idleTimeout) s += ` idle=${learn.idleTimeout}`;
  if (learn.hardTimeout) s += ` hard=${learn.hardTimeout}`;
  if (learn.sendFlowRem) s += ' send_flow_rem';
  return `${s} actions=${formatActions(actions)}`;
}
