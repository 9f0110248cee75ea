// Delivery, in Chromium with axe-core on every page: Kasvun Polku's worker logs a month of
// visits for the Kokeilu family on the phone-sized page (a wrong end time is refused next to
// the field); the guardian signs in, confirms seven and disputes one with a reason; the worker
// writes and submits the monthly report; the social worker sees seven confirmed and one
// disputed and approves it; a guardian of another family sees none of it and is refused; the
// auditor finds every step in the access log. Each answer and the approval keep the earlier
// record as a version that the report page shows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { asUser, checkA11y, checkedPageCount, launch, newContext, url, userFor, userNamed } from '../lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  console.log(`accessibility: ${checkedPageCount()} page(s) checked with axe-core`);
});

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

/** The previous month in Helsinki, as the server counts it: [YYYY-MM, first eight Tue/Thu]. */
function previousMonth() {
  const today = new Date(new Date().toLocaleString('en-US', { timeZone: 'Europe/Helsinki' }));
  const first = new Date(Date.UTC(today.getFullYear(), today.getMonth() - 1, 1));
  const ym = first.toISOString().slice(0, 7);
  const days = [];
  for (let d = new Date(first); d.getUTCMonth() === first.getUTCMonth(); d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() === 2 || d.getUTCDay() === 4) days.push(d.toISOString().slice(0, 10));
  }
  return [ym, days.slice(0, 8)];
}

