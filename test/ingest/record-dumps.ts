// Records the ingest fixtures in test/ingest/dumps/ from a real Open vSwitch:
// bridges with the flows in ingest-fields.flows, dumped the ways people paste
// them (stats, --no-stats, --names, -O OpenFlow13/15), plus `ovs-ofctl show`
// for the port names.
//   node --import tsx test/ingest/record-dumps.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ovsInstalled, withSandbox, type Sandbox } from '../oracle/ovs-sandbox.js';
import { TABLE_NAMES } from './table-names.js';

const here = new URL('.', import.meta.url).pathname;
const OUT = join(here, 'dumps');
/** Bridges whose flows an OpenFlow 1.0 dump cannot decode. */
const OF13_ONLY = new Set(['br1']);

/** Ages and durations tick while recording; pin them so re-recording gives identical files. */
function pinVolatile(text: string): string {
  return text.replace(/duration=\d+(\.\d+)?s/g, 'duration=5.000s').replace(/\b(idle_age|hard_age)=\d+/g, '$1=5');
}

/** ingest-fields.flows: flow lines grouped by the `bridge=NAME` line before them. */
function flowsByBridge(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const br = /^bridge=(\S+)$/.exec(line);
    if (br) out.set(br[1], (cur = []));
    else if (!cur) throw new Error('ingest-fields.flows: a flow before the first bridge= line');
    else cur.push(line);
  }
  return out;
}

function must(sb: Sandbox, args: string[]): string {
  const r = sb.ofctl(...args);
  // A prerequisite warning means OVS silently dropped a match field: the fixture would lie.
  if (r.exit !== 0 || /pre: |post: /.test(r.stderr)) throw new Error(`ovs-ofctl ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

function buildBridge(sb: Sandbox, br: string, index: number, flows: string[]): void {
  sb.vsctl('add-br', br, '--', 'set', 'bridge', br, 'datapath-type=dummy', 'fail_mode=secure',
    `other-config:hwaddr=aa:66:aa:66:00:0${index + 1}`);
  // Port names: one plain, one that --names output must quote.
  for (const [name, ofport] of [[`p${index}1`, 1], [`vm-${index}2`, 2]] as const) {
    sb.vsctl('add-port', br, name, '--', 'set', 'interface', name, 'type=dummy', `ofport_request=${ofport}`);
  }
  for (const [name, id] of Object.entries(TABLE_NAMES)) {
    sb.vsctl('--', '--id=@t', 'create', 'Flow_Table', `name=${name}`, '--', 'set', 'bridge', br, `flow_tables:${id}=@t`);
  }
  must(sb, ['add-tlv-map', br, '{class=0xffff,type=0,len=4}->tun_metadata0,{class=0xffff,type=1,len=8}->tun_metadata1,{class=0xffff,type=2,len=124}->tun_metadata2']);
  must(sb, ['-O', 'OpenFlow13', 'add-meter', br, 'meter=1,pktps,band=type=drop,rate=10']);
  must(sb, ['-O', 'OpenFlow13', 'add-group', br, 'group_id=1,type=all,bucket=output:1']);
  const file = join(sb.dir, `${br}.flows`);
  writeFileSync(file, flows.join('\n') + '\n');
  must(sb, ['-O', 'OpenFlow15', '--names', 'add-flows', br, file]);
}

function dumpBridge(sb: Sandbox, br: string, out: Record<string, string>): void {
  const variants = [
    ['-O', 'OpenFlow13'], ['-O', 'OpenFlow13', '--names', '--no-stats'], ['-O', 'OpenFlow15', '--names'],
    ...(OF13_ONLY.has(br) ? [] : [[], ['--no-stats'], ['--names']]),
  ];
  for (const opts of variants) {
    const args = [...opts, 'dump-flows', br];
    out[['ovs-ofctl', ...args].join('_')] = pinVolatile(must(sb, args));
  }
  out[`ovs-ofctl_show_${br}`] = must(sb, ['show', br]);
}

async function main(): Promise<number> {
  if (!ovsInstalled()) {
    console.error('record-dumps: Open vSwitch (ovs-vswitchd) is not installed');
    return 2;
  }
  const bridges = flowsByBridge(readFileSync(join(here, 'ingest-fields.flows'), 'utf8'));
  const files = await withSandbox((sb) => {
    const out: Record<string, string> = {};
    [...bridges].forEach(([br, flows], i) => buildBridge(sb, br, i, flows));
    for (const br of bridges.keys()) dumpBridge(sb, br, out);
    return out;
  });
  mkdirSync(OUT, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(OUT, name), text);
  console.log(`record-dumps: ${Object.keys(files).length} files -> ${OUT}`);
  return 0;
}

process.exitCode = await main();
