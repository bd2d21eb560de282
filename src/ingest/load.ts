// Dump texts -> one Snapshot. Each dump kind contributes what it knows; ports
// are joined by interface name (vsctl has types/peers/tags, ofctl show has
// ofport numbers and MACs, dpif/show has datapath port numbers).
import { parseVsctlShow } from '../../grammar/vsctl-show.js';
import { parseOfctlShow } from '../../grammar/ofctl-show.js';
import { parseDpifShow, parseDpctlShow } from '../../grammar/dpif-show.js';
import { parseFdbShow } from '../../grammar/fdb-show.js';
import { parseDumpGroups } from '../../grammar/dump-groups.js';
import { parseTlvMap } from '../../grammar/tlv-map.js';
import { parseRouteShow } from '../../grammar/route-show.js';
import { parseNeighShow } from '../../grammar/neigh-show.js';
import { mostFlowsResetCounts, parseFlowsDump, indexFlowsDump, type FlowsContext, type FlowsIndex } from './flows.js';
import { indexedTables, tablesOf } from './table-index.js';
import { startFilingWorker } from './filing-worker.js';
import type { ProgressSink } from './progress.js';
import { PortNames } from '../ofp/ports.js';
import { newBridge, newSnapshot, type Bridge, type Interface, type Snapshot } from '../model/snapshot.js';
import type { DumpText } from './sources.js';
import { InputError } from '../model/errors.js';
import type { Rule } from '../model/rule.js';

export interface LoadOptions {
  /** Skip bad lines with one warning each instead of failing. */
  lenient?: boolean;
  warn?: (msg: string) => void;
  progress?: ProgressSink;
}

function bridgeOf(snap: Snapshot, name: string): Bridge {
  let br = snap.bridges.get(name);
  if (!br) {
    br = newBridge(name);
    snap.bridges.set(name, br);
  }
  return br;
}

/** OpenFlow port names are at most 15 characters; `ovs-ofctl show` truncates longer ones. */
const OFP_MAX_PORT_NAME = 15;

/**
 * A bridge's interfaces by name, and by the first OFP_MAX_PORT_NAME
 * characters of longer names: ofctl show and dpif/show name a port per
 * line, and a chassis has thousands of them.
 */
class Interfaces {
  private readonly byName = new Map<string, Interface>();
  private readonly byTruncated = new Map<string, Interface[]>();

  constructor(private readonly br: Bridge) {
    for (const p of br.ports) for (const i of p.interfaces) this.index(i);
  }

  /** The interface named `name`, created as a one-interface port if vsctl didn't list it. */
  get(name: string): Interface {
    const exact = this.byName.get(name);
    if (exact) return exact;
    if (name.length === OFP_MAX_PORT_NAME) {
      const longer = this.byTruncated.get(name);
      if (longer?.length === 1) return longer[0];
    }
    const iface: Interface = { name, type: '', options: Object.create(null) };
    this.br.ports.push({ name, interfaces: [iface], other: Object.create(null) });
    this.index(iface);
    return iface;
  }

  private index(i: Interface): void {
    if (!this.byName.has(i.name)) this.byName.set(i.name, i); // the first of a name, as a search in port order finds
    if (i.name.length > OFP_MAX_PORT_NAME) {
      const prefix = i.name.slice(0, OFP_MAX_PORT_NAME);
      const list = this.byTruncated.get(prefix);
      if (list) list.push(i);
      else this.byTruncated.set(prefix, [i]);
    }
  }
}

export function portNames(br: Bridge): PortNames {
  const entries: [number, string][] = [];
  for (const p of br.ports) for (const i of p.interfaces) if (i.ofport !== undefined) entries.push([i.ofport, i.name]);
  return new PortNames(entries);
}

