// Agreements and their follow-up end to end, in Chromium with axe-core on every page. Hämeenlinna's
// procurement specialist makes a 2013 purchaser–provider agreement with two of seed 003's products
// (service guidance 392,86 € a client, income-support processing 57,10 € an application, decided
// by the seventh day); a product without a unit or price is refused next to its fields. The city's
// production agrees to it and reports Q1 on the form, Q2 and Q3 in an XLSX file, and the Q3
// income-support applications with their dates. The leading social worker opens the Q3 follow-up:
// ordered against delivered and projected, and the applications decided late, longest first; the
// table downloads as CSV and as XLSX, which another reader (SheetJS) opens with the same figures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import XLSX from 'xlsx';

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

const TITLE = `Sosiaalisen tuen palvelut 2013, selaintesti ${Date.now()}`;

test('an agreement is made, agreed, reported on and followed up at the Q3 meeting', async () => {
  const buyer = userFor('procurement_specialist', 'Hämeenlinna');
  const signer = userFor('provider_signatory', 'palvelutuotanto');
  const manager = userFor('service_manager', 'palvelutuotanto');
  const lead = userFor('leading_social_worker', 'Hämeenlinna');

  const agreementUrl = await as(buyer, async (page) => {
    await page.getByRole('link', { name: 'Sopimukset', exact: true }).click();
    await checkA11y(page, 'the agreements list');
    await page.getByRole('link', { name: 'Uusi sopimus' }).click();
    await checkA11y(page, 'a new agreement');
    await page.locator('#f-title').fill(TITLE);
    await page.locator('#f-kind').selectOption('internal');
    await page.locator('#f-provider').selectOption({ label: 'Hämeenlinnan kaupungin palvelutuotanto' });
    await page.locator('#f-valid_from').fill('2013-01-01');
    await page.locator('#f-valid_to').fill('2013-12-31');
    await page.locator('#f-year').fill('2013');
    await page.locator('#f-p0_code').fill('palveluohjaus');
    await page.locator('#f-p0_name_fi').fill('Palveluohjaus');
    await page.locator('#f-p0_name_sv').fill('Servicehandledning');
    // No unit and no price: refused next to those fields, nothing saved.
    await page.locator('#f-p0_volume').fill('1200');
    await page.locator('#f-p1_code').fill('toimeentulotuki');
    await page.locator('#f-p1_name_fi').fill('Toimeentulotuen käsittely');
    await page.locator('#f-p1_unit').selectOption('application');
    await page.locator('#f-p1_price').fill('57,10');
    await page.locator('#f-p1_volume').fill('9000');
    await page.locator('#f-p1_target_days').fill('7');
    await page.locator('#f-p1_target_count').selectOption('calendar');
    await page.locator('#f-p1_indicators').fill('paatokset; Toimeentulotukipäätökset; count; Päätösten määrä');
    await page.getByRole('button', { name: 'Tallenna' }).click();
    assert.match(await page.title(), /Tarkista|virhe/i);
    await assert.doesNotReject(page.locator('#e-p0_unit').waitFor());
    assert.equal(await page.locator('#e-p0_unit').textContent(), 'Valitse tuotteen yksikkö.');
    assert.equal(await page.locator('#e-p0_price').textContent(), 'Täytä tämä kenttä.');
    // What was typed is kept.
    assert.equal(await page.locator('#f-p1_price').inputValue(), '57,10');
    await checkA11y(page, 'a refused agreement form');
    await page.locator('#f-p0_unit').selectOption('client');
    await page.locator('#f-p0_price').fill('392,86');
    await page.getByRole('button', { name: 'Tallenna' }).click();
    await page.waitForURL(/\/agreements\/[0-9a-f-]{36}$/);
    await checkA11y(page, 'an agreement waiting for the provider');
    // 1200 × 392,86 + 9000 × 57,10 = 471 432,00 + 513 900,00
    assert.match(await page.locator('.contract-value').textContent(), /2013: 985\s332,00\s€/);
    assert.match(await page.locator('.agreement-status').textContent(), /Odottaa/);
    return page.url();
  });

  await as(signer, async (page) => {
    await page.goto(agreementUrl);
    await page.getByRole('button', { name: 'Hyväksy versio 1' }).click();
    await page.waitForURL(agreementUrl);
    assert.match(await page.locator('.agreement-status').textContent(), /Voimassa, versio 1/);
  });

  await as(manager, async (page) => {
    await page.goto(agreementUrl);
    await checkA11y(page, 'the reporting forms');
    // Q1 on the form, first with a negative count: refused next to it, nothing saved.
    await page.locator('#f-period').fill('2013-Q1');
    await page.locator('[id="f-palveluohjaus.count"]').fill('280');
    await page.locator('[id="f-toimeentulotuki.count"]').fill('-5');
    await page.getByRole('button', { name: 'Lähetä toteuma' }).click();
    assert.equal(await page.locator('[id="e-toimeentulotuki.count"]').textContent(), 'Luku ei voi olla negatiivinen.');
    await checkA11y(page, 'a refused report');
    assert.match(await page.locator('main').textContent(), /Toteumaa ei ole vielä raportoitu/);
    await page.locator('[id="f-toimeentulotuki.count"]').fill('2210');
    await page.locator('[id="f-toimeentulotuki.paatokset"]').fill('2198');
    await page.getByRole('button', { name: 'Lähetä toteuma' }).click();
    await page.waitForURL(/reported=2/);

    // A file with a bad cell is refused by row and column, then the right one is kept.
    const bad = 'product;period;count\npalveluohjaus;2013-Q2;kolmesataa\n';
    await page.locator('#f-file').setInputFiles({ name: 'q2.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Lähetä tiedosto' }).click();
    assert.match(await page.locator('.error-summary').textContent(), /Rivi 2, sarake count: Anna kokonaisluku\./);
    await checkA11y(page, 'a refused upload');
    // Q2 and Q3 as a workbook written by another program (SheetJS), numbers as numbers.
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([
      ['product', 'period', 'count', 'paatokset'],
      ['palveluohjaus', '2013-Q2', 300, null],
      ['toimeentulotuki', '2013-Q2', 2300, 2290],
      ['palveluohjaus', '2013-Q3', 321, null],
      ['toimeentulotuki', '2013-Q3', 2250, 2236],
    ]), 'Toteuma');
    const xlsx = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' });
    await page.locator('#f-file').setInputFiles({
      name: 'q2-q3.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    });
    await page.getByRole('button', { name: 'Lähetä tiedosto' }).click();
    await page.waitForURL(/reported=4/);
    // Seventh day: 1.7 → 8.7 within; 15.7 → 22.7 due, decided 24.7 (9 days); 12.8 → 19.8 due,
    // decided 22.8 (10 days).
    const cases = [
      'product;reference;received;decided',
      'toimeentulotuki;TT-1;2013-07-01;2013-07-08',
      'toimeentulotuki;TT-2;2013-07-15;2013-07-24',
      'toimeentulotuki;TT-3;2013-08-12;2013-08-22',
    ].join('\n');
    await page.locator('#f-file').setInputFiles({ name: 'cases.csv', mimeType: 'text/csv', buffer: Buffer.from(cases) });
    await page.getByRole('button', { name: 'Lähetä tiedosto' }).click();
    await page.waitForURL(/reported=1/);
    await checkA11y(page, 'an agreement with its reports');
  });

  await as(lead, async (page) => {
    await page.goto(agreementUrl);
    await page.getByRole('link', { name: 'Sopimusseuranta' }).click();
    await page.waitForURL(/follow-up\?period=2013-Q3/);
    await checkA11y(page, 'the Q3 follow-up');
    const row = (name) => page.locator('table.follow-up tbody tr').filter({ has: page.getByRole('rowheader', { name }) });
    const po = row('Palveluohjaus');
    assert.equal(await po.locator('.ordered').textContent(), '1200');
    assert.equal(await po.locator('.realised').textContent(), '901');
    // 901 × 12 / 9 = 1201,33 → 1201, over the order.
    assert.match(await po.locator('.projected').textContent(), /1201/);
    const tt = row('Toimeentulotuen käsittely');
    assert.equal(await tt.locator('.realised').textContent(), String(2210 + 2300 + 2250));
    const breaches = page.locator('table.breaches tbody tr');
    assert.equal(await breaches.count(), 2);
    assert.match(await breaches.nth(0).textContent(), /TT-3.*19\.8\.2013.*10/s);
    assert.match(await breaches.nth(1).textContent(), /TT-2.*22\.7\.2013.*9/s);
    assert.match(await page.locator('main').textContent(), /3 hakemusta, joista 3 käsitelty; tavoitteessa 33 %/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Lataa taulukko (CSV)' }).click(),
    ]);
    const csv = (await (await download.createReadStream()).toArray()).join('');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^Tuote;Yksikkö;Tilattu;Toteutunut/);
    assert.ok(lines.includes('Palveluohjaus;asiakas;1200;901;75;1201;471432.00;353966.86;471824.86'), csv);

    // The XLSX opens in another reader (SheetJS) and holds the page's figures as numbers.
    const [xdownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Lataa taulukko (XLSX)' }).click(),
    ]);
    const bytes = Buffer.concat(await (await xdownload.createReadStream()).toArray());
    const sheet = XLSX.read(bytes, { type: 'buffer' });
    assert.deepEqual(sheet.SheetNames, ['2013-Q3']);
    const table = XLSX.utils.sheet_to_json(sheet.Sheets['2013-Q3'], { header: 1 });
    assert.equal(table[0][0], 'Tuote');
    const xpo = table.find((r) => r[0] === 'Palveluohjaus');
    assert.deepEqual(xpo, ['Palveluohjaus', 'asiakas', 1200, 901, 75, 1201, 471432, 353966.86, 471824.86]);
    const xtt = table.find((r) => r[0] === 'Toimeentulotuen käsittely');
    for (const [i, cls] of [[2, 'ordered'], [3, 'realised']]) {
      assert.equal(String(xtt[i]), await tt.locator(`.${cls}`).textContent());
    }
  });
});

