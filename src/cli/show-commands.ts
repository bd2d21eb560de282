// `oftrace show` and `oftrace flows BR`: what was loaded, in readable form.
import { InputError } from '../model/errors.js';
import { formatRule } from '../render/dump-flows.js';
import { portNames } from '../ingest/load.js';
import type { Snapshot } from '../model/snapshot.js';
import { formatMatch } from '../meta-flow/match.js';
import { formatActions } from '../ofp/actions.js';
import type { Io } from './main.js';

export function showCommand(snap: Snapshot, io: Io): number {
  const lines: string[] = [];
  if (snap.ovsVersion) lines.push(`ovs_version: ${snap.ovsVersion}`);
  for (const br of snap.bridges.values()) {
    // Counted, not parsed: a million-flow dump is shown at the cost of indexing it.
    const counts = br.tables.counts();
    const nFlows = counts.reduce((n, [, c]) => n + c, 0);
    lines.push(`bridge ${br.name}${br.failMode ? ` (fail_mode ${br.failMode})` : ''}: ${br.ports.length} ports, ${nFlows} flows, ${br.groups.size} groups, ${br.fdb.length} learned MACs`);
    for (const p of br.ports) {
      for (const i of p.interfaces) {
        const facts = [
          `ofport ${i.ofport === 65534 ? 'LOCAL' : i.ofport ?? '?'}`,
          `datapath ${i.dpPort ?? (i.type === 'patch' ? 'none' : '?')}`,
          i.type ? `type ${i.type}` : '',
          i.options.peer ? `peer ${i.options.peer}` : '',
          p.tag !== undefined ? `tag ${p.tag}` : '',
          p.trunks?.length ? `trunks ${p.trunks.join(',')}` : '',
          p.vlanMode ? `vlan_mode ${p.vlanMode}` : '',
        ].filter(Boolean);
        lines.push(`  port ${i.name}: ${facts.join(', ')}`);
      }
    }
    if (counts.length) lines.push(`  flows per table: ${counts.map(([t, c]) => `${t}:${c}`).join(' ')}`);
  }
  if (snap.routes) lines.push(`native tunnel underlay: ${snap.routes.length} routes, ${snap.neighbors.length} neighbors`);
  io.out(lines.join('\n') + '\n');
  return 0;
}

export function flowsCommand(snap: Snapshot, bridge: string, o: { table?: number; json?: boolean }, io: Io): number {
  const br = snap.bridges.get(bridge);
  if (!br) throw new InputError(`${bridge}: unknown bridge`);
  if (o.table !== undefined && !(Number.isInteger(o.table) && o.table >= 0 && o.table <= 254)) {
    throw new InputError('--table: expected a table id from 0 to 254');
  }
  const names = portNames(br);
  // A table at a time, parsed once and let go (a million flows need not fit in memory parsed);
  // the JSON array is written as JSON.stringify(rules, null, 2) writes it.
  let first = true;
  for (const [, rules] of br.tables.eachOnce(o.table)) {
    for (const r of rules) {
      if (!o.json) {
        io.out(formatRule(r, names) + '\n');
        continue;
      }
      const json = JSON.stringify({
        table: r.table, priority: r.priority, cookie: '0x' + r.cookie.toString(16),
        match: formatMatch(r.match, undefined, names), actions: formatActions(r.actions, names), source: r.source,
      }, null, 2);
      io.out(`${first ? '[\n' : ',\n'}  ${json.replaceAll('\n', '\n  ')}`);
      first = false;
    }
  }
  if (o.json) io.out(first ? '[]\n' : '\n]\n');
  return 0;
}
