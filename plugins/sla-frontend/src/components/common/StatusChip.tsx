import { cloneElement } from 'react';
import Chip from '@material-ui/core/Chip';
import CheckCircle from '@material-ui/icons/CheckCircle';
import Error from '@material-ui/icons/Error';
import Warning from '@material-ui/icons/Warning';
import Timer from '@material-ui/icons/Timer';
import HelpOutline from '@material-ui/icons/HelpOutline';
import SyncProblem from '@material-ui/icons/SyncProblem';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { slaTranslationRef } from '../../translation';
import { AnyStatus, STATUS_COLOUR, textOn } from './palette';

const ICON: Record<AnyStatus, JSX.Element> = {
  met: <CheckCircle />,
  breached: <Error />,
  'at-risk': <Warning />,
  running: <Timer />,
  'no-data': <HelpOutline />,
  'no-target': <HelpOutline />,
  unknown: <SyncProblem />,
};

/** A status as icon, text and colour (never colour alone). */
export const StatusChip = ({
  status,
  label,
}: {
  status: AnyStatus;
  /** Overrides the status text, e.g. for a source's health. */
  label?: string;
}) => {
  const { t } = useTranslationRef(slaTranslationRef);
  const bg = STATUS_COLOUR[status];
  const fg = textOn(bg);
  return (
    <Chip
      size="small"
      // The icon takes the text colour so it stays visible on the fill.
      icon={cloneElement(ICON[status], { style: { color: fg } })}
      label={label ?? t(`status.${status}`)}
      data-status={status}
      style={{ backgroundColor: bg, color: fg }}
    />
  );
};
