// The region's registers of people end to end, in Chromium with axe-core on every page (seed 002).
// Kemi's leading social worker finds a work supervisor who speaks Swedish near Kemi; Tornio's
// administrator adds a convener, refused first for the missing consent, and hands over the
// personal code; with it, and without an account, the convener corrects her entry and withdraws
// her consent; Kemi's controller, whom no grant of that register names, is refused it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { asUser, checkA11y, checkedPageCount, launch, newContext, url, userFor } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

const as = (user, fn, options = {}) => asUser(browser, user, fn, options);

const CONVENER = `Kaisa Testinen ${Date.now()}`;

test('a register is searched, an entry added with consent, and the person corrects and withdraws it', async () => {
  const lead = userFor('leading_social_worker', 'Kemin');
  const admin = userFor('purchaser_admin', 'Tornio');
  const kemiController = userFor('controller', 'Kemin');

  await as(lead, async (page) => {
    await page.getByRole('link', { name: 'Rekisterit', exact: true }).click();
    await checkA11y(page, 'the registers of people');
    await page.getByRole('link', { name: 'Työnohjaajarekisteri' }).click();
    await checkA11y(page, 'the work supervisors register');
    await page.locator('#f-q').fill('työnohjaus ruotsi Kemi');
    await page.getByRole('button', { name: 'Hae', exact: true }).click();
    const names = await page.locator('table tbody tr td:first-child a').allInnerTexts();
    assert.deepEqual(names, ['Sara Forsström']);
    await checkA11y(page, 'a search of the register');
    // A reader neither adds nor changes.
    assert.equal(await page.locator('#f-name').count(), 0);
  });

  const code = await as(admin, async (page) => {
    await page.getByRole('link', { name: 'Rekisterit', exact: true }).click();
    await page.getByRole('link', { name: 'Läheisneuvonpidon koollekutsujat' }).click();
    await page.locator('#f-name').fill(CONVENER);
    await page.locator('#f-languages-0').check();
    await page.locator('#f-areas').fill('Kemi, Simo');
    await page.locator('#f-qualification').fill('Läheisneuvonpidon koollekutsujakoulutus 2026');
    await page.getByRole('button', { name: 'Lisää rekisteriin' }).click();
    assert.match(await page.title(), /virhe|Tarkista/i);
    assert.match(await page.locator('#e-consent_given_on').textContent(), /suostumukseen/);
    assert.equal(await page.locator('#f-areas').inputValue(), 'Kemi, Simo');
    await checkA11y(page, 'an entry refused for its missing consent');
    await page.locator('#f-consent_given_on').fill('2026-11-02');
    await page.locator('#f-consent_document').fill('Allekirjoitettu suostumus TOR/990/2026');
    await page.getByRole('button', { name: 'Lisää rekisteriin' }).click();
    await checkA11y(page, 'the personal code');
    const code = (await page.locator('.code strong').innerText()).trim();
    assert.match(code, /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    // The entry as its keeper sees it, with the forms to change or end it.
    await page.getByRole('link', { name: 'Takaisin merkintään' }).click();
    assert.equal(await page.locator('h1').innerText(), CONVENER);
    assert.match(await page.locator('dl.facts').innerText(), /TOR\/990\/2026/);
    await checkA11y(page, 'a register entry for its keeper');
    return code;
  });

  // The convener herself, without an account.
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(url('/my-register-entry'));
    await checkA11y(page, 'the own-entry form');
    await page.locator('#f-code').fill('0000-0000-0000-0000');
    await page.getByRole('button', { name: 'Näytä tietoni' }).click();
    assert.match(await page.locator('#e-code').textContent(), /Koodi ei kelpaa/);
    await checkA11y(page, 'a refused personal code');
    await page.locator('#f-code').fill(code);
    await page.getByRole('button', { name: 'Näytä tietoni' }).click();
    assert.match(await page.locator('dl.facts').innerText(), new RegExp(CONVENER));
    await checkA11y(page, 'the own entry');
    await page.locator('#f-areas').fill('Kemi, Simo, Keminmaa');
    await page.getByRole('button', { name: 'Tallenna korjaukset' }).click();
    assert.match(await page.locator('[role=status]').innerText(), /tallennettu/);
    assert.match(await page.locator('dl.facts').innerText(), /Keminmaa/);
    await page.getByRole('button', { name: 'Peru suostumukseni' }).click();
    assert.match(await page.locator('[role=status]').innerText(), /peruttu/);
    await checkA11y(page, 'consent withdrawn');
    // The code no longer opens anything.
    await page.locator('#f-code').fill(code);
    await page.getByRole('button', { name: 'Näytä tietoni' }).click();
    assert.match(await page.locator('#e-code').textContent(), /Koodi ei kelpaa/);
  } finally {
    await context.close();
  }

  // Kemi's controller is named by the work supervisors' register only, not by the conveners'.
  await as(kemiController, async (page) => {
    await page.getByRole('link', { name: 'Rekisterit', exact: true }).click();
    const listed = await page.locator('table tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(listed, ['Työnohjaajarekisteri']);
  });
});
