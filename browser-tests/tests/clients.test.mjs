// From a client to an accepted payment commitment, in Chromium with axe-core on every page:
// a Kymenlaakso social worker registers a child and a guardian (the family) and applies for
// intensive family work; at the Tuesday meeting the group recommends the second provider of the
// lot's order, recording that the first has no free capacity; the leading social worker
// decides; the commitment is sent; Kasvun Polku accepts; its worker sees the family's minimal
// data and Tukiverkko's worker, by link or API, does not; the auditor finds the reads and the
// refusals; the budget line shows the reservation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { asUser, checkA11y, checkedPageCount, launch, url, userFor } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

/** A made-up Finnish personal identity code (individual numbers 900–999 are never issued). */
function hetu(day, month, year, individual) {
  const dd = String(day).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  const yy = String(year % 100).padStart(2, '0');
  const nnn = String(individual).padStart(3, '0');
  const sign = year >= 2000 ? 'A' : '-';
  const check = '0123456789ABCDEFHJKLMNPRSTUVWXY'[Number(`${dd}${mm}${yy}${nnn}`) % 31];
  return `${dd}${mm}${yy}${sign}${nnn}${check}`;
}

const as = (user, fn, options = {}) => asUser(browser, user, fn, options);

// The first budget line's reservation and its forecast to the end of the year.
async function reservedOn(page) {
  await page.goto(url('/budget'));
  const row = page.locator('main table tbody tr').first();
  const euros = async (cls) => Number((await row.locator(`td.${cls}`).innerText()).replace(/[^0-9,]/g, '').replace(',', '.'));
  return { reserved: await euros('reserved'), expected: await euros('expected') };
}

