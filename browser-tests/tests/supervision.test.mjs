// Two duties of the law on the record, in Chromium with axe-core on every page.
//
// Access by task (Client Data Act 703/2023, 9 §): Kymenlaakso's social worker of the Kouvola
// team opens a client of the Kotka team only by giving a reason, and the auditor finds the
// access flagged in the log.
//
// Supervision of purchased services (741/2023 23–25 §, 29 §): the procurement specialist
// records a deviation with a correction deadline, the provider answers it, and the scorecard
// shows the provider's supervision history.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { asUser, checkA11y, checkedPageCount, launch, userFor, userNamed } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

const as = (user, fn, options = {}) => asUser(browser, user, fn, options);

test('another team’s social worker opens a client only with a reason, and the auditor sees the flag', async () => {
  const kotka = userFor('social_worker', 'Kymenlaakso');
  const kouvola = userNamed('kymenlaakso.kouvola');
  const auditor = userFor('auditor', 'Kymenlaakso');
  assert.notEqual(kotka.username, kouvola.username);

  // The Kotka team's worker lists the team's clients and opens one.
  const clientUrl = await as(kotka, async (page) => {
    await page.getByRole('link', { name: 'Asiakkaat', exact: true }).click();
    const link = page.locator('main a[href^="/clients/0"]').first();
    await link.click();
    assert.match(await page.locator('h1').innerText(), /\S/);
    return page.url();
  });

  await as(kouvola, async (page) => {
    // Not in the Kouvola worker's list.
    await page.getByRole('link', { name: 'Asiakkaat', exact: true }).click();
    assert.equal(await page.locator(`main a[href="${new URL(clientUrl).pathname}"]`).count(), 0);
    // Opened directly, the page asks for a reason instead of showing the client.
    const refused = await page.goto(clientUrl);
    assert.equal(refused.status(), 403);
    assert.equal(await page.locator('h1').innerText(), 'Asiakas ei kuulu tiimillesi');
    assert.equal(await page.locator('main').getByText('Kuvitelma').count(), 0);
    await checkA11y(page, 'the reason form for an exceptional access');
    // "Other" needs the reason in words; the answer comes next to the field.
    await page.locator('#f-reason').selectOption('other');
    await page.getByRole('button', { name: 'Avaa asiakas' }).click();
    assert.equal(await page.locator('#e-note').textContent(), 'Kerro syy omin sanoin.');
    await checkA11y(page, 'a reason refused');
    await page.locator('#f-reason').selectOption('substitution');
    await page.locator('#f-note').fill('Kotkan tiimin työntekijä on lomalla.');
    await page.getByRole('button', { name: 'Avaa asiakas' }).click();
    assert.equal(new URL(page.url()).pathname, new URL(clientUrl).pathname);
    assert.notEqual(await page.locator('h1').innerText(), 'Asiakas ei kuulu tiimillesi');
    await checkA11y(page, 'a client opened with a reason');
  });

  await as(auditor, async (page) => {
    await page.getByRole('navigation').getByRole('link', { name: 'Käyttöloki' }).click();
    await page.getByLabel('Näytä vain poikkeukselliset pääsyt').check();
    await page.getByRole('button', { name: 'Rajaa' }).click();
    await checkA11y(page, 'the exceptional accesses of the log');
    const rows = await page.locator('table.audit tbody tr').allInnerTexts();
    assert.ok(rows.length >= 2, rows.join('\n'));
    assert.ok(rows.every((r) => /kymenlaakso\.kouvola/.test(r) && /Poikkeuksellinen pääsy: Sijaisuus/.test(r)), rows.join('\n'));
  });
});

test('a deviation gets a deadline, the provider answers it, and the scorecard shows the history', async () => {
  const buyer = userFor('procurement_specialist', 'Kymenlaakso');
  const signer = userFor('provider_signatory', 'Aallokko');
  const lead = userFor('leading_social_worker', 'Kymenlaakso');

  const url = await as(buyer, async (page) => {
    await page.getByRole('link', { name: 'Valvonta' }).click();
    await checkA11y(page, 'the supervision list');
    // A deadline in the past is refused next to the field, and what was typed is kept.
    await page.locator('#f-provider').selectOption({ label: 'Perhetuki Aallokko Oy' });
    await page.locator('#f-source').selectOption('complaint');
    await page.locator('#f-found_on').fill('2026-01-05');
    await page.locator('#f-description').fill('Käynnit alkoivat toistuvasti myöhässä.');
    await page.locator('#f-deadline').fill('2026-01-04');
    await page.getByRole('button', { name: 'Kirjaa poikkeama' }).click();
    assert.equal(await page.locator('#e-deadline').textContent(), 'Määräpäivän on oltava tulevaisuudessa.');
    assert.equal(await page.locator('#f-description').inputValue(), 'Käynnit alkoivat toistuvasti myöhässä.');
    await checkA11y(page, 'a deviation refused');
    await page.locator('#f-deadline').fill('2099-01-31');
    await page.getByRole('button', { name: 'Kirjaa poikkeama' }).click();
    assert.match(await page.locator('main').innerText(), /Odottaa korjausta/);
    await checkA11y(page, 'a recorded deviation');
    return page.url();
  });

  await as(signer, async (page) => {
    await page.getByRole('link', { name: 'Valvonta' }).click();
    await checkA11y(page, 'the provider’s supervision list');
    await page.goto(url);
    await page.locator('#f-text').fill('Aikataulut tarkistettu ja ilmoitettu perheille.');
    await page.getByRole('button', { name: 'Lähetä vastaus' }).click();
    assert.match(await page.locator('main').innerText(), /Korjattu, odottaa tilaajan arviota/);
  });

  await as(lead, async (page) => {
    await page.goto(url);
    // Before the deadline a fee reduction is not offered.
    const steps = await page.locator('#f-step option').allTextContents();
    assert.ok(!steps.some((s) => /hinnanalennus/i.test(s)), steps.join(', '));
    await page.locator('#f-step').selectOption('accept');
    await page.locator('#f-text').fill('Korjaus riittää.');
    await page.getByRole('button', { name: 'Tallenna päätös' }).click();
    assert.match(await page.locator('main').innerText(), /Päättynyt/);
    await checkA11y(page, 'a closed deviation');
    await page.getByRole('link', { name: 'Tuottajien tuloskortti' }).click();
    const history = await page.locator('table.supervision tbody tr').allInnerTexts();
    assert.ok(history.some((r) => /Perhetuki Aallokko Oy/.test(r)), history.join('\n'));
    await checkA11y(page, 'the scorecard with the supervision history');
  });
});
