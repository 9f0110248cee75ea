// Invoices, in Chromium with axe-core on every page: Kasvun Polku's signatory uploads a Finvoice
// for one of its accepted commitments and sees it received; the same file again is refused next
// to the file field; an invoice that names a person is kept aside; Kymenlaakso's controller
// finds both in the inbox; the social worker has no invoices page.
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

const as = (user, fn, options = {}) => asUser(browser, user, fn, options);

/** The previous month in Helsinki as [first, last] in CCYYMMDD. */
function previousMonth() {
  const today = new Date(new Date().toLocaleString('en-US', { timeZone: 'Europe/Helsinki' }));
  const first = new Date(Date.UTC(today.getFullYear(), today.getMonth() - 1, 1));
  const last = new Date(Date.UTC(today.getFullYear(), today.getMonth(), 0));
  const f = (d) => d.toISOString().slice(0, 10).replaceAll('-', '');
  return [f(first), f(last)];
}

/** A Finvoice 3.0 of one line billing `commitment` for the previous month, written as a
 * provider's system would. */
function finvoice({ number, seller, buyer, commitment, note = '' }) {
  const [from, to] = previousMonth();
  return `<?xml version="1.0" encoding="UTF-8"?>
<Finvoice Version="3.0">
  <SellerPartyDetails>
    <SellerPartyIdentifier>${seller}</SellerPartyIdentifier>
    <SellerOrganisationName>Kasvun Polku Oy</SellerOrganisationName>
    <SellerPostalAddressDetails><SellerStreetName>Katu 1</SellerStreetName><SellerTownName>Kotka</SellerTownName><SellerPostCodeIdentifier>48100</SellerPostCodeIdentifier><CountryCode>FI</CountryCode></SellerPostalAddressDetails>
  </SellerPartyDetails>
  <BuyerPartyDetails>
    <BuyerPartyIdentifier>${buyer}</BuyerPartyIdentifier>
    <BuyerOrganisationName>Kymenlaakson hyvinvointialue</BuyerOrganisationName>
    <BuyerPostalAddressDetails><BuyerStreetName>PL 1</BuyerStreetName><BuyerTownName>Kotka</BuyerTownName><BuyerPostCodeIdentifier>48101</BuyerPostCodeIdentifier><CountryCode>FI</CountryCode></BuyerPostalAddressDetails>
  </BuyerPartyDetails>
  <InvoiceDetails>
    <InvoiceTypeCode>INV01</InvoiceTypeCode>
    <InvoiceTypeText>LASKU</InvoiceTypeText>
    <OriginCode>Original</OriginCode>
    <InvoiceNumber>${number}</InvoiceNumber>
    <InvoiceDate Format="CCYYMMDD">20261103</InvoiceDate>
    <InvoicingPeriodStartDate Format="CCYYMMDD">${from}</InvoicingPeriodStartDate>
    <InvoicingPeriodEndDate Format="CCYYMMDD">${to}</InvoicingPeriodEndDate>
    <BuyerReferenceIdentifier>${commitment}</BuyerReferenceIdentifier>
    <RowsTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">240,00</RowsTotalVatExcludedAmount>
    <InvoiceTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">240,00</InvoiceTotalVatExcludedAmount>
    <InvoiceTotalVatAmount AmountCurrencyIdentifier="EUR">0,00</InvoiceTotalVatAmount>
    <InvoiceTotalVatIncludedAmount AmountCurrencyIdentifier="EUR">240,00</InvoiceTotalVatIncludedAmount>
    <VatSpecificationDetails>
      <VatBaseAmount AmountCurrencyIdentifier="EUR">240,00</VatBaseAmount>
      <VatRatePercent>0</VatRatePercent>
      <VatCode>E</VatCode>
      <VatRateAmount AmountCurrencyIdentifier="EUR">0,00</VatRateAmount>
      <VatFreeText>AVL 37 §</VatFreeText>
    </VatSpecificationDetails>
    <PaymentTermsDetails><InvoiceDueDate Format="CCYYMMDD">20261124</InvoiceDueDate></PaymentTermsDetails>
  </InvoiceDetails>
  <InvoiceRow>
    <ArticleName>Perhetyö, tunti</ArticleName>
    <InvoicedQuantity QuantityUnitCode="h" QuantityUnitCodeUN="HUR">3</InvoicedQuantity>
    <UnitPriceAmount AmountCurrencyIdentifier="EUR">80,00</UnitPriceAmount>
    <RowPositionIdentifier>1</RowPositionIdentifier>
    ${note ? `<RowFreeText>${note}</RowFreeText>` : ''}
    <RowVatRatePercent>0</RowVatRatePercent>
    <RowVatCode>E</RowVatCode>
    <RowVatAmount AmountCurrencyIdentifier="EUR">0,00</RowVatAmount>
    <RowVatExcludedAmount AmountCurrencyIdentifier="EUR">240,00</RowVatExcludedAmount>
    <RowAmount AmountCurrencyIdentifier="EUR">240,00</RowAmount>
  </InvoiceRow>
  <EpiDetails>
    <EpiIdentificationDetails><EpiDate Format="CCYYMMDD">20261103</EpiDate><EpiReference>${number}</EpiReference></EpiIdentificationDetails>
    <EpiPartyDetails><EpiBfiPartyDetails><EpiBfiIdentifier IdentificationSchemeName="BIC">NDEAFIHH</EpiBfiIdentifier></EpiBfiPartyDetails><EpiBeneficiaryPartyDetails><EpiAccountID IdentificationSchemeName="IBAN">FI2112345600000785</EpiAccountID></EpiBeneficiaryPartyDetails></EpiPartyDetails>
    <EpiPaymentInstructionDetails><EpiInstructedAmount AmountCurrencyIdentifier="EUR">240,00</EpiInstructedAmount><EpiCharge ChargeOption="SHA">SHA</EpiCharge><EpiDateOptionDate Format="CCYYMMDD">20261124</EpiDateOptionDate></EpiPaymentInstructionDetails>
  </EpiDetails>
</Finvoice>`;
}

