// The shape of one entry of the action table, and the helpers entries share
// to read their arguments.
import { parseSubfield, type Subfield } from '../meta-flow/subfield.js';
import { allOnes } from '../meta-flow/flow.js';
import { parseInteger } from '../meta-flow/values.js';
import type { Ofpact, OfpactOf, OfpactType } from './ofpact.js';
import { formatName, lookupName, parsePort, type PortNames } from './ports.js';

/** An action's argument text and the column where it starts. */
export interface Arg {
  text: string;
  col: number;
}

export interface ParseContext {
  ports?: PortNames;
  /** Table names of a `--names` dump (a name map like the ports'). */
  tables?: PortNames;
  /** Parses a nested action list (clone, ct exec, write_actions); `outer` names the container. */
  parseNested(arg: Arg, outer: string): Ofpact[];
}

export interface FormatContext {
  ports?: PortNames;
  tables?: PortNames;
  formatNested(acts: Ofpact[]): string;
}

export interface ActionDef<T extends OfpactType> {
  type: T;
  /** Spellings that select this entry (matched case-insensitively, as OVS does). */
  names: string[];
  /** `name` is the spelling used; the result may be of another type (`controller` -> output). */
  parse(arg: Arg, ctx: ParseContext, name: string): Ofpact;
  format(act: OfpactOf<T>, ctx: FormatContext): string;
}

export type AnyActionDef = { [T in OfpactType]: ActionDef<T> }[OfpactType];

export function defineAction<T extends OfpactType>(def: ActionDef<T>): ActionDef<T> {
  return def;
}

/** A problem in one action's arguments; the list parser adds file, line and action name. */
export class ArgError extends Error {
  constructor(message: string, readonly col?: number) {
    super(message);
  }
}

/** An unsigned integer (decimal or 0x hex) of at most `bits` bits. */
export function parseUint(arg: Arg, bits: number, what: string): number {
  const v = parseInteger(arg.text.trim());
  if (v === undefined || v > allOnes(bits)) throw new ArgError(`invalid ${what} "${arg.text}"`, arg.col);
  return Number(v);
}

export function parseUint64(arg: Arg, what: string): bigint {
  const v = parseInteger(arg.text.trim());
  if (v === undefined || v > allOnes(64)) throw new ArgError(`invalid ${what} "${arg.text}"`, arg.col);
  return v;
}

export function parseSubfieldArg(arg: Arg): Subfield {
  const sf = parseSubfield(arg.text);
  if (typeof sf === 'string') throw new ArgError(sf, arg.col);
  return sf;
}

export function parsePortArg(arg: Arg, ctx: ParseContext): number {
  const port = parsePort(arg.text, ctx.ports);
  if (port === undefined) throw new ArgError(`unknown port "${arg.text}"`, arg.col);
  return port;
}

/** A table id, or a table name when the dump was taken with `--names` (ofputil_table_from_string). */
export function parseTable(arg: Arg, tables?: PortNames): number {
  const named = tables && !/^\d/.test(arg.text) ? lookupName(arg.text, tables) : undefined;
  return named ?? parseUint(arg, 8, 'table');
}

/** ofputil_format_table: the table's name when it has one. */
export function formatTable(id: number, tables?: PortNames): string {
  const name = tables?.name(id);
  return name !== undefined ? formatName(name) : String(id);
}

/** Splits `arg` at the first `->` (set_field_split_str). */
export function splitArrow(arg: Arg): [Arg, Arg] {
  const i = arg.text.indexOf('->');
  if (i < 0) throw new ArgError(`${arg.text}: missing \`->'`, arg.col);
  if (i + 2 >= arg.text.length) throw new ArgError(`${arg.text}: missing field name following \`->'`, arg.col);
  return [{ text: arg.text.slice(0, i), col: arg.col }, { text: arg.text.slice(i + 2), col: arg.col + i + 2 }];
}

/** Hex bytes, optionally separated by dots or white space (ofpbuf_put_hex). */
export function parseHexBytes(arg: Arg, what: string): Uint8Array {
  const digits = arg.text.replace(/[.\s]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new ArgError(`bad hex digit in \`${what}' argument`, arg.col);
  return Uint8Array.from(digits.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** format_hex_arg: `01.02.ab`. */
export function formatHexBytes(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('.');
}

