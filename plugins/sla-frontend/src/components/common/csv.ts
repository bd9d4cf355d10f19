import { toCsv } from '@servicelevel/plugin-sla-common';

// One escaping rule for both sides: sla-common's RFC 4180 cells with formula neutralising.
export { toCsv };

/** Offers CSV text as a file download (with a BOM so spreadsheet apps read UTF-8 Chinese). */
export function downloadCsv(
  filename: string,
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): void {
  const blob = new Blob([`\uFEFF${toCsv(rows)}`], {
    type: 'text/csv;charset=utf-8',
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