test('a need becomes an accepted commitment, and access and the log follow it', async () => {
  const worker = userFor('social_worker', 'Kymenlaakso');
  const lead = userFor('leading_social_worker', 'Kymenlaakso');
  const controller = userFor('controller', 'Kymenlaakso');
  const second = userFor('provider_signatory', 'Kasvun Polku');
  const secondWorker = userFor('worker', 'Kasvun Polku');
  const otherWorker = userFor('worker', 'Tukiverkko');
  const child = hetu(15, 8, 2016, 961);
  const guardian = hetu(20, 1, 1990, 962);

  const reservedBefore = await as(controller, (page) => reservedOn(page));

  // The social worker registers the child and the guardian, and applies for the service.
  const clientPath = await as(worker, async (page) => {
    await page.goto(url('/clients'));
    await checkA11y(page, 'clients');
    await page.locator('a[href="/clients/new"]').click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'new client');
    await page.locator('input[name=identity_code]').fill(child);
    await page.locator('input[name=first_name]').fill('Vilho');
    await page.locator('input[name=last_name]').fill('Testinen');
    await page.locator('input[name=home_municipality]').fill('Kotka');
    await page.locator('input[name=street_address]').fill('Salaisentie 7');
    await page.locator('input[name=postal_code]').fill('48100');
    await page.locator('input[name=city]').fill('Kotka');
    await page.locator('input[name=turvakielto]').check();
    await page.locator('input[name=guardian1_identity_code]').fill(guardian);
    await page.locator('input[name=guardian1_first_name]').fill('Hanna');
    await page.locator('input[name=guardian1_last_name]').fill('Testinen');
    await page.locator('form[action="/clients"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const path = new URL(page.url()).pathname;
    assert.match(path, /^\/clients\/[0-9a-f-]{36}$/);
    const main = await page.locator('main').innerText();
    assert.match(main, /Vilho Testinen/);
    assert.match(main, /Hanna Testinen/);
    assert.doesNotMatch(main, new RegExp(child), 'the full identity code is never shown');
    assert.doesNotMatch(main, /Salaisentie/, 'turvakielto hides the address');
    await checkA11y(page, 'client');

    // The same identity code again is refused next to the field.
    await page.goto(url('/clients/new'));
    await page.locator('input[name=identity_code]').fill(child);
    await page.locator('input[name=first_name]').fill('Vilho');
    await page.locator('input[name=last_name]').fill('Testinen');
    await page.locator('input[name=home_municipality]').fill('Kotka');
    await page.locator('form[action="/clients"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.ok(await page.locator('#e-identity_code').isVisible());
    await checkA11y(page, 'new client with an error');

    await page.goto(url(path));
    const lotValue = await page.locator('select[name=lot] option').evaluateAll((opts) =>
      opts.find((o) => / 1 Tehostettu perhetyö$/.test(o.textContent))?.value,
    );
    assert.ok(lotValue, 'intensive family work is offered');
    await page.locator('select[name=lot]').selectOption(lotValue);
    await page.locator('textarea[name=justification]').fill('Perhe tarvitsee tehostettua tukea arkeen.');
    await page.locator('input[name=requested_start]').fill('2026-12-01');
    await page.locator('input[name=hours_per_week]').fill('4');
    await page.locator(`form[action="${path}/needs"] button[type=submit]`).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#needs ~ table').innerText(), /esityslistalla/);
    return path;
  });
  const clientId = clientPath.split('/').pop();

  // The Tuesday meeting: the second provider, the first skipped for want of free capacity.
  await as(worker, async (page) => {
    await page.goto(url('/meeting'));
    const section = page.locator('section', { has: page.locator('h2', { hasText: 'Vilho Testinen' }) });
    const rows = section.locator('table tbody tr');
    assert.match(await rows.nth(0).innerText(), /Tukiverkko ry\s+0/);
    assert.match(await rows.nth(1).innerText(), /Kasvun Polku Oy/);
    await checkA11y(page, 'steering group meeting');
    // Choosing the second without a reason for the first is refused.
    await rows.nth(1).locator('input[type=radio]').check();
    await section.locator('button', { hasText: 'Kirjaa suositus' }).click();
    await page.waitForLoadState('load');
    const again = page.locator('section', { has: page.locator('h2', { hasText: 'Vilho Testinen' }) });
    assert.match(await again.locator('.error-summary').innerText(), /ohitetaan/);
    await again.locator('table tbody tr').nth(1).locator('input[type=radio]').check();
    await again.locator('table tbody tr').nth(0).locator('input[type=text]').fill('Ei vapaata kapasiteettia.');
    await again.locator('button', { hasText: 'Kirjaa suositus' }).click();
    await page.waitForLoadState('load');
    const done = page.locator('section', { has: page.locator('h2', { hasText: 'Vilho Testinen' }) });
    assert.match(await done.locator('.recommendation').innerText(), /Kasvun Polku Oy.*Tukiverkko ry: Ei vapaata kapasiteettia/);
  });

  // The leading social worker decides; the social worker sends the commitment.
  await as(lead, async (page) => {
    await page.goto(url('/meeting'));
    const section = page.locator('section', { has: page.locator('h2', { hasText: 'Vilho Testinen' }) });
    await section.locator('textarea[name=text]').fill('Myönnetään tehostettu perhetyö.');
    await section.locator('button[value=approve]').click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'meeting after the decision');
    // The decision as a document in Finnish and Swedish, with appeal instructions.
    const decided = page.locator('section', { has: page.locator('h2', { hasText: 'Vilho Testinen' }) });
    const href = await decided.locator('a[href$="/decision"]').getAttribute('href');
    await page.goto(url(`${href}?lang=fi`));
    const fi = await page.locator('article.document').innerText();
    assert.match(fi, /Palvelu myönnetään/);
    assert.match(fi, /oikaisua/);
    assert.doesNotMatch(fi, new RegExp(child));
    await checkA11y(page, 'decision document (fi)');
    await page.goto(url(`${href}?lang=sv`));
    assert.match(await page.locator('article.document').innerText(), /omprövning/);
    assert.equal(await page.locator('article.document').getAttribute('lang'), 'sv');
  });
  const number = await as(worker, async (page) => {
    await page.goto(url('/meeting'));
    const section = page.locator('section', { has: page.locator('h2', { hasText: 'Vilho Testinen' }) });
    const today = new Date().toISOString().slice(0, 10);
    await section.locator('input[name=starts_on]').fill(today);
    await section.locator('input[name=cost_centre]').fill('4100');
    const line = await section.locator('select[name=budget_line] option').nth(1).getAttribute('value');
    await section.locator('select[name=budget_line]').selectOption(line);
    // Before sending: its effect on the budget line, the form kept as entered.
    await section.locator('button', { hasText: 'Näytä vaikutus määrärahaan' }).click();
    await page.waitForLoadState('load');
    const again = page.locator('section', { has: page.locator('h2', { hasText: 'Vilho Testinen' }) });
    const effect = again.locator('table.effect');
    assert.match(await effect.locator('caption').innerText(), /Vaikutus määrärahaan/);
    const forecastRow = effect.locator('tbody tr', { hasText: 'Ennuste vuoden loppuun' });
    const [now, withIt] = (await forecastRow.locator('td').allInnerTexts()).map((v) => Number(v.replace(/[^0-9,]/g, '').replace(',', '.')));
    assert.ok(withIt >= now, `forecast ${now} → ${withIt}`);
    assert.equal(await again.locator('input[name=cost_centre]').inputValue(), '4100');
    assert.equal(await again.locator('select[name=budget_line]').inputValue(), line);
    await checkA11y(page, 'the effect of a commitment on its budget line');
    await again.locator('button', { hasText: 'Lähetä maksusitoumus' }).click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, '/commitments');
    await checkA11y(page, 'commitments of the purchaser');
    const list = await (await page.request.get(url('/api/v1/commitments'))).json();
    const mine = list.find((c) => c.client === clientId);
    // The purchaser's printable commitment names the client, with the code masked.
    await page.goto(url(`/commitments/${mine.id}/document?lang=sv`));
    const doc = await page.locator('article.document').innerText();
    assert.match(doc, /Vilho Testinen \(150816A\*{4}\)/);
    assert.doesNotMatch(doc, new RegExp(child));
    // It carries its metadata (703/2023 37 §) in the document's language.
    assert.match(doc, /Handlingens uppgifter[\s\S]*Anordnare[\s\S]*Förvaringstid/);
    await checkA11y(page, 'commitment document (sv)');
    assert.ok(mine, 'the commitment is there');
    assert.equal(mine.status, 'sent');
    assert.match(mine.number, /^MS-\d{4}-\d{7}$/);
    return mine.number;
  });

  // The provider accepts; before that its copy of the commitment does not name the client.
  await as(second, async (page) => {
    await page.goto(url('/commitments'));
    const row = page.locator('tr', { hasText: number });
    await checkA11y(page, 'commitments of the provider');
    await row.locator('a[href$="/document"]').click();
    await page.waitForLoadState('load');
    const doc = await page.locator('article.document').innerText();
    assert.match(doc, new RegExp(number));
    assert.doesNotMatch(doc, /Vilho|Testinen/);
    await checkA11y(page, 'commitment document before acceptance');
    await page.goto(url('/commitments'));
    await row.locator('button[value=accept]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('tr', { hasText: number }).innerText(), /Hyväksytty/);
  });

  // Its worker sees the family's minimal data, without the address.
  await as(secondWorker, async (page) => {
    await page.goto(url('/commitments'));
    await page.locator('tr', { hasText: number }).locator(`a[href="${clientPath}"]`).click();
    await page.waitForLoadState('load');
    const main = await page.locator('main').innerText();
    assert.match(main, /Vilho Testinen/);
    assert.match(main, /Hanna Testinen/);
    assert.match(main, /turvakielto/i);
    assert.doesNotMatch(main, /Salaisentie/);
    await checkA11y(page, 'client seen by the provider');
    const api = await page.request.get(url(`/api/v1/clients/${clientId}`));
    assert.equal(api.status(), 200);
    assert.equal((await api.json()).address, null);
  });

  // Another provider's worker sees nothing, by link or by API.
  await as(otherWorker, async (page) => {
    const r = await page.goto(url(clientPath));
    assert.equal(r.status(), 403);
    assert.doesNotMatch(await page.content(), /Vilho|Testinen/);
    const api = await page.request.get(url(`/api/v1/clients/${clientId}`));
    assert.equal(api.status(), 403);
    assert.equal((await api.json()).error.code, 'access-other-organisation');
  });

  // The auditor finds the reads and the refusals.
  await as(userFor('auditor', 'Kymenlaakso'), async (page) => {
    await page.goto(url('/audit'));
    await page.locator('input[name=record]').fill(clientId);
    await page.locator('form[action="/audit"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const rows = await page.locator('table.audit tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => r.includes(secondWorker.username) && !r.includes('Estetty')), rows.join('\n'));
    assert.ok(rows.filter((r) => r.includes(otherWorker.username) && r.includes('Estetty')).length >= 2, rows.join('\n'));
    assert.ok(rows.some((r) => r.includes(worker.username)), 'the social worker\'s work is there');
    assert.ok(!rows.some((r) => r.includes(child)), 'never the identity code');
  });

  // The social worker extends the commitment: a new version with the same number, for the
  // provider to accept; a change without a reason is refused.
  await as(worker, async (page) => {
    await page.goto(url('/commitments'));
    const row = page.locator('tr', { hasText: number });
    await row.locator('summary').click();
    await row.locator('input[name=ends_on]').fill('2027-03-31');
    await row.locator('form[action$="/change"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('.error-summary').innerText(), /perustelu|Kirjoita/i);
    const again = page.locator('tr', { hasText: number });
    await again.locator('summary').click();
    await again.locator('input[name=ends_on]').fill('2027-03-31');
    await again.locator('input[name=reason]').fill('Jatketaan maaliskuun loppuun.');
    await again.locator('form[action$="/change"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const rows = await page.locator('tr', { hasText: number }).allInnerTexts();
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.ok(rows.some((r) => /Lähetetty/.test(r)), rows.join('\n'));
    await checkA11y(page, 'commitments after a change');
  });

  // The budget line shows the reservation.
  const reservedAfter = await as(controller, async (page) => {
    const v = await reservedOn(page);
    await checkA11y(page, 'budget');
    return v;
  });
  assert.ok(reservedAfter.reserved > reservedBefore.reserved, `reserved ${reservedBefore.reserved} → ${reservedAfter.reserved}`);
  // The accepted commitment's days to the end of the year are in the forecast too.
  assert.ok(reservedAfter.expected > reservedBefore.expected, `forecast ${reservedBefore.expected} → ${reservedAfter.expected}`);
});

test('a need in competition reaches the lot\'s providers without personal data, and the purchaser chooses among the offers', async () => {
  const worker = userFor('social_worker', 'Kymenlaakso');
  const provider = userFor('provider_signatory', 'Kasvun Polku');
  const child = hetu(9, 9, 2013, 973);

  const clientPath = await as(worker, async (page) => {
    await page.goto(url('/clients/new'));
    await page.locator('input[name=identity_code]').fill(child);
    await page.locator('input[name=first_name]').fill('Iiris');
    await page.locator('input[name=last_name]').fill('Kilpailunen');
    await page.locator('input[name=home_municipality]').fill('Hamina');
    await page.locator('form[action="/clients"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const path = new URL(page.url()).pathname;
    const lotValue = await page.locator('select[name=lot] option').evaluateAll((opts) =>
      opts.find((o) => / 1 Tehostettu perhetyö$/.test(o.textContent))?.value,
    );
    await page.locator('select[name=lot]').selectOption(lotValue);
    await page.locator('textarea[name=justification]').fill('Kilpailutetaan.');
    await page.locator('input[name=requested_start]').fill('2026-12-14');
    await page.locator('input[name=hours_per_week]').fill('2');
    await page.locator(`form[action="${path}/needs"] button[type=submit]`).click();
    await page.waitForLoadState('load');
    await page.goto(url('/meeting'));
    const section = page.locator('section', { has: page.locator('h2', { hasText: 'Iiris Kilpailunen' }) });
    await section.locator('select[name=kind]').selectOption('competition');
    await section.locator('button', { hasText: 'Kirjaa suositus' }).click();
    await page.waitForLoadState('load');
    return path;
  });

  await as(provider, async (page) => {
    await page.goto(url('/competitions'));
    const main = await page.locator('main').innerText();
    assert.doesNotMatch(main, /Iiris|Kilpailunen/, 'no name before the commitment');
    assert.doesNotMatch(await page.content(), new RegExp(child));
    const section = page.locator('section', { hasText: 'Hamina' }).first();
    assert.match(await section.innerText(), /13–17/);
    await checkA11y(page, 'competitions');
    await section.locator('input[name=can_start]').fill('2026-12-14');
    await section.locator('button[type=submit]').click();
    await page.waitForLoadState('load');
  });

  await as(worker, async (page) => {
    await page.goto(url('/meeting'));
    const section = page.locator('section', { has: page.locator('h2', { hasText: 'Iiris Kilpailunen' }) });
    assert.match(await section.innerText(), /Kasvun Polku Oy/);
    await section.locator('form[action$="/winner"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const after = page.locator('section', { has: page.locator('h2', { hasText: 'Iiris Kilpailunen' }) });
    assert.match(await after.innerText(), /Valittu palveluntuottaja/);
    await checkA11y(page, 'meeting with a competition');
  });
  assert.ok(clientPath.startsWith('/clients/'));
});
