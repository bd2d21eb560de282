// The switch as translation sees it (OVS's xbridge/xport): ports by OpenFlow
// number with datapath numbers, patch peers and VLAN config, and a lazily
// built classifier per table.
import { Classifier } from './classifier.js';
import { tunnelDpifPort } from './tunnel.js';
import { portNames } from '../ingest/load.js';
import { OFPP_LOCAL, type PortNames } from '../ofp/ports.js';
import type { Bridge, Interface, Port, Snapshot } from '../model/snapshot.js';

export interface XPort {
  bridge: XBridge;
  ofport: number;
  name: string;
  /** Datapath port number, undefined for patch ports (and when unknown). */
  odpPort?: number;
  type: string;
  iface: Interface;
  port: Port;
  peer?: XPort;
}

/** Ports in assumed creation order: the bridge's own port, then by OpenFlow number. */
export function byCreation(a: XPort, b: XPort): number {
  return a.ofport === OFPP_LOCAL ? -1 : b.ofport === OFPP_LOCAL ? 1 : a.ofport - b.ofport;
}

export class XBridge {
  readonly ports = new Map<number, XPort>();
  readonly byName = new Map<string, XPort>();
  readonly names: PortNames;
  private readonly classifiers = new Map<number, Classifier>();
  /** Per table, its rules by cookie (countWithCookie). */
  private readonly cookieCounts = new Map<number, Map<bigint, number>>();

  constructor(readonly br: Bridge) {
    this.names = portNames(br);
  }

  get name(): string {
    return this.br.name;
  }

  /** The datapath type it runs on: dpif/show's ("dummy" of "dummy@ovs-dummy"), else vsctl's datapath_type, else system. */
  get datapathType(): string {
    return this.br.datapath?.split('@')[0] ?? (this.br.datapathType || 'system');
  }

  /** The rules of `table` with `cookie`, which a learn limit counts: every cookie of a table counted in one pass, without keeping the rules parsed. */
  countWithCookie(table: number, cookie: bigint): number {
    let counts = this.cookieCounts.get(table);
    if (!counts) {
      this.cookieCounts.set(table, (counts = new Map()));
      for (const r of this.br.tables.source(table)?.rulesOnce() ?? []) counts.set(r.cookie, (counts.get(r.cookie) ?? 0) + 1);
    }
    return counts.get(cookie) ?? 0;
  }

  classifier(table: number): Classifier | undefined {
    let c = this.classifiers.get(table);
    if (!c) {
      const source = this.br.tables.source(table);
      if (!source?.count) return undefined;
      c = new Classifier(source.groups());
      this.classifiers.set(table, c);
    }
    return c;
  }
}

/** A datapath (ofproto-dpif's dpif_backer): the bridges on it, its port names and its ports by number. */
export interface Datapath {
  bridges: XBridge[];
  portNames: Map<string, number>;
  /** The first bridge's port wins a number two bridges claim. */
  ports: Map<number, XPort>;
}

export class World {
  readonly bridges = new Map<string, XBridge>();
  private byType: Map<string, Datapath> | undefined;
  /** No dpif/show or dpctl/show was given: OpenFlow port numbers stand in for datapath ones. */
  readonly missingDatapathPorts: boolean;
  /** Warnings translations left for stderr (a dump a trace needed and did not have), each given once. */
  private readonly warned = new Set<string>();
  private readonly warnings: string[] = [];

  constructor(readonly snapshot: Snapshot) {
    this.missingDatapathPorts = !snapshot.hasDatapathPorts;
    for (const br of snapshot.bridges.values()) {
      const xb = new XBridge(br);
      this.bridges.set(br.name, xb);
      for (const port of br.ports) {
        for (const iface of port.interfaces) {
          let ofport = iface.ofport;
          // The bridge's own internal port is LOCAL even without `ovs-ofctl show`.
          if (ofport === undefined && iface.name === br.name) ofport = OFPP_LOCAL;
          if (ofport === undefined) continue;
          let odpPort = iface.dpPort;
          // Without dpif/show, a tunnel's datapath port is its vport's in dpctl/show.
          const vport = tunnelDpifPort(iface.type, iface.options);
          if (odpPort === undefined && vport) odpPort = [...snapshot.datapathPorts.values()].find((ports) => ports.has(vport))?.get(vport);
          if (odpPort === undefined && this.missingDatapathPorts && iface.type !== 'patch') odpPort = ofport;
          const xp: XPort = { bridge: xb, ofport, name: iface.name, odpPort, type: iface.type, iface, port };
          xb.ports.set(ofport, xp);
          xb.byName.set(iface.name, xp);
        }
      }
    }
    const all = [...this.bridges.values()].flatMap((b) => [...b.ports.values()]);
    const byName = new Map(all.map((p) => [p.name, p]));
    for (const p of all) {
      const peer = p.type === 'patch' ? p.iface.options.peer : undefined;
      if (peer !== undefined) p.peer = byName.get(peer);
    }
  }

  /** Leaves `msg` for takeWarnings, unless it was left before. */
  warnOnce(msg: string): void {
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    this.warnings.push(msg);
  }

  /** The warnings left since the last call. */
  takeWarnings(): string[] {
    return this.warnings.splice(0);
  }

  /** The datapaths, by XBridge.datapathType. */
  datapaths(): Map<string, Datapath> {
    if (this.byType) return this.byType;
    this.byType = new Map();
    for (const bridge of this.bridges.values()) {
      const type = bridge.datapathType;
      let dp = this.byType.get(type);
      // The datapath's own port 0 is named as dpif/show names the datapath.
      const name = bridge.br.datapath?.split('@')[1] ?? `ovs-${type}`;
      if (!dp) {
        // dpctl/show names every datapath port, the tunnel vports (vxlan_sys_4789) that no bridge lists among them.
        const ports = this.snapshot.datapathPorts;
        const all = ports.get(bridge.br.datapath ?? '') ?? [...ports].find(([dpName]) => dpName.startsWith(`${type}@`))?.[1] ?? [];
        this.byType.set(type, (dp = { bridges: [], portNames: new Map([[name, 0], ...all]), ports: new Map() }));
      }
      dp.bridges.push(bridge);
      for (const port of bridge.ports.values()) {
        if (port.odpPort === undefined) continue;
        dp.portNames.set(port.name, port.odpPort);
        if (!dp.ports.has(port.odpPort)) dp.ports.set(port.odpPort, port);
      }
    }
    return this.byType;
  }
}
