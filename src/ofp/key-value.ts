// The key/value tokenizer OVS uses for action lists and action arguments
// (ofputil_parse_key_value), extended with the column of every piece so that
// errors can point into the original line.

export interface KeyValue {
  key: string;
  /** Empty when the key stood alone (`strip_vlan`, `commit`). */
  value: string;
  /** 1-based columns of the first character of the key and of the value. */
  keyCol: number;
  valueCol: number;
}

const PAIR_SEPARATORS = ', \t\r\n';
const KEY_ENDS = ':=(' + PAIR_SEPARATORS;

/**
 * Splits `text` (whose first character sits at column `col`) into key/value
 * pairs: `key`, `key:value`, `key=value` or `key(value)`, separated by commas
 * or white space.  Parentheses nest, so `clone(a,b(c)),d` yields two pairs.
 * Like OVS, `key(x)->y` keeps `x)->y` as the value (check_pkt_larger).
 */
export function splitKeyValues(text: string, col: number): KeyValue[] {
  const out: KeyValue[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && PAIR_SEPARATORS.includes(text[pos])) pos++;
    if (pos >= text.length) return out;

    const keyStart = pos;
    while (pos < text.length && !KEY_ENDS.includes(text[pos])) pos++;
    const key = text.slice(keyStart, pos);
    const keyDelim = text[pos] ?? '';
    if (keyDelim !== '') pos++;

    let valueDelims: string;
    if (keyDelim === ':' || keyDelim === '=') valueDelims = PAIR_SEPARATORS;
    else if (keyDelim === '(') valueDelims = ')';
    else {
      out.push({ key, value: '', keyCol: col + keyStart, valueCol: col + keyStart + key.length });
      continue;
    }

    const valueStart = pos;
    let valueEnd = scanValue(text, valueStart, valueDelims);
    if (keyDelim === '(' && text.startsWith(')->', valueEnd)) {
      valueEnd = scanValue(text, valueEnd, PAIR_SEPARATORS);
    }
    out.push({ key, value: text.slice(valueStart, valueEnd), keyCol: col + keyStart, valueCol: col + valueStart });
    pos = valueEnd < text.length ? valueEnd + 1 : valueEnd;
  }
}

/** Index of the first delimiter at parenthesis depth 0 at or after `start` (parse_value). */
function scanValue(text: string, start: number, delims: string): number {
  let n = start;
  while (n < text.length && !delims.includes(text[n])) {
    if (text[n] !== '(') {
      n++;
      continue;
    }
    let level = 0;
    do {
      if (n >= text.length) return n;
      if (text[n] === '(') level++;
      else if (text[n] === ')') level--;
      n++;
    } while (level > 0);
  }
  return n;
}
