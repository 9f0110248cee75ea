// Provider admission end to end in Chromium: a provider applies to Kymenlaakso's intensive
// family-work lot with a roster in which one worker lacks the required child-welfare
// experience; the evaluation names that worker and rule; the procurement specialist cannot admit
// and asks for more; the provider fixes the roster and resubmits; the specialist admits. The
// provider then appears in the register (found by a Finnish word in another form), the decision
// exists in Finnish and Swedish, Kerava's framework lot shows its order, the closed lots refuse
// applications, and another provider reaches the application by no link and no API call.
// Every page visited is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkA11y, checkedPageCount, launch, newContext, signIn, url, userFor } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

async function withPage(fn) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    return await fn(page, context);
  } finally {
    await context.close();
  }
}

/** Signs in and switches to Finnish: other tests may have left the account in another language. */
async function signInFi(page, user) {
  await signIn(page, user);
  await page.locator('form[action="/language"] button[value=fi]').click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('html').getAttribute('lang'), 'fi');
}

async function csrfHeaders(page) {
  const session = await (await page.request.get(url('/api/v1/session'))).json();
  return { 'x-csrf-token': session.csrf_token, origin: url('').replace(/\/$/, '') };
}

/** Opens Kymenlaakso's procurement and returns its lot links by number. */
async function kymenlaaksoLots(page) {
  await page.goto(url('/procurements'));
  await checkA11y(page, 'procurements');
  await page.getByRole('link', { name: /Lasten, nuorten ja perheiden/ }).click();
  await page.waitForLoadState('load');
  await checkA11y(page, 'Kymenlaakso procurement');
  const rows = await page.locator('main table tbody tr').all();
  const lots = {};
  for (const row of rows) {
    const number = (await row.locator('td').first().innerText()).trim();
    lots[number] = await row.locator('a').first().getAttribute('href');
  }
  return lots;
}

async function step(page, code) {
  await page.locator(`button[name=step][value=${code}]`).click();
  await page.waitForLoadState('load');
}

async function saveDraft(page) {
  await page.locator('form[action^="/applications/"]:not([action$="/step"]) button[type=submit]').click();
  await page.waitForLoadState('load');
}

