import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { TermsPreview } from '../../api';
import { bodyRowTexts, renderSla } from '../../__testUtils__/render';
import {
  annotationSnippet,
  annotationText,
  parseAnnotationText,
  ProposeChangePanel,
} from './ProposeChangePanel';

jest.setTimeout(30_000);

const ENTITY = { kind: 'Component', namespace: 'default', name: 'cad-core' };
const ANNOTATIONS = {
  'backstage.io/techdocs-ref': 'dir:.',
  'servicelevel.io/tier': 'gold',
  'servicelevel.io/response-time': 'P1=1h',
};

const PREVIEW: TermsPreview = {
  entityRef: 'component:default/cad-core',
  problems: [],
  proposedTermsAsWritten: { 'servicelevel.io/response-time': 'P1=15m' },
  periods: [
    {
      period: '2026-09',
      current: {
        termsVersion: 1,
        met: 2,
        committed: 2,
        achievementRate: 100,
        objectives: [],
      },
      proposed: { met: 1, committed: 2, achievementRate: 50, objectives: [] },
      rateChange: -50,
      incidents: [
        {
          source: 'pagerduty',
          id: 'Q1CAD-0042',
          title: 'CAD down',
          priority: 'P1',
          clock: 'response',
          current: 'met',
          proposed: 'breached',
        },
      ],
    },
    {
      period: '2026-10',
      current: { met: 2, committed: 2, achievementRate: 100, objectives: [] },
      proposed: { met: 2, committed: 2, achievementRate: 100, objectives: [] },
      rateChange: 0,
      incidents: [],
    },
  ],
};

describe('ProposeChangePanel', () => {
  it('previews the edited annotations and shows both sides, the change and the YAML to copy', async () => {
    const previewEntityTerms = jest.fn(async () => PREVIEW);
    await renderSla(
      <ProposeChangePanel entity={ENTITY} annotations={ANNOTATIONS} />,
      { previewEntityTerms },
    );
    const box = screen.getByTestId('sla-proposal-text') as HTMLTextAreaElement;
    // Only the SLA annotations are offered for editing.
    expect(box.value).toBe(
      'servicelevel.io/tier: gold\nservicelevel.io/response-time: P1=1h',
    );
    fireEvent.change(box, {
      target: {
        value:
          'servicelevel.io/tier: gold\nservicelevel.io/response-time: "P1=15m"',
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));

    const result = await screen.findByTestId('sla-preview-result');
    expect(previewEntityTerms).toHaveBeenCalledWith(ENTITY, {
      annotations: {
        'servicelevel.io/tier': 'gold',
        'servicelevel.io/response-time': 'P1=15m',
      },
      periods: 12,
    });
    expect(bodyRowTexts(result)).toEqual([
      '2026-09100% (2 of 2)50% (1 of 2)−50 pointspagerduty: Q1CAD-0042 (response): met → breached',
      '2026-10100% (2 of 2)100% (2 of 2)——',
    ]);
    // The code block highlights its text after it mounts.
    await waitFor(() =>
      expect(result).toHaveTextContent(
        "metadata: annotations: servicelevel.io/tier: 'gold' servicelevel.io/response-time: 'P1=15m'",
      ),
    );
  });

  it('names the lines that are not annotations, and sends nothing', async () => {
    const previewEntityTerms = jest.fn(async () => PREVIEW);
    await renderSla(
      <ProposeChangePanel entity={ENTITY} annotations={ANNOTATIONS} />,
      { previewEntityTerms },
    );
    fireEvent.change(screen.getByTestId('sla-proposal-text'), {
      target: { value: 'servicelevel.io/tier: gold\nresponse-time P1=15m' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findByText(
        'Line 2: expected servicelevel.io/<key>: <value>, as under metadata.annotations',
      ),
    ).toBeInTheDocument();
    expect(previewEntityTerms).not.toHaveBeenCalled();
  });

  it("shows the backend's refusal", async () => {
    await renderSla(
      <ProposeChangePanel entity={ENTITY} annotations={ANNOTATIONS} />,
      {
        previewEntityTerms: async () => {
          throw new Error('periods: must be <= 36');
        },
      },
    );
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findByText('Error: periods: must be <= 36'),
    ).toBeInTheDocument();
  });
});

describe('annotation text', () => {
  it('reads quoted and plain values, skips comments, and quotes values back for YAML', () => {
    expect(
      parseAnnotationText(
        "# tighter P1\nservicelevel.io/availability: '99.9%'\n\nservicelevel.io/agreement: X-1",
      ),
    ).toEqual({
      annotations: {
        'servicelevel.io/availability': '99.9%',
        'servicelevel.io/agreement': 'X-1',
      },
    });
    expect(parseAnnotationText('tier: gold')).toEqual({ badLines: [1] });
    expect(annotationText(ANNOTATIONS)).not.toMatch(/techdocs/);
    expect(annotationSnippet({ 'servicelevel.io/agreement': "O'Brien" })).toBe(
      "metadata:\n  annotations:\n    servicelevel.io/agreement: 'O''Brien'",
    );
  });
});
