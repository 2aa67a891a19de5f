import { ExecutorRole } from './ExecutorRole';
import { HeaderMenu } from './layout/HeaderMenu';
import { SidebarToggle } from './layout/SidebarToggle';
import { ThemeSwitch } from './theme/ThemeSwitch';
import { InboxButton } from './inbox/InboxButton';
import { ExperimentsLink } from './experiments/ExperimentLinks';
import { LIBRARY, routeHref } from './routing/routes';
import { displayKeys } from './shortcuts';
import './routing/routing.css';

interface HeaderProps {
  onImportFile(): void;
  onPaste(): void;
  onNew(): void;
  onHelp(): void;
  onTables(): void;
  onSettings(): void;
  /** The first screen is up: the executor (and its status) may start. */
  ready: boolean;
}

/** The dark app bar: product name and the commands that create workflows. */
export function Header({ onImportFile, onPaste, onNew, onHelp, onTables, onSettings, ready }: HeaderProps) {
  return (
    <header className="app-header">
      <SidebarToggle />
      {/* The way home from any address: the library. */}
      <a className="brand brand-link" href={routeHref(LIBRARY)} title="Go to the library">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        <h1 className="brand-name">Tabflow</h1>
        <span className="brand-tagline">LLM workflows that live in your browser</span>
      </a>
      <HeaderMenu>
        <ExecutorRole enabled={ready} />
        <ThemeSwitch />
        <InboxButton />
        <a className="button button-dark header-runs-link" href={routeHref({ screen: 'allRuns', filters: {} })}>
          Runs
        </a>
        <ExperimentsLink />
        <button type="button" className="button button-dark" onClick={onImportFile} title={displayKeys('Mod+O')}>
          Import file
        </button>
        <button type="button" className="button button-dark" onClick={onPaste} title={displayKeys('Mod+Shift+V')}>
          Paste JSON
        </button>
        <button type="button" className="button button-dark" onClick={onTables}>
          Tables
        </button>
        <button type="button" className="button button-dark" onClick={onSettings}>
          Settings
        </button>
        <button type="button" className="button button-primary" onClick={onNew}>
          New workflow
        </button>
        <button
          type="button"
          className="icon-button icon-button-dark"
          onClick={onHelp}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)">
          ?
        </button>
      </HeaderMenu>
    </header>
  );
}