/**
 * A dump prints each action the way the protocol it was dumped with encodes
 * it, while ofproto/trace prints actions as they were added (`mod_dl_src` vs
 * `set_field:...->eth_src`). When a bridge has dumps in several versions, use
 * the one matching how the flows were added. OpenFlow 1.0/1.1 flow_mods
 * always reset counters, which an OF1.3 dump shows as `reset_counts`; flows
 * added with OF1.2+ lack it. OpenFlow 1.2 flow stats have no flags, so its
 * dump never shows it: the telling dump is 1.3 or later (a sosreport holds
 * every version the bridge speaks).
 */
function chooseFlows(candidates: DumpText[], onError?: (e: Error) => void): DumpText {
  const of1x = candidates.find((d) => d.ofVersion && d.ofVersion >= 'OpenFlow13');
  const plain = candidates.find((d) => !d.ofVersion);
  if (!of1x || !plain) return plain ?? candidates[0];
  try {
    return mostFlowsResetCounts(of1x.text, { file: of1x.file }) ? plain : of1x;
  } catch (e) {
    // --lenient: the OpenFlow 1.3+ dump is unreadable (empty, binary); the plain one may do.
    if (!onError || !(e instanceof InputError)) throw e;
    onError(e);
    return plain;
  }
}

/**
 * Of each bridge's dumps of one kind, those of the OpenFlow version `pick`
 * names (undefined: the plain ones): a sosreport holds the port list, groups
 * and TLV map once per version, and they list the same things. Groups and
 * TLV maps take the newest version, the last, as when each dump read
 * replaced the one before.
 */
function oneVersionPerBridge(dumps: DumpText[], pick: (candidates: DumpText[]) => string | undefined): DumpText[] {
  return [...byBridge(dumps).values()].flatMap((c) => {
    const version = pick(c);
    return c.filter((d) => d.ofVersion === version);
  });
}
/** The plain dumps' (no version), else the first one's version. */
const plainVersion = (c: DumpText[]) => (c.some((d) => !d.ofVersion) ? undefined : c[0].ofVersion);
/** The last dump's version: in a sosreport's sorted names, the newest. */
const lastVersion = (c: DumpText[]) => c[c.length - 1].ofVersion;

/** Each bridge's dumps, in the order they come. */
function byBridge(dumps: DumpText[]): Map<string, DumpText[]> {
  const out = new Map<string, DumpText[]>();
  for (const d of dumps) {
    const list = out.get(d.bridge!);
    if (list) list.push(d);
    else out.set(d.bridge!, [d]);
  }
  return out;
}

