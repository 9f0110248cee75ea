import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkA11y, checkedPageCount, launch, newContext, url } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

test('login page declares its language and has no serious accessibility violations', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    const response = await page.goto(url('/login'));
    assert.ok(response, 'no response for /login');
    assert.equal(response.status(), 200, `GET /login answered ${response.status()}`);

    const lang = await page.locator('html').getAttribute('lang');
    assert.ok(['fi', 'sv', 'en'].includes(lang), `<html lang> is ${JSON.stringify(lang)}, expected fi, sv or en`);

    await checkA11y(page, 'login page');
  } finally {
    await context.close();
  }
});
