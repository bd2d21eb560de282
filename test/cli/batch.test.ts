// `oftrace --batch FILE`: many traces on one loaded snapshot. Each trace
// prints exactly what the same trace run alone prints; the file's bad lines
// are reported with their place and do not stop the others.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const dumps = join(import.meta.dirname, '..', '..', 'examples', 'dragonflow-fixed');
const ICMP = 'icmp,in_port=10,dl_src=fa:16:3e:d4:b7:7b,dl_dst=91:92:ac:18:04:c8,nw_src=172.24.4.8,nw_dst=172.24.4.200,icmp_type=0';
const ARP = 'arp,in_port=10,dl_src=fa:16:3e:d4:b7:7b,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=172.24.4.8,arp_tpa=172.24.4.200';
const tmp = mkdtempSync(join(tmpdir(), 'oftrace-batch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function batchFile(text: string): string {
  const file = join(tmp, `b${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, text);
  return file;
}

describe('--batch', () => {
  it('prints each trace as it prints alone, after a ### FILE:LINE header', async () => {
    const file = batchFile(`# two packets from the provider network\nbr-int ${ICMP}\n\nbr-int ${ARP}\n`);
    const got = await runCli(['--dumps', dumps, '--batch', file]);
    const alone = await Promise.all([ICMP, ARP].map((f) => runCli(['--dumps', dumps, 'br-int', f])));
    expect(got.exitCode).toBe(0);
    expect(got.stdout).toBe(`### ${file}:2: br-int ${ICMP}\n${alone[0].stdout}### ${file}:4: br-int ${ARP}\n${alone[1].stdout}`);
  });

  it('writes JSON Lines, each document naming its input line', async () => {
    const file = batchFile(`br-int ${ICMP}\nbr-int ${ARP}\n`);
    const got = await runCli(['--dumps', dumps, '--batch', file, '--json']);
    const docs = got.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(docs.map((d) => d.input)).toEqual([{ file, line: 1, args: `br-int ${ICMP}` }, { file, line: 2, args: `br-int ${ARP}` }]);
    const alone = JSON.parse((await runCli(['--dumps', dumps, '--json', 'br-int', ICMP])).stdout);
    expect({ ...docs[0], input: undefined }).toEqual({ ...alone, input: undefined });
  });

  it('reads standard input for -', async () => {
    const got = await runCli(['--dumps', dumps, '--batch', '-'], `br-int ${ICMP}\n`);
    expect(got.stdout).toContain('### -:1: br-int ');
    expect(got.stdout).toMatch(/Datapath actions: /);
  });

  it('reports a line OVS would refuse with its place, traces the rest, and exits 2', async () => {
    const file = batchFile(`br-int ${ICMP}\nbr-nope ${ICMP}\nbr-int ${ARP}\n`);
    const got = await runCli(['--dumps', dumps, '--batch', file]);
    expect(got.exitCode).toBe(2);
    expect(got.stderr).toMatch(new RegExp(`^oftrace: ${file}:2: .*br-nope`));
    expect(got.stdout.match(/^### /gm)).toHaveLength(2);
  });

  it('refuses an empty batch, a missing file, and BRIDGE FLOW arguments next to it', async () => {
    expect((await runCli(['--dumps', dumps, '--batch', batchFile('\n# nothing\n')])).stderr).toMatch(/no traces in the batch file/);
    expect((await runCli(['--dumps', dumps, '--batch', join(tmp, 'missing.txt')])).stderr).toMatch(/missing\.txt: no such file/);
    const both = await runCli(['--dumps', dumps, '--batch', batchFile(`br-int ${ICMP}\n`), 'br-int', ICMP]);
    expect([both.exitCode, both.stderr]).toEqual([2, 'oftrace: --batch takes its traces from the file, not BRIDGE FLOW arguments\n']);
  });
});

describe('a packet ovs-vswitchd itself aborts on', () => {
  // Recorded in family-l3-tunnels: output to the LISP port (an L3 port) pops the Ethernet header, and
  // an Ethernet port after it would need it pushed back, which no action commits: OVS 3.1 hits
  // OVS_NOT_REACHED in commit_encap_decap_action and the daemon dies.
  const snap = join(tmp, 'l3');
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'family-l3-tunnels', 'dumps'), snap, { recursive: true });
  const flows = join(snap, 'ovs-ofctl_dump-flows_br0');
  writeFileSync(flows, readFileSync(flows, 'utf8') + ' cookie=0x0, duration=5.000s, table=0, n_packets=0, n_bytes=0, idle_age=5, priority=100,in_port=2 actions=output:9,output:1\n');
  const FLOW = 'udp,in_port=2,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01';

  it('is one line saying so, exit 2, no stack trace', async () => {
    const r = await runCli(['--dumps', snap, 'br0', FLOW]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ovs-vswitchd aborts translating this packet: .*commit_encap_decap_action\)\n$/);
    expect(r.exitCode).toBe(2);
  });

  it('stops only its own line of a batch', async () => {
    const file = batchFile(`br0 ${FLOW}\nbr0 udp,in_port=1\n`);
    const r = await runCli(['--dumps', snap, '--batch', file]);
    expect(r.stderr).toMatch(new RegExp(`^oftrace: ${file}:1: ovs-vswitchd aborts`));
    expect(r.stdout).toMatch(new RegExp(`^### ${file}:2: br0 udp,in_port=1\\n`));
    expect(r.exitCode).toBe(2);
  });
});

