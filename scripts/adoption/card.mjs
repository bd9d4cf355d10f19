#!/usr/bin/env node
// Part of scripts/adoption.sh: opens an entity page of the stock Backstage app in Chromium
// (playwright-core, launched as scripts/lib.mjs says), asserts that the SLA card renders with a
// status per objective and the ingested incident, and saves a screenshot.
//
//   node scripts/adoption/card.mjs <base url> <entity path> <screenshot.png>
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromiumLaunchOptions } from '../lib.mjs';

const [base, entityPath, screenshot] = process.argv.slice(2);
if (!base || !entityPath || !screenshot) {
  console.error('usage: card.mjs <base url> <entity path> <screenshot.png>');
  process.exit(2);
}
const TIMEOUT = 90_000;
const log = msg => console.log(`[adoption] card: ${msg}`);
const userDataDir = mkdtempSync(join(tmpdir(), 'sla-adoption-'));

const browser = await chromium.launchPersistentContext(
  userDataDir,
  chromiumLaunchOptions(),
);

let failed = false;
const page = browser.pages()[0] ?? (await browser.newPage());
page.setDefaultTimeout(TIMEOUT);
const errors = [];
page.on('pageerror', e => errors.push(String(e)));
try {
  await page.goto(`${base}${entityPath}`, { waitUntil: 'domcontentloaded' });
  // The stock app may show its guest sign-in page first.
  const enter = page.getByRole('button', { name: /^enter$/i });
  const card = page.locator('[data-testid="sla-objectives"]');
  await Promise.race([
    enter.waitFor({ timeout: TIMEOUT }),
    card.waitFor({ timeout: TIMEOUT }),
  ]);
  if (await enter.isVisible().catch(() => false)) {
    log('guest sign-in: clicking Enter');
    await enter.click();
    if (!page.url().includes(entityPath)) {
      await page.goto(`${base}${entityPath}`, {
        waitUntil: 'domcontentloaded',
      });
    }
  }
  await card.waitFor();
  const statuses = (await card.locator('[data-status]').allInnerTexts()).map(
    s => s.trim(),
  );
  if (statuses.length === 0)
    throw new Error('the SLA card shows no objectives');
  if (
    !statuses.every(s => /^(Met|Breached|At risk|Running|No data)$/.test(s))
  ) {
    throw new Error(`unexpected objective statuses: ${statuses.join(', ')}`);
  }
  log(`SLA card shows ${statuses.length} objectives: ${statuses.join(', ')}`);
  const text = await card.innerText();
  // The engine's tally as the card words it: "1 of 1 met (100%), worst 1 h 30 m".
  if (!/\b1 of 1 met\b/.test(text)) {
    throw new Error(
      `the card does not count the ingested P2 incident:\n${text}`,
    );
  }
  log('SLA card counts the ingested incident (1 of 1 met)');
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  log(`screenshot ${screenshot}`);
} catch (e) {
  failed = true;
  console.error(`[adoption] card FAILED: ${e.message}`);
  if (errors.length) console.error(`page errors:\n${errors.join('\n')}`);
  const fail = screenshot.replace(/\.png$/, '-failed.png');
  await page.screenshot({ path: fail, fullPage: true }).catch(() => {});
  console.error(`[adoption] page at failure: ${fail}`);
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
