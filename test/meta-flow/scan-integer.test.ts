// ovs_scan's %i (lib/util.c scan_int), which parse_flags reads numbers with:
// what OVS makes of each text, checked against the flag values recorded in
// test/fixtures/family-flag-values (tcp_flags=08 is psh, 0x|fin is an error).
import { describe, expect, it } from 'vitest';
import { scanInteger } from '../../src/meta-flow/values.js';

describe('scanInteger, as ovs_scan reads %i', () => {
  it('reads 0x hex, 0-led octal and decimal, as far as the digits go', () => {
    expect(scanInteger('0x1F|fin', 0)).toEqual({ value: 0x1fn, end: 4 });
    expect(scanInteger('0777', 0)).toEqual({ value: 0o777n, end: 4 });
    expect(scanInteger('08', 0)).toEqual({ value: 0n, end: 1 }); // the 0 is an octal number; 8 comes next
    expect(scanInteger('08', 1)).toEqual({ value: 8n, end: 2 });
    expect(scanInteger('12ab', 0)).toEqual({ value: 12n, end: 2 });
  });

  it('skips blanks and takes a sign, a negative number wrapping to 64 bits', () => {
    expect(scanInteger(' \t+5', 0)).toEqual({ value: 5n, end: 4 });
    expect(scanInteger('-1', 0)).toEqual({ value: 2n ** 64n - 1n, end: 2 });
  });

  it('finds no number without digits, where C sscanf would read 0x as 0', () => {
    expect(scanInteger('0x', 0)).toBeUndefined();
    expect(scanInteger('0xg', 0)).toBeUndefined();
    expect(scanInteger('fin', 0)).toBeUndefined();
    expect(scanInteger('', 0)).toBeUndefined();
  });
});
