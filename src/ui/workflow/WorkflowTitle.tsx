import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../schema/errorMessage';

interface WorkflowTitleProps {
  name: string;
  onRename(name: string): Promise<void>;
}

/** The workflow's name as an editable heading: Enter or leaving the field renames, Escape reverts. */
export function WorkflowTitle({ name, onRename }: WorkflowTitleProps) {
  const [value, setValue] = useState(name);
  const [editing, setEditingState] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  // Read by the effect below instead of `editing`: an effect of an earlier render (flushed late, after
  // the user already typed) must not put the stored name back over what they typed.
  const editingNow = useRef(false);
  const setEditing = (on: boolean) => {
    editingNow.current = on;
    setEditingState(on);
  };

  useEffect(() => {
    if (!editingNow.current) setValue(name);
  }, [name, editing]);

  async function commit(keepEditing: boolean) {
    const trimmed = value.trim();
    if (!trimmed) {
      setMessage('A workflow needs a name.');
      if (!keepEditing) {
        setValue(name);
        setEditing(false);
      }
      return;
    }
    setMessage(null);
    setEditing(false);
    if (trimmed === name) return setValue(name);
    try {
      await onRename(trimmed);
    } catch (error) {
      setMessage(errorMessage(error));
      setValue(name);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commit(true);
    } else if (event.key === 'Escape') {
      event.stopPropagation();
      setValue(name);
      setMessage(null);
      setEditing(false);
    }
  }

  return (
    <div className="title-field">
      <input
        className="title-input"
        aria-label="Workflow name"
        value={value}
        maxLength={200}
        onChange={(e) => {
          setValue(e.target.value);
          setEditing(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => editing && void commit(false)}
      />
      {message && (
        <p className="error-text title-message" role="alert">
          {message}
        </p>
      )}
    </div>
  );
}
