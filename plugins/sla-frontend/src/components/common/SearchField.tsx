import TextField from '@material-ui/core/TextField';

/** The small outlined text box that filters a table as the user types. */
export const SearchField = ({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) => (
  <TextField
    size="small"
    variant="outlined"
    label={label}
    value={value}
    onChange={e => onChange(e.target.value)}
    inputProps={{ 'aria-label': label }}
  />
);
