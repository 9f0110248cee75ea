// Helpers for Kumppani's browser tests (node:test + playwright-core + axe-core).
//
// The tests run against a live server started by scripts/test:
//   KUMPPANI_URL          base URL of the server, e.g. http://127.0.0.1:41234
//   KUMPPANI_CREDENTIALS  path to the JSON file written by `kumppani demo --credentials-file`:
//                         [{ "username", "password", "role", "organisation" }, ...]
// Optional:
//   KUMPPANI_CHROMIUM     browser executable (default /usr/bin/chromium, Debian's package)
//   KUMPPANI_HEADED=1     show the browser window (needs a display)
//   KUMPPANI_A11Y_LOG     file to which checkA11y appends one JSON line per page checked

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Role codes used in the credentials file. */
export const ROLES = Object.freeze([
  'purchaser_admin',
  'procurement_specialist',
  'social_worker',
  'leading_social_worker',
  'controller',
  'auditor',
  'provider_signatory',
  'service_manager',
  'worker',
  'client_or_guardian',
]);

/** axe-core tags that checkA11y enforces. */
export const A11Y_TAGS = Object.freeze(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);

/** Impacts that make checkA11y fail; `minor` and `moderate` are only reported in the result. */
export const A11Y_FAILING_IMPACTS = Object.freeze(['serious', 'critical']);

// Flags this machine's Chromium needs (see the machine notes): as root there is no sandbox,
// there is no GPU, and the closed network refuses Chromium's background connections.
// playwright-core already passes --headless, --no-sandbox, --no-first-run,
// --disable-background-networking, --disable-component-update and --disable-sync itself
// (and a fresh temporary --user-data-dir); they are repeated here so that the set does not
// depend on what a future playwright-core version chooses. --disable-gpu and
// --disable-quic are ours alone.
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** Launches Debian's Chromium through playwright-core. Close it with `await browser.close()`. */
export async function launch(options = {}) {
  const executablePath = process.env.KUMPPANI_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install Debian's package (apt-get install chromium) ` +
        'or set KUMPPANI_CHROMIUM. (`npx playwright install` cannot download browsers here.)',
    );
  }
  const headless = process.env.KUMPPANI_HEADED !== '1';
  const { args = [], ...rest } = options;
  return chromium.launch({
    executablePath,
    headless,
    // playwright adds --headless itself when headless is true; keep the explicit flag anyway.
    args: [...(headless ? ['--headless'] : []), ...CHROMIUM_ARGS, ...args],
    timeout: 60_000,
    ...rest,
  });
}

/**
 * A fresh browser context (own cookies and storage). Defaults: Finnish locale, Helsinki time.
 * Any other Playwright context option can be passed through.
 */
export async function newContext(browser, { locale = 'fi-FI', timezoneId = 'Europe/Helsinki', ...rest } = {}) {
  return browser.newContext({ locale, timezoneId, ...rest });
}

/** Base URL of the server under test, without a trailing slash. */
export function baseUrl() {
  const url = process.env.KUMPPANI_URL;
  if (!url) {
    throw new Error('KUMPPANI_URL is not set (scripts/test sets it; e.g. KUMPPANI_URL=http://127.0.0.1:8080)');
  }
  return url.replace(/\/+$/, '');
}

/** Absolute URL for a server path such as `/login`. */
export function url(path = '/') {
  return baseUrl() + (path.startsWith('/') ? path : `/${path}`);
}

let credentialsCache;

/** The demo users from the JSON file at KUMPPANI_CREDENTIALS (read once). */
export function credentials() {
  if (credentialsCache) return credentialsCache;
  const file = process.env.KUMPPANI_CREDENTIALS;
  if (!file) {
    throw new Error('KUMPPANI_CREDENTIALS is not set (path to the file from `kumppani demo --credentials-file`)');
  }
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read credentials file ${file}: ${err.message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new Error(`credentials file ${file}: expected a JSON array of users`);
  }
  parsed.forEach((user, i) => {
    for (const key of ['username', 'password', 'role', 'organisation']) {
      if (typeof user?.[key] !== 'string' || user[key] === '') {
        throw new Error(`credentials file ${file}: entry ${i} lacks a string "${key}"`);
      }
    }
    if (!ROLES.includes(user.role)) {
      throw new Error(`credentials file ${file}: entry ${i} has unknown role "${user.role}"`);
    }
  });
  credentialsCache = Object.freeze(parsed.map((user) => Object.freeze({ ...user })));
  return credentialsCache;
}

/**
 * The first demo user with `role` (a code from ROLES), optionally in an organisation whose
 * name contains `organisationSubstring` (case-insensitive). Throws if there is none.
 */
