// Costs shared between municipalities end to end, in Chromium with axe-core on every page (seed
// 002, Länsi-Pohja). Tornio's controller changes the shares from 1 September, so that the third
// quarter of 2026 splits by days (62 days under the seed's percentages, 30 under the new ones);
// enters the quarter's invoice from Pelastakaa Lapset ry and Tornio's own salary and overheads,
// with refusals next to the fields first; sees the six shares and issues five recharge invoices,
// whose sum and Tornio's own share are the quarter's cost to the cent. Kemi's controller sees
// Kemi's invoice with its computation and is refused Keminmaa's.
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

const as = (user, fn, options = {}) => asUser(browser, user, fn, options);

/** Cents from a Finnish amount as shown: "11 914,65 €" → 1191465, "−5,00 €" → -500. */
function cents(text) {
  const negative = /[−-]/.test(text);
  const digits = text.replace(/[^0-9]/g, '');
  assert.ok(digits.length > 0, `no amount in "${text}"`);
  return (negative ? -1 : 1) * Number(digits);
}

// The quarter's costs: 16 450,00 + 17 380,00 + 2 140,55.
const COST = 3_597_055;
// July–August (62 days) under 34,6/13,2/5,6/5,6/33/7,9 normalised over 99,9 %, September (30
// days) under 30/15/6/6/35/8; each stretch to the cent by largest remainder. Worked out by hand
// from the rule, not by the code under test.
const SHARES = {
  'Kemin kaupunki': 1_191_465,
  'Keminmaan kunta': 496_245,
  'Simon kunta': 206_263,
  'Tervolan kunta': 206_262,
  'Tornion kaupunki': 1_211_288,
  'Ylitornion kunta': 285_532,
};

