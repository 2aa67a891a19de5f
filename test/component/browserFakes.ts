/**
 * Stand-ins for what jsdom lacks, installed by setup.ts; tests read what the app did through them
 * (files downloaded). user-event installs its own clipboard on setup(): read it with
 * `navigator.clipboard.readText()`, and call `denyClipboard()` after setup to refuse writes.
 */

export const downloads: Array<{ fileName: string; text: Promise<string> }> = [];
const objectUrls = new Map<string, Blob>();

export function installBrowserFakes(): void {
  installClipboard();
  Blob.prototype.text ??= function text(this: Blob) {
    return new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.onerror = () => reject(reader.error);
      reader.readAsText(this);
    });
  };
  let nextUrl = 1;
  URL.createObjectURL = (blob: Blob) => {
    const url = `blob:test/${nextUrl++}`;
    objectUrls.set(url, blob);
    return url;
  };
  URL.revokeObjectURL = (url: string) => void objectUrls.delete(url);
  // Record downloads instead of letting jsdom try to navigate.
  HTMLAnchorElement.prototype.click = function click(this: HTMLAnchorElement) {
    const blob = objectUrls.get(this.href);
    if (this.download && blob) downloads.push({ fileName: this.download, text: blob.text() });
  };
  installLayoutStubs();
}

/** CodeMirror measures text; jsdom has no layout, so rectangles are empty but present. */
function installLayoutStubs(): void {
  const emptyRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  const emptyRect = () => new DOMRect(0, 0, 0, 0);
  Range.prototype.getClientRects ??= emptyRects;
  Range.prototype.getBoundingClientRect ??= emptyRect;
  document.elementFromPoint ??= () => null;
}

function installClipboard(): void {
  let copied = '';
  setClipboard({ writeText: async (text: string) => void (copied = text), readText: async () => copied });
}

function setClipboard(value: Pick<Clipboard, 'writeText' | 'readText'>): void {
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value });
}

/** A clipboard that refuses to be written, as when the page lacks focus or permission. */
export function denyClipboard(): void {
  const refuse = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  setClipboard({ writeText: refuse, readText: refuse });
}

export function resetBrowserFakes(): void {
  installClipboard();
  downloads.length = 0;
  objectUrls.clear();
}
