import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useSlaFormat } from '../common';

/** A catalog user or group as the picker offers it. */
interface Option {
  ref: string;
  name: string;
}

function nameOf(e: Entity): string {
  const profile = (e.spec as { profile?: { displayName?: string } } | undefined)
    ?.profile;
  return e.metadata.title ?? profile?.displayName ?? e.metadata.name;
}

/**
 * The catalog's users and groups, loaded once per dialog; the picker's options. A failed
 * request leaves the list empty: the field still takes a typed entity ref.
 */
export function useOwnerOptions(): Option[] {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(
    () =>
      catalogApi.getEntities({
        filter: { kind: ['User', 'Group'] },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.profile.displayName',
        ],
      }),
    [catalogApi],
  );
  return useMemo(
    () =>
      (value?.items ?? [])
        .map(e => ({ ref: stringifyEntityRef(e), name: nameOf(e) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [value],
  );
}

/**
 * An owner or assignee: a user or group of the catalog, shown by its title and stored as its
 * entity ref. A ref typed by hand (or one the catalog does not list) is kept as it is.
 */
export const OwnerPicker = ({
  label,
  value,
  options,
  onChange,
  error,
  required,
}: {
  label: string;
  value: string;
  options: Option[];
  onChange: (ref: string) => void;
  error?: string;
  required?: boolean;
}) => {
  const { t } = useSlaFormat();
  const selected =
    options.find(o => o.ref === value) ??
    (value ? { ref: value, name: value } : null);
  return (
    <Autocomplete<Option, false, false, true>
      freeSolo
      options={options}
      value={selected}
      getOptionLabel={o => (typeof o === 'string' ? o : o.name)}
      getOptionSelected={(o, v) => o.ref === v.ref}
      renderOption={o => (
        <span>
          {o.name} <small style={{ opacity: 0.7 }}>{o.ref}</small>
        </span>
      )}
      noOptionsText={t('plans.dialog.noOptions')}
      onChange={(_e, v) => {
        if (v === null) onChange('');
        else onChange(typeof v === 'string' ? v.trim() : v.ref);
      }}
      onInputChange={(_e, text, reason) => {
        // Typing a ref by hand keeps it; picking an option is handled by onChange.
        if (reason === 'input') {
          const match = options.find(o => o.name === text);
          onChange(match ? match.ref : text.trim());
        }
      }}
      renderInput={params => (
        <TextField
          {...params}
          fullWidth
          margin="dense"
          label={label}
          required={required}
          error={Boolean(error)}
          helperText={error}
        />
      )}
    />
  );
};