async function upload(page, name, xml) {
  await page.goto(url('/invoices'));
  await page.locator('#f-file').setInputFiles({ name, mimeType: 'application/xml', buffer: Buffer.from(xml) });
  await page.getByRole('button', { name: 'Lähetä' }).click();
  await page.waitForLoadState('load');
}

test('a provider sends invoices, the controller finds them in the inbox, others have no page', async () => {
  const signatory = userFor('provider_signatory', 'Kasvun Polku');
  const controller = userFor('controller', 'Kymenlaakso');
  const social = userFor('social_worker', 'Kymenlaakso');
  const stamp = Date.now().toString(36).toUpperCase();

  const numbers = await as(signatory, async (page) => {
    // The provider's business ID from its own organisation page, a commitment from its list.
    await page.getByRole('link', { name: 'Oma organisaatio' }).click();
    await page.waitForLoadState('load');
    const seller = (await page.locator('dl.facts dt', { hasText: 'Y-tunnus' }).first().locator('xpath=following-sibling::dd[1]').innerText()).trim();
    await page.goto(url('/commitments'));
    const text = await page.locator('main').innerText();
    const commitment = text.match(/MS-\d{4}-\d{7}/)?.[0];
    assert.ok(commitment, 'the provider has a commitment');

    await page.goto(url('/invoices'));
    await checkA11y(page, 'the provider\'s invoices, empty');
    const ok = `KP-${stamp}-1`;
    await upload(page, 'lasku.xml', finvoice({ number: ok, seller, buyer: '3221311-5', commitment }));
    assert.match(page.url(), /\/invoices\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('main').innerText(), new RegExp(`Lasku ${ok}`));
    // Held until the month's report is approved, or matched if it already is.
    assert.match(await page.locator('.notice').first().innerText(), /Odottaa kuukausiraportin|Täsmäytetty/);
    await checkA11y(page, 'a received invoice');

    // The same file again: refused next to the file field, nothing kept.
    await upload(page, 'lasku.xml', finvoice({ number: ok, seller, buyer: '3221311-5', commitment }));
    assert.match(await page.locator('#e-file').innerText(), /on jo vastaanotettu/);
    await checkA11y(page, 'a refused upload');

    // An invoice that names a person: kept aside, the code nowhere on the page.
    const code = '030514A9153';
    const aside = `KP-${stamp}-2`;
    await upload(page, 'lasku2.xml', finvoice({ number: aside, seller, buyer: '3221311-5', commitment, note: `Asiakas ${code}` }));
    const body = await page.locator('main').innerText();
    assert.match(body, /henkilötunnus/);
    assert.ok(!body.includes(code), 'the identity code is not shown');
    await checkA11y(page, 'an invoice kept aside');
    return [ok, aside];
  });

  await as(controller, async (page) => {
    await page.getByRole('link', { name: 'Laskut' }).click();
    await page.waitForLoadState('load');
    const inbox = await page.locator('main').innerText();
    for (const n of numbers) assert.match(inbox, new RegExp(n));
    assert.equal(await page.locator('#f-file').count(), 0, 'the controller has no upload form');
    await checkA11y(page, 'the controller\'s inbox');
    await page.getByRole('link', { name: new RegExp(numbers[0]) }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /Perhetyö, tunti/);
    await checkA11y(page, 'an invoice, for the controller');
  });

  await as(social, async (page) => {
    assert.equal(await page.getByRole('link', { name: 'Laskut' }).count(), 0);
    const r = await page.goto(url('/invoices'));
    assert.equal(r.status(), 403);
  });
});
