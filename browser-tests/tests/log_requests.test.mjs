// A client's own log data (Client Data Act 703/2023, 11 §), in Chromium with axe-core on every
// page. The Näytös family's guardian asks who has used her child Eino's data; the county's
// auditor gives the report, which names every use in the demo, the provider's and the list
// views' among them. The child's other guardian asks too and is refused by a decision with
// its reasons and appeal instructions, and cannot open the first guardian's request.
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

/** Asks for Eino's log data over the last two years; returns the request's address. */
async function ask(page) {
  await page.getByRole('link', { name: 'Kuka on käyttänyt tietojani' }).click();
  await checkA11y(page, 'the family’s log data page');
  await page.locator('#f-client').selectOption({ label: 'Eino Näytös' });
  await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
  assert.match(await page.locator('main').innerText(), /Odottaa vastausta/);
  return page.url();
}

test('a guardian gets every use of the child’s data; the other guardian is refused by a decision', async () => {
  const guardian = userNamed('naytos.huoltaja');
  const other = userNamed('naytos.huoltaja2');
  const social = userFor('social_worker', 'Kymenlaakso');
  const auditor = userFor('auditor', 'Kymenlaakso');
  const lead = userFor('leading_social_worker', 'Kymenlaakso');

  // The social worker opens the list of clients: a list view that shows Eino.
  await as(social, async (page) => {
    await page.getByRole('link', { name: 'Asiakkaat', exact: true }).click();
    assert.match(await page.locator('main').innerText(), /Näytös/);
  });

  const requestUrl = await as(guardian, async (page) => {
    await page.getByRole('link', { name: 'Kuka on käyttänyt tietojani' }).click();
    // More than two years back without a reason: refused next to the field, kept as typed.
    await page.locator('#f-client').selectOption({ label: 'Eino Näytös' });
    await page.locator('#f-from').fill('2020-01-01');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    assert.equal(await page.locator('#e-reason').textContent(), 'Kerro syy yli kaksi vuotta vanhojen tietojen pyytämiseen.');
    assert.equal(await page.locator('#f-from').inputValue(), '2020-01-01');
    await checkA11y(page, 'a refused log data request');
    await page.locator('#f-from').fill('');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    assert.match(await page.locator('main').innerText(), /Odottaa vastausta/);
    await checkA11y(page, 'a pending log data request');
    return page.url();
  });

  await as(auditor, async (page) => {
    await page.getByRole('link', { name: 'Lokitietopyynnöt' }).click();
    await checkA11y(page, 'the county’s log data requests');
    await page.goto(requestUrl);
    await checkA11y(page, 'a request to answer');
    await page.getByRole('button', { name: 'Anna selvitys' }).click();
    assert.match(await page.locator('main').innerText(), /Vastattu selvityksellä/);
  });

  await as(guardian, async (page) => {
    await page.goto(requestUrl);
    await checkA11y(page, 'the log report');
    const rows = await page.locator('table tbody tr').allInnerTexts();
    assert.ok(rows.length > 10, `only ${rows.length} rows`);
    // The provider's worker read the child's visits, and the social worker's list showed him.
    assert.ok(rows.some((r) => /Kasvun Polku Oy/.test(r) && /Luku: Käynti/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => /Listanäkymä: Asiakas/.test(r)), rows.join('\n'));
    // Nothing of the decision form for the guardian.
    assert.equal(await page.getByRole('button', { name: 'Anna selvitys' }).count(), 0);
  });

  const secondUrl = await as(other, async (page) => {
    // The first guardian's request is not the other guardian's to read.
    const refused = await page.goto(requestUrl);
    assert.equal(refused.status(), 403);
    await page.goto(new URL('/', requestUrl).toString());
    return ask(page);
  });

  await as(lead, async (page) => {
    await page.goto(secondUrl);
    await page.locator('details', { has: page.locator('#f-reasons') }).locator('summary').click();
    await page.getByRole('button', { name: 'Tee epäävä päätös' }).click();
    assert.equal(await page.locator('#e-reasons').textContent(), 'Täytä tämä kenttä.');
    await checkA11y(page, 'a refusal without reasons');
    await page.locator('#f-reasons').fill('Tietojen antaminen vaarantaisi tällä hetkellä lapsen edun.');
    await page.getByRole('button', { name: 'Tee epäävä päätös' }).click();
    assert.match(await page.locator('main').innerText(), /Evätty päätöksellä/);
  });

  await as(other, async (page) => {
    await page.goto(secondUrl);
    await checkA11y(page, 'the refusal decision');
    const decision = await page.locator('section.decision').innerText();
    assert.match(decision, /Tietojen antaminen vaarantaisi tällä hetkellä lapsen edun\./);
    assert.match(decision, /703\/2023/);
    assert.match(decision, /tietosuojavaltuutetun/);
    assert.equal(await page.locator('table').count(), 0);
    // In Swedish too.
    await page.locator('form[action="/language"] button[value=sv]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('section.decision').innerText(), /dataombudsmannen/);
    await checkA11y(page, 'the refusal decision in Swedish');
  });
});
