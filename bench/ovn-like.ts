// A seeded generator of OVN-like snapshots for benchmarks: one bridge, br-int,
// whose 40-table pipeline looks like what ovn-controller installs (logical
// datapath in metadata, logical ports in reg14/reg15, ct zone in reg13, two
// conntrack recirculations, port security at both ends), padded with ACL-like
// rules (ip/tcp/udp matches at several masks and priorities) up to the asked
// number of flows. Written as the dumps a `--dumps` folder holds, in the
// format `ovs-ofctl dump-flows` prints (OpenFlow 1.0, NXST_FLOW).
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prng as rng } from '../tools/prng.js';

export interface GenOptions {
  flows: number;
  seed?: number;
  /** Logical datapaths (metadata values). */
  datapaths?: number;
  /** VIF ports on br-int; each belongs to datapath `port % datapaths`. */
  ports?: number;
}

export interface Generated {
  dir: string;
  bridge: string;
  flowsFile: string;
  /** Rules written, infrastructure ones included. */
  flows: number;
  /** Trace flows that hit generated ACL rules on their way to an output port. */
  packets: string[];
}

export const BRIDGE = 'br-int';
/** Sample packets, one per ACL rule they hit: enough that a 10,000-trace batch repeats none. */
const MAX_PACKETS = 16384;
const TABLES = 40;
const CT_IN = 5; // ct(table=6): ingress conntrack recirculation
const MOVE = 10;
const L2 = 20;
const CT_OUT = 25; // ct(table=26), then commit in 26
const EGRESS_PS = 36;
const OUT = 39;
const SPECIAL = new Set([0, 1, CT_IN, CT_IN + 1, MOVE, L2, CT_OUT, CT_OUT + 1, EGRESS_PS, OUT]);
/** Tables the padding rules go to: everything not part of the fixed pipeline. */
const BULK_TABLES = Array.from({ length: TABLES }, (_, t) => t).filter((t) => !SPECIAL.has(t));
const PRIORITIES = [2002, 2001, 1100, 1001, 1000];
const ZONE = 'NXM_NX_REG13[0..15]';

const hex = (n: number) => `0x${n.toString(16)}`;
/** load: values as OVS prints them (`load:0->`, `load:0x1f->`). */
const loadVal = (n: number) => (n === 0 ? '0' : hex(n));
const mac = (lport: number) => `fa:16:3e:00:${((lport >> 8) & 255).toString(16).padStart(2, '0')}:${(lport & 255).toString(16).padStart(2, '0')}`;
const portName = (p: number) => `tap${p.toString(16).padStart(8, '0')}-0${p % 10}`;

