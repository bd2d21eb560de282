// Scenario format shared with /work/shared/scenarios (see README.md there): the switch
// to build in a real OVS, the packets to learn MACs from, and the traces to record.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface PortSpec {
  name: string;
  ofport: number;
  type?: string; // 'dummy' when absent
  peer?: string; // patch ports
  tag?: number;
  trunks?: number[];
  vlan_mode?: string;
  options?: Record<string, string>;
}

export interface BridgeSpec {
  name: string;
  fail_mode?: 'secure' | 'standalone';
  protocols?: string[] | string; // bridge OpenFlow versions
  ofctl_protocol?: string; // the -O to add flows with
  ports: PortSpec[];
  flows?: string[];
  groups?: string[];
  /** `ovs-ofctl add-tlv-map` mappings, `{class=0x102,type=0x80,len=4}->tun_metadata0,...` */
  tlv_map?: string;
}

export interface PrimeSpec {
  port: string;
  packet: string; // datapath flow syntax, for netdev-dummy/receive
}

export interface TraceSpec {
  /** A bridge or datapath name; omitted for `ofproto/trace ODP_FLOW` on the only datapath. */
  bridge?: string;
  flow: string;
  /** A packet in hex after the flow; OVS takes the headers from it, the metadata from the flow. */
  packet?: string;
  opts?: string[];
}

/** The ofproto/trace arguments: options, [bridge or datapath], flow, [packet]. */
export function traceArgs(t: TraceSpec): string[] {
  return [...(t.opts ?? []), ...(t.bridge === undefined ? [] : [t.bridge]), t.flow, ...(t.packet === undefined ? [] : [t.packet])];
}

export interface Scenario {
  name: string;
  description?: string;
  bridges: BridgeSpec[];
  prime?: PrimeSpec[];
  /**
   * The userspace datapath's tunnel underlay, as ovs-appctl commands run
   * after the bridges are built (`netdev-dummy/ip4addr br0 1.1.2.88/24`,
   * `ovs/route/add 1.1.2.92/24 br0`, `tnl/neigh/set br0 1.1.2.92 MAC`).
   */
  underlay?: string[][];
  /**
   * Save the dumps a sosreport holds for every OpenFlow version a bridge
   * speaks too (`ovs-ofctl -O V show, dump-groups, dump-flows, dump-tlv-map,
   * dump-ports-desc`), not only the plain and OpenFlow 1.3 ones.
   */
  sosreport?: boolean;
  traces: TraceSpec[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws a message naming the scenario and the offending field. */
export function validateScenario(raw: unknown, fallbackName = 'scenario'): Scenario {
  const s = raw as Scenario;
  const name = typeof s?.name === 'string' ? s.name : fallbackName;
  const fail = (msg: string): never => {
    throw new Error(`scenario ${name}: ${msg}`);
  };
  if (!s || typeof s !== 'object') fail('not an object');
  if (!NAME_RE.test(name)) fail(`bad name (used as a directory name)`);
  if (!Array.isArray(s.bridges) || s.bridges.length === 0) fail('bridges[] missing');
  const bridges = new Set<string>();
  const ports = new Set<string>();
  for (const b of s.bridges) {
    if (typeof b?.name !== 'string') fail('bridge without name');
    if (bridges.has(b.name)) fail(`duplicate bridge ${b.name}`);
    bridges.add(b.name);
    if (b.fail_mode && b.fail_mode !== 'secure' && b.fail_mode !== 'standalone')
      fail(`bridge ${b.name}: bad fail_mode ${b.fail_mode}`);
    if (!Array.isArray(b.ports)) fail(`bridge ${b.name}: ports[] missing`);
    for (const p of b.ports) {
      if (typeof p?.name !== 'string') fail(`bridge ${b.name}: port without name`);
      if (ports.has(p.name)) fail(`duplicate port ${p.name}`);
      ports.add(p.name);
      if (!Number.isInteger(p.ofport) || p.ofport < 1) fail(`port ${p.name}: bad ofport`);
      if (p.type === 'patch' && !p.peer) fail(`patch port ${p.name} without peer`);
    }
    for (const key of ['flows', 'groups'] as const)
      if (b[key] !== undefined && !(Array.isArray(b[key]) && b[key]!.every((f) => typeof f === 'string')))
        fail(`bridge ${b.name}: ${key} must be strings`);
  }
  for (const c of s.underlay ?? []) if (!Array.isArray(c) || !c.every((a) => typeof a === 'string')) fail(`bad underlay command ${JSON.stringify(c)}`);
  if (s.sosreport !== undefined && typeof s.sosreport !== 'boolean') fail('sosreport must be true or false');
  for (const p of s.prime ?? [])
    if (!ports.has(p?.port) || typeof p.packet !== 'string') fail(`bad prime entry ${JSON.stringify(p)}`);
  if (!Array.isArray(s.traces)) fail('traces[] missing');
  for (const t of s.traces) {
    // An unknown bridge is allowed on purpose: OVS's error message is worth recording too.
    if (t?.bridge !== undefined && typeof t.bridge !== 'string') fail('trace bridge must be a string');
    if (typeof t?.flow !== 'string') fail('trace without flow');
    if (t.packet !== undefined && typeof t.packet !== 'string') fail('trace packet must be a string');
    if (t.opts !== undefined && !(Array.isArray(t.opts) && t.opts.every((o) => typeof o === 'string')))
      fail('trace opts must be strings');
  }
  return { ...s, name };
}

export function loadScenario(path: string): Scenario {
  return validateScenario(JSON.parse(readFileSync(path, 'utf8')), basename(path, '.json'));
}

/** Bridge OpenFlow versions as a list; undefined means OVS's default. */
export function protocolList(b: BridgeSpec): string[] | undefined {
  if (b.protocols === undefined) return undefined;
  return Array.isArray(b.protocols) ? b.protocols : b.protocols.split(',').map((p) => p.trim());
}
