import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/**
 * A button the user may not be allowed to press: disabled while the permission is checked
 * and when it is denied, with a tooltip saying why.
 */
export const GuardedButton = ({
  permission,
  deniedText,
  ...props
}: ButtonProps & {
  permission: { allowed: boolean; loading: boolean };
  /** Why the user may not, e.g. who may. */
  deniedText: string;
}) => {
  const denied = !permission.loading && !permission.allowed;
  return (
    <Tooltip title={denied ? deniedText : ''}>
      {/* A disabled button fires no events: the span carries the tooltip. */}
      <span>
        <Button
          {...props}
          disabled={props.disabled || !permission.allowed}
          aria-disabled={!permission.allowed || undefined}
        />
      </span>
    </Tooltip>
  );
};