export function generateSnapshot(dir: string, o: GenOptions): Generated {
  const rand = rng(o.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const D = o.datapaths ?? 8;
  const P = o.ports ?? 64;
  // OpenFlow port p is logical port p of datapath p % D (metadata = that + 1).
  const dpOf = (p: number) => (p % D) + 1;
  const byDatapath = new Map<number, number[]>();
  for (let p = 1; p <= P; p++) {
    const list = byDatapath.get(dpOf(p));
    if (list) list.push(p);
    else byDatapath.set(dpOf(p), [p]);
  }
  const portsOf = (dp: number) => byDatapath.get(dp) ?? [];

  mkdirSync(dir, { recursive: true });
  const flowsFile = join(dir, `ovs-ofctl_dump-flows_${BRIDGE}`);
  const fd = openSync(flowsFile, 'w');
  // Written in chunks: at a million rules the whole text would be ~170 MB.
  let buf: string[] = [];
  let count = 0;
  const rule = (table: number, priority: number, match: string, actions: string) => {
    buf.push(` cookie=0x0, duration=5.000s, table=${table}, n_packets=0, n_bytes=0, idle_age=5, priority=${priority}${match ? ',' + match : ''} actions=${actions}\n`);
    count++;
    if (buf.length >= 10_000) flush();
  };
  const flush = () => {
    writeSync(fd, buf.join(''));
    buf = [];
  };
  const next = (t: number) => `resubmit(,${t + 1})`;
  writeSync(fd, 'NXST_FLOW reply (xid=0x4):\n');

  // The fixed pipeline.
  for (let p = 1; p <= P; p++) {
    const dp = dpOf(p);
    rule(0, 100, `in_port=${p}`, `load:${hex(p)}->NXM_NX_REG13[],load:${hex(p)}->NXM_NX_REG14[],load:${hex(dp)}->OXM_OF_METADATA[],resubmit(,1)`);
    rule(1, 50, `reg14=${hex(p)},metadata=${hex(dp)},dl_src=${mac(p)}`, next(1));
    rule(L2, 50, `metadata=${hex(dp)},dl_dst=${mac(p)}`, `load:${hex(p)}->NXM_NX_REG15[],${next(L2)}`);
    rule(EGRESS_PS, 50, `reg15=${hex(p)},metadata=${hex(dp)},dl_dst=${mac(p)}`, next(EGRESS_PS));
    rule(OUT, 100, `reg15=${hex(p)},metadata=${hex(dp)}`, `output:${p}`);
  }
  rule(1, 100, 'vlan_tci=0x1000/0x1000', 'drop');
  rule(1, 0, '', 'drop');
  for (let dp = 1; dp <= D; dp++) {
    rule(CT_IN, 100, `ip,metadata=${hex(dp)}`, `ct(table=${CT_IN + 1},zone=${ZONE})`);
    rule(MOVE, 100, `ip,metadata=${hex(dp)}`, `move:NXM_OF_IP_SRC[]->NXM_NX_REG0[],move:NXM_NX_REG14[]->NXM_NX_REG12[],${next(MOVE)}`);
    rule(CT_OUT, 100, `ip,metadata=${hex(dp)}`, `ct(table=${CT_OUT + 1},zone=${ZONE})`);
  }
  rule(CT_IN + 1, 65535, 'ct_state=+inv+trk', 'drop');
  rule(CT_IN + 1, 65535, 'ct_state=+est+trk', next(CT_IN + 1));
  rule(CT_OUT + 1, 100, 'ct_state=+new+trk,ip', `ct(commit,zone=${ZONE}),${next(CT_OUT + 1)}`);
  for (const t of [CT_IN, CT_IN + 1, MOVE, CT_OUT, CT_OUT + 1]) rule(t, 0, '', next(t));
  for (const t of [L2, EGRESS_PS, OUT]) rule(t, 0, '', 'drop');
  for (const t of BULK_TABLES) rule(t, 0, '', next(t));

  // ACL-like padding, spread over the bulk tables.
  const hits: { dp: number; lport: number; src: string; tpDst: number }[] = [];
  for (let i = 0; count < o.flows; i++) {
    const t = pick(BULK_TABLES);
    const dp = 1 + Math.floor(rand() * D);
    const md = `metadata=${hex(dp)}`;
    const lport = pick(portsOf(dp));
    // Every address and port below is a function of the rule's index, so no
    // two rules share table, priority and match (OVS would merge them).
    const j = i >> 2;
    const tpDst = 1024 + (j % 60000);
    const octets = `${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}`;
    let match: string;
    switch (i % 4) {
      case 0: // a port's ACL on one source and service: what the sample packets hit
        match = `tcp,reg14=${hex(lport)},${md},nw_src=10.${octets},tp_dst=${tpDst}`;
        if (hits.length < MAX_PACKETS) hits.push({ dp, lport, src: `10.${octets}`, tpDst });
        break;
      case 1:
        match = `ip,${md},nw_dst=${20 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}.0/24`;
        break;
      case 2:
        match = `tcp,${md},nw_src=172.${16 + (j % 16)}.0.0/16,tp_dst=${1024 + (j >> 4)}`;
        break;
      default:
        match = `udp,reg15=${hex(lport)},${md},nw_dst=11.${octets},tp_dst=${tpDst}`;
    }
    const act = pick([`load:0x1->NXM_NX_REG10[1]`, `load:${loadVal(i & 0xffff)}->NXM_NX_REG12[]`, `move:NXM_NX_REG14[]->NXM_NX_REG11[]`]);
    rule(t, pick(PRIORITIES), match, `${act},${next(t)}`);
  }
  flush();
  closeSync(fd);

  writeOtherDumps(dir, P);

  const packets = hits.map((h) => {
    const peers = portsOf(h.dp).filter((p) => p !== h.lport);
    const dst = peers[Math.floor(rand() * peers.length)];
    return `tcp,in_port=${h.lport},dl_src=${mac(h.lport)},dl_dst=${mac(dst)},nw_src=${h.src},nw_dst=10.255.${dst >> 8}.${dst & 255},tp_src=33333,tp_dst=${h.tpDst}`;
  });
  return { dir, bridge: BRIDGE, flowsFile, flows: count, packets };
}

/** vsctl show, ofctl show, dpif/show, fdb/show and dump-groups, shaped like the recorded fixtures'. */
function writeOtherDumps(dir: string, P: number): void {
  const ports = Array.from({ length: P }, (_, i) => i + 1);
  const w = (name: string, text: string) => writeFileSync(join(dir, name), text);
  w('ovs-vsctl_-t_5_show', [
    '6a1f0c2e-0000-4000-8000-00000000be01',
    `    Bridge ${BRIDGE}`,
    '        fail_mode: secure',
    '        datapath_type: dummy',
    `        Port ${BRIDGE}`,
    `            Interface ${BRIDGE}`,
    '                type: internal',
    ...ports.flatMap((p) => [`        Port ${portName(p)}`, `            Interface ${portName(p)}`, '                type: dummy']),
    '',
  ].join('\n'));
  const desc = (no: string, name: string, addr: string) =>
    [` ${no}(${name}): addr:${addr}`, '     config:     0', '     state:      0', '     speed: 0 Mbps now, 0 Mbps max'];
  w(`ovs-ofctl_show_${BRIDGE}`, [
    'OFPT_FEATURES_REPLY (xid=0x2): dpid:0000aa66aa660001',
    'n_tables:254, n_buffers:0',
    'capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP',
    'actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst',
    ...ports.flatMap((p) => desc(String(p), portName(p), `aa:55:aa:55:${(p >> 8).toString(16).padStart(2, '0')}:${(p & 255).toString(16).padStart(2, '0')}`)),
    ...desc('LOCAL', BRIDGE, 'aa:66:aa:66:00:01'),
    'OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0',
    '',
  ].join('\n'));
  w('ovs-appctl_dpif.show', [
    'dummy@ovs-dummy: hit:0 missed:0',
    `  ${BRIDGE}:`,
    `    ${BRIDGE} 65534/1: (dummy-internal)`,
    ...ports.map((p) => `    ${portName(p)} ${p}/${p + 1}: (dummy)`),
    '',
  ].join('\n'));
  w(`ovs-appctl_fdb.show_${BRIDGE}`, ' port  VLAN  MAC                Age\n');
  w(`ovs-ofctl_-O_OpenFlow13_dump-groups_${BRIDGE}`, 'OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):\n');
}
