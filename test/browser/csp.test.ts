import { mkdir } from 'node:fs/promises';
import type { Browser, CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CSP_HEADER, policyText } from '../../vite.config';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import { startRun, waitForRunStatus } from './app';
import { baseUrl, chromiumPath, launch } from './browser';

interface TargetIssues {
  target: string;
  /** "directive, violation type, at script:line" for each issue. */
  issues: string[];
}

interface CspIssue {
  code: string;
  details: {
    contentSecurityPolicyIssueDetails?: {
      violatedDirective: string;
      contentSecurityPolicyViolationType: string;
      sourceCodeLocation?: { url: string; lineNumber: number };
    };
  };
}

function describeIssue(issue: CspIssue): string {
  const details = issue.details.contentSecurityPolicyIssueDetails;
  const where = details?.sourceCodeLocation;
  const at = where ? `${where.url}:${where.lineNumber}` : 'unknown';
  return `${details?.violatedDirective} ${details?.contentSecurityPolicyViolationType} at ${at}`;
}

/**
 * The Content-Security-Policy issues Chromium recorded for every page and worker, read through the
 * DevTools protocol: enabling `Audits` on a target replays every issue it has collected so far, so
 * a violation the worker hit while its modules were loading is seen too.
 */
async function cspIssuesOfEveryTarget(browser: Browser): Promise<TargetIssues[]> {
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  const targets = targetInfos.filter((t) => (t.type === 'page' || t.type === 'worker') && t.url.startsWith(baseUrl));
  const bySession = new Map<string, TargetIssues>();
  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const parsed = JSON.parse(message) as { method?: string; params?: { issue?: CspIssue } };
    const issue = parsed.method === 'Audits.issueAdded' ? parsed.params?.issue : undefined;
    if (issue?.code === 'ContentSecurityPolicyIssue') bySession.get(sessionId)?.issues.push(describeIssue(issue));
  });
  for (const target of targets) {
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    bySession.set(sessionId, { target: `${target.type} ${target.url}`, issues: [] });
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 1, method: 'Audits.enable' }),
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 500)); // the replayed issues arrive just after
  await cdp.detach();
  return [...bySession.values()];
}

describe.skipIf(!chromiumPath)('the Content-Security-Policy', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startOpenAIServer();
    await mkdir('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is enforced, from the response header and the meta tag: an inline script is refused and reported', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(baseUrl);
    expect(response?.headers()['content-security-policy']).toBe(CSP_HEADER);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(
      policyText(CONTENT_SECURITY_POLICY),
    );
    expect(
      await page.evaluate(async () => {
        const reported: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => reported.push(e.effectiveDirective));
        const script = document.createElement('script');
        script.textContent = 'window.inlineScriptRan = true';
        document.head.append(script);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { ran: (window as unknown as { inlineScriptRan?: boolean }).inlineScriptRan === true, reported };
      }),
    ).toEqual({ ran: false, reported: ['script-src-elem', 'script-src-elem'] });
    await context.close();
  });

  it(
    'editing, Settings, a run on the demo model and one on a provider ' +
      'cause no violation in the page or the worker',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { cspViolations: string[] }).cspViolations = seen;
        document.addEventListener('securitypolicyviolation', (e) =>
          seen.push(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`),
        );
      });
      const consoleErrors: string[] = [];
      const watchConsole = (text: string) => {
        if (/Content[- ]Security[- ]Policy|Refused to/i.test(text)) consoleErrors.push(text);
      };
      page.on('console', (message) => watchConsole(message.text()));
      page.on('worker', (worker) => worker.on('console', (message) => watchConsole(message.text())));
      await page.goto(baseUrl);

      await page
        .locator('[data-template-id="weather-outfit-chain"]')
        .getByRole('button', { name: 'Use template' })
        .click();
      await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'JSON' }).click();
      const editor = page.locator('[data-testid="json-editor"] .cm-content');
      await editor.click();
      await page.keyboard.press('Control+Space'); // completion tooltip: more injected editor styles
      await page.screenshot({ path: 'test-results/csp-json-editor.png' });
      await page.keyboard.press('Escape');

      const demoRun = await startRun(page, { location: 'Lisbon' });
      await waitForRunStatus(page, demoRun, 'completed', 45_000);
      await page.screenshot({ path: 'test-results/csp-run-completed.png' });

      // Settings, then the same workflow on an OpenAI-compatible provider: the AI SDK's real HTTP path.
      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.getByRole('button', { name: 'Add provider' }).click();
      const form = settings.getByRole('form', { name: 'Provider' });
      await form.getByLabel('Name', { exact: true }).fill('Local server');
      await form.getByLabel('Base URL').fill(server.url);
      await form.getByRole('button', { name: 'Save provider' }).click();
      await settings.locator('[data-provider-name="Local server"]').waitFor();
      await settings.getByRole('button', { name: 'Close' }).click();
      await startRun(page, { location: 'Porto' });
      const providerRun = page.locator(`.run-detail:not([data-run-id="${demoRun}"])`);
      await waitForRunStatus(page, (await providerRun.getAttribute('data-run-id'))!, 'completed', 45_000);
      expect(server.requests.some((r) => r.path.endsWith('/chat/completions'))).toBe(true);

      const issues = await cspIssuesOfEveryTarget(browser);
      expect(issues.map((t) => t.target.split(' ')[0]).sort()).toEqual(['page', 'worker']);
      expect(issues.filter((t) => t.issues.length > 0)).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
      expect(consoleErrors).toEqual([]);
      await context.close();
    },
  );
});
