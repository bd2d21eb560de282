// Rules back to `ovs-ofctl dump-flows` text (ofputil_flow_stats_format).
import { formatMatch } from '../meta-flow/match.js';
import { formatActions } from '../ofp/actions.js';
import { formatTable } from '../ofp/action-def.js';
import type { PortNames } from '../ofp/ports.js';
import type { Rule } from '../model/rule.js';

/** `ports` and `tables` name them as `ovs-ofctl --names` does. */
export function formatRule(rule: Rule, ports?: PortNames, tables?: PortNames): string {
  const s = rule.stats;
  const parts: string[] = [];
  const withStats = s.duration !== undefined;
  if (withStats || rule.cookie) parts.push(`cookie=0x${rule.cookie.toString(16)}, `);
  if (withStats) parts.push(`duration=${s.duration}, `);
  if (withStats || rule.table) parts.push(`table=${formatTable(rule.table, tables)}, `);
  if (s.nPackets !== undefined) parts.push(`n_packets=${s.nPackets}, `);
  if (s.nBytes !== undefined) parts.push(`n_bytes=${s.nBytes}, `);
  if (s.idleTimeout !== undefined) parts.push(`idle_timeout=${s.idleTimeout}, `);
  if (s.hardTimeout !== undefined) parts.push(`hard_timeout=${s.hardTimeout}, `);
  for (const f of s.flags) parts.push(f + ' ');
  if (s.importance) parts.push(`importance=${s.importance}, `);
  if (s.idleAge !== undefined) parts.push(`idle_age=${s.idleAge}, `);
  if (s.hardAge !== undefined) parts.push(`hard_age=${s.hardAge}, `);
  const match = formatMatch(rule.match, rule.priority, ports);
  if (match) parts.push(match + ' ');
  parts.push('actions=' + formatActions(rule.actions, ports, tables));
  return ' ' + parts.join('');
}
