export { ReportsSection, previousMonth } from './ReportsSection';
export type { ReportsSectionProps } from './ReportsSection';
export {
  AgreementConfirmationPanel,
  ReviewDueNotice,
} from './AgreementConfirmationPanel';
