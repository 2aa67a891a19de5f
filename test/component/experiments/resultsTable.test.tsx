import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExperimentResults } from '../../../src/ui/experiments/results/ExperimentResults';
import { freshDb, renderWithExecutor } from '../helpers';
import { storeExperiment, type FixtureOptions } from './resultsFixtures';

/** How many cells each read of a window of cells returned. */
const cellReads = vi.hoisted(() => [] as number[]);
/** Set: reads of a thousand rows at once (every row, for a sort or a filter) fail with this message. */
const failWholeReads = vi.hoisted(() => ({ message: undefined as string | undefined }));
vi.mock('../../../src/store/batches', async (original) => {
  const batches = await original<typeof import('../../../src/store/batches')>();
  return {
    ...batches,
    readCellWindow: async (...args: Parameters<typeof batches.readCellWindow>) => {
      const [, , fromRow, toRow] = args;
      if (failWholeReads.message && fromRow === 0 && toRow === 3) throw new Error(failWholeReads.message);
      const cells = await batches.readCellWindow(...args);
      cellReads.push(cells.length);
      return cells;
    },
  };
});

/** The results screen over a stored experiment (fake-indexeddb): the matrix, sort, filter, live cells, windows. */
const PATIENT = { timeout: 5_000 };
/** A test's own limit: a busy 2-core machine runs several of these reads at once. */
const SLOW_TEST_MS = 20_000;

const texts = ['great product', 'awful, broken', 'fine I guess'];

function finished(rowIndex: number, { id: variantId }: { id: string }) {
  const label = rowIndex === 1 ? 'negative' : 'positive';
  const local = variantId === 'local';
  return {
    status: rowIndex === 2 && local ? ('failed' as const) : ('completed' as const),
    runId: `b1.r${rowIndex}.v${local ? 1 : 0}`,
    ...(rowIndex === 2 && local
      ? { error: 'Local server answered 500' }
      : { output: { label, score: { value: rowIndex * 10 + (local ? 1 : 0) } } }),
    tokens: 100 + rowIndex,
    costUsd: local ? 0.002 : 0,
    latencyMs: local ? 900 - rowIndex * 100 : 50 + rowIndex,
    evaluations: [
      { evaluatorId: 'has-label', pass: !(rowIndex === 2 && local), reason: rowIndex === 2 ? 'no label at label' : '' },
      { evaluatorId: 'judge', pass: rowIndex !== 1, reason: rowIndex === 1 ? 'the judge says it is wrong' : 'fine' },
    ],
  };
}

/** A cell's text as drawn (a verdict's tooltip shows only on hover or focus). */
function shownText(cell: HTMLElement): string {
  const copy = cell.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('[role="tooltip"]').forEach((tip) => tip.remove());
  return copy.textContent ?? '';
}

const table = () => screen.getByRole('table', { name: 'Results of Sentiment check' });
const drawnRows = () =>
  Array.from(table().querySelectorAll<HTMLElement>('[role="row"][data-row-index]')).map((r) =>
    Number(r.dataset.rowIndex),
  );

/** The results of the three stored rows (`finished` cells unless said), drawn. */
async function openResults(cellOf: FixtureOptions['cellOf'] = finished) {
  const db = freshDb();
  await storeExperiment(db, { rows: texts.map((text) => ({ text })), cellOf });
  const user = userEvent.setup();
  renderWithExecutor(db, {}, <ExperimentResults batchId="b1" />);
  await waitFor(() => expect(drawnRows()).toEqual([0, 1, 2]), PATIENT);
  return { db, user };
}

