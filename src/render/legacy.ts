// `--format legacy`: ofproto/trace as OVS 2.5 and 2.6 printed it, before
// 2.7's tree (ofproto_trace, trace_resubmit, trace_format_flow/regs/odp/
// megaflow/rule and trace_report in their ofproto-dpif.c and
// ofproto-dpif-trace.c). A `Rule:` block per table lookup, indented one tab
// per resubmit level and, below the first, preceded by the packet, registers,
// datapath actions and megaflow as they stood right after the lookup. The
// translation is still oftrace's (OVS 3.1); docs/legacy-format.md lists what
// that changes.
import { M, copyFlow, unwildcardMembers, NSH_MEMBER_NAMES, ETH_TYPE, IPPROTO, FLOW_NW_FRAG_LATER, type Flow } from '../meta-flow/flow.js';
import { formatMatch } from '../meta-flow/match.js';
import { formatActions } from '../ofp/actions.js';
import { flowFormatMask } from '../trace/flow-format.js';
import { explainSlowPath, type TracePass, type TraceResult } from '../trace/ofproto-trace.js';
import { formatOdpActions } from '../xlate/odp-actions.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import type { TableVisit, Visits } from '../analysis/visits.js';
import { formatHex } from '../meta-flow/values.js';

/** struct flow members OVS 2.6 did not have: a 2.x trace never shows or compares them. */
const NEWER_MEMBERS = new Set(['packet_type', 'vlan_tci1', 'ct_nw_proto', 'ct_nw_src', 'ct_nw_dst', 'ct_ipv6_src', 'ct_ipv6_dst',
  'ct_tp_src', 'ct_tp_dst', 'tun_erspan_ver', 'tun_erspan_idx', 'tun_erspan_dir', 'tun_erspan_hwid', 'tun_gtpu_flags',
  'tun_gtpu_msgtype', ...NSH_MEMBER_NAMES].map((n) => M[n]));

/** OVS 2.5's xlate_report texts that oftrace's translation reports too; the rest of the tree's notes are 2.7+. */
const REPORTS_2X: ReadonlySet<string> = new Set([
  'no input bundle, dropping', 'partial VLAN tag, dropping', 'disallowed VLAN VID for this input port, dropping',
  'learned port is unknown, dropping', 'learned port is input port, dropping', 'forwarding to learned port',
  'no learned MAC for destination, flooding', 'skipping output to input port', 'Nonexistent output port',
  'OFPPC_NO_FWD set, skipping output', 'Not tunneling to our own address', 'output to native tunnel',
  'native tunnel routing failed', 'output to kernel tunnel', 'over 4096 resubmit actions', 'resubmits yielded over 64 kB of actions',
]);

/** The internal rule a miss lands on (TBL_INTERNAL, add_internal_miss_flow id 2, no actions). */
const NO_PACKET_IN_RULE = ['Rule: table=254 cookie=0 priority=0,reg0=0x2', 'OpenFlow actions=drop'];

export function formatTraceLegacy(result: TraceResult, bridge: string): string {
  const out: string[] = [];
  result.passes.forEach((p, i) => {
    if (i > 0) out.push('', '='.repeat(79), ...p.banner, '='.repeat(79), '');
    out.push(...legacyPass(p, result.visits, bridge));
  });
  return out.join('\n') + '\n';
}

