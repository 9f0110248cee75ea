// Settlement end to end, in Chromium with axe-core on every page. Kasvun Polku bills the Näytös
// family's commitment: the month two months back (approved, one visit disputed) at a price other
// than the commitment's, and last month, whose report is submitted but not approved. The first is
// matched at once and shows the disputed visit billed and the price difference next to its
// line; the second is held until the social worker approves the report, then released. One
// controller checks it and another approves it; the export carries it once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { asUser, checkA11y, checkedPageCount, launch, url, userFor, userNamed } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

const as = (user, fn, options = {}) => asUser(browser, user, fn, options);

/** The month `back` months before this one in Helsinki: [YYYY-MM, first CCYYMMDD, last CCYYMMDD]. */
function monthBack(back) {
  const today = new Date(new Date().toLocaleString('en-US', { timeZone: 'Europe/Helsinki' }));
  const first = new Date(Date.UTC(today.getFullYear(), today.getMonth() - back, 1));
  const last = new Date(Date.UTC(today.getFullYear(), today.getMonth() - back + 1, 0));
  const f = (d) => d.toISOString().slice(0, 10).replaceAll('-', '');
  return [first.toISOString().slice(0, 7), f(first), f(last)];
}

function amount(cents) {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/** A Finvoice 3.0 billing `hours` at `price` euros on `commitment` for a month. */
function finvoice({ number, seller, commitment, from, to, hours, price }) {
  const total = amount(hours * price * 100);
  return `<?xml version="1.0" encoding="UTF-8"?>
<Finvoice Version="3.0">
  <SellerPartyDetails>
    <SellerPartyIdentifier>${seller}</SellerPartyIdentifier>
    <SellerOrganisationName>Kasvun Polku Oy</SellerOrganisationName>
    <SellerPostalAddressDetails><SellerStreetName>Katu 1</SellerStreetName><SellerTownName>Kotka</SellerTownName><SellerPostCodeIdentifier>48100</SellerPostCodeIdentifier><CountryCode>FI</CountryCode></SellerPostalAddressDetails>
  </SellerPartyDetails>
  <BuyerPartyDetails>
    <BuyerPartyIdentifier>3221311-5</BuyerPartyIdentifier>
    <BuyerOrganisationName>Kymenlaakson hyvinvointialue</BuyerOrganisationName>
    <BuyerPostalAddressDetails><BuyerStreetName>Kotkantie 41</BuyerStreetName><BuyerTownName>Kotka</BuyerTownName><BuyerPostCodeIdentifier>48210</BuyerPostCodeIdentifier><CountryCode>FI</CountryCode></BuyerPostalAddressDetails>
  </BuyerPartyDetails>
  <InvoiceDetails>
    <InvoiceTypeCode>INV01</InvoiceTypeCode>
    <InvoiceTypeText>LASKU</InvoiceTypeText>
    <OriginCode>Original</OriginCode>
    <InvoiceNumber>${number}</InvoiceNumber>
    <InvoiceDate Format="CCYYMMDD">${to}</InvoiceDate>
    <InvoicingPeriodStartDate Format="CCYYMMDD">${from}</InvoicingPeriodStartDate>
    <InvoicingPeriodEndDate Format="CCYYMMDD">${to}</InvoicingPeriodEndDate>
    <BuyerReferenceIdentifier>${commitment}</BuyerReferenceIdentifier>
    <RowsTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">${total}</RowsTotalVatExcludedAmount>
    <InvoiceTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">${total}</InvoiceTotalVatExcludedAmount>
    <InvoiceTotalVatAmount AmountCurrencyIdentifier="EUR">0,00</InvoiceTotalVatAmount>
    <InvoiceTotalVatIncludedAmount AmountCurrencyIdentifier="EUR">${total}</InvoiceTotalVatIncludedAmount>
    <VatSpecificationDetails>
      <VatBaseAmount AmountCurrencyIdentifier="EUR">${total}</VatBaseAmount>
      <VatRatePercent>0</VatRatePercent>
      <VatCode>E</VatCode>
      <VatRateAmount AmountCurrencyIdentifier="EUR">0,00</VatRateAmount>
      <VatFreeText>AVL 37 §</VatFreeText>
    </VatSpecificationDetails>
    <PaymentTermsDetails><InvoiceDueDate Format="CCYYMMDD">${to}</InvoiceDueDate></PaymentTermsDetails>
  </InvoiceDetails>
  <InvoiceRow>
    <ArticleName>Tehostettu perhetyö, tunti</ArticleName>
    <InvoicedQuantity QuantityUnitCode="h" QuantityUnitCodeUN="HUR">${hours}</InvoicedQuantity>
    <StartDate Format="CCYYMMDD">${from}</StartDate>
    <EndDate Format="CCYYMMDD">${to}</EndDate>
    <UnitPriceAmount AmountCurrencyIdentifier="EUR">${amount(price * 100)}</UnitPriceAmount>
    <RowIdentifier>${commitment}</RowIdentifier>
    <RowPositionIdentifier>1</RowPositionIdentifier>
    <RowVatRatePercent>0</RowVatRatePercent>
    <RowVatCode>E</RowVatCode>
    <RowVatAmount AmountCurrencyIdentifier="EUR">0,00</RowVatAmount>
    <RowVatExcludedAmount AmountCurrencyIdentifier="EUR">${total}</RowVatExcludedAmount>
    <RowAmount AmountCurrencyIdentifier="EUR">${total}</RowAmount>
  </InvoiceRow>
  <EpiDetails>
    <EpiIdentificationDetails><EpiDate Format="CCYYMMDD">${to}</EpiDate><EpiReference>${number}</EpiReference></EpiIdentificationDetails>
    <EpiPartyDetails><EpiBfiPartyDetails><EpiBfiIdentifier IdentificationSchemeName="BIC">NDEAFIHH</EpiBfiIdentifier></EpiBfiPartyDetails><EpiBeneficiaryPartyDetails><EpiAccountID IdentificationSchemeName="IBAN">FI2112345600000785</EpiAccountID></EpiBeneficiaryPartyDetails></EpiPartyDetails>
    <EpiPaymentInstructionDetails><EpiInstructedAmount AmountCurrencyIdentifier="EUR">${total}</EpiInstructedAmount><EpiCharge ChargeOption="SHA">SHA</EpiCharge><EpiDateOptionDate Format="CCYYMMDD">${to}</EpiDateOptionDate></EpiPaymentInstructionDetails>
  </EpiDetails>
</Finvoice>`;
}

async function upload(page, name, xml) {
  await page.goto(url('/invoices'));
  await page.locator('#f-file').setInputFiles({ name, mimeType: 'application/xml', buffer: Buffer.from(xml) });
  await page.getByRole('button', { name: 'Lähetä' }).click();
  await page.waitForLoadState('load');
  assert.match(page.url(), /\/invoices\/[0-9a-f-]{36}$/, await page.locator('main').innerText());
  return page.url().split('/').pop();
}

async function decide(page, id, step) {
  await page.goto(url(`/invoices/${id}`));
  await page.locator('select[name=step]').selectOption(step);
  await page.locator('form[action$="/decision"] button[type=submit]').click();
  await page.waitForLoadState('load');
}

test('an invoice is matched, held until the report is approved, checked, approved by another and exported once', async () => {
  const signatory = userFor('provider_signatory', 'Kasvun Polku');
  const social = userFor('social_worker', 'Kymenlaakso');
  const checker = userFor('controller', 'Kymenlaakso');
  const approver = userNamed('kymenlaakso.approver');
  assert.notEqual(checker.username, approver.username);
  const [older, olderFrom, olderTo] = monthBack(2);
  const [last, lastFrom, lastTo] = monthBack(1);
  const stamp = Date.now().toString(36).toUpperCase();

  const { number, released } = await as(signatory, async (page) => {
    await page.getByRole('link', { name: 'Oma organisaatio' }).click();
    await page.waitForLoadState('load');
    const seller = (await page.locator('dl.facts dt', { hasText: 'Y-tunnus' }).first().locator('xpath=following-sibling::dd[1]').innerText()).trim();
    // The Näytös family's commitment.
    await page.goto(url('/commitments'));
    const links = await page.locator('a[href$="/visits"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    let number;
    for (const href of [...new Set(links)]) {
      await page.goto(url(`${href}?month=${older}`));
      if ((await page.locator('dl.facts').first().innerText()).includes('Eino Näytös')) {
        number = href.split('/')[2];
        break;
      }
    }
    assert.ok(number, 'the Näytös family has a commitment with Kasvun Polku');

    // The older month: every hour logged and more, at 99,00 €/h. The disputed visit and the
    // price difference are shown next to the line.
    const october = await upload(page, 'lokakuu.xml', finvoice({ number: `KP-${stamp}-10`, seller, commitment: number, from: olderFrom, to: olderTo, hours: 30, price: 99 }));
    const body = await page.locator('main').innerText();
    assert.match(body, /Täsmäytetty, odottaa tarkastusta/);
    const line = page.locator('table tbody tr').first();
    const matchCell = await line.locator('td').last().innerText();
    assert.match(matchCell, /Perheen kiistämä käynti laskutettu/);
    assert.match(matchCell, /Yksikköhinta poikkeaa maksusitoumuksesta/);
    // The figures in Finnish: the contract's price and the billed one, in euros as Finnish writes them.
    assert.match(matchCell, /82,00\s€/);
    assert.match(matchCell, /99,00\s€/);
    await checkA11y(page, 'a matched invoice with discrepancies');

    // Last month: its report is submitted, not approved. Held.
    const november = await upload(page, 'marraskuu.xml', finvoice({ number: `KP-${stamp}-11`, seller, commitment: number, from: lastFrom, to: lastTo, hours: 10, price: 99 }));
    assert.match(await page.locator('main').innerText(), /Odottaa näiden kuukausiraporttien hyväksyntää/);
    await checkA11y(page, 'a held invoice');

    // A file that is no e-invoice: refused next to the file field, and kept with its reason
    // in the list of refused files.
    const broken = `rikki-${stamp}.xml`;
    await page.goto(url('/invoices'));
    await page.locator('#f-file').setInputFiles({ name: broken, mimeType: 'application/xml', buffer: Buffer.from('<Finvoice Version="3.0">\n<InvoiceDetails>\n</Finvoice>') });
    await page.getByRole('button', { name: 'Lähetä' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#e-file').innerText(), /Tiedosto ei ole luettava verkkolasku/);
    const refusedRow = page.locator('#refused ~ table tbody tr', { hasText: broken });
    assert.equal(await refusedRow.count(), 1);
    assert.match(await refusedRow.innerText(), /Tiedosto ei ole luettava verkkolasku/);
    await checkA11y(page, 'a refused file next to its field and in the refused list');
    assert.ok(october);
    return { number, released: november };
  });

  // The social worker approves last month's report: the held invoice is released.
  await as(social, async (page) => {
    await page.goto(url(`/commitments/${number}/reports/${last}`));
    await page.locator('button[value=approve]').click();
    await page.waitForLoadState('load');
  });

  await as(checker, async (page) => {
    await page.getByRole('link', { name: 'Laskut' }).click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'the inbox');
    await page.goto(url(`/invoices/${released}`));
    assert.match(await page.locator('main').innerText(), /Täsmäytetty, odottaa tarkastusta/);
    // Above the limit: not straight to approval.
    await decide(page, released, 'approve');
    assert.match(await page.locator('#e-step').innerText(), /ensin tarkastettava/);
    await checkA11y(page, 'an approval refused next to its field');
    await decide(page, released, 'check');
    assert.match(await page.locator('.notice').first().innerText(), /Tarkastettu, odottaa hyväksyntää/);
    // The checker cannot approve it too.
    await decide(page, released, 'approve');
    assert.match(await page.locator('#e-step').innerText(), /eri henkilö kuin tarkastaja/);
  });

  await as(approver, async (page) => {
    await decide(page, released, 'approve');
    assert.match(await page.locator('.notice').first().innerText(), /Hyväksytty maksettavaksi/);
    await checkA11y(page, 'an approved invoice');
    await page.goto(url('/invoices/exports'));
    await page.getByRole('button', { name: 'Siirrä hyväksytyt laskut' }).click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'the exports');
    const href = await page.locator('a[href^="/invoices/exports/"]').first().getAttribute('href');
    const csv = await (await page.request.get(url(href))).text();
    const invoiceNumber = `KP-${stamp}-11`;
    assert.equal(csv.split('\n').filter((l) => l.includes(`;${invoiceNumber};`)).length, 1, csv);
    // Exporting again carries nothing new: the invoice is not exported twice.
    const before = await page.locator('a[href^="/invoices/exports/"]').count();
    await page.getByRole('button', { name: 'Siirrä hyväksytyt laskut' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('.error-summary').innerText(), /Siirrettäviä hyväksyttyjä laskuja ei ole/);
    assert.equal(await page.locator('a[href^="/invoices/exports/"]').count(), before);
    const again = await (await page.request.get(url(href))).text();
    assert.equal(again, csv, 'an export is fetched again byte for byte');
    // The demo's paid month whose commitment was cut afterwards: original, refund and
    // correction rows, to be recorded as a credit request with a reason.
    await page.goto(url('/invoices'));
    await page.getByRole('link', { name: 'Oikaisut suljettuihin kuukausiin' }).click();
    await page.waitForLoadState('load');
    const due = page.locator('section.correction').first();
    assert.match(await due.innerText(), /Alkuperäinen[\s\S]*Hyvitys[\s\S]*Oikaisu[\s\S]*Hyvityslaskupyyntö tuottajalle/);
    await checkA11y(page, 'the corrections of closed months');
    const dueCount = await page.locator('section.correction').count();
    await due.getByRole('button', { name: 'Kirjaa oikaisu' }).click();
    await page.waitForLoadState('load');
    const field = page.locator('section.correction textarea[aria-invalid=true]');
    assert.equal(await field.count(), 1, 'the reason is asked for next to its field');
    await checkA11y(page, 'a correction refused without its reason');
    await field.fill('Sitoumusta muutettiin kuukauden alusta.');
    await page.locator('section.correction:has(textarea[aria-invalid=true])').getByRole('button', { name: 'Kirjaa oikaisu' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('section.correction').count(), dueCount - 1);
    assert.match(await page.locator('main table').last().innerText(), /Sitoumusta muutettiin kuukauden alusta/);
  });
});