describe('experiment results', { timeout: SLOW_TEST_MS }, () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows a column group per variant: inputs, outputs, status, tokens, cost, latency, verdicts', async () => {
    await openResults();
    const headers = within(table()).getAllByRole('columnheader');
    const groups = headers.filter((h) => h.hasAttribute('aria-colspan')).map((h) => h.textContent);
    expect(groups).toEqual(['Row', 'Demo model', 'Local server']);
    await waitFor(() =>
      expect(
        within(table())
          .getAllByRole('button', { name: /^Sort by Demo model output/ })
          .map((b) => b.textContent),
      ).toEqual(['output.label', 'output.score.value']),
    );
    const second = table().querySelector<HTMLElement>('[data-row-index="1"]')!;
    const cells = within(second).getAllByRole('cell').map(shownText);
    expect(cells).toEqual([
      'awful, broken',
      'negative',
      '10',
      'completed',
      '101',
      '$0',
      '51 ms',
      'pass',
      'fail',
      'negative',
      '11',
      'completed',
      '101',
      '$0.0020',
      '800 ms',
      'pass',
      'fail',
    ]);
    expect(within(second).getByRole('rowheader').textContent).toBe('2');
    // Each variant cell opens its run in the inspector; a verdict's reason is its description (hover, focus).
    const links = within(second).getAllByRole('link');
    expect(links[0]!.getAttribute('href')).toBe('#/w/w1/runs/b1.r1.v0');
    expect(links.at(-1)!.getAttribute('href')).toBe('#/w/w1/runs/b1.r1.v1');
    const judge = links.at(-1)!;
    const tip = document.getElementById(judge.getAttribute('aria-describedby')!)!;
    expect(tip.getAttribute('role')).toBe('tooltip');
    expect(tip.textContent).toBe('the judge says it is wrong');
    const failedRow = table().querySelector<HTMLElement>('[data-row-index="2"]')!;
    expect(failedRow.querySelector('[data-status="failed"]')!.textContent).toBe('failed');
    expect(failedRow.querySelector('[data-status="failed"] a')!.getAttribute('title')).toBe(
      'Local server answered 500',
    );
  });

  it('sorts by any column (ascending, descending, off) and filters by status, failed check and text', async () => {
    const { user } = await openResults();
    const sortLatency = within(table()).getByRole('button', { name: 'Sort by Local server latency (ms)' });
    await user.click(sortLatency);
    await waitFor(() => expect(drawnRows()).toEqual([2, 1, 0]), PATIENT);
    const latencyHeader = within(table()).getByRole('button', { name: 'Sort by Local server latency (ms)' });
    expect(latencyHeader.closest('[role="columnheader"]')!.getAttribute('aria-sort')).toBe('ascending');
    await user.click(within(table()).getByRole('button', { name: 'Sort by Local server latency (ms)' }));
    await waitFor(() => expect(drawnRows()).toEqual([0, 1, 2]));
    await user.click(within(table()).getByRole('button', { name: 'Sort by text' }));
    await waitFor(() => expect(drawnRows()).toEqual([1, 2, 0]));

    const filters = screen.getByRole('search', { name: 'Filter results' });
    await user.selectOptions(within(filters).getByLabelText('Status'), 'failed');
    await waitFor(() => expect(drawnRows()).toEqual([2]));
    expect(within(filters).getByText('1 of 3 rows')).toBeTruthy();
    await user.selectOptions(within(filters).getByLabelText('Status'), '');
    await user.selectOptions(within(filters).getByLabelText('Failed check'), 'Judge');
    await waitFor(() => expect(drawnRows()).toEqual([1]));
    await user.selectOptions(within(filters).getByLabelText('Failed check'), 'any check');
    await waitFor(() => expect(drawnRows()).toEqual([1, 2]));
    await user.selectOptions(within(filters).getByLabelText('Failed check'), '—');
    await user.type(within(filters).getByLabelText('Search'), 'GREAT');
    await waitFor(() => expect(drawnRows()).toEqual([0]));
    await user.clear(within(filters).getByLabelText('Search'));
    await user.type(within(filters).getByLabelText('Search'), 'zzz');
    await screen.findByText('No row matches these filters.');
  });

  it('a cell that finishes shows at once (liveQuery), its output columns joining the table', async () => {
    const { db } = await openResults(() => undefined);
    expect(table().querySelectorAll('[data-status="queued"]')).toHaveLength(6);
    const cell = (await db.batchCells.get('b1.r1.v0'))!;
    await db.batchCells.put({ ...cell, ...finished(1, { id: 'demo' }) });
    await waitFor(() => expect(table().querySelector('[data-row-index="1"] [data-status="completed"]')).not.toBeNull());
    await waitFor(() =>
      expect(within(table()).getByRole('button', { name: 'Sort by Demo model output.label' })).toBeTruthy(),
    );
    expect(
      within(table().querySelector<HTMLElement>('[data-row-index="1"]')!).getAllByRole('cell')[1]!.textContent,
    ).toBe('negative');
  });

  it('a sorted table follows the cells as they finish (every row read again, about once a second)', async () => {
    const { db, user } = await openResults();
    await user.click(within(table()).getByRole('button', { name: 'Sort by Demo model latency (ms)' }));
    await waitFor(() => expect(drawnRows()).toEqual([0, 1, 2]), PATIENT);
    // Row 2 becomes the fastest: the cell and the batch record change in one transaction, as the scheduler writes.
    await db.transaction('rw', [db.batchCells, db.batches], async () => {
      await db.batchCells.update('b1.r2.v0', { latencyMs: 1 });
      await db.batches.update('b1', { updatedAt: 2 });
    });
    await waitFor(() => expect(drawnRows()).toEqual([2, 0, 1]), PATIENT);
  });

  it('a failed read of every row (to sort) says so, and the rows in view stay', async () => {
    const { user } = await openResults();
    failWholeReads.message = 'the disk went away';
    try {
      await user.click(within(table()).getByRole('button', { name: 'Sort by text' }));
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toBe("Couldn't read the rows to sort or filter: the disk went away");
      expect(drawnRows()).toEqual([0, 1, 2]);
    } finally {
      failWholeReads.message = undefined;
    }
  });

  it('opens a row in full: inputs, each variant’s whole output, error and every verdict with its reason', async () => {
    const db = freshDb();
    const long = 'x'.repeat(400);
    await storeExperiment(db, {
      rows: [{ text: long }, ...texts.slice(1).map((text) => ({ text }))],
      cellOf: finished,
    });
    const user = userEvent.setup();
    renderWithExecutor(db, {}, <ExperimentResults batchId="b1" />);
    await waitFor(() => expect(drawnRows()).toEqual([0, 1, 2]), PATIENT);
    // A long value is cut in its cell; the whole of it is in the cell's title and in the row's detail.
    const inputCell = within(table().querySelector<HTMLElement>('[data-row-index="0"]')!).getAllByRole('cell')[0]!;
    expect(inputCell.textContent!.length).toBeLessThan(130);
    expect(inputCell.getAttribute('title')).toBe(long);
    await user.click(within(table()).getByRole('button', { name: 'Row 1: details' }));
    const detail = await screen.findByRole('region', { name: 'Row 1' });
    // The detail reads its row itself: "Loading…" first.
    expect(await within(detail).findByText(long)).toBeTruthy();
    await user.click(within(detail).getByRole('button', { name: 'Close' }));
    await user.click(within(table()).getByRole('button', { name: 'Row 3: details' }));
    const third = await screen.findByRole('region', { name: 'Row 3' });
    const local = await within(third).findByRole('article', { name: 'Local server' });
    expect(within(local).getByText('Local server answered 500')).toBeTruthy();
    expect(within(local).getByText(/no label at label/)).toBeTruthy();
    expect(within(local).getByRole('link', { name: 'Open run' }).getAttribute('href')).toBe('#/w/w1/runs/b1.r2.v1');
    const demo = within(third).getByRole('article', { name: 'Demo model' });
    expect(within(demo).getByText(/"value": 20/)).toBeTruthy();
  });
});

