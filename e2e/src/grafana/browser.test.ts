import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness.js';
import { type DemoRuns, loadDemoRuns } from './demo-data.js';
import { pluginDir, type PluginPreview, startPluginPreview } from '@xray/stack';

// The plugin's pages in headless Chromium, against a running X-Ray stack with the demo data: the
// built module.js is loaded by the harness as Grafana loads it, with the real @grafana/ui theme,
// and a user's walk Runs → Run → Step → decision drawer → Item → Compare is made by clicking.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP = '/a/xray-pipeline-app';
export const screenshotDir = join(pluginDir, 'test-output/screenshots');

let stack: TestStack;
let demo: DemoRuns;
let harness: PluginPreview;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Every request the walk's page made: none may carry the key, or go around the proxy. */
const browserRequests: Array<{ url: string; authorization: string | undefined }> = [];
const timings: Record<string, number> = {};
const screenshots: string[] = [];

async function shot(name: string, target: Page = page): Promise<void> {
  const file = join(screenshotDir, `${name}.png`);
  await target.screenshot({ path: file, fullPage: true });
  screenshots.push(`${name}.png`);
}

/**
 * Records, in the page's own clock (ms since navigation start), when each selector first matched,
 * with a MutationObserver: a first render is timed when it happens, not when a test polled for it.
 */