/** The value of a fact (dt/dd pair) on the page. */
async function fact(page, label) {
  return (await page.locator('dl.facts dt', { hasText: label }).first().locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

test('a month of visits is confirmed by the family, reported and approved', async () => {
  const worker = userFor('worker', 'Kasvun Polku');
  const social = userFor('social_worker', 'Kymenlaakso');
  const auditor = userFor('auditor', 'Kymenlaakso');
  const guardian = userNamed('kokeilu.huoltaja');
  const stranger = userNamed('naytos.huoltaja');
  const [month, days] = previousMonth();
  assert.equal(days.length, 8);

  // The worker finds the family's commitment and logs eight visits, on a phone-sized screen.
  const number = await as(
    worker,
    async (page) => {
      await page.goto(url('/commitments'));
      const links = await page.locator('a[href$="/visits"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      let found;
      for (const href of [...new Set(links)]) {
        await page.goto(url(`${href}?month=${month}`));
        if ((await page.locator('dl.facts').first().innerText()).includes('Aada Kokeilu')) {
          found = href.split('/')[2];
          break;
        }
      }
      assert.ok(found, 'the Kokeilu family has a commitment with Kasvun Polku');
      await checkA11y(page, 'visits of a month');
      assert.equal(await page.locator('ul.visit-list > li').count(), 0);

      // An end before the start is refused next to the field; what was typed is kept.
      await page.locator('input[name=date]').fill(days[0]);
      await page.locator('input[name=start]').fill('10:00');
      await page.locator('input[name=end]').fill('09:00');
      await page.locator('select[name=kind]').selectOption('home_visit');
      await page.locator('input[name=workers]').first().check();
      await page.locator('form.visit-form button[type=submit]').click();
      await page.waitForLoadState('load');
      assert.match(await page.locator('#e-end').innerText(), /alkamisajan jälkeen/);
      assert.equal(await page.locator('input[name=start]').inputValue(), '10:00');
      assert.equal(await page.locator('ul.visit-list > li').count(), 0);
      await checkA11y(page, 'visit refused');

      for (const [i, day] of days.entries()) {
        await page.locator('input[name=date]').fill(day);
        await page.locator('input[name=start]').fill(i % 2 ? '14:00' : '09:00');
        await page.locator('input[name=end]').fill(i % 2 ? '15:30' : '10:30');
        await page.locator('select[name=kind]').selectOption(i === 3 ? 'meeting' : 'home_visit');
        await page.locator('select[name=status]').selectOption('done');
        await page.locator('input[name=workers]').first().check();
        await page.locator('input[name=place]').fill('Perheen koti');
        await page.locator('textarea[name=description]').fill('Aamurutiinit ja rajat.');
        await page.locator('form.visit-form button[type=submit]').click();
        await page.waitForLoadState('load');
        assert.match(await page.locator('.code-notice').innerText(), /\d{4}-\d{4}/);
        if (i === 0) await checkA11y(page, 'visit saved with a one-time code');
      }
      await page.goto(url(`/commitments/${found}/visits?month=${month}`));
      assert.equal(await page.locator('ul.visit-list > li').count(), 8);
      assert.equal(await fact(page, 'Vahvistamatta'), '8');
      return found;
    },
    { viewport: { width: 390, height: 844 } },
  );

  // The guardian confirms seven and disputes one; a dispute without a reason is refused.
  let disputedId;
  await as(guardian, async (page) => {
    assert.match(new URL(page.url()).pathname, /^\/my\/visits$/);
    const items = page.locator('ul.visit-list > li');
    assert.equal(await items.count(), 8);
    await checkA11y(page, 'family visits');
    const last = items.last();
    disputedId = (await last.getAttribute('id')).slice(2);
    await last.locator('summary').click();
    await last.locator('button[value=dispute]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator(`#e-${disputedId}`).innerText(), /Kerro, miksi/);
    await checkA11y(page, 'dispute refused');
    const again = page.locator(`#r-${disputedId}`);
    await again.locator('summary').click();
    await again.locator('textarea[name=reason]').fill('Työntekijä ei tullut sovittuna aikana.');
    await again.locator('button[value=dispute]').click();
    await page.waitForLoadState('load');
    for (let i = 0; i < 7; i++) {
      await page.locator('ul.visit-list > li button[value=confirm]').first().click();
      await page.waitForLoadState('load');
    }
    assert.equal(await page.locator('button[value=confirm]').count(), 0);
    assert.equal(await page.locator('.status-confirmed').count(), 7);
    assert.equal(await page.locator('.status-disputed').count(), 1);
    // The family's account sees no one else's records.
    const r = await page.goto(url(`/commitments/${number}/visits`));
    assert.equal(r.status(), 403);
  });

  // The worker writes the monthly report and submits it.
  await as(worker, async (page) => {
    await page.goto(url(`/commitments/${number}/reports/${month}`));
    await checkA11y(page, 'monthly report form');
    assert.equal(await page.locator('fieldset.goal').count(), 2);
    await page.locator('select[name=rating_0]').selectOption('4');
    await page.locator('textarea[name=progress_0]').fill('Aamut sujuvat useimpina päivinä.');
    await page.locator('select[name=rating_1]').selectOption('3');
    await page.locator('textarea[name=progress_1]').fill('Vanhemmat ovat kokeilleet sovittuja keinoja.');
    await page.locator('input[name=gone_through]').check();
    await page.locator('textarea[name=summary]').fill('Kuukausi sujui suunnitelman mukaan; yksi käynti jäi pitämättä.');
    await page.locator('button[value=submit]').click();
    await page.waitForLoadState('load');
    assert.match(await fact(page, 'Tila'), /Lähetetty sosiaalityöntekijälle/);
  });

  // The social worker sees seven confirmed, one disputed with its reason, and approves.
  await as(social, async (page) => {
    await page.goto(url('/reports'));
    await checkA11y(page, 'reports waiting');
    await page.locator(`a[href="/commitments/${number}/reports/${month}"]`).click();
    await page.waitForLoadState('load');
    await checkA11y(page, 'report to approve');
    assert.equal(await fact(page, 'Vahvistettuja'), '7');
    assert.equal(await fact(page, 'Kiistettyjä'), '1');
    assert.match(await page.locator('table.visits').innerText(), /Työntekijä ei tullut sovittuna aikana/);
    // Every answer replaced an unconfirmed record, which is kept as a version (703/2023 22 §).
    const kept = page.locator('details.versions');
    assert.equal(await kept.count(), 8);
    await kept.first().locator('summary').click();
    assert.match(await kept.first().innerText(), /Versio 1: Toteutunut[\s\S]*käyntiin vastattiin[\s\S]*Vahvistamatta/);
    await checkA11y(page, 'visit versions open');
    // The report carries its metadata: service task, legal basis and the retention it sets.
    assert.notEqual(await fact(page, 'Palvelutehtävä'), '–');
    assert.match(await fact(page, 'Säilytysaika'), /^\d+ vuotta /);
    await page.locator('button[value=approve]').click();
    await page.waitForLoadState('load');
    assert.match(await fact(page, 'Tila'), /Hyväksytty/);
    // The submitted report is kept as it was when the approval replaced it.
    const earlier = page.locator('#versions + p + details.versions');
    await earlier.locator('summary').click();
    assert.match(await earlier.innerText(), /Versio 1: Lähetetty sosiaalityöntekijälle[\s\S]*raportti hyväksyttiin/);
    await checkA11y(page, 'report versions open');
  });

  // A guardian of another family sees none of it and cannot answer for it.
  await as(stranger, async (page) => {
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes('Aada'), 'another family sees nothing of the Kokeilu family');
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const r = await page.request.post(url(`/my/visits/${disputedId}`), {
      form: { csrf, answer: 'confirm' },
      headers: { Origin: new URL(url()).origin },
    });
    assert.equal(r.status(), 403);
  });

  // Every step is in the access log, with the child as its subject.
  const clientId = await as(social, async (page) => {
    await page.goto(url('/clients'));
    await page.locator('input[name=identity_code]').fill(hetu(12, 4, 2013, 960));
    await page.locator('form[action="/clients/search"] button[type=submit]').click();
    await page.waitForLoadState('load');
    const id = new URL(page.url()).pathname.split('/')[2];
    // The other guardian gets an account too; a user name already taken is refused in place.
    await page.goto(url(`/clients/${id}/accounts`));
    await checkA11y(page, 'account for a guardian');
    const janne = await page
      .locator('select[name=person] option')
      .evaluateAll((opts) => opts.find((o) => o.textContent.includes('Janne'))?.value);
    await page.locator('select[name=person]').selectOption(janne);
    await page.locator('input[name=username]').fill(guardian.username);
    await page.locator('input[name=password]').fill('pitkä salasana janne');
    await page.locator('main form button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#e-username').innerText(), /jo käytössä/);
    await page.locator('input[name=username]').fill('kokeilu.janne');
    await page.locator('input[name=password]').fill('pitkä salasana janne');
    await page.locator('main form button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, `/clients/${id}`);
    return id;
  });
  // Several guardians: the second sees the same visits, already answered.
  await as({ username: 'kokeilu.janne', password: 'pitkä salasana janne' }, async (page) => {
    assert.equal(await page.locator('ul.visit-list > li').count(), 8);
    assert.equal(await page.locator('button[value=confirm]').count(), 0);
  });
  await as(auditor, async (page) => {
    await page.goto(url(`/audit?record=${clientId}`));
    await checkA11y(page, 'access log of the child');
    const log = await page.locator('main table').innerText();
    for (const who of [worker.username, guardian.username, social.username, stranger.username]) {
      assert.ok(log.includes(who), `${who} is in the log`);
    }
    assert.match(log, /Käynti/);
    assert.match(log, /Kuukausiraportti/);
    assert.ok(!log.includes(hetu(12, 4, 2013, 960)), 'no identity code in the log');
  });
});

test('a visit is confirmed with a one-time code without an account, another on paper', async () => {
  const worker = userFor('worker', 'Kasvun Polku');
  const today = new Date(new Date().toLocaleString('en-US', { timeZone: 'Europe/Helsinki' }));
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;

  // The worker logs two visits for the Näytös family today and gets a code for the first.
  const [number, code] = await as(worker, async (page) => {
    // The home page reminds of the reports due or late; a returned one shows its comments.
    const reminders = page.locator('main .notice', { hasText: 'Kuukausiraportit' });
    assert.ok((await reminders.locator('li').count()) > 0, 'reports due or late are listed');
    await checkA11y(page, 'home with report reminders');
    const due = await reminders.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    let returned = false;
    for (const href of due) {
      await page.goto(url(href));
      if ((await page.locator('main').innerText()).includes('Sosiaalityöntekijän kommentit')) {
        returned = true;
        await checkA11y(page, 'returned report');
        break;
      }
    }
    assert.ok(returned, 'a returned report shows the social worker\'s comments');
    await page.goto(url('/commitments'));
    const links = await page.locator('a[href$="/visits"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    let found;
    for (const href of [...new Set(links)]) {
      await page.goto(url(href));
      if ((await page.locator('dl.facts').first().innerText()).includes('Eino Näytös')) {
        found = href.split('/')[2];
        break;
      }
    }
    assert.ok(found, 'the Näytös family has a commitment with Kasvun Polku');
    // The plan: a goal without how it is evaluated is refused next to the field.
    await page.goto(url(`/commitments/${found}/plan`));
    await checkA11y(page, 'service plan');
    const goals = await page.locator('textarea[name=goals]').inputValue();
    await page.locator('textarea[name=goals]').fill(`${goals}\nUusi tavoite ilman arviointia`);
    await page.locator('main form button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#e-goals').innerText(), /arviointitapa/);
    await checkA11y(page, 'service plan refused');

    let code;
    for (const [start, end] of [['07:30', '08:15'], ['16:00', '17:00']]) {
      await page.goto(url(`/commitments/${found}/visits`));
      await page.locator('input[name=date]').fill(day);
      await page.locator('input[name=start]').fill(start);
      await page.locator('input[name=end]').fill(end);
      await page.locator('select[name=kind]').selectOption('phone_or_video');
      await page.locator('input[name=workers]').first().check();
      await page.locator('form.visit-form button[type=submit]').click();
      await page.waitForLoadState('load');
      code ??= (await page.locator('.code-notice').innerText()).match(/\d{4}-\d{4}/)[0];
    }
    // The second goes on paper: the signed report is uploaded and the visit marked.
    const paper = page.locator('form[action$="/paper"]');
    await paper.locator('input[name=file]').setInputFiles({
      name: 'allekirjoitettu.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 allekirjoitettu raportti'),
    });
    await paper.locator('input[name=signed_by]').fill('Helena Näytös');
    await paper.locator('label', { hasText: '16.00' }).click();
    await paper.locator('button[type=submit]').click();
    await page.waitForLoadState('load');
    const card = page.locator('ul.visit-list > li', { hasText: '16.00' });
    assert.match(await card.innerText(), /Vahvistettu paperilla \(Helena Näytös\)/);
    const download = await page.request.get(url(await card.locator('a[href^="/attachments/"]').getAttribute('href')));
    assert.equal(download.status(), 200);
    assert.equal(download.headers()['content-type'], 'application/pdf');
    return [found, code];
  });

  // The family, without an account: a wrong code is refused, the right one works once.
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(url('/confirm'));
    await checkA11y(page, 'confirm with a code');
    await page.locator('input[name=code]').fill('0000-0000');
    await page.locator('main form button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#e-code').innerText(), /Koodi ei kelpaa/);
    await checkA11y(page, 'code refused');
    await page.locator('input[name=code]').fill(code);
    await page.locator('main form button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('main').innerText(), /Kasvun Polku/);
    assert.ok(!(await page.locator('main').innerText()).includes('Eino'), 'the code shows no names');
    await page.locator('input[name=name]').fill('Ville Näytös');
    await page.locator('button[value=confirm]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('[role=status]').innerText(), /käynti on vahvistettu/);
    await checkA11y(page, 'confirmed with a code');
    await page.locator('input[name=code]').fill(code);
    await page.locator('main form button[type=submit]').click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('#e-code').innerText(), /Koodi ei kelpaa/);
  } finally {
    await context.close();
  }
  await as(worker, async (page) => {
    await page.goto(url(`/commitments/${number}/visits`));
    const card = page.locator('ul.visit-list > li', { hasText: '07.30' });
    assert.match(await card.innerText(), /Vahvistettu \(Ville Näytös\)/);
  });
});
