import { describe, expect, it } from 'vitest';
import { csvCell, importContentType, toCsv } from './csv';

describe('rejected rows CSV', () => {
  it('quotes and neutralises', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(12)).toBe('12');
  });
  it('writes a BOM and CRLF lines', () => {
    expect(toCsv([['Row', 'Column'], [2, 'Email']])).toBe('\uFEFFRow,Column\r\n2,Email\r\n');
  });
  it('picks a content type', () => {
    expect(importContentType('a.XLSX', '')).toContain('spreadsheetml');
    expect(importContentType('a.csv', 'application/vnd.ms-excel')).toBe('text/csv');
    expect(importContentType('a.vcf', '')).toBe('text/vcard');
    expect(importContentType('a.bin', '')).toBe('application/octet-stream');
  });
});
