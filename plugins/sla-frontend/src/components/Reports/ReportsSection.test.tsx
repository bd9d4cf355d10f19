import { fireEvent, screen, waitFor } from '@testing-library/react';
import type {
  Confirmation,
  ConfirmationStatus,
  ReportDocument,
} from '../../api';
import {
  changedSinceConfirmation,
  reportSummary,
} from '../../__testUtils__/fixtures';
import { renderSla } from '../../__testUtils__/render';
import { previousMonth, ReportsSection } from './ReportsSection';
import { AgreementConfirmationPanel } from './AgreementConfirmationPanel';

describe('ReportsSection', () => {
  it('takes "last month" in the entity zone, not the browser clock', () => {
    // 2026-11-30T17:00Z is already 1 December in Shanghai.
    const now = Date.parse('2026-11-30T17:00:00Z');
    expect(previousMonth('Asia/Shanghai', now)).toBe('2026-11');
    expect(previousMonth('UTC', now)).toBe('2026-10');
  });

  const createObjectURL = jest.fn(() => 'blob:report');
  beforeAll(() => {
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
  });

  it('lists published reports and downloads one as CSV with its file name', async () => {
    const listReports = jest.fn(async () => ({ items: [reportSummary] }));
    const getReport = jest.fn(
      async (): Promise<ReportDocument> => ({
        fileName: 'sla-report-component-default-cad-core-2026-09.csv',
        contentType: 'text/csv',
        text: 'section,entity_ref\r\n',
      }),
    );
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await renderSla(
      <ReportsSection
        subject="entity"
        subjectRef="component:default/cad-core"
      />,
      { listReports, getReport },
    );

    // The backend's own generator by name, not its machine word.
    expect(await screen.findByText('schedule')).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('CSV 2026-09'));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(getReport).toHaveBeenCalledWith(
      'entity',
      { kind: 'component', namespace: 'default', name: 'cad-core' },
      '2026-09',
      'csv',
      undefined,
    );
    expect(createObjectURL).toHaveBeenCalled();

    // The internal section only when asked for.
    fireEvent.click(
      screen.getByLabelText(
        'Internal section: dependencies and downtime attribution (not for customers)',
      ),
    );
    fireEvent.click(screen.getByLabelText('Markdown 2026-09'));
    await waitFor(() => expect(getReport).toHaveBeenCalledTimes(2));
    expect(getReport).toHaveBeenLastCalledWith(
      'entity',
      { kind: 'component', namespace: 'default', name: 'cad-core' },
      '2026-09',
      'md',
      { internal: true },
    );
    click.mockRestore();
  });

  it('validates the period before downloading any other period', async () => {
    const getReport = jest.fn();
    await renderSla(
      <ReportsSection
        subject="customer"
        subjectRef="group:default/dispatch-center"
      />,
      { getReport },
    );
    expect(screen.getByLabelText('Period')).toHaveValue(previousMonth());
    fireEvent.change(screen.getByLabelText('Period'), {
      target: { value: 'September' },
    });
    fireEvent.click(screen.getByText('Markdown'));
    expect(
      await screen.findByText('A period such as 2026-09, 2026-Q3 or 2026'),
    ).toBeInTheDocument();
    expect(getReport).not.toHaveBeenCalled();
  });
});

describe('AgreementConfirmationPanel', () => {
  it('flags an overdue review and a terms change since the last confirmation', async () => {
    const getConfirmation = jest.fn(
      async (): Promise<ConfirmationStatus> =>
        changedSinceConfirmation({
          state: 'overdue',
          reviewBy: '2026-01-06',
          daysLeft: -10,
        }),
    );
    const confirmAgreement = jest.fn(
      async (): Promise<Confirmation> => ({
        id: 2,
        entityRef: 'component:default/cad-core',
        termsVersion: 3,
        by: 'user:default/olivia',
        role: 'owner',
        at: Date.UTC(2026, 10, 2),
      }),
    );
    await renderSla(
      <AgreementConfirmationPanel entityRef="component:default/cad-core" />,
      { getConfirmation, confirmAgreement },
    );
    expect(
      await screen.findByText('Agreement review overdue since 2026-01-06'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Changed since last confirmation/),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByText('Confirm terms version 3'));
    fireEvent.click(screen.getByText('Confirm'));
    await waitFor(() =>
      expect(confirmAgreement).toHaveBeenCalledWith(
        { kind: 'component', namespace: 'default', name: 'cad-core' },
        3,
        undefined,
      ),
    );
  });
});