test('apply with a short roster, see why, fix it, get admitted; others see nothing', async () => {
  const provider = userFor('provider_signatory', 'Aallokko');
  const specialist = userFor('procurement_specialist', 'Kymenlaakso');
  const otherProvider = userFor('provider_signatory', 'Tukiverkko');

  // The provider applies to lot 1 with Kaisa Rinne, Mikko Laine and Tiina Aho (one year).
  const appPath = await withPage(async (page) => {
    await signInFi(page, provider);
    const lots = await kymenlaaksoLots(page);
    assert.equal(Object.keys(lots).length, 10, 'Kymenlaakso has ten lots');

    // The two lots the notice marks closed take no applications, by page or by API.
    for (const n of ['9', '10']) {
      await page.goto(url(lots[n]));
      assert.equal(await page.locator('form[action$="/apply"]').count(), 0, `lot ${n} has no apply button`);
      assert.match(await page.locator('main').innerText(), /Tähän luokaan ei vielä voi jättää hakemuksia/);
      const lotId = lots[n].split('/').pop();
      const r = await page.request.post(url(`/api/v1/lots/${lotId}/applications`), { headers: await csrfHeaders(page) });
      assert.equal(r.status(), 422);
      assert.equal((await r.json()).error.fields[0].code, 'lot-closed');
    }
    await checkA11y(page, 'closed lot');

    await page.goto(url(lots['1']));
    assert.match(await page.locator('h1').innerText(), /Tehostettu perhetyö/);
    assert.match(await page.locator('#requirements ~ ol').innerText(), /kahden \(2\) vuoden työkokemus lastensuojelutyöstä/);
    await checkA11y(page, 'intensive family work lot');
    await page.locator('form[action$="/apply"] button').click();
    await page.waitForLoadState('load');
    const path = new URL(page.url()).pathname;
    assert.match(path, /^\/applications\/[0-9a-f-]{36}$/);

    await page.locator('select[name=unit_id]').selectOption({ label: 'Aallokko perhetyö Kotka (Kotka)' });
    for (const name of ['Kaisa Rinne', 'Mikko Laine', 'Tiina Aho']) {
      await page.getByLabel(new RegExp(`^${name} `)).check();
    }
    await page.locator('input[name=employees]').fill('5');
    // A price over the lot's cap (85,00 €) is refused next to the field, and nothing is lost.
    await page.locator('input[name=price]').fill('99,00');
    await saveDraft(page);
    assert.match(await page.locator('#e-price').innerText(), /yli|över|over/i);
    assert.equal(await page.locator('input[name=price]').inputValue(), '99,00');
    assert.ok(await page.getByLabel(/^Tiina Aho /).isChecked(), 'the roster is kept');
    await checkA11y(page, 'application with an error');
    await page.locator('input[name=price]').fill('80,00');
    await saveDraft(page);
    await step(page, 'submit');
    assert.equal(new URL(page.url()).pathname, path);

    // The evaluation names the worker and the rule.
    const failing = page.locator('#evaluation .finding-not_met');
    assert.equal(await failing.count(), 1, await page.locator('#evaluation').innerText());
    const finding = await failing.innerText();
    assert.match(finding, /Tiina Aho/);
    assert.match(finding, /3\D+3/, 'worker 3 of 3');
    const requirement = await page
      .locator('#evaluation li.requirement', { has: page.locator('.finding-not_met') })
      .innerText();
    assert.match(requirement, /kahden \(2\) vuoden työkokemus lastensuojelutyöstä/);
    await checkA11y(page, 'submitted application with a failing requirement');

    // The API says the same in data.
    const api = await (await page.request.get(url(`/api/v1${path}`))).json();
    assert.equal(api.status, 'submitted');
    const notMet = api.evaluation.results.flatMap((r) => r.findings).filter((f) => f.status === 'not_met');
    assert.deepEqual(
      notMet.map((f) => [f.subject.name, f.subject.index, f.subject.of, f.reason.kind, f.reason.months, f.reason.needed]),
      [['Tiina Aho', 3, 3, 'experience_short', 12, 24]],
    );
    return path;
  });
  const appId = appPath.split('/').pop();

  // The specialist cannot admit while a requirement is not met, and asks for more.
  await withPage(async (page) => {
    await signInFi(page, specialist);
    await page.goto(url('/applications'));
    await checkA11y(page, 'applications of the purchaser');
    await page.locator(`a[href="${appPath}"]`).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#evaluation .finding-not_met').innerText(), /Tiina Aho/);
    assert.match(await page.locator('main dl').innerText(), /\d{1,2}\.\d{1,2}\.\d{4}/, 'the decision deadline is shown');
    await step(page, 'admit');
    assert.match(await page.locator('.error-summary').innerText(), /vaatimus|krav|requirement/i);
    await checkA11y(page, 'refused admission');
    await page.locator('textarea[name=note]').fill('Tiina Aholla on vain vuoden kokemus lastensuojelusta; osa vaatii kaksi vuotta.');
    await step(page, 'ask_info');
    assert.match(await page.locator('#application-status').innerText(), /.+/);
  });

  // The provider replaces Tiina Aho with Jussi Nurmi and resubmits.
  await withPage(async (page) => {
    await signInFi(page, provider);
    await page.goto(url(appPath));
    assert.match(await page.locator('.history').innerText(), /Tiina Aholla on vain vuoden kokemus/);
    await page.getByLabel(/^Tiina Aho /).uncheck();
    await page.getByLabel(/^Jussi Nurmi /).check();
    await saveDraft(page);
    assert.equal(await page.locator('#evaluation .finding-not_met').count(), 0, await page.locator('#evaluation').innerText());
    await step(page, 'submit');
    assert.equal(await page.locator('#evaluation .finding-not_met').count(), 0);
    await checkA11y(page, 'resubmitted application');
  });

  // The specialist admits; the decision exists in Finnish and Swedish.
  await withPage(async (page) => {
    await signInFi(page, specialist);
    await page.goto(url(appPath));
    await page.locator('textarea[name=note]').fill('Hakija täyttää osan vaatimukset.');
    await step(page, 'admit');
    const api = await (await page.request.get(url(`/api/v1${appPath}`))).json();
    assert.equal(api.status, 'admitted');
    await page.goto(url(`${appPath}/decision?lang=fi`));
    const fi = await page.locator('article.document').innerText();
    assert.match(fi, /Perhetuki Aallokko Oy/);
    assert.match(fi, /Markkinaoikeus|markkinaoikeu/);
    assert.equal(await page.locator('article.document').getAttribute('lang'), 'fi');
    await checkA11y(page, 'decision in Finnish');
    await page.goto(url(`${appPath}/decision?lang=sv`));
    assert.match(await page.locator('article.document').innerText(), /Marknadsdomstolen|marknadsdomstol/);
    assert.equal(await page.locator('article.document').getAttribute('lang'), 'sv');
    await checkA11y(page, 'decision in Swedish');

    // The register finds the unit by a word in another form than the lot's text uses.
    await page.goto(url('/register?q=perhetyö&municipality=Kotka'));
    const results = await page.locator('main table tbody').innerText();
    assert.match(results, /Perhetuki Aallokko Oy/);
    assert.match(results, /Tehostettu perhetyö/);
    await checkA11y(page, 'register search');
    const api2 = await (await page.request.get(url('/api/v1/register?q=tehostettua%20perhetyötä'))).json();
    assert.ok(api2.some((r) => r.provider === 'Perhetuki Aallokko Oy'));
    const none = await (await page.request.get(url('/api/v1/register?q=perhetyö&municipality=Kerava'))).json();
    assert.ok(!none.some((r) => r.provider === 'Perhetuki Aallokko Oy'), 'the municipality filter holds');
  });

  // Kerava's framework lot shows its order: price 70 %, quality 30 %.
  await withPage(async (page) => {
    await signInFi(page, specialist);
    await page.goto(url('/procurements'));
    await page.getByRole('link', { name: /Lastensuojelun avo- ja jälkihuolto/ }).click();
    await page.waitForLoadState('load');
    await page.locator('main table tbody a').first().click();
    await page.waitForLoadState('load');
    const order = await page.locator('main table tbody tr').allInnerTexts();
    assert.equal(order.length, 2, order.join('\n'));
    assert.match(order[0], /^1\s+Tukiverkko ry/);
    assert.match(order[1], /^2\s+Kasvun Polku Oy/);
    await checkA11y(page, 'framework lot with its order');
  });

  // Another provider reaches the application by no link and no API call.
  await withPage(async (page) => {
    await signInFi(page, otherProvider);
    for (const path of [appPath, `${appPath}/decision?lang=fi`]) {
      const r = await page.goto(url(path));
      assert.equal(r.status(), 403, path);
      assert.doesNotMatch(await page.content(), /Tiina Aho|Jussi Nurmi/);
    }
    await checkA11y(page, 'application refused to another provider');
    const headers = await csrfHeaders(page);
    const read = await page.request.get(url(`/api/v1/applications/${appId}`));
    assert.equal(read.status(), 403);
    assert.equal((await read.json()).error.code, 'access-other-organisation');
    const save = await page.request.put(url(`/api/v1/applications/${appId}`), { headers, data: { price: '1,00' } });
    assert.equal(save.status(), 403);
    const stepCall = await page.request.post(url(`/api/v1/applications/${appId}/step`), { headers, data: { step: 'withdraw' } });
    assert.equal(stepCall.status(), 403);
    const list = await (await page.request.get(url('/api/v1/applications'))).json();
    assert.ok(!list.some((a) => a.id === appId), 'not in the other provider\'s list');
    await page.goto(url('/applications'));
    assert.equal(await page.locator(`a[href="${appPath}"]`).count(), 0);
  });
});

