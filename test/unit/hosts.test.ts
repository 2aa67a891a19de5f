import { describe, expect, it } from 'vitest';
import { hostOfUrl, isHostAllowed, literalHostOf, normalizeAllowedHost } from '../../src/schema/hosts';
import { summarizeWorkflow } from '../../src/schema/summary';
import { validateWorkflowFile } from '../../src/schema/validate';
import { baseWorkflow } from '../support/workflows';

/** A URL as written → the one host every check, prompt and request uses (undefined: not a literal http(s) host). */
const SPELLINGS: Array<[string, string | undefined]> = [
  ['http://127.0.0.1:8080/x', '127.0.0.1:8080'],
  ['http://2130706433:8080/', '127.0.0.1:8080'], // decimal IPv4
  ['http://0x7f000001:8080/', '127.0.0.1:8080'], // hex IPv4
  ['http://0177.0.0.1:8080/', '127.0.0.1:8080'], // octal IPv4
  ['http://127.1:8080/', '127.0.0.1:8080'], // short IPv4
  ['http://[::1]:8080/', '[::1]:8080'],
  ['http://[0:0:0:0:0:0:0:1]:8080/', '[::1]:8080'],
  ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ['https://API.Example.COM/v1', 'api.example.com'],
  ['https://api.example.com./v1', 'api.example.com'], // trailing dot
  ['https://api.example.com:443/v1', 'api.example.com'], // default port dropped
  ['http://api.example.com:80/', 'api.example.com'],
  ['https://api.example.com:80/', 'api.example.com:80'], // not the https default
  ['http://api.example.com:08080/', 'api.example.com:8080'],
  ['https://bücher.example/', 'xn--bcher-kva.example'], // IDNA
  ['https://ＡＰＩ.example.com/', 'api.example.com'], // full-width letters fold
  ['https://user:pw@api.example.com/', 'api.example.com'],
  ['http://127.0.0.1\\.allowed.test/', '127.0.0.1'], // a backslash is a slash
  ['  https://api.example.com/x  ', 'api.example.com'],
  ['https://api.example.com/{{input.id}}', 'api.example.com'],
  ['https://api.example.com?q={{input.q}}', 'api.example.com'],
  ['https://{{variables.host}}/x', undefined],
  ['https://api.example.com{{input.path}}', undefined],
  ['https://evil.com@{{input.host}}/', undefined],
  ['ftp://api.example.com/', undefined],
  ['javascript:alert(1)', undefined],
  ['/relative/path', undefined],
  ['https:///nohost', undefined],
];

/** An allowedHosts entry → its normal form (undefined: refused at import). */
const ENTRIES: Array<[string, string | undefined]> = [
  ['api.example.com', 'api.example.com'],
  ['API.Example.com.', 'api.example.com'],
  ['*.Example.com', '*.example.com'],
  ['*.bücher.example', '*.xn--bcher-kva.example'],
  ['localhost:11434', 'localhost:11434'],
  ['2130706433:8080', '127.0.0.1:8080'],
  ['[0::1]:8080', '[::1]:8080'],
  ['[::1]', '[::1]'],
  ['*.0.0.1', undefined], // a wildcard is not an address range
  ['::1', undefined], // IPv6 goes in brackets
  ['https://api.example.com/v1', undefined],
  ['api.example.com/x', undefined],
  ['user@api.example.com', undefined],
  ['api.example.com:99999', undefined],
  ['api.example.com:0', undefined],
  ['127.0.0.1\\.allowed.test', undefined],
  ['a b.com', undefined],
  ['*', undefined],
  ['', undefined],
];

/** A URL an http step sends to, the allowedHosts, and whether it may go there. */
const CHECKS: Array<[string, string[], boolean]> = [
  ['http://2130706433:8080/', ['127.0.0.1'], true],
  ['http://127.0.0.1:8080/', ['2130706433:8080'], true],
  ['http://127.0.0.1:8080/', ['127.0.0.1:9090'], false],
  ['http://[::1]:8080/', ['[0:0::1]'], true],
  ['https://API.example.com./', ['api.example.com'], true],
  ['https://a.example.com/', ['*.example.com'], true],
  ['https://a.b.example.com/', ['*.example.com'], true],
  ['https://example.com/', ['*.example.com'], false],
  ['https://badexample.com/', ['*.example.com'], false],
  ['https://a.example.com.evil.test/', ['*.example.com'], false],
  ['http://127.0.0.1\\.allowed.test/', ['*.allowed.test'], false],
  ['http://127.0.0.1\\.allowed.test/', ['allowed.test'], false],
  ['https://x.xn--bcher-kva.example/', ['*.bücher.example'], true],
  ['https://a.example.com:8443/', ['*.example.com:8443'], true],
  ['https://a.example.com:9443/', ['*.example.com:8443'], false],
  ['https://api.example.com/', ['https://api.example.com'], false],
  ['https://api.example.com/', [], false],
];

describe('host normal form', () => {
  it.each(SPELLINGS)('%s → %s', (url, host) => {
    expect(literalHostOf(url)).toBe(host);
    // A URL whose host is written out reads the same after its templates are filled in.
    if (host !== undefined) expect(hostOfUrl(url.replace(/\{\{[^}]*\}\}/g, 'v'))).toBe(host);
  });

  it.each(ENTRIES)('allowedHosts entry %j → %s', (entry, normal) => {
    expect(normalizeAllowedHost(entry)).toBe(normal);
  });

  it.each(CHECKS)('%s with allowedHosts %j → %s', (url, allowed, expected) => {
    // As validation reads the URL written in the file, and as the engine reads it before sending.
    for (const host of [literalHostOf(url), hostOfUrl(url)])
      expect(host !== undefined && isHostAllowed(host, allowed)).toBe(expected);
  });

  it('the import preview and validation name the host as the request will reach it', () => {
    const doc: any = baseWorkflow();
    doc.workflowConfig.config = { ...doc.workflowConfig.config, allowedHosts: ['2130706433:8080', '*.Example.com'] };
    doc.stepsConfig[1] = {
      stepSlug: 'call',
      name: 'Call',
      stepType: 'action',
      config: { action: 'http', method: 'GET', url: 'http://0x7f000001:8080/x' },
      nextSteps: { success: 'done' },
    };
    doc.stepsConfig[0].nextSteps.default = 'call';
    expect(summarizeWorkflow(doc).hosts).toEqual(['127.0.0.1:8080', '*.example.com']);
    expect(validateWorkflowFile(doc).problems.filter((p) => p.severity === 'error')).toEqual([]);
    doc.stepsConfig[1].config.url = 'http://127.0.0.1\\.example.com:8080/';
    doc.workflowConfig.config.allowedHosts = ['*.example.com'];
    expect(validateWorkflowFile(doc).problems).toContainEqual(
      expect.objectContaining({ code: 'host-not-allowed', message: expect.stringContaining('"127.0.0.1"') }),
    );
  });

  it('refuses an allowedHosts entry that is no host, naming its path', () => {
    const doc: any = baseWorkflow();
    doc.workflowConfig.config = {
      ...doc.workflowConfig.config,
      allowedHosts: ['api.example.com', '*.0.0.1', '[::1]:8080'],
    };
    const bad = validateWorkflowFile(doc).problems.filter((p) => p.code === 'bad-host');
    expect(bad).toEqual([expect.objectContaining({ path: '$.workflowConfig.config.allowedHosts[1]' })]);
  });
});
