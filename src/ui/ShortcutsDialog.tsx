import { Dialog } from './common/Dialog';
import { displayKeys, SHORTCUTS } from './shortcuts';
import { useUi } from './state';

/** The shortcut table from shortcuts.ts, with "Mod" shown as this platform's key. */
export function ShortcutsDialog() {
  const closeDialog = useUi((s) => s.closeDialog);
  return (
    <Dialog label="Keyboard shortcuts" onClose={closeDialog}>
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{displayKeys(s.keys)}</kbd>
              </th>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