export function loadSnapshot(dumps: DumpText[], opts: LoadOptions = {}): Snapshot {
  const snap = newSnapshot();
  const warn = opts.warn ?? ((m: string) => snap.warnings.push(m));
  const onError = opts.lenient ? (e: Error) => warn(`warning: skipped: ${e.message}`) : undefined;
  const byKind = (k: DumpText['kind']) => dumps.filter((d) => d.kind === k);
  // Each bridge's index is built at its first lookup: by then every vsctl dump has listed its ports.
  const interfaces = new Map<Bridge, Interfaces>();
  const ifaceOf = (br: Bridge, name: string) => {
    let index = interfaces.get(br);
    if (!index) interfaces.set(br, (index = new Interfaces(br)));
    return index.get(name);
  };

  for (const d of byKind('vsctl')) {
    const show = parseVsctlShow(d.text, d.file);
    snap.uuid = show.uuid;
    snap.ovsVersion = show.ovsVersion;
    for (const b of show.bridges) {
      const br = bridgeOf(snap, b.name);
      br.failMode = b.failMode;
      br.datapathType = b.datapathType;
      br.ports = b.ports;
    }
  }
  for (const d of oneVersionPerBridge(byKind('ports'), plainVersion)) {
    const show = parseOfctlShow(d.text, d.file);
    const br = bridgeOf(snap, d.bridge!);
    br.dpid ??= show.dpid;
    for (const p of show.ports) {
      const iface = ifaceOf(br, p.name);
      iface.ofport = p.ofport;
      iface.mac = p.mac;
      iface.config = p.config;
      iface.state = p.state;
    }
  }
  for (const d of byKind('dpif')) {
    for (const dp of parseDpifShow(d.text, d.file)) {
      for (const [brName, ports] of dp.bridges) {
        const br = bridgeOf(snap, brName);
        br.datapath = dp.name;
        for (const p of ports.values()) {
          const iface = ifaceOf(br, p.name);
          iface.ofport ??= p.ofport;
          iface.dpPort = p.dpPort;
        }
      }
    }
  }
  for (const d of byKind('dpctl')) {
    for (const dp of parseDpctlShow(d.text, d.file)) snap.datapathPorts.set(dp.name, new Map([...dp.ports.values()].map((p) => [p.name, p.dpPort])));
  }
  if (byKind('dpif').length === 0) {
    // dpctl/show has datapath numbers by interface name, without bridges.
    const byName = new Map([...snap.datapathPorts.values()].flatMap((ports) => [...ports]));
    for (const br of snap.bridges.values()) for (const p of br.ports) for (const i of p.interfaces) i.dpPort ??= byName.get(i.name);
  }
  snap.hasDatapathPorts = byKind('dpif').length + byKind('dpctl').length > 0;
  for (const d of byKind('fdb')) bridgeOf(snap, d.bridge!).fdb = parseFdbShow(d.text, d.file);
  for (const d of oneVersionPerBridge(byKind('tlv'), lastVersion)) bridgeOf(snap, d.bridge!).tlvMap = parseTlvMap(d.text, d.file);
  for (const d of byKind('routes')) snap.routes = [...(snap.routes ?? []), ...parseRouteShow(d.text, d.file)];
  for (const d of byKind('neigh')) snap.neighbors.push(...parseNeighShow(d.text, d.file));

  if (opts.lenient) loadFlowsLenient(snap, byKind('flows'), onError!, warn);
  else loadFlowsLazily(snap, byKind('flows'), warn, opts.progress);
  for (const d of oneVersionPerBridge(byKind('groups'), lastVersion)) {
    const br = bridgeOf(snap, d.bridge!);
    for (const g of parseDumpGroups(d.text, d.file)) br.groups.set(g.groupId, g);
  }
  return snap;
}

/** Strict loading: of each bridge's dumps, index the one it uses now (cheap), parse each table when first used. */
function loadFlowsLazily(snap: Snapshot, dumps: DumpText[], warn: (m: string) => void, progress?: ProgressSink): void {
  for (const [name, candidates] of byBridge(dumps)) {
    const d = chooseFlows(candidates);
    const br = bridgeOf(snap, name);
    const ctx: FlowsContext = { file: d.file, ports: portNames(br), progress, warn };
    // A large dump: a worker starts now, to decode it while this thread indexes it.
    const worker = startFilingWorker(d.shared, ctx);
    let index: FlowsIndex;
    try {
      index = indexFlowsDump(d.text, ctx);
    } catch (e) {
      worker?.stop();
      throw e;
    }
    worker?.shareIndex(index);
    const filedTogether = worker && tablesOf(index, ctx);
    const filed = filedTogether && worker.fileWith(filedTogether, ctx) ? filedTogether : indexedTables(index, ctx);
    for (const [table, source] of filed) br.tables.setSource(table, source);
  }
}

/** `--lenient`: parse each bridge's dump now, so each skipped line is reported once, in order. */
function loadFlowsLenient(snap: Snapshot, dumps: DumpText[], onError: (e: Error) => void, warn: (m: string) => void): void {
  for (const [name, candidates] of byBridge(dumps)) {
    const d = chooseFlows(candidates, onError);
    const br = bridgeOf(snap, name);
    const byTable = new Map<number, Rule[]>();
    for (const r of parseFlowsDump(d.text, { file: d.file, ports: portNames(br), warn }, onError).rules) {
      const list = byTable.get(r.table);
      if (list) list.push(r);
      else byTable.set(r.table, [r]);
    }
    for (const [t, rules] of byTable) br.tables.set(t, rules);
  }
}
