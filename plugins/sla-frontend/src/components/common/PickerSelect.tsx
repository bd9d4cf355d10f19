import { ReactNode } from 'react';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';

/** One choice of a PickerSelect; `label` defaults to the value. */
export interface PickerOption {
  value: string | number;
  label?: ReactNode;
}

/**
 * The small outlined drop-down of the pages' toolbars (period, granularity, grouping).
 * `id` names the label and is the test id; `onChange` gets the chosen option's value.
 */
export function PickerSelect(props: {
  id: string;
  label: string;
  value: string | number;
  options: PickerOption[];
  onChange: (value: string | number) => void;
  minWidth: number;
  disabled?: boolean;
}) {
  const { id, label, value, options, onChange, minWidth, disabled } = props;
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth }}>
      <InputLabel id={id}>{label}</InputLabel>
      <Select
        labelId={id}
        label={label}
        value={value}
        disabled={disabled}
        data-testid={id}
        onChange={e => onChange(e.target.value as string | number)}
      >
        {options.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label ?? o.value}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
