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

test('the accessibility statement is reached from the footer before sign-in, in Finnish and Swedish', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(url('/login'));
    await page.locator('footer a[href="/accessibility"]').click();
    await page.waitForLoadState('load');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Saavutettavuusseloste');
    // The feedback section promises the two-week answer of the Act on Digital Services.
    assert.match(await page.locator('main').innerText(), /kahden viikon kuluessa/);
    await checkA11y(page, 'accessibility statement');
    await page.locator('button[name=lang][value=sv]').click();
    await page.waitForLoadState('load');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Tillgänglighetsutlåtande');
    await checkA11y(page, 'accessibility statement in Swedish');
  } finally {
    await context.close();
  }
});
