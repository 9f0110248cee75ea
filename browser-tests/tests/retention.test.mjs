// The retention triggers on the client page (Client Data Act 703/2023, 23–24 § and annex), in
// Chromium with axe-core: the social worker records the closing of a client's matter; a date
// ahead of today is refused next to its field; a matter reopened clears the date again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { asUser, checkA11y, checkedPageCount, launch, userFor } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

test('the social worker records the closing of a matter, and a future date is refused', async () => {
  const social = userFor('social_worker', 'Kymenlaakso');
  await asUser(browser, social, async (page) => {
    await page.getByRole('link', { name: 'Asiakkaat', exact: true }).click();
    await page.locator('main a[href^="/clients/0"]').first().click();
    const section = page.locator('form[action$="/end"]');
    await section.locator('#f-closed_on').fill('2099-01-31');
    await section.getByRole('button', { name: 'Tallenna päivät' }).click();
    assert.equal(await page.locator('#e-closed_on').textContent(), 'Päivämäärä ei voi olla tulevaisuudessa.');
    assert.equal(await page.locator('#f-closed_on').inputValue(), '2099-01-31');
    await checkA11y(page, 'a closing date refused');
    await page.locator('#f-closed_on').fill('2020-01-31');
    await page.getByRole('button', { name: 'Tallenna päivät' }).click();
    assert.match(await page.locator('dl').first().innerText(), /Asiakkuus päättynyt\s+31\.1\.2020/);
    await checkA11y(page, 'a client whose matter is closed');
    // Reopened: the date is cleared.
    await page.locator('#f-closed_on').fill('');
    await page.getByRole('button', { name: 'Tallenna päivät' }).click();
    assert.doesNotMatch(await page.locator('dl').first().innerText(), /Asiakkuus päättynyt/);
  });
});