test('Tornio recharges the third quarter to the cent and Kemi sees only its own invoice', async () => {
  const tornio = userFor('controller', 'Tornio');
  const kemi = userFor('controller', 'Kemin');

  const { agreementUrl, keminmaaInvoice, kemiNumber } = await as(tornio, async (page) => {
    await page.getByRole('link', { name: 'Kustannusten jako', exact: true }).click();
    await checkA11y(page, 'the cost-sharing agreements');
    // A new agreement without a title and with a mistyped IBAN: refused next to the fields.
    await page.getByRole('link', { name: 'Uusi kustannustenjakosopimus' }).click();
    await checkA11y(page, 'a new cost-sharing agreement');
    await page.locator('#f-account').fill('FI49 5000 9420 0287 31');
    await page.locator('#f-bic').fill('OKOYFIHH');
    await page.locator('#f-valid_from').fill('2027-01-01');
    await page.getByRole('button', { name: 'Tallenna' }).click();
    assert.equal(await page.locator('#e-title').textContent(), 'Täytä tämä kenttä.');
    assert.match(await page.locator('#e-account').textContent(), /IBAN/);
    assert.equal(await page.locator('#f-valid_from').inputValue(), '2027-01-01');
    await checkA11y(page, 'a refused cost-sharing agreement');
    await page.getByRole('link', { name: 'Kustannusten jako', exact: true }).click();
    await page.getByRole('link', { name: /Länsi-Pohjan lastensuojelun erityisosaaminen/ }).click();
    await checkA11y(page, 'the Länsi-Pohja agreement');
    const agreementUrl = page.url();

    // A new basis from 1.9.: first with shares over 100 % and a negative one.
    const shares = ['30', '15', '6', '6', '35', '9'];
    await page.locator('#f-from').fill('2026-09-01');
    await page.locator('#f-kind').selectOption('percent');
    for (const [i, v] of shares.entries()) await page.locator(`#f-figure-${i}`).fill(v);
    await page.locator('#f-figure-5').fill('-8');
    await page.locator('#f-reason').fill('Ohjausryhmän päätös 20.8.2026: osuudet 1.9. alkaen');
    await page.getByRole('button', { name: 'Tallenna jakoperuste' }).click();
    assert.match(await page.title(), /virhe|Tarkista/i);
    assert.equal(await page.locator('#e-figure-5').textContent(), 'Osuus ei voi olla negatiivinen.');
    await checkA11y(page, 'a refused basis');
    await page.locator('#f-figure-5').fill('9');
    await page.getByRole('button', { name: 'Tallenna jakoperuste' }).click();
    assert.equal(await page.locator('#e-figures').textContent(), 'Osuudet ovat yhteensä yli 100 %.');
    // What was typed is kept.
    assert.equal(await page.locator('#f-figure-4').inputValue(), '35');
    await page.locator('#f-figure-5').fill('8');
    await page.getByRole('button', { name: 'Tallenna jakoperuste' }).click();
    assert.equal(page.url(), agreementUrl);
    const bases = page.locator('table').first();
    assert.match(await bases.innerText(), /1\.9\.2026/);
    assert.match(await bases.innerText(), /31\.8\.2026/);

    // Populations for a later basis, read from a table that lacks Ylitornio: the form comes
    // back filled for checking, the missing one refused next to its field, nothing saved.
    await page.locator('details', { has: page.locator('#f-import-file') }).locator('summary').click();
    await page.locator('#f-import-file').setInputFiles({
      name: 'vakiluku.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Alue;Väkiluku 31.12.2026\nKemi;19 936\nKeminmaa;7958\nSimo;2 901\nTervola;2 899\nTornio;21 107\n'),
    });
    await page.locator('#f-import-date').fill('2026-12-31');
    await page.getByRole('button', { name: 'Lue asukasluvut' }).click();
    assert.equal(await page.locator('#f-figure-0').inputValue(), '19936');
    assert.equal(await page.locator('#f-figure-4').inputValue(), '21107');
    assert.equal(await page.locator('#e-figure-5').textContent(), 'Anna osapuolen asukasluku.');
    assert.equal(await page.locator('#f-kind').inputValue(), 'population');
    await checkA11y(page, 'populations read from a file');
    assert.equal(await bases.locator('thead th').count(), 3);

    await page.getByRole('link', { name: '2026-Q3', exact: true }).click();
    await checkA11y(page, 'the third quarter, empty');
    // Nothing entered yet: the recharges are refused, and say why.
    await page.getByRole('button', { name: 'Lähetä edelleenlaskutukset' }).click();
    assert.match(await page.locator('#e-issue').textContent(), /kulut eivät ole valmiit/);
    await checkA11y(page, 'a refused recharge');

    const enter = async (kind, description, counterparty, document, date, amount) => {
      const details = page.locator('details', { has: page.locator('#f-kind') });
      if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
      await page.locator('#f-kind').selectOption(kind);
      await page.locator('#f-description').fill(description);
      await page.locator('#f-counterparty').fill(counterparty);
      await page.locator('#f-document').fill(document);
      await page.locator('#f-date').fill(date);
      await page.locator('#f-amount').fill(amount);
      await page.getByRole('button', { name: 'Tallenna kulu' }).click();
    };
    // The NGO's invoice dated in October and without its number: refused next to the fields.
    await enter('provider_invoice', 'Sijais- ja tukiperhetyö 7–9/2026', 'Pelastakaa Lapset ry', '', '2026-10-02', '16 450,00');
    assert.equal(await page.locator('#e-date').textContent(), 'Päivän on oltava neljänneksen sisällä.');
    assert.equal(await page.locator('#e-document').textContent(), 'Täytä tämä kenttä.');
    await checkA11y(page, 'a refused cost');
    await enter('provider_invoice', 'Sijais- ja tukiperhetyö 7–9/2026', 'Pelastakaa Lapset ry', 'PL-4112', '2026-09-30', '16 450,00');
    await enter('salary', 'Seudullisen erityissosiaalityöntekijän palkka 7–9/2026', '', '', '2026-09-30', '17 380,00');
    await enter('overhead', 'Matkat ja työnohjaus 7–9/2026', '', '', '2026-09-30', '2 140,55');
    await checkA11y(page, 'the third quarter with its costs');

    // The six shares, split by days, add up to the cost.
    const table = page.locator('table.computation');
    assert.match(await table.locator('thead').innerText(), /1\.7\.2026 – 31\.8\.2026[\s\S]*1\.9\.2026 – 30\.9\.2026/);
    const rows = await table.locator('tbody tr').all();
    assert.equal(rows.length, 6);
    for (const row of rows) {
      const name = (await row.locator('th').innerText()).trim();
      const share = cents(await row.locator('td').last().innerText());
      assert.equal(share, SHARES[name], name);
    }
    assert.equal(cents(await table.locator('tfoot td').last().innerText()), COST);

    await page.getByRole('button', { name: 'Lähetä edelleenlaskutukset' }).click();
    await checkA11y(page, 'the third quarter recharged');
    const recharges = page.locator('table', { has: page.locator('caption', { hasText: 'Edelleenlaskutukset' }) });
    const invoices = await recharges.locator('tbody tr').all();
    assert.equal(invoices.length, 5);
    let sum = 0;
    let keminmaaInvoice;
    let kemiNumber;
    for (const row of invoices) {
      const cells = await row.locator('td').allInnerTexts();
      const [number, , buyer, period, amount] = cells;
      assert.equal(period, '2026-Q3');
      assert.notEqual(buyer, 'Tornion kaupunki');
      assert.equal(cents(amount), SHARES[buyer], buyer);
      sum += cents(amount);
      if (buyer === 'Keminmaan kunta') keminmaaInvoice = await row.locator('a').getAttribute('href');
      if (buyer === 'Kemin kaupunki') kemiNumber = number.trim();
    }
    // The five recharges and Tornio's own share are the quarter's cost to the cent.
    assert.equal(sum + SHARES['Tornion kaupunki'], COST);
    // Nothing more to issue until a correction.
    assert.equal(await page.getByRole('button', { name: /Lähetä/ }).count(), 0);
    // The steering group's meeting on the quarter, with the minutes form for the host.
    await page.goto(agreementUrl);
    await page.getByRole('link', { name: 'Ohjausryhmä 2026-Q3', exact: true }).click();
    await checkA11y(page, "the steering group's meeting, to record");
    assert.equal(await page.locator('#f-held_on').count(), 1);
    return { agreementUrl, keminmaaInvoice, kemiNumber };
  });

  await as(kemi, async (page) => {
    await page.getByRole('link', { name: 'Kustannusten jako', exact: true }).click();
    await page.getByRole('link', { name: /Länsi-Pohjan lastensuojelun erityisosaaminen/ }).click();
    assert.equal(page.url(), agreementUrl);
    await checkA11y(page, "the agreement as Kemi's controller");
    // A party neither enters costs nor changes the basis.
    assert.equal(await page.locator('#f-figure-0').count(), 0);
    const recharges = page.locator('table', { has: page.locator('caption', { hasText: 'Edelleenlaskutukset' }) });
    const buyers = await recharges.locator('tbody tr td:nth-child(3)').allInnerTexts();
    assert.ok(buyers.length >= 1);
    assert.deepEqual([...new Set(buyers)], ['Kemin kaupunki']);
    await page.getByRole('link', { name: kemiNumber, exact: true }).click();
    await checkA11y(page, "Kemi's recharge invoice");
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, /Tornion kaupunki/);
    assert.equal(cents(facts.split('Summa')[1].split('\n').find((l) => /€/.test(l))), SHARES['Kemin kaupunki']);
    // The computation comes with it: every party's share and the total.
    const rows = await page.locator('table.computation tbody tr').count();
    assert.equal(rows, 6);
    assert.equal(cents(await page.locator('table.computation tfoot td').last().innerText()), COST);
    // The Finvoice download is Kemi's invoice.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Finvoice 3.0' }).click(),
    ]);
    const xml = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(xml).toString('utf8');
    assert.match(text, new RegExp(`<InvoiceNumber>${kemiNumber}</InvoiceNumber>`));
    assert.match(text, /<BuyerOrganisationName>Kemin kaupunki<\/BuyerOrganisationName>/);

    // The regional steering group's June meeting: the costs by party and quarter, the
    // agreements' figures, the registers' sizes, and the minutes, read only for Kemi.
    await page.goto(agreementUrl);
    await page.getByRole('link', { name: 'Ohjausryhmä 2026-Q2', exact: true }).click();
    await checkA11y(page, "the steering group's meeting, read only");
    const costs = page.locator('section.agenda-item').first().locator('table');
    assert.equal(await costs.locator('tbody tr').count(), 7);
    assert.match(await page.locator('main').innerText(), /jakoperuste käsitellään syksyn kokouksessa/);
    assert.equal(await page.locator('#f-held_on').count(), 0);

    // Keminmaa's invoice is not Kemi's to open.
    const refused = await page.goto(new URL(keminmaaInvoice, page.url()).toString());
    assert.equal(refused.status(), 403);
    assert.doesNotMatch(await page.locator('main').innerText(), /Keminmaan kunta/);
    await checkA11y(page, "Keminmaa's invoice refused to Kemi");
  });
});

