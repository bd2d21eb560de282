// `--ct-next STATE` (parse_ct_state + validate_ct_state), with OVS's messages.
import { CT_STATE_NAMES, formatFlags } from '../meta-flow/match.js';

const TRK = 0x20, INV = 0x10, NEW = 0x01, EST = 0x02, RPL = 0x08;

export function parseCtNext(s: string): number | string {
  let state = 0;
  for (const word of s.split(/[, ]+/).filter(Boolean)) {
    const i = CT_STATE_NAMES.indexOf(word);
    if (i < 0) return `${word}: unknown connection tracking state flag`;
    state |= 1 << i;
  }
  const shown = formatFlags(CT_STATE_NAMES, state, '|');
  const errors: string[] = [];
  if (state && !(state & TRK)) errors.push(`${shown}: invalid connection state: If "trk" is unset, no other flags are set`);
  if (state & INV && state & ~(TRK | INV)) errors.push(`${shown}: invalid connection state: when "inv" is set, only "trk" may also be set`);
  if (state & NEW && state & EST) errors.push(`${shown}: invalid connection state: "new" and "est" are mutually exclusive`);
  if (state & NEW && state & RPL) errors.push(`${shown}: invalid connection state: "new" and "rpy" are mutually exclusive`);
  return errors.length ? errors.join('\n') : state;
}
