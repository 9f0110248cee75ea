// The walking skeleton end to end in Chromium: every demo role signs in and sees its home page;
// an administrator of one organisation cannot see or change another organisation's users by link
// or by API; the auditor finds each of those attempts, and the reads, in the access log. Every page
// visited is checked with axe-core.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ROLES, checkA11y, checkedPageCount, credentials, launch, newContext, signIn, url, userFor } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

async function withPage(fn, locale) {
  const context = await newContext(browser, locale ? { locale } : {});
  try {
    const page = await context.newPage();
    return await fn(page, context);
  } finally {
    await context.close();
  }
}

async function signOut(page) {
  await page.locator('form[action="/logout"] button[type=submit]').click();
  await page.waitForURL(/\/login$/);
}

test('every role signs in, sees its home page and its own account, and signs out', async () => {
  const users = credentials();
  for (const role of ROLES) {
    const user = users.find((u) => u.role === role);
    assert.ok(user, `the demo has a ${role}`);
    await withPage(async (page) => {
      await signIn(page, user);
      // A family's account lands on its visits; everyone else on the home page.
      const family = role === 'client_or_guardian';
      assert.equal(new URL(page.url()).pathname, family ? '/my/visits' : '/');
      await assert.doesNotReject(page.locator('h1').first().waitFor());
      const nav = await page.locator('nav').innerText();
      assert.match(nav, family ? /Käynnit/ : /Etusivu/);
      await checkA11y(page, `home of ${role}`);
      await page.getByRole('link', { name: 'Omat tiedot' }).click();
      await page.waitForLoadState('load');
      assert.match(await page.locator('main').innerText(), new RegExp(user.username.replace('.', '\\.')));
      await checkA11y(page, `own account of ${role}`);
      if (role === 'auditor') {
        assert.match(nav, /Käyttöloki/, 'the auditor has the access log in the menu');
      } else {
        assert.doesNotMatch(nav, /Käyttöloki/, `${role} has no access log in the menu`);
      }
      await signOut(page);
    });
  }
});

test('an admin cannot reach another organisation\'s users by link or API, and the auditor sees every attempt', async () => {
  const kymenlaaksoAdmin = userFor('purchaser_admin', 'Kymenlaakso');
  const vantaaAdmin = userFor('purchaser_admin', 'Vantaa');
  const kymenlaaksoWorker = userFor('social_worker', 'Kymenlaakso');

  // The Kymenlaakso admin administers their own users: list, a user, the edit form, bad input.
  const target = await withPage(async (page) => {
    await signIn(page, kymenlaaksoAdmin);
    const orgHref = await page.locator('main dl a').first().getAttribute('href');
    const row = page.locator('tr', { hasText: kymenlaaksoWorker.username });
    const userHref = await row.locator('a').first().getAttribute('href');
    await page.goto(url(userHref));
    await checkA11y(page, 'user page');
    assert.match(await page.locator('main').innerText(), /Käyttöoikeuksien historia/);
    await page.goto(url(`${orgHref}`));
    await checkA11y(page, 'organisation page with users');
    await page.goto(url('/organisations'));
    await checkA11y(page, 'organisation register');
    await page.goto(url(`${orgHref}/users/new`));
    await checkA11y(page, 'new user form');
    await page.getByLabel('Käyttäjätunnus').fill(kymenlaaksoWorker.username);
    await page.getByRole('button', { name: 'Luo' }).click();
    await page.waitForLoadState('load');
    const summary = page.locator('.error-summary');
    assert.match(await summary.innerText(), /Käyttäjätunnus on jo käytössä/);
    assert.match(await page.locator('#e-display_name').innerText(), /Täytä tämä kenttä/);
    await checkA11y(page, 'new user form with errors');
    return { orgHref, userHref };
  });
  const orgId = target.orgHref.split('/').pop();
  const userId = target.userHref.split('/').pop();

  // The Vantaa admin tries the same records.
  await withPage(async (page) => {
    await signIn(page, vantaaAdmin);
    const resp = await page.goto(url(target.userHref));
    assert.equal(resp.status(), 403);
    assert.match(await page.locator('main').innerText(), /toiselle organisaatiolle/);
    assert.doesNotMatch(await page.content(), new RegExp(kymenlaaksoWorker.username.replace('.', '\\.')));
    await checkA11y(page, 'access denied page');
    const orgPage = await page.goto(url(target.orgHref));
    assert.equal(orgPage.status(), 200, 'the organisation itself is public register data');
    assert.doesNotMatch(await page.locator('main').innerText(), /Käyttäjät/);
    const edit = await page.goto(url(`${target.userHref}/edit`));
    assert.equal(edit.status(), 403);

    const session = await (await page.request.get(url('/api/v1/session'))).json();
    const list = await page.request.get(url(`/api/v1/organisations/${orgId}/users`));
    assert.equal(list.status(), 403);
    assert.equal((await list.json()).error.code, 'access-other-organisation');
    const read = await page.request.get(url(`/api/v1/users/${userId}`));
    assert.equal(read.status(), 403);
    const change = await page.request.put(url(`/api/v1/users/${userId}`), {
      headers: { 'x-csrf-token': session.csrf_token, origin: url('').replace(/\/$/, '') },
      data: { username: kymenlaaksoWorker.username, display_name: 'Kaapattu', roles: ['purchaser_admin'] },
    });
    assert.equal(change.status(), 403);
    const deactivate = await page.request.post(url(`/api/v1/users/${userId}/active`), {
      headers: { 'x-csrf-token': session.csrf_token, origin: url('').replace(/\/$/, '') },
      data: { active: false },
    });
    assert.equal(deactivate.status(), 403);
  });

  // The Kymenlaakso auditor finds the refusals and the admin's reads.
  await withPage(async (page) => {
    await signIn(page, userFor('auditor', 'Kymenlaakso'));
    await page.goto(url('/audit'));
    await checkA11y(page, 'access log');
    await page.getByLabel('Käyttäjä', { exact: true }).fill(vantaaAdmin.username);
    await page.getByRole('button', { name: 'Rajaa' }).click();
    await page.waitForLoadState('load');
    const rows = await page.locator('table.audit tbody tr').allInnerTexts();
    const refused = rows.filter((r) => r.includes('Estetty'));
    // Link to the user page, its edit form, and the API list, read, update and deactivation.
    assert.ok(refused.length >= 6, `expected at least 6 refused attempts, found:\n${rows.join('\n')}`);
    for (const action of ['Luku', 'Listanäkymä', 'Muutos', 'Käytöstä poisto']) {
      assert.ok(refused.some((r) => r.includes(action)), `a refused "${action}" is logged`);
    }
    assert.ok(rows.every((r) => r.includes(vantaaAdmin.username)));
    await checkA11y(page, 'access log filtered by user');

    await page.goto(url(`/audit?record=${userId}`));
    const reads = await page.locator('table.audit tbody tr').allInnerTexts();
    assert.ok(
      reads.some((r) => r.includes(kymenlaaksoAdmin.username) && r.includes('Luku') && r.includes('Tehty')),
      `the admin's read of the user is logged:\n${reads.join('\n')}`,
    );
    const bad = await page.goto(url('/audit?record=not-an-id&from=31.2.2026'));
    assert.equal(bad.status(), 422);
    assert.match(await page.locator('.error-summary').innerText(), /UUID/);
    await checkA11y(page, 'access log with filter errors');
  });
});

