/**
 * A real browser for the portal's tests and benchmark: Debian's `chromium`, headless (no display
 * server needed), driven by puppeteer-core. `FAAS_CHROMIUM` names another binary. A missing
 * browser fails the test (CI installs `chromium`), it is never skipped.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {Browser} from 'puppeteer-core'

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const found = env.FAAS_CHROMIUM || CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p))
  if (!found) throw new Error(`no chromium found (looked at ${CHROMIUM_CANDIDATES.join(', ')}): install Debian's "chromium" (apt-get install chromium) or set FAAS_CHROMIUM`)
  return found
}

export interface LaunchedBrowser {
  browser: Browser
  close(): Promise<void>
}

/** Starts headless chromium with a fresh profile (removed on close). */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const {default: puppeteer} = await import('puppeteer-core')
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'faas-chromium-'))
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    // no sandbox: CI runs as root in a container; the browser only loads the test's own pages
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    protocolTimeout: 20_000,
  })
  return {
    browser,
    async close() {
      await browser.close().catch(() => {})
      fs.rmSync(profile, {recursive: true, force: true})
    },
  }
}

/** Where tests write artefacts (screenshots): $FAAS_TEST_ARTIFACTS, else test-artifacts/ in the repo. */
export function artifactsDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.FAAS_TEST_ARTIFACTS ? path.resolve(env.FAAS_TEST_ARTIFACTS) : path.join(repoRoot, 'test-artifacts')
  fs.mkdirSync(dir, {recursive: true})
  return dir
}
