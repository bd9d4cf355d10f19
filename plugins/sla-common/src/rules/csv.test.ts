import { csvCell, toCsv } from './csv';

describe('csv', () => {
  it('quotes as RFC 4180', () => {
    expect(toCsv([['a,b', 'say "hi"', 'two\nlines', 5, undefined]])).toBe(
      '"a,b","say ""hi""","two\nlines",5,',
    );
  });

  it('neutralises formulas but keeps numbers numbers', () => {
    expect(csvCell("-1+cmd|' /C calc'!A0")).toBe("'-1+cmd|' /C calc'!A0");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('-0.25')).toBe('-0.25');
  });
});