test('the Q3 meeting goes through the figures and its minutes download as PDF', async () => {
  const buyer = userFor('procurement_specialist', 'Hämeenlinna');
  const lead = userFor('leading_social_worker', 'Hämeenlinna');
  const meetingUrl = await as(buyer, async (page) => {
    await page.getByRole('link', { name: 'Sopimukset', exact: true }).click();
    await page.getByRole('link', { name: /^Tilaaja–tuottaja-palvelusopimus 2013/ }).click();
    await page.getByRole('link', { name: 'Sopimusseuranta' }).click();
    await page.getByRole('link', { name: 'Seurantakokous 2013-Q3' }).click();
    await checkA11y(page, 'the Q3 meeting, to record');
    // The agenda carries the quarter's figures: the demo's three breaches of the seventh day.
    const processing = page.locator('section.agenda-item').filter({ hasText: 'Käsittelyajat: Toimeentulotuen käsittely' });
    assert.equal(await processing.locator('li').filter({ hasText: 'Ylitys:' }).count(), 3);
    assert.equal(await page.locator('#f-held_on').inputValue(), '2013-09-30');
    // The demo's minutes are there; emptied, they are refused and kept as they were.
    await page.locator('#f-held_on').fill('');
    await page.locator('#f-members').fill('');
    await page.getByRole('button', { name: 'Tallenna pöytäkirja' }).click();
    assert.equal(await page.locator('#e-members').textContent(), 'Täytä tämä kenttä.');
    await checkA11y(page, 'refused minutes');
    await page.locator('#f-held_on').fill('2013-09-27');
    await page.locator('#f-members').fill('Tilaajajohtaja\nTilaajapäällikkö\nPalvelutuotantojohtaja');
    await processing.locator('textarea[name="decision:processing:toimeentulotuki"]').fill('Myöhästyneet hakemukset käydään läpi joulukuussa.');
    await page.getByRole('button', { name: 'Tallenna pöytäkirja' }).click();
    await page.waitForURL(/meetings\/2013-Q3$/);
    assert.match(await page.locator('.minutes-recorded').textContent(), /Pöytäkirjan kirjasi/);
    for (const lang of ['fi', 'sv']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`a[hreflang=${lang}]`).click(),
      ]);
      const pdf = Buffer.concat(await (await download.createReadStream()).toArray());
      assert.equal(pdf.subarray(0, 8).toString('latin1'), '%PDF-1.4');
      assert.match(download.suggestedFilename(), new RegExp(`2013-Q3-${lang}\\.pdf$`));
      const text = pdf.toString('latin1');
      assert.ok(text.includes(lang === 'fi' ? 'Myöhästyneet hakemukset' : 'Beslut'), lang);
    }
    return page.url();
  });
  await as(lead, async (page) => {
    await page.goto(meetingUrl);
    await checkA11y(page, 'the Q3 minutes, to read');
    assert.equal(await page.locator('textarea').count(), 0);
    assert.match(await page.locator('main').textContent(), /Myöhästyneet hakemukset käydään läpi joulukuussa\./);
  });
});

