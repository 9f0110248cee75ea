// Importing a real social-services notice (TED XML form F21, Keski-Suomen sairaanhoitopiiri,
// three lots) in the browser: the preview shows the notice with the eForms SDK's labels, the
// import is refused until the specialist says the county procures on the notice's buyer's
// behalf, then creates a procurement whose lots match the notice, importing again updates it, and the
// pages render in Finnish, Swedish and English. Reads ../shared/data: fails without it under
// CI=true, and says loudly that it skipped elsewhere.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { checkA11y, checkedPageCount, launch, newContext, signIn, url, userFor } from '../lib.mjs';

const DATA = resolve(process.cwd(), '../../shared/data');
const F21 = resolve(DATA, 'ted-xml-real/F21/R2.0.9.S04.E01/172265-2021.xml');

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

function dataPresent() {
  if (existsSync(F21)) return true;
  if (process.env.CI === 'true') assert.fail(`${F21} is missing, and CI always has ../shared/data`);
  console.log(`\n*** SKIPPED: ${F21} not found (../shared/data is not beside the checkout) ***\n`);
  return false;
}

async function switchTo(page, lang) {
  await page.locator(`form[action="/language"] button[value=${lang}]`).click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
}

test('a specialist imports an F21 notice into a procurement whose lots match it, in three languages', async (t) => {
  if (!dataPresent()) {
    t.skip('../shared/data not found');
    return;
  }
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await signIn(page, userFor('procurement_specialist', 'Kymenlaakso'));
    await switchTo(page, 'fi');
    await page.goto(url('/procurements'));
    await page.locator('a[href="/notices/import"]').click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'notice import');

    // Nothing chosen: a message next to the field.
    await page.locator('button[name=action][value=import]').click();
    await page.waitForLoadState('load');
    assert.ok(await page.locator('#e-file').isVisible());
    await checkA11y(page, 'notice import with an error');

    // The preview: the notice as a page, with the SDK's Finnish labels.
    await page.locator('input[name=file]').setInputFiles(F21);
    await page.locator('button[name=action][value=preview]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('h1').innerText(), /Psykiatrian palvelualueen ostopalvelut/);
    const main = await page.locator('main').innerText();
    assert.match(main, /Keski-Suomen sairaanhoitopiiri/);
    assert.match(main, /Pääasiallinen luokitus/);
    const lotHeadings = await page.locator('main section.lot h2').allInnerTexts();
    assert.deepEqual(
      lotHeadings.map((h) => h.replace(/^Osa \d+: /, '')),
      ['Erikoislääkäripalvelut', 'Lasten terapiapalvelut', 'Työnohjauspalvelut'],
    );
    // The further information, where to apply and who hears appeals: an F21 keeps them.
    assert.match(main, /Lisätiedot/);
    assert.match(main, /osallistumishakemus 3\.5\.2021 klo 12\.00 mennessä/);
    assert.match(main, /Muutoksenhakuelin\s+Markkinaoikeus/);
    assert.match(main, /Tarjouksen\/hakemuksen toimitusosoite\s+https:\/\/tarjouspalvelu\.fi\//);
    await checkA11y(page, 'notice preview');

    // The notice's buyer is another organisation: refused, the buyer named next to the box
    // that imports it on the buyer's behalf.
    await page.goto(url('/notices/import'));
    await page.locator('input[name=file]').setInputFiles(F21);
    await page.locator('button[name=action][value=import]').click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, '/notices/import');
    assert.match(await page.locator('#e-on_behalf').innerText(), /Keski-Suomen sairaanhoitopiiri \(0215978-7\)/);
    await checkA11y(page, 'notice import refused for another buyer');

    // The import, on the buyer's behalf.
    await page.locator('input[name=file]').setInputFiles(F21);
    await page.locator('#f-on_behalf').check();
    await page.locator('button[name=action][value=import]').click();
    await page.waitForLoadState('load');
    const procurementPath = new URL(page.url()).pathname;
    assert.match(procurementPath, /^\/procurements\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('[role=status]').first().innerText(), /3/);
    assert.match(await page.locator('h1').innerText(), /Psykiatrian palvelualueen ostopalvelut/);
    const lots = await page.locator('main table tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual(lots, ['Erikoislääkäripalvelut', 'Lasten terapiapalvelut', 'Työnohjauspalvelut']);
    await checkA11y(page, 'imported procurement');

    assert.match(await page.locator('[role=status]').first().innerText(), /ostajan puolesta/);
    // The further information is part of the description, each paragraph its own.
    assert.equal(await page.locator('main p', { hasText: /^Hankintayksikkö tekee hankintoja järjestelmässä 1\.6\.2021—31\.5\.2025\.$/ }).count(), 1);

    // The same notice again updates; nothing is duplicated.
    await page.goto(url('/notices/import'));
    await page.locator('input[name=file]').setInputFiles(F21);
    await page.locator('#f-on_behalf').check();
    await page.locator('button[name=action][value=import]').click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, procurementPath);
    await page.goto(url('/procurements'));
    assert.equal(await page.getByRole('link', { name: /Psykiatrian palvelualueen ostopalvelut/ }).count(), 1);

    // The procurement, a lot and the stored notice in Swedish and English too.
    for (const lang of ['sv', 'en', 'fi']) {
      await page.goto(url(procurementPath));
      await switchTo(page, lang);
      assert.match(await page.locator('h1').innerText(), /Psykiatrian palvelualueen ostopalvelut/);
      await checkA11y(page, `imported procurement (${lang})`);
      await page.locator('main ul a[href*="/notices/"]').first().click();
      await page.waitForLoadState('load');
      const label = { fi: 'Pääasiallinen luokitus', sv: 'Huvudklassificering', en: 'Main classification' }[lang];
      assert.match(await page.locator('main').innerText(), new RegExp(label));
      await checkA11y(page, `stored notice (${lang})`);
    }
  } finally {
    await context.close();
  }
});