/** jsdom lays nothing out: the table's box is 400 px high, as a browser would say (rows are 34 px). */
function layOut() {
  let scrollTop = 0;
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('results-scroller') ? 400 : 0;
  });
  return {
    scrollTo(scroller: HTMLElement, top: number) {
      Object.defineProperty(scroller, 'scrollTop', { configurable: true, get: () => scrollTop });
      scrollTop = top;
      fireEvent.scroll(scroller);
    },
  };
}

describe('a long experiment', { timeout: SLOW_TEST_MS }, () => {
  afterEach(() => vi.restoreAllMocks());

  it('draws only the rows in view and reads only a window of cells around them', async () => {
    const layout = layOut();
    const db = freshDb();
    const ROWS = 3_000;
    await storeExperiment(db, {
      rows: Array.from({ length: ROWS }, (_, i) => ({ text: `row ${i}` })),
      cellOf: (rowIndex, variant) => ({
        status: 'completed',
        runId: `b1.r${rowIndex}.${variant.id}`,
        output: { label: `label ${rowIndex}` },
      }),
    });
    cellReads.length = 0;
    renderWithExecutor(db, {}, <ExperimentResults batchId="b1" />);
    await waitFor(() => expect(drawnRows()[0]).toBe(0), PATIENT);
    expect(table().getAttribute('aria-rowcount')).toBe(String(ROWS + 2));
    expect(drawnRows().length).toBeLessThan(40);
    const scroller = table();
    act(() => layout.scrollTo(scroller, 1_500 * 34));
    await waitFor(() => expect(drawnRows()).toContain(1_505), PATIENT);
    expect(drawnRows().every((index) => Math.abs(index - 1_505) < 30)).toBe(true);
    await waitFor(() =>
      expect(
        within(table().querySelector<HTMLElement>('[data-row-index="1505"]')!).getAllByRole('cell')[1]!.textContent,
      ).toBe('label 1505'),
    );
    // Windows of the rows in view and 30 either side (both variants' cells); never the whole batch.
    expect(cellReads.length).toBeGreaterThan(0);
    expect(Math.max(...cellReads)).toBeLessThanOrEqual(200);
  });
});
