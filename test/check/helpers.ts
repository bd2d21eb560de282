// A tiny one-bridge snapshot and spec files in a temp folder, so check/diff
// tests do not depend on the big examples.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VSCTL = `00000000-0000-0000-0000-000000000001
    Bridge br0
        fail_mode: secure
        datapath_type: dummy
${['br0', 'p1', 'p2', 'p3'].map((p) => `        Port ${p}
            Interface ${p}
                type: ${p === 'br0' ? 'internal' : 'dummy'}`).join('\n')}
`;

const DPIF = `dummy@ovs-dummy: hit:0 missed:0
  br0:
    br0 65534/1: (dummy-internal)
    p1 1/2: (dummy)
    p2 2/3: (dummy)
    p3 3/4: (dummy)
`;

/** p1 floods to p2 and p3; p2 drops; p3 goes via table 5 back out p1. */
export const FLOWS = [
  'priority=100,in_port=1 actions=output:2,output:3',
  'priority=100,in_port=2 actions=drop',
  'priority=100,in_port=3 actions=resubmit(,5)',
  'table=5, priority=0 actions=output:1',
];

export function makeSnapshot(dir: string, flows: string[] = FLOWS): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ovs-vsctl_-t_5_show'), VSCTL);
  writeFileSync(join(dir, 'ovs-appctl_dpif.show'), DPIF);
  writeFileSync(join(dir, 'ovs-ofctl_dump-flows_br0'), 'NXST_FLOW reply (xid=0x4):\n' + flows.map((f) => ` cookie=0x0, duration=1.0s, ${f.startsWith('table=') ? '' : 'table=0, '}${f}\n`).join(''));
  return dir;
}

/** A temp folder holding `snap/` (the default snapshot) for specs to name. */
export function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oftrace-check-'));
  makeSnapshot(join(dir, 'snap'));
  return dir;
}

export function writeSpec(dir: string, text: string, name = 'spec.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