export function userFor(role, organisationSubstring) {
  if (!ROLES.includes(role)) throw new Error(`userFor: unknown role "${role}"`);
  const needle = organisationSubstring?.toLocaleLowerCase('fi');
  const users = credentials();
  const user = users.find(
    (u) => u.role === role && (needle === undefined || u.organisation.toLocaleLowerCase('fi').includes(needle)),
  );
  if (!user) {
    const available = users.map((u) => `${u.role} @ ${u.organisation}`).join('\n  ');
    throw new Error(
      `no demo user with role ${role}${needle === undefined ? '' : ` in an organisation matching "${organisationSubstring}"`}; ` +
        `the credentials file has:\n  ${available}`,
    );
  }
  return user;
}

function isLoginPath(href) {
  return /\/login\/?$/.test(new URL(href).pathname);
}

/** The demo user with this user name (the family accounts have fixed ones). */
export function userNamed(username) {
  const user = credentials().find((u) => u.username === username);
  if (!user) throw new Error(`no demo user ${username} in the credentials file`);
  return user;
}

/**
 * Signs in through the login form and waits for the page it leads to.
 * Fails if the browser is still on /login afterwards (wrong password, form error, ...).
 * Accepts either (page, username, password) or (page, userObject).
 */
export async function signIn(page, username, password) {
  if (typeof username === 'object' && username !== null) ({ username, password } = username);
  await page.goto(url('/login'));
  const form = page.locator('form#login-form');
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: 30_000,
  });
  await form.locator('button[type=submit]').click();
  await navigated;
  await page.waitForLoadState('load');
  if (isLoginPath(page.url())) {
    const alert = await page
      .locator('[role=alert], .error, .errors')
      .allInnerTexts()
      .catch(() => []);
    assert.fail(
      `sign-in as ${username} stayed on ${page.url()}` + (alert.length ? `: ${alert.join(' / ').trim()}` : ''),
    );
  }
  return page;
}

/**
 * Runs `fn(page)` signed in as `user` in a fresh context with the Finnish interface, and
 * closes the context whatever happens. `options` go to the context (downloads are accepted).
 */
export async function asUser(browser, user, fn, options = {}) {
  const context = await newContext(browser, { acceptDownloads: true, ...options });
  try {
    const page = await context.newPage();
    await signIn(page, user);
    await page.locator('form[action="/language"] button[value=fi]').click();
    await page.waitForLoadState('load');
    return await fn(page);
  } finally {
    await context.close();
  }
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Every page checkA11y ran on in this process, in order: { label, url, violations, failing }.
 * node --test runs each test file in its own process, so this is per file; set
 * KUMPPANI_A11Y_LOG to a file path to also get one JSON line per check across all files
 * (scripts/test does, and prints the total).
 */
export const a11yChecks = [];

/** Number of distinct URLs (without #fragment) checkA11y has run on in this process. */
export function checkedPageCount() {
  return new Set(a11yChecks.map((c) => c.url.split('#')[0])).size;
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const targets = v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}`);
      if (v.nodes.length > 5) targets.push(`      … and ${v.nodes.length - 5} more`);
      return `  - ${v.id} [${v.impact}] ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
    })
    .join('\n');
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now.
 * Throws, listing rule, impact, help and target selectors, if any violation is serious or
 * critical; returns the full axe result otherwise.
 *
 * axe is injected with page.evaluate (the DevTools protocol), which the page's own
 * Content-Security-Policy does not block, so the app need not relax its CSP for the tests.
 */
export async function checkA11y(page, label = page.url(), { options = {} } = {}) {
  for (const frame of page.frames()) {
    try {
      const present = await frame.evaluate(() => typeof window.axe?.run === 'function');
      if (!present) await frame.evaluate(axeSource);
    } catch (err) {
      // A detached or navigating child frame; the top frame must work.
      if (frame === page.mainFrame()) throw err;
    }
  }
  const result = await page.evaluate(
    (opts) => window.axe.run(document, opts),
    { runOnly: { type: 'tag', values: [...A11Y_TAGS] }, ...options },
  );
  const failing = result.violations.filter((v) => A11Y_FAILING_IMPACTS.includes(v.impact));
  const record = { label, url: page.url(), violations: result.violations.length, failing: failing.length };
  a11yChecks.push(record);
  if (process.env.KUMPPANI_A11Y_LOG) appendFileSync(process.env.KUMPPANI_A11Y_LOG, `${JSON.stringify(record)}\n`);
  if (failing.length > 0) {
    throw new Error(
      `accessibility: ${failing.length} serious/critical axe violation(s) on ${label} (${page.url()}):\n` +
        formatViolations(failing),
    );
  }
  return result;
}

/**
 * Collects console errors and uncaught page errors (a CSP violation shows up here).
 * Returns the live array; assert it is empty at the end of a test.
 */
export function collectPageErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}
