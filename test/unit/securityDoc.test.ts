import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, policyText } from '../../vite.config';

const doc = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');

describe('SECURITY.md', () => {
  it('quotes the Content-Security-Policy the build ships, exactly', () => {
    const section = doc.slice(doc.indexOf('## Content-Security-Policy'));
    const quoted = section.slice(section.indexOf('```\n') + 4, section.indexOf('\n```', section.indexOf('```\n') + 4));
    expect(quoted.replace(/\s*\n\s*/g, ' ')).toBe(policyText(CONTENT_SECURITY_POLICY));
  });

  it('is linked from the README', () => {
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain('](SECURITY.md)');
  });
});
