// The typed model of one switch, built from text dumps. Everything downstream
// (xlate, renderers, lint, check) reads only this.
import { RuleTables } from './rule-tables.js';
import type { Group } from './group.js';

/** Where a piece of the model came from, for error messages and JSON output. */
export interface SourceRef {
  file: string;
  line: number;
  column?: number;
}

export interface Interface {
  name: string;
  /** vsctl `type:`; '' for a plain (system) interface. */
  type: string;
  /** vsctl `options: {peer=..., remote_ip=...}` */
  options: Record<string, string>;
  ofport?: number;
  /** Datapath port number from dpif/show or dpctl/show. */
  dpPort?: number;
  mac?: string;
  /** `ovs-ofctl show` config/state words, e.g. PORT_DOWN, LINK_DOWN. */
  config?: string[];
  state?: string[];
  /** Where `ovs-vsctl show` lists the interface (for lint findings). */
  source?: SourceRef;
}

export interface Port {
  name: string;
  tag?: number;
  trunks?: number[];
  /** access, trunk, native-tagged, native-untagged */
  vlanMode?: string;
  interfaces: Interface[];
  /** Any other `key: value` line vsctl printed under the port (bond_mode, lacp...). */
  other: Record<string, string>;
}

/** One row of dump-tlv-map: Geneve option (class, type) of `len` bytes is tun_metadata<field>. */
export interface TlvMapping {
  optClass: number;
  type: number;
  len: number;
  field: number;
}

export interface FdbEntry {
  port: number;
  vlan: number;
  mac: string;
  age: number;
}

export interface Bridge {
  name: string;
  failMode?: string;
  datapathType?: string;
  /** datapath name from dpif/show, e.g. "dummy@ovs-dummy" or "system@ovs-system" */
  datapath?: string;
  ports: Port[];
  /** Rules by table id, in dump order (parsed on first use). */
  tables: RuleTables;
  /** `--names` dumps and dump-table-desc may give tables names. */
  tableNames: Map<number, string>;
  groups: Map<number, Group>;
  fdb: FdbEntry[];
  /** dump-tlv-map: the Geneve options tun_metadataN stand for (none without the dump). */
  tlvMap: TlvMapping[];
  /** ofctl show: dpid, n_tables, ... */
  dpid?: string;
}

/** A route of ovs/route/show. Addresses are IPv6, an IPv4 one mapped (::ffff:a.b.c.d), as OVS keeps them. */
export interface Route {
  prefix: bigint;
  /** Its length in IPv6 bits (an IPv4 /24 is 120). */
  plen: number;
  /** pkt_mark the route is for (0: packets without one). */
  mark: number;
  /** The bridge (or other device) packets leave by. */
  dev: string;
  gw?: bigint;
  src: bigint;
  /** A route to one of the host's own addresses. */
  local: boolean;
  /** Added with ovs/route/add (`User:`), which outranks a system route of the same length. */
  user: boolean;
}

/** A tnl/neigh/show entry: a next hop's MAC, on a bridge. */
export interface Neighbor {
  /** IPv4 mapped into IPv6, as OVS keeps it. */
  ip: bigint;
  mac: bigint;
  bridge: string;
  /** Expired: a lookup misses it, as if it were not there. */
  stale: boolean;
}

export interface Snapshot {
  bridges: Map<string, Bridge>;
  ovsVersion?: string;
  /** vsctl's leading UUID line. */
  uuid?: string;
  /** Whether a dpif/show or dpctl/show dump gave datapath port numbers. */
  hasDatapathPorts: boolean;
  /** dpctl/show's ports by datapath ("dummy@ovs-dummy"): every datapath port by name, tunnel vports (vxlan_sys_4789) included. */
  datapathPorts: Map<string, Map<string, number>>;
  /** ovs/route/show: where native tunnels send packets; undefined without that dump. */
  routes?: Route[];
  /** tnl/neigh/show: next hops' MACs, by bridge. */
  neighbors: Neighbor[];
  /** Non-fatal notes for stderr (missing datapath map, lenient skips). */
  warnings: string[];
}

export function newBridge(name: string): Bridge {
  return { name, ports: [], tables: new RuleTables(), tableNames: new Map(), groups: new Map(), fdb: [], tlvMap: [] };
}

export function newSnapshot(): Snapshot {
  return { bridges: new Map(), hasDatapathPorts: false, datapathPorts: new Map(), neighbors: [], warnings: [] };
}