const FIRST_SEEN = {
  runsTable: 'tbody tr',
  worstStep: '[data-testid="worst-step"]',
};
// Page-side code is written as text: this package is type-checked without the DOM library.
const WATCH_FIRST_RENDER = `(() => {
  const selectors = ${JSON.stringify(FIRST_SEEN)};
  const seen = (window.__firstSeen = {});
  new MutationObserver(() => {
    for (const [name, selector] of Object.entries(selectors)) {
      if (seen[name] === undefined && document.querySelector(selector)) seen[name] = performance.now();
    }
  }).observe(document, { subtree: true, childList: true });
})();`;
async function watchFirstRender(target: Page): Promise<void> {
  await target.addInitScript({ content: WATCH_FIRST_RENDER });
}
/** When `name` first rendered: since navigation start, and since the harness began loading module.js. */
async function firstRender(
  target: Page,
  name: keyof typeof FIRST_SEEN
): Promise<{ fromNavigation: number; fromPluginLoad: number }> {
  return target.evaluate<{ fromNavigation: number; fromPluginLoad: number }>(`(() => {
    const at = window.__firstSeen[${JSON.stringify(name)}];
    return { fromNavigation: at, fromPluginLoad: at - performance.getEntriesByName('plugin-load-start')[0].startTime };
  })()`);
}
const sinceNavigation = (target: Page) => target.evaluate(() => performance.now());

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does), or set CHROMIUM_PATH.`
    );
  mkdirSync(screenshotDir, { recursive: true });
  stack = await startTestStack('browser');
  demo = await loadDemoRuns(stack);
  harness = await startPluginPreview(
    { jsonData: { apiUrl: stack.queryUrl }, secureJsonData: { apiKey: stack.keys.readKey } },
    0,
    { record: true }
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await watchFirstRender(page);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (req) => browserRequests.push({ url: req.url(), authorization: req.headers().authorization }));
}, 180_000);

afterAll(async () => {
  writeFileSync(
    join(pluginDir, 'test-output/browser-figures.json'),
    `${JSON.stringify({ timings, screenshots }, null, 2)}\n`
  );
  process.stdout.write(
    `\nGrafana plugin in Chromium: ${Object.entries(timings)
      .map(([k, v]) => `${k} ${Math.round(v)} ms`)
      .join(', ')}\nscreenshots in ${screenshotDir}: ${screenshots.join(', ')}\n`
  );
  await browser?.close();
  await harness?.close();
  await stack?.close();
});

describe('the Grafana plugin in a browser, against a running stack', () => {
  it('walks Runs → Run → Step → decision → Item → Compare by clicking', async () => {
    // Runs: a fresh load, as when a link is opened.
    await page.goto(`${harness.url}${APP}/runs?from=now-1h&to=now`);
    const buggyLink = page.getByRole('link', { name: `${demo.buggy.slice(0, 8)}…` });
    await buggyLink.waitFor();
    const runs = await firstRender(page, 'runsTable');
    timings.runsFirstRender = runs.fromNavigation;
    timings.runsFromPluginLoad = runs.fromPluginLoad;
    const buggyRow = page.getByRole('row').filter({ has: buggyLink });
    await expect(buggyRow.getByTitle('Above 60%: worth a look').textContent()).resolves.toBe('86.6%');
    await expect(buggyRow.textContent()).resolves.toContain('1,000 → 134');
    // The pipeline picker lists what the API says ran in the range.
    await page.getByRole('combobox', { name: 'Pipeline' }).click();
    await expect(page.getByRole('option', { name: /vendor-search/ }).textContent()).resolves.toMatch(
      /^vendor-search2 runs, 63\.[67]% eliminated$/
    );
    await page.keyboard.press('Escape');
    await shot('runs');

    // Run: the worst step, named with its ratio.
    const clicked = await sinceNavigation(page);
    await buggyLink.click();
    const worst = page.getByTestId('worst-step');
    await worst.waitFor();
    timings.runAfterClick = (await sinceNavigation(page)) - clicked;
    await expect(worst.textContent()).resolves.toMatch(
      /Worst step: filter-by-keywords.*eliminated 85\.8% of its input \(858 of 1,000\)/
    );
    await page.getByRole('figure', { name: 'Step funnel' }).waitFor();
    await shot('run');

    // Step: the reasons, then one decision's payload in the drawer.
    await worst.getByRole('link', { name: 'See why' }).click();
    const reasons = page.getByRole('list', { name: 'Reasons' });
    await reasons.waitFor();
    await expect(reasons.getByRole('listitem').first().textContent()).resolves.toContain(
      'Missing required keywords: security, compliance'
    );
    await page
      .getByRole('button', { name: /^Show payload of / })
      .first()
      .waitFor();
    await shot('step');
    // More decisions: asked again from the top, and how many is in the link.
    await page.getByRole('button', { name: 'Load more decisions' }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Show payload of / }).count()).toBe(100);
    expect(new URL(page.url()).searchParams.get('rows')).toBe('100');
    await page
      .getByRole('button', { name: /^Show payload of / })
      .first()
      .click();
    const drawer = page.getByRole('dialog');
    const input = drawer.getByRole('region', { name: 'Input' });
    await input.waitFor();
    await expect(input.textContent()).resolves.toMatch(/"title": "Vendor document \d+"/);
    await expect(drawer.getByRole('region', { name: 'Metadata' }).textContent()).resolves.toContain('"match": "all"');
    await shot('decision');

    // Item: where the item died in this run, and in every run.
    const itemId = (await drawer.getByRole('link', { name: /^vendor-doc-/ }).textContent())!;
    await drawer.getByRole('link', { name: itemId }).click();
    const eliminatedAt = page.getByTestId('eliminated-at');
    await eliminatedAt.waitFor();
    await expect(eliminatedAt.textContent()).resolves.toMatch(
      /^Eliminated at filter-by-keywordsMissing required keywords: /
    );
    await page.getByText('not eliminated').first().waitFor(); // the fixed run kept it
    await shot('item');

    // Compare: back to the run, then the other run of the pipeline.
    await page
      .getByRole('link', { name: `${demo.buggy.slice(0, 8)}…` })
      .first()
      .click();
    await page.getByRole('link', { name: `Compare with ${demo.fixed.slice(0, 8)}…` }).click();
    // The compare page's row (with its ratio delta), not the run page's row of the same step still on screen.
    const filterRow = page
      .getByRole('row')
      .filter({ hasText: 'filter-by-keywords' })
      .filter({ hasText: ' pp' })
      .first();
    await filterRow.waitFor();
    await expect(filterRow.textContent()).resolves.toContain('−47.9 pp');
    await page.getByRole('link', { name: itemId }).first().waitFor();
    expect(new URL(page.url()).pathname).toBe(`${APP}/compare/${demo.buggy}/${demo.fixed}`);
    await shot('compare');

    expect(pageErrors).toEqual([]);
  });

  it('opens a pasted deep link straight on its page, in the light theme too', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await watchFirstRender(fresh);
    fresh.on('pageerror', (err) => pageErrors.push(err.message));
    await fresh.goto(`${harness.url}${APP}/runs/${demo.buggy}?theme=light`);
    await fresh.getByTestId('worst-step').waitFor();
    const run = await firstRender(fresh, 'worstStep');
    timings.runFirstRender = run.fromNavigation;
    timings.runFromPluginLoad = run.fromPluginLoad;
    await shot('run-light', fresh);
    await fresh.goto(
      `${harness.url}${APP}/runs/${demo.buggy}/steps/${demo.worstStepId}?decision=${demo.eliminatedEventId}`
    );
    await fresh.getByRole('dialog').getByRole('region', { name: 'Input' }).waitFor();
    await fresh.close();
    expect(pageErrors).toEqual([]);
  });

  it('shows times in the zone picked in the time picker, and keeps it in the links', async () => {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    p.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await p.goto(`${harness.url}${APP}/runs?from=now-7d&to=now`);
      await p.getByRole('columnheader', { name: 'Started (UTC)' }).waitFor();
      await p.getByTestId('data-testid TimePicker Open Button').click();
      await p.getByRole('button', { name: 'Change time settings' }).click();
      const zone = p.getByTestId('data-testid Time zone picker select container').getByRole('combobox');
      await zone.click();
      await zone.fill('Tokyo');
      await p.getByRole('option', { name: /Tokyo/ }).first().click();
      await p.getByRole('columnheader', { name: 'Started (Asia/Tokyo)' }).waitFor();
      expect(new URL(p.url()).searchParams.get('tz')).toBe('Asia/Tokyo');
      // Tokyo is 9 hours ahead of UTC all year: the buggy run's start moves with it.
      const startedAt = (await stack.get<{ startedAt: string }>(`/v1/runs/${demo.buggy}`)).body.startedAt;
      const tokyo = new Date(Date.parse(startedAt) + 9 * 3600_000).toISOString().replace('T', ' ').replace('Z', '');
      await p.getByRole('cell', { name: tokyo }).waitFor();
      await p.getByRole('link', { name: `${demo.buggy.slice(0, 8)}…` }).click();
      await p.getByTestId('worst-step').waitFor();
      expect(new URL(p.url()).searchParams.get('tz')).toBe('Asia/Tokyo');
    } finally {
      await p.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('never hands the read key to the browser: the proxy route adds it', async () => {
    const key = stack.keys.readKey;
    const apiCalls = browserRequests.filter((r) => r.url.includes('/api/plugin-proxy/xray-pipeline-app/xray/v1/'));
    expect(apiCalls.length).toBeGreaterThan(5);
    for (const r of browserRequests) {
      expect(r.authorization, r.url).toBeUndefined();
      expect(r.url.includes(key), r.url).toBe(false);
      expect(r.url.startsWith(stack.queryUrl), `${r.url} goes around Grafana's proxy`).toBe(false);
    }
    // What reached the query API carried the key the route template put there.
    expect(harness.forwarded.length).toBeGreaterThanOrEqual(apiCalls.length);
    for (const f of harness.forwarded) expect(f.authorization).toBe(`Bearer ${key}`);
    const html = await page.content();
    expect(html.includes(key)).toBe(false);
    const seenByPage = await page.evaluate<string>(
      'JSON.stringify({ storage: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })'
    );
    expect(seenByPage.includes(key)).toBe(false);
  });

  it('says the query API is unreachable, and where, when it is down', async () => {
    const down = await startPluginPreview({
      jsonData: { apiUrl: 'http://127.0.0.1:9' },
      secureJsonData: { apiKey: stack.keys.readKey },
    });
    const p = await browser.newPage();
    try {
      await p.goto(`${down.url}${APP}/runs`);
      await p.getByText('Query API unreachable at http://127.0.0.1:9').waitFor();
      await shot('unreachable', p);
    } finally {
      await p.close();
      await down.close();
    }
  });
});
