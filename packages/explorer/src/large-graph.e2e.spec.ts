// The lineage graph above ELK_MAX_NODES in a real browser (Debian's Chromium through
// playwright-core) against `cairn serve`: the path a large graph takes (laid out in columns, drawn
// with the lean stylesheet) renders, is clickable, and gets its labels once zoomed in. Its own
// store: a version of a few hundred samples, so the walk's small ledger stays small.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, haveChromium as chromiumPresent, serveStore, type ServedStore } from '@cairn/testing';
import { ELK_MAX_NODES } from './app/graph-layout.js';
import { seedWide } from './__tests__/ledger.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CAIRN = path.join(repo, 'node_modules/.bin/cairn');
/** Enough samples that the version, its samples and their contributors are past the lean threshold. */
const SAMPLES = ELK_MAX_NODES + 50;

const haveChromium = chromiumPresent();
if (!haveChromium) {
  if (process.env.CI === 'true') throw new Error(`${chromiumPath()} is missing: .ci/run installs it (apt-get install chromium)`);
  process.stderr.write(`explorer large-graph e2e: skipped, no Chromium at ${chromiumPath()} (apt-get install chromium)\n`);
}
const suite = haveChromium ? describe : describe.skip;

/** What the test reads of Cytoscape's core on the graph's box (set there for the browser tests). */
interface CoreView {
  zoom(level?: number): number;
  pan(): { x: number; y: number };
  viewport(view: { zoom: number; pan: { x: number; y: number } }): unknown;
  nodes(selector?: string): { length: number; first(): CoreNode };
  edges(): { first(): { style(name: string): string } };
}
interface CoreNode {
  id(): string;
  style(name: string): string;
  data(name: string): string;
  renderedPosition(): { x: number; y: number };
}
type GraphBox = HTMLElement & { cairnGraph: CoreView };

suite('a lineage graph too large for ELK, in a browser', () => {
  let dir: string;
  let versionId: string;
  let server: ServedStore;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-explorer-wide-'));
    const store = path.join(dir, 'store');
    [[versionId, server], browser] = await Promise.all([
      seedWide(store, SAMPLES).then(async (id) => [id, await serveStore(CAIRN, store)] as const),
      chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] }),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`given a version of ${SAMPLES} samples, when its graph upwards opens, then it is drawn lean, its labels come on zoom, and a click on a sample opens the sample`, async () => {
    await page.goto(`${server.url}/#/graph/${versionId}?direction=up&depth=2`);
    const graph = page.locator('div.graph[data-ready="true"]');
    await graph.waitFor();
    const nodes = Number(await graph.getAttribute('data-nodes'));
    expect(nodes).toBeGreaterThan(ELK_MAX_NODES);
    // Every node the server answered is on the canvas.
    expect(await graph.evaluate((el) => (el as GraphBox).cairnGraph.nodes().length)).toBe(nodes);
    // The lean look: straight edges without arrows, and the whole graph framed too small to label.
    const look = () =>
      graph.evaluate((el) => {
        const cy = (el as GraphBox).cairnGraph;
        return { arrow: cy.edges().first().style('target-arrow-shape'), label: cy.nodes().first().style('label') };
      });
    expect(await look()).toEqual({ arrow: 'none', label: '' });
    // Zoomed in far enough to read, the labels are styled; then framed whole again.
    const framed = await graph.evaluate((el) => {
      const cy = (el as GraphBox).cairnGraph;
      return { zoom: cy.zoom(), pan: cy.pan() };
    });
    await graph.evaluate((el) => (el as GraphBox).cairnGraph.zoom(1));
    const zoomed = await look();
    expect(zoomed.label).not.toBe('');
    expect(zoomed.label).toBe(await graph.evaluate((el) => (el as GraphBox).cairnGraph.nodes().first().data('label')));
    await graph.evaluate((el, view) => (el as GraphBox).cairnGraph.viewport(view), framed);
    // A click lands on a sample by where the canvas draws it, and opens the sample's page.
    const at = await graph.evaluate((el) => {
      const sample = (el as GraphBox).cairnGraph.nodes('.sample').first();
      const p = sample.renderedPosition();
      const box = el.getBoundingClientRect();
      return { id: sample.id(), x: box.left + p.x, y: box.top + p.y };
    });
    await page.mouse.click(at.x, at.y);
    await page.waitForURL((u) => u.hash === `#/cf/${at.id}`);
    await page.locator(`main dl.facts[data-cf="${at.id}"]`).waitFor();
    expect(problems).toEqual([]);
    // A graph of this size, laid out and drawn on a machine that may be shared.
  }, 180_000);
});