describe('a datapath flow with a key oftrace does not model', () => {
  it('is its own line\'s error; the batch goes on', async () => {
    const file = batchFile(`ovs-dummy in_port(1),tunnel(dst=1.2.3.4,ttl=64,vxlan(gbp(id=1))),eth(),eth_type(0x0800)\nbr-int ${ICMP}\n`);
    const r = await runCli(['--dumps', dumps, '--batch', file]);
    expect(r.stderr).toMatch(new RegExp(`^oftrace: ${file}:1: datapath flow key tunnel\\(vxlan\\(\\.\\.\\.\\)\\) is not supported\\n`));
    expect(r.stdout).toMatch(new RegExp(`^### ${file}:2: br-int `));
    expect(r.exitCode).toBe(2);
  });
});

describe('tunnel vports named by dpctl/show alone', () => {
  it('take a datapath flow in on its tunnel port without dpif/show', async () => {
    const snap = join(tmp, 'no-dpif');
    cpSync(join(import.meta.dirname, '..', 'fixtures', 'family-tunnel-receive', 'dumps'), snap, { recursive: true });
    rmSync(join(snap, 'ovs-appctl_dpif.show'));
    const r = await runCli(['--dumps', snap, 'ovs-dummy',
      'in_port(vxlan_sys_4789),tunnel(tun_id=0x64,src=192.168.1.2,dst=192.168.1.1,ttl=64),eth(),eth_type(0x0800),ipv4(src=10.0.0.2,dst=10.0.0.1,proto=1,ttl=64),icmp(type=0)']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Flow: icmp,tun_id=0x64,.*,in_port=10,/);
  });
});

describe('a trace that needs a dump the snapshot lacks', () => {
  const neutron = join(import.meta.dirname, '..', '..', 'examples', 'neutron-brex-brint');
  const TO_TUNNEL = 'in_port=1,dl_dst=ff:ff:ff:ff:ff:ff,dl_vlan=1';
  const WARNING = 'oftrace: warning: no route table (ovs-appctl ovs/route/show): native tunnel output is traced as if no route matched\n';

  it('says so on stderr, once per run, when it reaches a native tunnel without the route table', async () => {
    const alone = await runCli(['--dumps', neutron, 'br-tun', TO_TUNNEL]);
    expect(alone.stdout).toMatch(/>> native tunnel routing failed/);
    expect(alone.stderr).toBe(WARNING);
    const file = batchFile(`br-tun ${TO_TUNNEL}\nbr-tun ${TO_TUNNEL}\n`);
    expect((await runCli(['--dumps', neutron, '--batch', file])).stderr).toBe(WARNING);
  });

  it('says nothing when the trace never gets there', async () => {
    expect((await runCli(['--dumps', neutron, 'br-tun', 'in_port=2,tun_id=0x41'])).stderr).toBe('');
  });
});
