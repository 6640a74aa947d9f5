// Records a HAR of one page load in a real headless Chromium (Playwright's recordHar, response
// bodies embedded) and exits when the page's fetches are done (its title becomes "done").
// Usage: node record_har.js <playwright-core dir> <chromium binary> <url> <out.har>
const [, , pw, browserPath, url, out] = process.argv;
const { chromium } = require(pw);

(async () => {
  const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  const context = await browser.newContext({ recordHar: { path: out, content: "embed" } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.title !== "pets", null, { timeout: 30000 });
  const title = await page.title();
  await context.close(); // writes the HAR
  await browser.close();
  if (title !== "done") {
    console.error(`the page did not finish its fetches: ${title}`);
    process.exit(1);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
