// Every recorded oracle dump must parse with the grammar for its command.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDpctlShow, parseDpifShow } from '../../grammar/dpif-show.js';
import { parseDumpGroups } from '../../grammar/dump-groups.js';
import { parseFdbShow } from '../../grammar/fdb-show.js';
import { parseOfctlShow } from '../../grammar/ofctl-show.js';
import { parseVsctlShow } from '../../grammar/vsctl-show.js';

const root = new URL('../fixtures/', import.meta.url);
const grammars: [RegExp, (text: string, file: string) => unknown][] = [
  [/^ovs-vsctl.*_show$/, parseVsctlShow],
  [/^ovs-ofctl.*_(show|dump-ports-desc)_/, parseOfctlShow],
  [/^ovs-ofctl.*_dump-groups_/, parseDumpGroups],
  [/^ovs-appctl_dpif\.show/, parseDpifShow],
  [/^ovs-appctl_dpctl\.show/, parseDpctlShow],
  [/^ovs-appctl_fdb\.show/, parseFdbShow],
];

const dumps = existsSync(root)
  ? readdirSync(root).flatMap((family) => {
      const dir = new URL(`${family}/dumps/`, root);
      return existsSync(dir) ? readdirSync(dir).map((f) => [family, f, new URL(f, dir)] as const) : [];
    })
  : [];

describe('oracle fixture dumps', () => {
  for (const [family, name, url] of dumps) {
    const grammar = grammars.find(([re]) => re.test(name));
    if (!grammar) continue;
    it(`${family}/${name}`, () => {
      const text = readFileSync(url, 'utf8');
      if (text.trim() === '') return; // commands that printed nothing
      expect(() => grammar[1](text, name)).not.toThrow();
    });
  }
});
