/**
 * CSV cells as RFC 4180 writes them, made safe for spreadsheets: a cell that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula, so it gets a leading
 * `'`. A plain number (`-5`, `-0.25`) is left alone so it stays a number.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 text of rows (CRLF line ends, no trailing line end). */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return rows.map(r => r.map(csvCell).join(',')).join('\r\n');
}
