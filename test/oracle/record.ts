// Records scenarios with a real Open vSwitch: builds the switch in a fresh sandbox, saves
// sosreport-named dumps and the output of every `ovs-appctl ofproto/trace`.
//   npm run record -- <scenario.json>... [--out test/fixtures]
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BridgeSpec, type Scenario, type TraceSpec, loadScenario, protocolList, traceArgs } from './scenario.js';
import { type RunResult, type Sandbox, ovsInstalled, withSandbox } from './ovs-sandbox.js';

export interface RecordedTrace extends RunResult, TraceSpec {
  opts: string[];
}

/** Bridge OpenFlow versions; groups and -O flows need OF1.3 on the bridge. */
function bridgeProtocols(b: BridgeSpec): string[] | undefined {
  const list = protocolList(b);
  if (list) return list;
  if (b.groups?.length || b.ofctl_protocol) return ['OpenFlow10', 'OpenFlow13'];
  return undefined; // OVS's default allows OpenFlow10 through OpenFlow15
}

const allows = (protos: string[] | undefined, v: string) => !protos || protos.includes(v);

function buildBridge(sb: Sandbox, b: BridgeSpec, index: number): void {
  const protos = bridgeProtocols(b);
  // A fixed hwaddr makes the datapath id and LOCAL port address deterministic.
  const set = [`datapath-type=dummy`, `other-config:hwaddr=aa:66:aa:66:00:${hex2(index + 1)}`];
  if (b.fail_mode) set.push(`fail_mode=${b.fail_mode}`);
  if (protos) set.push(`protocols=${protos.join(',')}`);
  sb.vsctl('add-br', b.name, '--', 'set', 'bridge', b.name, ...set);
  for (const p of b.ports) {
    const iface = [`type=${p.type ?? 'dummy'}`, `ofport_request=${p.ofport}`];
    if (p.peer) iface.push(`options:peer=${p.peer}`);
    for (const [k, v] of Object.entries(p.options ?? {})) iface.push(`options:${k}=${v}`);
    const port: string[] = [];
    if (p.tag !== undefined) port.push(`tag=${p.tag}`);
    if (p.trunks?.length) port.push(`trunks=[${p.trunks.join(',')}]`);
    if (p.vlan_mode) port.push(`vlan_mode=${p.vlan_mode}`);
    const portSet = port.length ? ['--', 'set', 'port', p.name, ...port] : [];
    sb.vsctl('add-port', b.name, p.name, '--', 'set', 'interface', p.name, ...iface, ...portSet);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Adds flows or groups from a file; a rejected line is reported with its text. */
function addFromFile(sb: Sandbox, scenario: string, b: BridgeSpec, what: 'flows' | 'groups', lines: string[]): void {
  if (!lines.length) return;
  const file = join(sb.dir, `${b.name}.${what}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const proto = what === 'groups' ? 'OpenFlow13' : b.ofctl_protocol;
  const r = sb.ofctl(...(proto ? ['-O', proto] : []), `add-${what}`, b.name, file);
  // OVS silently drops match fields whose prerequisites are missing; treat that as a rejection.
  const normalized = r.stderr.match(/pre: .*|post: .*/g);
  if (r.exit === 0 && !normalized) return;
  if (normalized) throw new Error(`scenario ${scenario}: ovs-ofctl dropped match fields (missing prerequisites) on ${b.name}: ${normalized.join(' -> ')}`);
  // Protocol negotiation errors carry no line number; find the culprit flow by flow.
  const line = /:(\d+):/.exec(r.stderr)?.[1];
  const culprit = line
    ? lines[Number(line) - 1]
    : what === 'flows'
      ? lines.find((l) => sb.ofctl(...(proto ? ['-O', proto] : []), 'parse-flow', l).exit !== 0)
      : undefined;
  throw new Error(`scenario ${scenario}: ovs-ofctl rejected ${what} on ${b.name}:${culprit ? `\n  ${culprit}` : ''}\n  ${r.stderr.trim()}`);
}

/** Durations and ages change between runs; pin them so re-recording gives identical files. */
function pinVolatile(text: string): string {
  return text.replace(/duration=\d+(\.\d+)?s/g, 'duration=5.000s').replace(/\b(idle_age|hard_age)=\d+/g, '$1=5');
}

/** ovs-vsctl show lists bridges and ports in hash order; sort them so recordings are stable. */
function sortShow(text: string): string {
  interface Node { line: string; children: Node[] }
  const root: Node = { line: '', children: [] };
  const stack: { indent: number; node: Node }[] = [{ indent: -1, node: root }];
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const indent = line.length - line.trimStart().length;
    while (stack[stack.length - 1].indent >= indent) stack.pop();
    const node = { line, children: [] };
    stack[stack.length - 1].node.children.push(node);
    stack.push({ indent, node });
  }
  const sortable = (n: Node) => /^\s*(Bridge|Port) /.test(n.line);
  const emit = (n: Node): string[] => {
    const kids = [...n.children];
    const idx = kids.map((k, i) => (sortable(k) ? i : -1)).filter((i) => i >= 0);
    const sorted = idx.map((i) => kids[i]).sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0));
    idx.forEach((i, j) => (kids[i] = sorted[j]));
    return [n.line, ...kids.flatMap(emit)];
  };
  return root.children.flatMap(emit).join('\n') + '\n';
}

/** Patch and tunnel ports get random MACs; derive stable ones from bridge and ofport. */
function pinPortAddrs(text: string, b: BridgeSpec): string {
  const random = new Set(b.ports.filter((p) => p.type && !['dummy', 'internal'].includes(p.type)).map((p) => p.ofport));
  return text.replace(/^( (\d+)\([^)]*\): addr:)([0-9a-f:]{17})/gm, (all, head: string, port: string) => {
    if (!random.has(Number(port))) return all;
    const h = createHash('sha1').update(`${b.name}/${port}`).digest('hex');
    return head + ['02', h.slice(0, 2), h.slice(2, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10)].join(':');
  });
}

function dumps(sb: Sandbox, s: Scenario): Record<string, string> {
  const ok = (r: RunResult, what: string) => {
    if (r.exit !== 0) throw new Error(`scenario ${s.name}: ${what}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  // The db UUID is random; derive a stable one from the scenario name.
  const uuid = createHash('sha1').update(s.name).digest('hex');
  const fakeUuid = `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20, 32)}`;
  const out: Record<string, string> = {
    'ovs-vsctl_-t_5_show': sortShow(sb.vsctl('-t', '5', 'show').replace(/^[0-9a-f-]{36}$/m, fakeUuid)),
    'ovs-appctl_dpif.show': ok(sb.appctl('dpif/show'), 'dpif/show'),
    'ovs-appctl_dpctl.show_-s': ok(sb.appctl('dpctl/show', '-s'), 'dpctl/show'),
  };
  for (const b of s.bridges) {
    const protos = bridgeProtocols(b);
    const of = (args: string[]) => ok(sb.ofctl(...args), `ovs-ofctl ${args.join(' ')}`);
    // Like sosreport: plain commands when the bridge speaks OF1.0, else -O its lowest version.
    const base = allows(protos, 'OpenFlow10') ? [] : ['-O', protos![0]];
    const name = (args: string[]) => ['ovs-ofctl', ...args].join('_');
    for (const cmd of ['dump-flows', 'show', 'dump-ports-desc']) {
      const args = [...base, cmd, b.name];
      out[name(args)] = pinPortAddrs(pinVolatile(of(args)), b);
    }
    if (allows(protos, 'OpenFlow13')) {
      for (const cmd of ['dump-flows', 'dump-groups', 'dump-tlv-map']) {
        const args = ['-O', 'OpenFlow13', cmd, b.name];
        out[name(args)] = pinVolatile(of(args));
      }
    }
    if (s.sosreport) {
      // As sosreport's openvswitch plugin: each version the bridge speaks, each of these commands.
      for (const version of ['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'].filter((v) => allows(protos, v))) {
        for (const cmd of ['show', 'dump-groups', 'dump-flows', 'dump-tlv-map', 'dump-ports-desc']) {
          const args = ['-O', version, cmd, b.name];
          out[name(args)] = pinPortAddrs(pinVolatile(of(args)), b);
        }
      }
    }
    // Entry ages tick during recording; pin them to 0.
    const fdb = ok(sb.appctl('fdb/show', b.name), `fdb/show ${b.name}`).replace(/(?<=:[0-9a-f]{2}\s+)\d+$/gm, '0');
    out[`ovs-appctl_fdb.show_${b.name}`] = fdb;
  }
  // As sosreport does: native tunnels are routed by them (empty unless the scenario has an underlay).
  out['ovs-appctl_ovs.route.show'] = ok(sb.appctl('ovs/route/show'), 'ovs/route/show');
  out['ovs-appctl_tnl.neigh.show'] = ok(sb.appctl('tnl/neigh/show'), 'tnl/neigh/show');
  return out;
}

export async function recordScenario(s: Scenario, outDir: string): Promise<RecordedTrace[]> {
  return withSandbox((sb) => {
    s.bridges.forEach((b, i) => buildBridge(sb, b, i));
    for (const b of s.bridges) {
      const tlv = b.tlv_map && sb.ofctl(...(b.ofctl_protocol ? ['-O', b.ofctl_protocol] : []), 'add-tlv-map', b.name, b.tlv_map);
      if (tlv && tlv.exit !== 0) throw new Error(`scenario ${s.name}: add-tlv-map ${b.name}: ${tlv.stderr.trim()}`);
      addFromFile(sb, s.name, b, 'groups', b.groups ?? []);
      addFromFile(sb, s.name, b, 'flows', b.flows ?? []);
    }
    for (const cmd of s.underlay ?? []) {
      const r = sb.appctl(...cmd);
      if (r.exit !== 0) throw new Error(`scenario ${s.name}: ovs-appctl ${cmd.join(' ')}: ${r.stderr.trim()}`);
    }
    for (const p of s.prime ?? []) {
      const r = sb.appctl('netdev-dummy/receive', p.port, p.packet);
      if (r.exit !== 0) throw new Error(`scenario ${s.name}: prime on ${p.port}: ${r.stderr.trim()}`);
    }
    const files = dumps(sb, s);
    const traces: RecordedTrace[] = s.traces.map((t) => ({
      bridge: t.bridge,
      flow: t.flow,
      packet: t.packet,
      opts: t.opts ?? [],
      ...sb.appctl('ofproto/trace', ...traceArgs(t)),
    }));
    const dir = join(outDir, s.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'dumps'), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, 'dumps', f), text);
    writeFileSync(join(dir, 'traces.json'), JSON.stringify(traces, null, 1) + '\n');
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify(s, null, 1) + '\n');
    return traces;
  });
}

async function main(argv: string[]): Promise<number> {
  let out = 'test/fixtures';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else files.push(argv[i]);
  }
  if (!files.length) {
    console.error('usage: npm run record -- <scenario.json>... [--out test/fixtures]');
    return 2;
  }
  if (!ovsInstalled()) {
    console.error('record: Open vSwitch (ovs-vswitchd) is not installed');
    return 2;
  }
  let failed = 0;
  for (const f of files) {
    try {
      const s = loadScenario(f);
      const traces = await recordScenario(s, out);
      const errs = traces.filter((t) => t.exit !== 0).length;
      console.log(`${s.name}: ${traces.length} traces${errs ? ` (${errs} exited non-zero)` : ''} -> ${join(out, s.name)}`);
    } catch (e) {
      failed++;
      console.error(`${f}: ${(e as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