test('the language switch works before and after sign-in and is remembered', async () => {
  await withPage(async (page) => {
    await page.goto(url('/login'));
    await page.getByRole('button', { name: 'På svenska' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('html').getAttribute('lang'), 'sv');
    assert.match(await page.locator('h1').innerText(), /Logga in/);
    await checkA11y(page, 'login in Swedish');
    await signIn(page, userFor('provider_signatory', 'Aallokko'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'fi', 'the account\'s own language wins once signed in');
    await page.getByRole('button', { name: 'In English' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match(await page.locator('nav').innerText(), /Home/);
    await checkA11y(page, 'provider home in English');
    const unitsLink = page.getByRole('link', { name: 'My organisation' });
    await unitsLink.click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /Service units/);
    await checkA11y(page, 'provider organisation with units in English');
    // A new unit with a Soteri number but no date of registration: refused next to the date
    // (741/2023 5 §: the number and the day go together). Nothing is saved.
    await page.getByRole('link', { name: 'New service unit' }).click();
    await checkA11y(page, 'a new service unit in English');
    await page.locator('#f-name').fill('Aallokko perhetyö Hamina');
    await page.locator('#f-street_address').fill('Satamakatu 2');
    await page.locator('#f-postal_code').fill('49400');
    await page.locator('#f-city').fill('Hamina');
    await page.locator('#f-municipality').fill('Hamina');
    await page.locator('#f-soteri_number').fill('S-2026-0042');
    await page.getByRole('button', { name: 'Create' }).click();
    assert.equal(await page.locator('#e-soteri_registered').textContent(), 'Give both the Soteri number and the date of registration.');
    assert.equal(await page.locator('#f-soteri_number').inputValue(), 'S-2026-0042');
    await checkA11y(page, 'a unit refused without its Soteri date');
    await page.goto(url('/'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the choice is remembered');
  });
});

test('a provider administrator creates an API key, sees it once, and revokes it', async () => {
  const user = userFor('provider_signatory', 'Aallokko');
  await withPage(async (page) => {
    await signIn(page, user);
    await page.goto(url('/api-keys'));
    await checkA11y(page, 'API keys');
    // Nothing chosen: the errors are in the summary, which links to the fields. (Earlier tests
    // may have changed this user's language, so the test reads structure, not words.)
    await page.locator('form[action="/api-keys"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('.error-summary a').count(), 2);
    await checkA11y(page, 'API key form with errors');
    await page.fill('input[name=name]', 'Selaintesti');
    await page.locator('input[name=operations]').first().check();
    await page.locator('form[action="/api-keys"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const secret = await page.locator('code.secret').innerText();
    assert.match(secret, /^kpk_/);
    await checkA11y(page, 'API key created');
    // A reload shows the list without the secret.
    await page.goto(url('/api-keys'));
    assert.equal(await page.locator('code.secret').count(), 0);
    await page.locator('form[action$="/revoke"] button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('tr.inactive').count(), 1);
    assert.equal(await page.locator('form[action$="/revoke"]').count(), 0);
  });
});
