// Specifications for tunnel ports (ofproto/tunnel.c, netdev-vport's tunnel
// config, the tunnel branch of compose_output_action__). Native tunnelling is
// covered by test/fixtures/family-tunnels (recorded on the userspace datapath,
// where route lookups fail); the kernel-datapath expectations below are those
// of OVS's own tests/tunnel.at ("tunnel - input", with tunnel push/pop off).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { M, ETH_TYPE, newFlow } from '../../src/meta-flow/flow.js';
import { tnlPortSend, tnlWcInit, tunnelConfig } from '../../src/xlate/tunnel.js';
import type { XPort } from '../../src/xlate/world.js';

const port = (type: string, options: Record<string, string>) => ({ type, iface: { options } }) as unknown as XPort;
const V4_MAPPED = 0xffffn << 32n;

describe('tunnel config (set_tunnel_config)', () => {
  it('defaults: per-type UDP port, ttl 64, df on, no key', () => {
    const cfg = tunnelConfig(port('vxlan', { remote_ip: '192.168.1.2' }))!;
    expect(cfg).toMatchObject({ dstPort: 4789, ttl: 64, dontFragment: true, outKeyPresent: false, ipv6Dst: V4_MAPPED | 0xc0a80102n });
    expect(tunnelConfig(port('geneve', { remote_ip: '1.1.1.1' }))!.dstPort).toBe(6081);
    expect(tunnelConfig(port('gre', { remote_ip: '1.1.1.1' }))!.dstPort).toBe(0);
  });

  it('key applies to both directions unless in_key/out_key say otherwise', () => {
    expect(tunnelConfig(port('gre', { remote_ip: '1.1.1.1', key: '5' }))).toMatchObject({ outKey: 5n, outKeyPresent: true, outKeyFlow: false });
    expect(tunnelConfig(port('gre', { remote_ip: '1.1.1.1', key: '5', out_key: 'flow' }))).toMatchObject({ outKeyPresent: true, outKeyFlow: true });
  });

  it('is refused without a remote, or with local_ip=flow and a fixed remote', () => {
    expect(tunnelConfig(port('vxlan', {}))).toBeUndefined();
    expect(tunnelConfig(port('vxlan', { remote_ip: '1.1.1.1', local_ip: 'flow' }))).toBeUndefined();
    expect(tunnelConfig(port('dummy', { remote_ip: '1.1.1.1' }))).toBeUndefined();
  });
});

describe('tnl_port_send', () => {
  it('fills the tunnel header and always inherits ECN (so the megaflow matches it)', () => {
    const cfg = tunnelConfig(port('vxlan', { remote_ip: '192.168.1.2', local_ip: '192.168.1.1', key: 'flow', tos: 'inherit' }))!;
    const flow = newFlow(), wc = newFlow();
    flow[M.dl_type] = ETH_TYPE.IP;
    flow[M.nw_tos] = 0xbbn; // DSCP 0xb8, ECN CE
    flow[M.tun_id] = 0x64n;
    tnlPortSend(cfg, flow, wc);
    expect([flow[M.tun_ip_src], flow[M.tun_ip_dst], flow[M.tun_tp_dst], flow[M.tun_id], flow[M.tun_ttl]])
      .toEqual([0xc0a80101n, 0xc0a80102n, 4789n, 0x64n, 64n]);
    expect(flow[M.tun_tos]).toBe(0xb8n | 0x02n); // CE is sent as ECT(0)
    expect(flow[M.tun_flags]).toBe(0x2n | 0x8n); // df, key
    expect(wc[M.nw_tos]).toBe(0xffn);
  });
});

describe('tnl_wc_init', () => {
  it('matches the received tunnel header, not its TTL or ports', () => {
    const flow = newFlow(), wc = newFlow();
    flow[M.tun_ip_dst] = 0xc0a80101n;
    tnlWcInit(flow, wc);
    expect([wc[M.tun_id], wc[M.tun_ip_src], wc[M.tun_ip_dst], wc[M.tun_ipv6_dst], wc[M.tun_flags], wc[M.tun_tos], wc[M.tun_ttl]])
      .toEqual([0xffffffffffffffffn, 0xffffffffn, 0xffffffffn, 0n, 0xen, 0xffn, 0n]);
  });
});

describe('output to a kernel tunnel (tests/tunnel.at)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oftrace-tunnel-'));
  const iface = (name: string, options: string) =>
    `        Port ${name}\n            Interface ${name}\n                type: gre\n                options: {${options}}\n`;
  writeFileSync(join(dir, 'vsctl'), '0c6c5a2e-0000-0000-0000-000000000000\n    Bridge br0\n' +
    '        Port br0\n            Interface br0\n                type: internal\n' +
    iface('p1', 'remote_ip="1.1.1.1"') +
    iface('p2', 'local_ip="2.2.2.2", remote_ip="1.1.1.1"') +
    iface('p3', 'csum="true", df_default="false", local_ip="2.2.2.3", remote_ip="1.1.1.1", ttl="1"'));
  writeFileSync(join(dir, 'dpif'), 'system@ovs-system: hit:0 missed:0\n  br0:\n    br0 65534/100: (internal)\n' +
    '    p1 1/1: (gre: remote_ip=1.1.1.1)\n    p2 2/1: (gre: local_ip=2.2.2.2, remote_ip=1.1.1.1)\n' +
    '    p3 3/1: (gre: csum=true, df_default=false, local_ip=2.2.2.3, remote_ip=1.1.1.1, ttl=1)\n');
  writeFileSync(join(dir, 'flows'), 'NXST_FLOW reply (xid=0x4):\n cookie=0x0, duration=1.000s, table=0, n_packets=0, n_bytes=0, idle_age=1, actions=IN_PORT\n');

  it.each([
    ['remote_ip', '1,tun_src=1.1.1.1,tun_dst=1.2.3.4', 'set(tunnel(dst=1.1.1.1,ttl=64,flags(df))),1'],
    ['local_ip, remote_ip', '2,tun_src=1.1.1.1,tun_dst=2.2.2.2', 'set(tunnel(src=2.2.2.2,dst=1.1.1.1,ttl=64,flags(df))),1'],
    ['csum, df_default=false, ttl', '3,tun_src=1.1.1.1,tun_dst=2.2.2.3', 'set(tunnel(src=2.2.2.3,dst=1.1.1.1,ttl=1,flags(csum))),1'],
  ])('%s', async (_name, inPort, actions) => {
    const flow = `tcp,in_port=${inPort},tun_ttl=64,dl_src=50:54:00:00:00:05,dl_dst=50:54:00:00:00:07,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_ttl=64,tp_src=8,tp_dst=9`;
    const r = await runCli(['--vsctl', join(dir, 'vsctl'), '--dpif', join(dir, 'dpif'), '--flows', `br0=${join(dir, 'flows')}`, 'br0', flow]);
    expect(r.stdout).toContain('     -> output to kernel tunnel\n');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(`Datapath actions: ${actions}`);
  });
});
