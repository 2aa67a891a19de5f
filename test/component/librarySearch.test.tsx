import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, templateItem, templateUseButton, workflowItems } from './helpers';

const shownTemplates = () => screen.queryAllByTestId('template-item').map((el) => el.dataset.templateId);

describe('library search', () => {
  it('finds templates and saved workflows by name, description and step type', async () => {
    const { user } = renderApp();
    await user.click(templateUseButton('support-routing'));
    await waitFor(() => expect(workflowItems()).toHaveLength(1));
    const search = screen.getByRole('searchbox', { name: 'Search workflows and templates' });
    await user.type(search, 'condition');
    expect(shownTemplates()).toEqual(['support-routing']);
    expect(workflowItems().map((el) => el.dataset.workflowName)).toEqual(['Support Routing']);
    await user.clear(search);
    await user.type(search, 'PARALLEL summary');
    expect(shownTemplates()).toEqual(['parallel-analysis']);
    expect(workflowItems()).toHaveLength(0);
    await user.clear(search);
    await user.type(search, 'table.query');
    expect(shownTemplates()).toContain('customer-digest');
    await user.clear(search);
    await user.type(search, 'no such thing');
    expect(shownTemplates()).toEqual([]);
    expect(screen.getByText('Nothing matches “no such thing”.')).toBeTruthy();
    await user.clear(search);
    expect(shownTemplates()).toHaveLength(7);
  });

  it('a long template description can be read in full before "Use template"', async () => {
    const { user } = renderApp();
    const item = templateItem('customer-digest');
    const more = within(item).getByRole('button', { name: 'Read more' });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    await user.click(more);
    expect(item.classList.contains('template-item-expanded')).toBe(true);
    expect(within(item).getByRole('button', { name: 'Show less' }).getAttribute('aria-expanded')).toBe('true');
    // "Use template" is described by the whole description, read out in full by a screen reader.
    const described = templateUseButton('customer-digest').getAttribute('aria-describedby')!.split(' ');
    const description = described.map((id) => document.getElementById(id)!.textContent).join(' ');
    expect(description).toContain('Customer Digest (no LLM)');
    expect(description.length).toBeGreaterThan(177);
    // A short description has nothing to open.
    expect(within(templateItem('single-customer-status')).queryByRole('button', { name: 'Read more' })).toBeNull();
  });
});
