// The fast flow-line scanner reads exactly what the Chevrotain grammar reads:
// on every flow line recorded from OVS, and on random lines built from the
// grammar's own troublesome characters, a line the scanner accepts gives the
// grammar's items, and a line the grammar rejects is never accepted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowLineScanner, parseFlowLine, parseFlowLineAt, parseFlowLineWithGrammar, type FlowLine } from '../../grammar/dump-flows.js';
import { prng } from '../../tools/prng.js';

const root = join(import.meta.dirname, '..', '..');
const scanner = new FlowLineScanner();

/** What the grammar makes of a line, or undefined when it rejects it. */
function grammar(text: string): FlowLine | undefined {
  try {
    return parseFlowLineWithGrammar({ text, line: 1 }, 'f');
  } catch {
    return undefined;
  }
}

function recordedFlowLines(): string[] {
  const out: string[] = [];
  for (const base of ['test/fixtures', 'examples']) {
    for (const dir of readdirSync(join(root, base))) {
      const dumps = base === 'examples' ? join(root, base, dir) : join(root, base, dir, 'dumps');
      let files: string[];
      try {
        files = readdirSync(dumps).filter((f) => f.includes('dump-flows'));
      } catch {
        continue;
      }
      for (const f of files) out.push(...readFileSync(join(dumps, f), 'utf8').split('\n').filter((l) => l.includes('actions=')));
    }
  }
  return out;
}

describe('dump-flows scanner', () => {
  it('reads every recorded flow line itself, as the grammar does', () => {
    const lines = recordedFlowLines();
    expect(lines.length).toBeGreaterThan(900);
    for (const text of lines) {
      expect(scanner.scan(text), text).toBe(true);
      expect(scanner.flowLine(text, 0, text.length, 1)).toEqual(grammar(text));
    }
  });

  it('reads a line where it lies in the dump as it reads the line cut out', () => {
    for (const text of recordedFlowLines()) {
      const dump = `NXST_FLOW reply (xid=0x4):\n${text}\n cookie=0x0, table=1, priority=0 actions=drop\n`;
      const start = dump.indexOf(text);
      expect(parseFlowLineAt(dump, start, start + text.length, 2, 'f')).toEqual(parseFlowLine({ text, line: 2 }, 'f'));
    }
  });

  it('never accepts a line the grammar rejects, and agrees on the ones both read', () => {
    const rand = prng(7);
    const parts = ['a', 'b1', '=', ',', ' ', '\t', '"', '"q"', '\\', '(', ')', '(x,y)', 'actions=', 'actions=drop', '\r', '\u00a0', '/', 'priority=1', ', '];
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const n = 1 + Math.floor(rand() * 8);
      let text = '';
      for (let j = 0; j < n; j++) text += parts[Math.floor(rand() * parts.length)];
      if (rand() < 0.7) text += ' actions=output:1';
      const want = grammar(text);
      if (scanner.scan(text)) {
        accepted++;
        // The scan stops at `actions=`; what follows is parseFlowLine's to check.
        const got = (() => { try { return parseFlowLine({ text, line: 1 }, 'f'); } catch { return undefined; } })();
        expect(got, JSON.stringify(text)).toEqual(want);
      }
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});
