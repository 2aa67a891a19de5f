import { startTheme } from './theme';

// Imported by the entry module right after zodJitless, before React renders: the stored theme is
// applied before the first frame of the app (no inline script: the Content-Security-Policy forbids it).
startTheme();