test('the provider keeps its staff and certificates; an unknown degree is kept for review', async () => {
  await withPage(async (page) => {
    await signInFi(page, userFor('provider_signatory', 'Aallokko'));
    // The pension certificate of the demo runs out in three weeks: the home page says so.
    assert.match(await page.locator('main').innerText(), /Työeläkevakuutustodistus|eläkevakuutus/i);
    await page.goto(url('/staff'));
    await checkA11y(page, 'staff register');
    assert.match(await page.locator('tr', { hasText: 'Petra Koski' }).innerText(), /Kriisi- ja traumatyön ammattilainen/);
    await page.goto(url('/staff/new'));
    await checkA11y(page, 'new staff form');
    await page.locator('input[name=name]').fill('Noora Uusi');
    await page.locator('select[name=role]').selectOption('worker');
    await page.locator('textarea[name=degrees]').fill('Kuvitteellinen tutkinto');
    await page.locator('input[name=exp_child_welfare]').fill('kaksi');
    await page.locator('form[action="/staff"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.ok(await page.locator('#e-exp_child_welfare').isVisible(), 'bad years are refused next to the field');
    assert.equal(await page.locator('textarea[name=degrees]').inputValue(), 'Kuvitteellinen tutkinto');
    await checkA11y(page, 'staff form with an error');
    await page.locator('input[name=exp_child_welfare]').fill('2,5');
    await page.locator('form[action="/staff"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const row = await page.locator('tr', { hasText: 'Noora Uusi' }).innerText();
    assert.match(row, /Kuvitteellinen tutkinto/);
    assert.match(row, /2,5/);

    await page.goto(url('/evidence'));
    await checkA11y(page, 'certificates');
    await page.locator('select[name=kind]').selectOption('tax_certificate');
    await page.locator('input[name=issued_on]').fill('2020-01-01');
    await page.locator('input[name=valid_until]').fill('2020-04-01');
    await page.locator('form[action="/evidence"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.ok(await page.locator('#e-valid_until').isVisible(), 'an expired certificate is refused');
    await checkA11y(page, 'certificate form with an error');
  });
});

test('a new provider registers itself with a checked business ID and signs in', async () => {
  await withPage(async (page) => {
    await page.goto(url('/login'));
    await page.locator('a[href="/join"]').click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'provider registration');
    await page.locator('select[name=kind]').selectOption('company');
    await page.locator('input[name=name]').fill('Uusi Perhepalvelu Oy');
    // A business ID with a wrong check digit is refused next to the field.
    await page.locator('input[name=business_id]').fill('9909900-4');
    await page.locator('input[name=street_address]').fill('Kauppakatu 1');
    await page.locator('input[name=postal_code]').fill('45100');
    await page.locator('input[name=city]').fill('Kouvola');
    await page.locator('input[name=user_display_name]').fill('Oona Uusi');
    await page.locator('input[name=user_username]').fill('oona.uusi');
    await page.locator('select[name=user_language]').selectOption('fi');
    await page.locator('input[name=user_password]').fill('pitkä ja hyvä salasana');
    await page.locator('form[action="/join"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.ok(await page.locator('#e-business_id').isVisible(), 'the check digit is checked');
    assert.equal(await page.locator('input[name=name]').inputValue(), 'Uusi Perhepalvelu Oy', 'nothing typed is lost');
    await checkA11y(page, 'provider registration with an error');
    await page.locator('input[name=business_id]').fill('9909900-3');
    await page.locator('input[name=user_password]').fill('pitkä ja hyvä salasana');
    await page.locator('form[action="/join"] button[type=submit]').click();
    await page.waitForURL(/\/login\?registered=1$/);
    await signIn(page, 'oona.uusi', 'pitkä ja hyvä salasana');
    assert.match(await page.locator('main').innerText(), /Uusi Perhepalvelu Oy \(9909900-3\)/);
    // A new provider manages its own staff and certificates straight away.
    const nav = await page.locator('nav').innerText();
    assert.match(nav, /Henkilöstö|Staff|Personal/);
  });
});
