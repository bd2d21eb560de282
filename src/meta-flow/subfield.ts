// Subfields: `NXM_NX_REG7[0..15]`, `reg7[]`, `metadata[3]` (mf_parse_subfield).
import { subfieldFieldByName, type Field } from './field.js';

export interface Subfield {
  field: Field;
  ofs: number;
  nBits: number;
}

/** Parse a subfield; returns an error string (OVS's wording) on failure. */
export function parseSubfield(s: string): Subfield | string {
  const m = /^([A-Za-z0-9_]+)(?:\[(?:(\d+)(?:\.\.(\d+))?)?\])?$/.exec(s);
  if (!m) return `${s}: invalid subfield syntax`;
  const field = subfieldFieldByName(m[1]);
  if (!field) return `${m[1]}: unknown field`;
  if (m[2] === undefined) return { field, ofs: 0, nBits: field.bits };
  const start = Number(m[2]);
  const end = m[3] === undefined ? start : Number(m[3]);
  if (end < start) return `${s}: starting bit ${start} is after ending bit ${end}`;
  if (end >= field.bits) return `${s}: bit ${end} is beyond the end of ${field.bits}-bit field ${field.name}`;
  return { field, ofs: start, nBits: end - start + 1 };
}

/** mf_format_subfield: NXM name (or OXM/name) with `[]` when whole. */
export function formatSubfield(sf: Subfield): string {
  const name = sf.field.nxm ?? sf.field.oxm ?? sf.field.name;
  if (sf.ofs === 0 && sf.nBits === sf.field.bits) return `${name}[]`;
  if (sf.nBits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}]`;
}
