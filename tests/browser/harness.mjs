// What mizan's browser checks share: options, playwright-core from target/node, a headless
// Chromium, opening a page from disk while recording everything that must not happen (console
// errors, page errors, network requests, dialogs, an injected script springing a trap), the
// safety checks every page must pass, and the `ok - …` / `FAIL - …` tally.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// `--key value` options over the defaults given; anything else prints `usage` and exits 2.
export function parseOptions(defaults, usage) {
  const options = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in options) || argv[i + 1] === undefined) {
      console.error(`usage: ${usage}`);
      process.exit(2);
    }
    options[key] = argv[i + 1];
  }
  return options;
}

function loadPlaywright() {
  for (const base of [path.join(root, 'target/node/'), root + '/']) {
    try {
      return createRequire(base)('playwright-core');
    } catch { /* try the next place */ }
  }
  console.error('error: playwright-core not found; install it with `npm install --prefix target/node playwright-core`');
  process.exit(2);
}

export const tally = { passed: 0, failed: 0 };
export function check(name, ok, detail = '') {
  if (ok) {
    tally.passed += 1;
    console.log(`ok - ${name}`);
  } else {
    tally.failed += 1;
    console.log(`FAIL - ${name}${detail ? ': ' + detail : ''}`);
  }
}

// playwright-core starts the browser with a fresh temporary profile (user-data dir) each time.
export async function launch(executablePath) {
  const { chromium } = loadPlaywright();
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Opens a page from disk and records everything that must not happen; waits for the page's
// script to mark the document ready unless `ready` is false (a page without a script).
export async function open(browser, file, { width = 1280, height = 900, ready = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const trouble = { console: [], errors: [], requests: [], dialogs: [] };
  page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') trouble.console.push(message.text()); });
  page.on('pageerror', (error) => trouble.errors.push(String(error)));
  page.on('dialog', async (dialog) => { trouble.dialogs.push(dialog.message()); await dialog.dismiss(); });
  const url = pathToFileURL(path.resolve(file)).href;
  page.on('request', (request) => { if (request.url() !== url) trouble.requests.push(request.url()); });
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  // A trap any injected script would spring, and a way to tell that no dialog was asked for.
  await page.addInitScript(() => {
    window.__pwned = 0;
    for (const name of ['alert', 'confirm', 'prompt']) window[name] = () => { window.__pwned += 1; };
  });
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  if (ready) await page.waitForSelector('html[data-ready="true"]', { timeout: 30000 });
  return { page, context, trouble, loadMs: Date.now() - started };
}

// No console error, page error, request or dialog; no injected script or element; only the
// page's own `scripts` scripts; a policy that forbids loads.
export async function checkSafety(session, label, scripts = 2) {
  const { page, trouble } = session;
  check(`${label}: no console errors or warnings`, trouble.console.length === 0, trouble.console.join(' | '));
  check(`${label}: no page errors`, trouble.errors.length === 0, trouble.errors.join(' | '));
  check(`${label}: no network requests`, trouble.requests.length === 0, trouble.requests.join(' '));
  check(`${label}: no dialog`, trouble.dialogs.length === 0, trouble.dialogs.join(' | '));
  const state = await page.evaluate(() => ({
    pwned: window.__pwned,
    img: document.querySelector('img[src=x]') !== null,
    images: document.images.length,
    scripts: document.scripts.length,
    handlers: document.querySelectorAll('[onerror], [onmouseover], [onload], [onclick]').length,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || '',
  }));
  check(`${label}: no injected script ran`, state.pwned === 0, `trap sprung ${state.pwned} times`);
  check(`${label}: no injected element`, !state.img && state.images === 0 && state.handlers === 0, JSON.stringify(state));
  check(`${label}: only the page's ${scripts} scripts`, state.scripts === scripts, `${state.scripts} scripts`);
  check(`${label}: the CSP forbids loads`, state.csp.includes("default-src 'none'") && !state.csp.includes("script-src 'unsafe-inline'"), state.csp);
}
