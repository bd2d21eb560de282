// A bridge's flow tables. A table is a TableSource: rules already built, or
// a dump's lines that build rules on demand (src/ingest/table-index.ts), so a
// trace on a million-flow dump parses only what its lookups can reach.
// Asking for a table's rules parses all of them.
import { groupByMask, type RuleGroup } from './rule-groups.js';
import type { Rule } from './rule.js';

export interface TableSource {
  /** Number of rules, without building them. */
  readonly count: number;
  /** Every rule, in dump order. */
  rules(): Rule[];
  /**
   * Every rule, in dump order, without keeping those it parses: one pass
   * over a table (lint, `flows`) leaves a million-flow dump unparsed behind it.
   */
  rulesOnce(): Rule[];
  /** The rules grouped by mask, for a classifier; a new set of groups per call. */
  groups(): RuleGroup[];
}

class BuiltRules implements TableSource {
  constructor(private readonly list: Rule[]) {}

  get count(): number {
    return this.list.length;
  }

  rules(): Rule[] {
    return this.list;
  }

  rulesOnce(): Rule[] {
    return this.list;
  }

  groups(): RuleGroup[] {
    return groupByMask(this.list);
  }
}

export class RuleTables {
  private readonly sources = new Map<number, TableSource>();

  setSource(table: number, source: TableSource): void {
    this.sources.set(table, source);
  }

  set(table: number, rules: Rule[]): void {
    this.sources.set(table, new BuiltRules(rules));
  }

  get(table: number): Rule[] | undefined {
    return this.sources.get(table)?.rules();
  }

  source(table: number): TableSource | undefined {
    return this.sources.get(table);
  }

  /** Table ids in increasing order, without parsing. */
  keys(): number[] {
    return [...this.sources.keys()].sort((a, b) => a - b);
  }

  /** Each table's rules once (TableSource.rulesOnce), by increasing table id; only `table`'s when given. */
  *eachOnce(table?: number): Generator<[number, Rule[]]> {
    for (const t of this.keys()) if (table === undefined || t === table) yield [t, this.sources.get(t)!.rulesOnce()];
  }

  /** Each table's number of rules, by increasing table id, without parsing. */
  counts(): [number, number][] {
    return this.keys().map((t) => [t, this.sources.get(t)!.count]);
  }

  entries(): [number, Rule[]][] {
    return this.keys().map((t) => [t, this.get(t)!]);
  }

  values(): Rule[][] {
    return this.entries().map(([, r]) => r);
  }
}