test("Kymenlaakso shares an approved purchase invoice on a named commitment with Vantaa", async () => {
  const kymenlaakso = userFor('controller', 'Kymenlaakso');
  const vantaa = userFor('controller', 'Vantaa');

  const quarterUrl = await as(kymenlaakso, async (page) => {
    // The demo's approved invoice: its number, commitment, billing period and amount.
    await page.getByRole('link', { name: 'Laskut', exact: true }).first().click();
    const row = page.locator('tbody tr', { hasText: 'Hyväksytty maksettavaksi' }).filter({ hasText: /^\s*Lasku / }).first();
    const [kindNumber, , commitment, period, amount] = await row.locator('td').allInnerTexts();
    const number = kindNumber.replace(/^Lasku\s+/, '').trim();
    const [, month, year] = period.split('–')[1].trim().split('.').map(Number);
    const quarter = `${year}-Q${Math.floor((month - 1) / 3) + 1}`;

    await page.getByRole('link', { name: 'Kustannusten jako', exact: true }).click();
    await page.getByRole('link', { name: 'Uusi kustannustenjakosopimus' }).click();
    await page.locator('#f-title').fill('Perhetyön erityisosaaminen yhdessä Vantaan kanssa');
    await page.getByLabel('Vantaan kaupunki').check();
    await page.locator('#f-valid_from').fill(`${year}-01-01`);
    await page.locator('#f-valid_to').fill(`${year}-12-31`);
    await page.locator('#f-expected-0').check();
    await page.locator('#f-account').fill('FI49 5000 9420 0287 30');
    await page.locator('#f-bic').fill('OKOYFIHH');
    await page.getByRole('button', { name: 'Tallenna' }).click();
    await page.locator('#f-from').fill(`${year}-01-01`);
    await page.locator('#f-kind').selectOption('percent');
    await page.locator('#f-figure-0').fill('60');
    await page.locator('#f-figure-1').fill('40');
    await page.getByRole('button', { name: 'Tallenna jakoperuste' }).click();
    await checkA11y(page, 'an agreement sharing no invoices yet');

    // A number that is no commitment of Kymenlaakso: refused next to the field.
    await page.locator('#f-commitment').fill('MS-2026-9999999');
    await page.getByRole('button', { name: 'Jaa laskut' }).click();
    assert.equal(await page.locator('#e-commitment').textContent(), 'Organisaatiolla ei ole maksusitoumusta tällä numerolla.');
    assert.equal(await page.locator('#f-commitment').inputValue(), 'MS-2026-9999999');
    await checkA11y(page, 'a refused shared commitment');
    await page.locator('#f-commitment').fill(commitment.trim());
    await page.getByRole('button', { name: 'Jaa laskut' }).click();
    assert.match(await page.locator('#sources ~ ul').first().innerText(), new RegExp(`Maksusitoumus ${commitment.trim()}`));

    // Offered on the quarter its period ends in, at what was paid, and taken in once.
    await page.getByRole('link', { name: quarter, exact: true }).click();
    await checkA11y(page, 'a quarter offering an approved invoice');
    const offered = page.locator('table', { has: page.locator('caption', { hasText: 'Jaettavat hyväksytyt laskut' }) });
    const cells = await offered.locator('tbody tr', { hasText: number }).locator('td').allInnerTexts();
    assert.equal(cents(cells[3]), cents(amount));
    assert.equal(cents(cells[4]), cents(amount));
    await offered.locator('tbody tr', { hasText: number }).getByRole('button', { name: /Lisää kustannuksiin/ }).click();
    const costs = page.locator('table', { has: page.locator('caption', { hasText: 'Kulut' }) });
    const cost = await costs.locator('tbody tr', { hasText: number }).locator('td').allInnerTexts();
    assert.equal(cost[1], 'Palveluntuottajan lasku');
    assert.equal(cents(cost[4]), cents(amount));
    assert.equal(await offered.count(), 0);
    assert.match(await page.locator('main').innerText(), /ei odota jaettavien maksusitoumusten/);
    await checkA11y(page, 'a quarter with a shared invoice taken in');
    // Its 60 / 40 split adds up to what was paid.
    const table = page.locator('table.computation');
    assert.equal(cents(await table.locator('tfoot td').last().innerText()), cents(amount));
    return page.url();
  });

  await as(vantaa, async (page) => {
    await page.goto(quarterUrl);
    await checkA11y(page, "the shared quarter as Vantaa's controller");
    // Vantaa sees the cost and its computation, not Kymenlaakso's invoices to take in.
    assert.match(await page.locator('main').innerText(), /Palveluntuottajan lasku/);
    assert.equal(await page.locator('#invoices').count(), 0);
    assert.equal(await page.locator('#f-commitment').count(), 0);
  });
});