test('the processing times of a county show each step against its target, as a chart and a table', async () => {
  const controller = userFor('controller', 'Kymenlaakso');
  await as(controller, async (page) => {
    await page.getByRole('link', { name: 'Käsittelyajat', exact: true }).click();
    await checkA11y(page, 'processing times');
    const rows = page.locator('table.processing tbody tr');
    assert.equal(await rows.count(), 4);
    // The demo's invoices are this year's: counted under their step.
    const invoices = page.locator('tr.step-invoice_approval');
    assert.ok(Number(await invoices.locator('td').nth(1).textContent()) > 0);
    assert.match(await invoices.locator('td').nth(0).textContent(), /30 kalenteripäivää/);
    assert.equal(await page.locator('svg.chart rect.bar-realised').count(), 4);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Lataa taulukko (XLSX)' }).click(),
    ]);
    const bytes = Buffer.concat(await (await download.createReadStream()).toArray());
    const book = XLSX.read(bytes, { type: 'buffer' });
    const table = XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]], { header: 1 });
    assert.equal(table.length, 5);
    const inv = table.find((r) => String(r[0]).startsWith('Lasku saapui'));
    assert.equal(String(inv[2]), await invoices.locator('td').nth(1).textContent());
  });
});

test('the provider scorecard shows each provider in each lot, with the disputed visits', async () => {
  const lead = userFor('leading_social_worker', 'Kymenlaakso');
  await as(lead, async (page) => {
    await page.getByRole('link', { name: 'Tuottajien tuloskortti', exact: true }).click();
    await checkA11y(page, 'the provider scorecard');
    const rows = page.locator('table.scorecard tbody tr');
    assert.ok((await rows.count()) > 0);
    // Kasvun Polku's families disputed a visit in the demo.
    const kasvun = rows.filter({ has: page.getByRole('rowheader', { name: 'Kasvun Polku Oy' }) }).first();
    assert.ok(Number(await kasvun.locator('.disputed').textContent()) >= 1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Lataa taulukko (XLSX)' }).click(),
    ]);
    const bytes = Buffer.concat(await (await download.createReadStream()).toArray());
    const book = XLSX.read(bytes, { type: 'buffer' });
    const table = XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]], { header: 1 });
    assert.equal(table.length, (await rows.count()) + 1);
  });
});

