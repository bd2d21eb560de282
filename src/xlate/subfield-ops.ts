// Reading and writing subfields of a Flow (mf_read_subfield/mf_write_subfield),
// and un-wildcarding them in a megaflow mask.
import { getFieldValue, setFieldValue, unwildcardField } from '../meta-flow/field.js';
import { allOnes, type Flow } from '../meta-flow/flow.js';
import type { Subfield } from '../meta-flow/subfield.js';

const sfMask = (sf: Subfield) => allOnes(sf.nBits) << BigInt(sf.ofs);

export function subfieldValue(flow: Flow, sf: Subfield): bigint {
  return (getFieldValue(flow, sf.field) >> BigInt(sf.ofs)) & allOnes(sf.nBits);
}

export function setSubfield(flow: Flow, sf: Subfield, value: bigint): void {
  setFieldValue(flow, sf.field, (value & allOnes(sf.nBits)) << BigInt(sf.ofs), sfMask(sf));
}

export function unwildcardSubfield(wc: Flow, sf: Subfield): void {
  unwildcardField(wc, sf.field, sfMask(sf));
}

/** nxm_reg_load: write `value` into `sf`, which the megaflow then matches. */
export function regLoad(flow: Flow, wc: Flow, sf: Subfield, value: bigint): void {
  unwildcardSubfield(wc, sf);
  setSubfield(flow, sf, value);
}
