// Bad input is reported as `oftrace: FILE[:LINE:COL]: message` with exit 1,
// never as a crash or a stack trace; --lenient skips bad lines with a warning each.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { rmSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'oftrace-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = ' cookie=0x0, duration=5.000s, table=0, n_packets=0, n_bytes=0, priority=10,ip actions=output:1\n';

function file(name: string, content: string | Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

const show = (f: string, ...extra: string[]) => runCli([...extra, '--flows', `br0=${f}`, 'show']);

/** A reported input error: exit 1, one `oftrace: ` line, no stack trace. */
function expectInputError(r: { stdout: string; stderr: string; exitCode: number }, message: RegExp): void {
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^oftrace: .*\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(message);
}

describe('bad dump-flows input', () => {
  it('names file, line, column and token of a bad flow line', async () => {
    // OVS reads 10.0.0.300 as 10.0.0.44 (each part is a %hhu); a letter is an error.
    const f = file('bad.txt', 'NXST_FLOW reply (xid=0x4):\n' + GOOD + ' priority=1,nw_src=10.0.0.3x actions=drop\n');
    expectInputError(await show(f), new RegExp(`^oftrace: ${f}:3:20: bad value for nw_src: 10\\.0\\.0\\.3x: invalid IP address\\n$`));
  });

  it('reports the first bad line of a table in file order, wherever the lines after it go', async () => {
    // Line 3 shares line 2's shape and has a bad value; line 4's bad address starts a shape of its own.
    const f = file('order.txt', GOOD +
      ' priority=10,tcp,in_port=1,tp_dst=80 actions=drop\n' +
      ' priority=10,tcp,in_port=1,tp_dst=8x0 actions=drop\n' +
      ' priority=10,tcp,in_port=1,nw_dst=1.2.3.400 actions=drop\n');
    expectInputError(await runCli(['--flows', `br0=${f}`, 'br0', 'tcp,in_port=1']), new RegExp(`^oftrace: ${f}:3:\\d+: bad value for tp_dst: 8x0`));
  });

  it('reports a bad value of a field the index does not hash (dl_vlan, part of vlan_tci) in a table no trace reaches', async () => {
    const f = file('vlan.txt', GOOD +
      ' table=5, priority=10,in_port=1,dl_vlan=10 actions=drop\n' +
      ' table=5, priority=10,in_port=1,dl_vlan=1o actions=drop\n');
    expectInputError(await runCli(['--flows', `br0=${f}`, 'br0', 'tcp,in_port=1']), new RegExp(`^oftrace: ${f}:3:\\d+: bad value for dl_vlan: 1o`));
  });

  it('rejects a line the grammar cannot split', async () => {
    expectInputError(await show(file('syntax.txt', ' priority=1, ,, actions=drop\n')), /syntax\.txt:1:\d+: dump-flows: unexpected ","/);
  });

  it('rejects a line without actions', async () => {
    expectInputError(await show(file('noact.txt', ' priority=1,ip\n')), /noact\.txt:1:\d+: dump-flows: unexpected end of line/);
  });

  it('names an unknown field', async () => {
    expectInputError(await show(file('field.txt', ' priority=1,frobozz=3 actions=drop\n')), /field\.txt:1:13: unknown field "frobozz"/);
  });

  it('names an unknown action', async () => {
    expectInputError(await show(file('action.txt', ' priority=1 actions=output:1,frobnicate:2\n')), /action\.txt:1:30: unknown action "frobnicate"/);
  });

  it('treats __proto__ and other Object.prototype names as unknown fields', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      expectInputError(await show(file('proto.txt', ` priority=1,${name}=1 actions=drop\n`)), new RegExp(`unknown field "${name}"`));
    }
    expectInputError(await show(file('proto-act.txt', ' priority=1 actions=__proto__:1\n')), /unknown action "__proto__"/);
  });

  it('rejects an empty file', async () => {
    expectInputError(await show(file('empty.txt', '')), /empty\.txt: empty file, expected `ovs-ofctl dump-flows` output/);
  });

  it('accepts a dump with only the reply header (a bridge without flows)', async () => {
    const r = await show(file('header.txt', 'NXST_FLOW reply (xid=0x4):\n'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('bridge br0: 0 ports, 0 flows');
  });

  it('rejects binary garbage', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expectInputError(await show(file('binary.bin', bytes)), /binary\.bin:\d+: binary data \(NUL byte\)/);
    expectInputError(await show(file('latin.bin', Buffer.from([0xc3, 0x28, 0xff, 0x20, 0x61, 0x3d, 0x0a]))), /latin\.bin:1:\d+: /);
  });

  it('handles a 1 MB line without crashing or hanging', async () => {
    expectInputError(await show(file('garbage-line.txt', 'z@ '.repeat(350_000) + '\n')), /garbage-line\.txt:1:1050001: dump-flows: unexpected end of line, expected "key=value" or "actions=..."/);
    const long = file('long-line.txt', ' priority=1,' + 'reg0=0x1,'.repeat(120_000) + 'ip actions=drop\n');
    const r = await show(long);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('1 flows');
  });

  it('cuts a bad value of thousands of characters short in the message, keeping its start and length', async () => {
    const r = await show(file('long-value.txt', ` priority=1,ip,nw_dst=${'x'.repeat(5000)} actions=drop\n`));
    expectInputError(r, /long-value\.txt:1:23: bad value for nw_dst: x{60}\.\.\.\(5000 characters\): invalid IP address\n$/);
  });

  it('reports a missing file', async () => {
    expectInputError(await show(join(dir, 'nope.txt')), /nope\.txt: no such file/);
    expectInputError(await runCli(['--dumps', join(dir, 'nope'), 'show']), /nope: not a folder/);
  });

  it('reads a sosreport root (sos_commands/openvswitch/)', async () => {
    const sos = join(dir, 'sosreport-host-2024');
    mkdirSync(join(sos, 'sos_commands'), { recursive: true });
    cpSync(new URL('../fixtures/family-tunnels/dumps/', import.meta.url).pathname, join(sos, 'sos_commands', 'openvswitch'), { recursive: true });
    const r = await runCli(['--dumps', sos, 'show']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^bridge br0 \(fail_mode secure\): 7 ports, 15 flows/m);
    expect(r.stdout).toContain('port vx1: ofport 10, datapath 4789, type vxlan');
  });

  it('reports a dump name that is a dangling link or a folder, and a sosreport whose openvswitch folder is a file', async () => {
    const broken = join(dir, 'broken-link');
    cpSync(new URL('../fixtures/family-tunnels/dumps/', import.meta.url).pathname, broken, { recursive: true });
    symlinkSync(join(dir, 'gone'), join(broken, 'ovs-ofctl_dump-groups_br9'));
    expectInputError(await runCli(['--dumps', broken, 'show']), /broken-link\/ovs-ofctl_dump-groups_br9: no such file/);
    const folder = join(dir, 'folder-dump');
    mkdirSync(join(folder, 'ovs-ofctl_dump-flows_br0'), { recursive: true });
    expectInputError(await runCli(['--dumps', folder, 'show']), /ovs-ofctl_dump-flows_br0: a folder, not a dump file/);
    const sos = join(dir, 'sos-file');
    mkdirSync(join(sos, 'sos_commands'), { recursive: true });
    writeFileSync(join(sos, 'sos_commands', 'openvswitch'), '');
    expectInputError(await runCli(['--dumps', sos, 'show']), /sos_commands\/openvswitch: not a folder/);
  });

  it('refuses a device, which may never end, and reads a pipe', async () => {
    expectInputError(await show('/dev/zero'), /\/dev\/zero: a device, not a dump file/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '%s' "$0" > "$1"`, GOOD, fifo]);
    const r = await show(fifo);
    writer.kill();
    expect(r.stdout).toContain('1 flows');
  });

  it('refuses a second dump for a bridge, which would be ignored, and standard input read twice', async () => {
    const a = file('twice-a.txt', GOOD), b = file('twice-b.txt', GOOD);
    expectInputError(await runCli(['--flows', `br0=${a}`, '--flows', `br0=${b}`, 'show']), /^oftrace: --flows: bridge br0 given twice \(.*twice-a\.txt and .*twice-b\.txt\)\n$/);
    expectInputError(await runCli(['--flows', 'br0=-', '--tlv-map', 'br0=-', 'show'], GOOD), /standard input \(-\) given twice: to --flows and --tlv-map/);
    expectInputError(await runCli(['--flows', 'br0=-', '--batch', '-'], GOOD), /standard input \(-\) given twice: to --batch and --flows/);
  });

  it('reports a folder without dumps', async () => {
    mkdirSync(join(dir, 'nothing'));
    expectInputError(await runCli(['--dumps', join(dir, 'nothing'), 'show']), /no OVS dumps found/);
  });

  it('--lenient skips each bad line with one warning and keeps the rest', async () => {
    const f = file('mixed.txt', GOOD + ' priority=1,frobozz=3 actions=drop\n' + GOOD + ' priority=2 actions=frobnicate\n @@@\n');
    const r = await show(f, '--lenient');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('2 flows');
    const warnings = r.stderr.trimEnd().split('\n');
    expect(warnings).toEqual([
      `warning: skipped: ${f}:2:13: unknown field "frobozz"`,
      `warning: skipped: ${f}:4:21: unknown action "frobnicate"`,
      `warning: skipped: ${f}:5:5: dump-flows: unexpected end of line, expected "key=value" or "actions=..."`,
    ]);
  });

  it('--lenient skips an empty file with a warning', async () => {
    const r = await show(file('empty2.txt', ''), '--lenient');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^warning: skipped: .*empty2\.txt: empty file/);
  });

  it('--flows br0=- reads standard input', async () => {
    const r = await runCli(['--flows', 'br0=-', 'flows', 'br0'], 'NXST_FLOW reply (xid=0x4):\n' + GOOD);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(GOOD);
  });

  it('reports a bad --flows spec', async () => {
    expectInputError(await runCli(['--flows', 'nobridge', 'show']), /expected BRIDGE=FILE, got "nobridge"/);
  });
});
