// `oftrace lint [BRIDGE]`: print each finding as `file:line: message`; exit 1 when there are any.
import { formatFinding, lintBridge } from '../lint/lint.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Io } from './main.js';

export function lintCommand(snap: Snapshot, bridgeName: string | undefined, io: Io): number {
  const bridges = bridgeName === undefined ? [...snap.bridges.values()] : [snap.bridges.get(bridgeName)];
  if (bridges[0] === undefined) {
    io.err(`${bridgeName}: unknown bridge\n`);
    return 2;
  }
  const findings = bridges.flatMap((br) => lintBridge(snap, br!, io.progress));
  for (const f of findings) io.out(formatFinding(f) + '\n');
  return findings.length ? 1 : 0;
}