/** ofproto_trace for one pass; each recirculation is what `ofproto/trace BRIDGE '<its Flow:>'` printed. */
function legacyPass(p: TracePass, visits: Visits, bridge: string): string[] {
  // trace->key: the flow as parsed, before xlate_in_init set actset_output to OFPP_UNSET.
  const key = copyFlow(p.flow);
  key[M.actset_output] = 0n;
  const lines = [`Bridge: ${bridge}`, `Flow: ${formatFlow2x(key)}`];
  // trace->flow: the packet as last printed; a resubmit that sees it again prints "unchanged".
  let shown = key;

  const lookupBlock = (node: TraceNode, lookup: TableVisit, level: number) => {
    const tabs = '\t'.repeat(level);
    // trace_resubmit compares with the traced bridge's own internal rule.
    if (level === 0 && !lookup.rule && node.info?.bridge === bridge) lines.push('No match, packets dropped because OFPPC_NO_PACKET_IN is set on in_port.');
    lines.push('');
    if (level > 0) {
      const unchanged = sameFlow(lookup.entry, shown);
      if (!unchanged) shown = lookup.entry;
      lines.push(`${tabs}Resubmitted flow: ${unchanged ? 'unchanged' : formatFlow2x(shown)}`,
        `${tabs}Resubmitted regs:${Array.from({ length: 16 }, (_, i) => ` reg${i}=0x${shown[M.reg0 + i].toString(16)}`).join('')}`,
        `${tabs}Resubmitted  odp: ${formatOdpActions(lookup.odp)}`,
        `${tabs}Resubmitted megaflow: ${formatMegaflow2x(key, lookup.wc)}`);
    }
    const rule = lookup.rule;
    const text = rule
      ? [`Rule: table=${rule.table} cookie=${formatHex(rule.cookie)} ${formatMatch({ flow: rule.match.flow, wc: without2xAbsent(rule.match.wc) }, rule.priority)}`,
        `OpenFlow actions=${formatActions(rule.actions)}`]
      : NO_PACKET_IN_RULE;
    lines.push(...text.map((t) => tabs + t));
  };

  // `level` is xlate's ctx->recurse: one more per resubmit and per group bucket.
  // The only lookup directly under the pass's bridge is xlate_actions' own
  // (a traced recirculation resumes with a lookup); it reports at 0, each
  // resubmit at ctx->recurse + 1.
  const walk = (nodes: TraceNode[], level: number, top: boolean): void => {
    for (const node of nodes) {
      const lookup = visits.get(node);
      if (lookup) {
        const at = top ? 0 : level + 1;
        lookupBlock(node, lookup, at);
        walk(node.subs, at, false);
      } else if (node.type === 'thaw') {
        lines.push('Restoring state post-recirculation:', ...node.subs.map((s) => `- ${s.text}`));
      } else if (node.type === 'bucket') {
        walk(node.subs, level + 1, false);
      } else {
        if (REPORTS_2X.has(node.text)) lines.push('\t'.repeat(level) + node.text);
        walk(node.subs, level, false);
      }
    }
  };
  for (const bridgeNode of p.tree) walk(bridgeNode.subs, 0, true);

  const final = copyFlow(p.out.flow);
  final[M.actset_output] = 0n;
  lines.push('', `Final flow: ${sameFlow(final, key) ? 'unchanged' : formatFlow2x(final)}`,
    `Megaflow: ${formatMegaflow2x(key, p.out.wc)}`, `Datapath actions: ${p.datapathActions}`);
  if (p.failure) lines.push(`Translation failed (${p.failure}), packet is dropped.`);
  else if (p.out.slow) lines.push(...explainSlowPath(p.out.slow, '\t- '));
  return lines;
}

function without2xAbsent(wc: Flow): Flow {
  return wc.map((m, i) => (NEWER_MEMBERS.has(i) ? 0n : m));
}

/** flow_equal over the members OVS 2.x had. */
function sameFlow(a: Flow, b: Flow): boolean {
  return a.every((v, i) => v === b[i] || NEWER_MEMBERS.has(i));
}

/** OVS 2.6's flow_format: no nw_frag (match_format matched the field's whole 0xff mask against its 2-bit cases), nd_* on every ICMPv6 packet. */
function formatFlow2x(f: Flow): string {
  const wc = without2xAbsent(flowFormatMask(f));
  wc[M.nw_frag] = 0n;
  if (f[M.dl_type] === ETH_TYPE.IPV6 && f[M.nw_proto] === IPPROTO.ICMPV6 && !(f[M.nw_frag] & FLOW_NW_FRAG_LATER)) {
    unwildcardMembers(wc, 'arp_sha', 'arp_tha', 'nd_target');
  }
  return formatMatch({ flow: f, wc });
}

/** trace_format_megaflow: the original key under the wildcards so far. */
function formatMegaflow2x(key: Flow, wc: Flow): string {
  const mask = without2xAbsent(wc);
  return formatMatch({ flow: key.map((v, i) => v & mask[i]), wc: mask });
}
