import type { ReportDocument, ReportDocumentFormat } from '../../api';

/**
 * Hands a fetched report to the browser: CSV and Markdown are saved as files; the HTML page
 * opens in a new tab, from where the browser prints it to PDF. The report is fetched with the
 * user's token first, so a plain link (which would carry no token) is not used.
 */
export function deliverReport(
  doc: ReportDocument,
  // A calendar (.ics) and OpenSLO YAML are saved like CSV and Markdown.
  format: ReportDocumentFormat | 'ics' | 'yaml',
) {
  const blob = new Blob([doc.text], { type: doc.contentType });
  const url = URL.createObjectURL(blob);
  if (format === 'html') {
    window.open(url, '_blank', 'noopener');
  } else {
    const a = document.createElement('a');
    a.href = url;
    a.download = doc.fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  // Give the new tab or the download time to read the blob before releasing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
