// A bridge's flow tables, parsed lazily: a table's rules are built the first
// time something asks for them, so a trace on a 100k-flow dump parses only
// the tables it reaches. Iterating all tables parses everything.
import type { Rule } from './rule.js';

export class RuleTables {
  private readonly parsed = new Map<number, Rule[]>();
  private readonly pending = new Map<number, () => Rule[]>();

  /** Register a table whose rules `parse` will build on first use. */
  setLazy(table: number, parse: () => Rule[]): void {
    this.parsed.delete(table);
    this.pending.set(table, parse);
  }

  set(table: number, rules: Rule[]): void {
    this.pending.delete(table);
    this.parsed.set(table, rules);
  }

  get(table: number): Rule[] | undefined {
    const parse = this.pending.get(table);
    if (parse) {
      this.pending.delete(table);
      this.parsed.set(table, parse());
    }
    return this.parsed.get(table);
  }

  has(table: number): boolean {
    return this.parsed.has(table) || this.pending.has(table);
  }

  get size(): number {
    return this.parsed.size + this.pending.size;
  }

  /** Table ids in increasing order, without parsing. */
  keys(): number[] {
    return [...this.parsed.keys(), ...this.pending.keys()].sort((a, b) => a - b);
  }

  entries(): [number, Rule[]][] {
    return this.keys().map((t) => [t, this.get(t)!]);
  }

  values(): Rule[][] {
    return this.entries().map(([, r]) => r);
  }

  [Symbol.iterator](): Iterator<[number, Rule[]]> {
    return this.entries()[Symbol.iterator]();
  }
}