test("a cooperation agreement's payments are recorded against the year's contract value", async () => {
  const controller = userFor('controller', 'Vantaa');
  await as(controller, async (page) => {
    await page.getByRole('link', { name: 'Sopimukset', exact: true }).click();
    await page.getByRole('link', { name: /Yhteistyösopimus 2026/ }).click();
    await page.getByRole('link', { name: 'Maksut', exact: true }).click();
    await checkA11y(page, "a cooperation agreement's payments");
    const paidBefore = await page.locator('table').first().locator('tbody td').first().innerText();
    // A day in the future and no purpose: refused next to the fields, nothing saved.
    await page.locator('#f-paid_on').fill('2099-01-01');
    await page.locator('#f-amount').fill('6 540,00');
    await page.getByRole('button', { name: 'Tallenna maksu' }).click();
    assert.match(await page.locator('#e-paid_on').textContent(), /tulevaisuudessa/);
    assert.equal(await page.locator('#e-purpose').textContent(), 'Täytä tämä kenttä.');
    assert.equal(await page.locator('#f-amount').inputValue(), '6 540,00');
    await checkA11y(page, 'a refused payment');
    await page.locator('#f-paid_on').fill('2026-10-30');
    await page.locator('#f-purpose').fill('Tukihenkilöpalkkiot ja ryhmätoiminta 10/2026');
    await page.getByRole('button', { name: 'Tallenna maksu' }).click();
    const paidAfter = await page.locator('table').first().locator('tbody td').first().innerText();
    const cents = (s) => Number(s.replace(/[^0-9]/g, ''));
    assert.equal(cents(paidAfter) - cents(paidBefore), 654_000);
  });
});
