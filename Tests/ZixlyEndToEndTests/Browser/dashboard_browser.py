"""Drives the dashboard of a running `zixly up` in Debian's chromium through Selenium.

    python dashboard_browser.py BASE_URL ADMIN_KEY VIEWER_KEY SCREENSHOT_DIR

Signs in, triggers a sweep (checking the live combination count), watches it complete live,
changes the heatmap's metric, sorts the results, downloads the CSV with the session, cancels a
running sweep, sees a job queued through the API appear in the open table, rotates the
webhook signing secret, uploads a dataset through its form, signs out, and checks a viewer sees no forbidden action. Saves a screenshot of
each page in SCREENSHOT_DIR. Prints one JSON line of what it saw; exits 1 naming the first
step that failed.
"""
import importlib.util
import json
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

base, admin_key, viewer_key, shots = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(shots, exist_ok=True)
seen = {}


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def shot(driver, name):
    driver.save_screenshot(os.path.join(shots, name + ".png"))
    seen.setdefault("screenshots", []).append(name + ".png")


def axe_source():
    """axe-core as axe-playwright-python ships it (scripts/test.sh installs it without Playwright)."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None:
        raise RuntimeError("axe-core is missing: pip install --no-deps axe-playwright-python (scripts/test.sh does)")
    with open(os.path.join(os.path.dirname(spec.origin), "axe.min.js")) as handle:
        return handle.read()


AXE = axe_source()


def audit(driver, page):
    """Runs axe-core on the page as it is: its serious and critical violations, by page."""
    driver.execute_script(AXE)
    violations = driver.execute_async_script(
        "var done = arguments[0];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
        "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
        "    .map(function (v) { return v.id + ' (' + v.impact + ', ' + v.nodes.length + '): ' + v.nodes[0].target.join(' '); })); });")
    seen.setdefault("a11y", {})[page] = violations
    seen.setdefault("a11y_pages", []).append(page)


def wait(driver, seconds=60):
    return WebDriverWait(driver, seconds)


def sign_in(driver, key):
    driver.get(base + "/login")
    driver.find_element(By.ID, "api_key").send_keys(key)
    driver.find_element(By.XPATH, "//button[text()='Sign in with the key']").click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "jobs")))


def fill(driver, values):
    form = driver.find_element(By.ID, "sweep-form")
    for name, value in values.items():
        field = form.find_element(By.NAME, name)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)


step = "start"
driver = browser()
try:
    step = "sign in page"
    driver.get(base + "/")
    wait(driver).until(EC.url_contains("/login"))
    shot(driver, "01-sign-in")
    audit(driver, "sign-in")

    step = "sign in as admin"
    sign_in(driver, admin_key)
    shot(driver, "02-jobs-empty")

    step = "trigger form counts combinations as you type"
    driver.find_element(By.LINK_TEXT, "Trigger a sweep").click()
    fill(driver, {"ticker": "GOOG", "strategy_type": "SMA", "fast_from": "5", "fast_to": "20", "slow_from": "30", "slow_to": "60", "step": "5", "min_trades": "10"})
    wait(driver, 5).until(EC.text_to_be_present_in_element((By.ID, "combinations"), "28 combinations"))
    seen["combinations"] = driver.find_element(By.ID, "combinations").text
    shot(driver, "03-trigger")
    audit(driver, "trigger")

    step = "validation messages next to the fields"
    fill(driver, {"fast_from": "50"})
    driver.find_element(By.CSS_SELECTOR, "button[value='submit']").click()
    wait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".field-error")))
    seen["validation"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error")]
    shot(driver, "04-trigger-invalid")

    step = "start the sweep and watch it complete live"
    fill(driver, {"fast_from": "5"})
    driver.find_element(By.CSS_SELECTOR, "button[value='submit']").click()
    wait(driver, 10).until(EC.url_contains("/jobs/"))
    job_url = driver.current_url.split("?")[0]
    wait(driver, 90).until(EC.text_to_be_present_in_element((By.ID, "status"), "completed"))
    wait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.heatmap")))
    seen["heatmap_cells"] = len(driver.find_elements(By.CSS_SELECTOR, "svg.heatmap rect.cell"))
    shot(driver, "05-job-heatmap")
    audit(driver, "job")

    step = "the heatmap reads a cell out on hover and on keyboard focus"
    readout = driver.find_element(By.ID, "heatmap-readout")
    cells = driver.find_elements(By.CSS_SELECTOR, "svg.heatmap rect.cell")
    webdriver.ActionChains(driver).move_to_element(cells[3]).perform()
    wait(driver, 5).until(lambda d: readout.text.startswith("fast "))
    seen["heatmap_hover"] = readout.text
    svg = driver.find_element(By.CSS_SELECTOR, "svg.heatmap")
    driver.execute_script("arguments[0].focus()", svg)
    webdriver.ActionChains(driver).send_keys(Keys.ARROW_UP).perform()
    wait(driver, 5).until(lambda d: readout.text != seen["heatmap_hover"])
    seen["heatmap_keyboard"] = readout.text
    seen["heatmap_ticks"] = len(driver.find_elements(By.CSS_SELECTOR, "svg.heatmap line.tick"))
    seen["heatmap_legend"] = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#heatmap ~ figure .chart-legend li, figure .chart-legend li")][:3]

    step = "the equity chart: coloured series, hover read-out, log scale"
    strategy_stroke = driver.execute_script("return getComputedStyle(document.querySelector('svg.equity polyline.strategy')).stroke")
    hold_stroke = driver.execute_script("return getComputedStyle(document.querySelector('svg.equity polyline.buy-and-hold')).stroke")
    swatch = driver.execute_script("return getComputedStyle(document.querySelector('.swatch-strategy')).borderTopColor")
    seen["equity_colours"] = [strategy_stroke, hold_stroke, swatch]
    equity = driver.find_element(By.CSS_SELECTOR, "svg.equity")
    driver.execute_script("arguments[0].scrollIntoView()", equity)
    webdriver.ActionChains(driver).move_to_element(equity).perform()
    wait(driver, 5).until(lambda d: "buy and hold" in d.find_element(By.ID, "equity-readout").text)
    seen["equity_hover"] = driver.find_element(By.ID, "equity-readout").text
    shot(driver, "05b-equity-chart")
    driver.find_element(By.LINK_TEXT, "Log scale").click()
    wait(driver, 10).until(EC.presence_of_element_located((By.LINK_TEXT, "Linear scale")))
    seen["equity_log"] = "log scale" in driver.find_element(By.CSS_SELECTOR, "svg.equity").get_attribute("innerHTML")

    step = "a click on a heatmap cell opens that combination"
    driver.find_elements(By.CSS_SELECTOR, "svg.heatmap rect.cell")[0].click()
    wait(driver, 10).until(EC.url_contains("/combinations/"))
    seen["combination_title"] = driver.find_element(By.TAG_NAME, "h1").text
    seen["combination_equity"] = len(driver.find_elements(By.CSS_SELECTOR, "svg.equity polyline.strategy"))
    seen["combination_trades"] = len(driver.find_elements(By.CSS_SELECTOR, "#trades-table tbody tr"))
    shot(driver, "05c-combination")
    audit(driver, "combination")
    driver.execute_script("document.getElementById('trades').scrollIntoView()")
    shot(driver, "05c2-combination-trades")
    driver.get(job_url)

    step = "an unknown job is a page, not JSON"
    driver.get(base + "/jobs/00000000-0000-0000-0000-000000000000")
    seen["error_page"] = driver.find_element(By.TAG_NAME, "h1").text
    shot(driver, "05f-error-404")
    audit(driver, "error-404")

    step = "phone width: charts keep readable text"
    driver.set_window_size(390, 844)
    driver.get(job_url)
    wait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.heatmap")))
    sizes = driver.execute_script(
        "return ['svg.heatmap', 'svg.equity'].map(function (s) {"
        "  var svg = document.querySelector(s), t = svg.querySelector('text.axis');"
        "  return parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; })")
    seen["phone_text_px"] = [round(size, 1) for size in sizes]
    seen["phone_page_width"] = driver.execute_script("return document.documentElement.scrollWidth")
    driver.execute_script("document.getElementById('heatmap').scrollIntoView()")
    shot(driver, "05d-phone-heatmap")
    driver.execute_script("document.getElementById('equity').scrollIntoView()")
    shot(driver, "05e-phone-equity")
    driver.get(base + "/jobs/00000000-0000-0000-0000-000000000000")
    shot(driver, "05g-phone-error-404")
    driver.set_window_size(1280, 1400)
    driver.get(job_url)

    step = "change the heatmap's metric"
    Select(driver.find_element(By.NAME, "metric")).select_by_value("max_drawdown_pct")
    driver.find_element(By.CSS_SELECTOR, "form[action*='heatmap'] button").click()
    wait(driver, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "figcaption"), "max_drawdown_pct"))
    shot(driver, "06-heatmap-drawdown")

    step = "sort the results"
    driver.find_element(By.LINK_TEXT, "Sharpe").click()
    wait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "th[aria-sort] a")))
    header = driver.find_element(By.CSS_SELECTOR, "th[aria-sort]")
    seen["sorted_by"] = header.text
    sharpes = [float(row.find_elements(By.TAG_NAME, "td")[3].text) for row in driver.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")]
    seen["sorted_descending"] = sharpes == sorted(sharpes, reverse=True)
    shot(driver, "07-results-sorted")

    step = "download the CSV with the session"
    link = driver.find_element(By.LINK_TEXT, "Download CSV").get_attribute("href")
    csv = driver.execute_async_script("var done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done);", link)
    seen["csv_lines"] = len(csv.strip().split("\n"))
    seen["csv_header"] = csv.split("\n")[0].split(",")[:3]

    step = "cancel a running sweep"
    driver.get(base + "/trigger")
    fill(driver, {"ticker": "EURUSD", "fast_from": "2", "fast_to": "100", "slow_from": "101", "slow_to": "300", "step": "1"})
    driver.find_element(By.CSS_SELECTOR, "button[value='submit']").click()
    wait(driver, 10).until(EC.url_contains("/jobs/"))
    wait(driver, 30).until(EC.text_to_be_present_in_element((By.ID, "status"), "running"))
    wait(driver, 5).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#notice[data-code='queued']"))
    seen["no_stale_queued_notice"] = True
    shot(driver, "08-job-running")
    driver.find_element(By.XPATH, "//button[text()='Cancel']").click()
    wait(driver, 60).until(EC.text_to_be_present_in_element((By.ID, "status"), "cancelled"))
    seen["cancelled"] = True
    shot(driver, "09-job-cancelled")

    step = "the jobs table"
    driver.get(base + "/")
    seen["job_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "#jobs tbody tr[data-job]"))
    shot(driver, "10-jobs")
    audit(driver, "jobs")

    step = "the jobs list on a phone: rows stack, Cancel and Retry stay on screen"
    driver.set_window_size(390, 844)
    driver.get(base + "/")
    wait(driver, 10).until(EC.presence_of_element_located((By.ID, "jobs")))
    seen["phone_jobs_width"] = driver.execute_script("return document.documentElement.scrollWidth")
    seen["phone_jobs_buttons_inside"] = driver.execute_script(
        "return Array.prototype.every.call(document.querySelectorAll('#jobs button'), function (b) {"
        "  var r = b.getBoundingClientRect(); return r.right <= window.innerWidth; })")
    seen["phone_jobs_what"] = driver.find_element(By.CSS_SELECTOR, "#jobs td.what").text
    shot(driver, "10b-phone-jobs")
    audit(driver, "phone-jobs")
    driver.set_window_size(1280, 1400)
    driver.get(base + "/")

    step = "a job queued elsewhere appears in the open table by itself"
    request = urllib.request.Request(
        base + "/api/pipelines", data=json.dumps({"job_type": "trading-sweep", "ticker": "GOOG", "config": {"fast_range": [5, 20], "slow_range": [30, 60], "step": 5}}).encode(), method="POST",
        headers={"Authorization": "Bearer " + admin_key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        new_job = json.load(answer)["job"]["id"]
    wait(driver, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#jobs tr[data-job='%s']" % new_job)))
    seen["live_new_row"] = True

    step = "settings: make a key, shown once"
    driver.find_element(By.LINK_TEXT, "Settings").click()
    wait(driver, 10).until(EC.presence_of_element_located((By.ID, "keys-table")))
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/settings/keys']")
    form.find_element(By.NAME, "name").send_keys("browser test key")
    Select(form.find_element(By.NAME, "role")).select_by_value("viewer")
    form.find_element(By.TAG_NAME, "button").click()
    wait(driver, 10).until(EC.presence_of_element_located((By.ID, "new-key")))
    seen["new_key_shown"] = driver.find_element(By.ID, "new-key").text.startswith("zk_")
    shot(driver, "13-settings")
    audit(driver, "settings")

    step = "settings: add a signing secret (keeping the old one by default), here retiring the old one in 24 hours"
    seen["settings_url_after_post"] = driver.current_url.replace(base, "")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/settings/signing-secrets']")
    retire = Select(form.find_element(By.NAME, "retire_others"))
    seen["retire_default"] = retire.first_selected_option.get_attribute("value")
    retire.select_by_value("86400")
    form.find_element(By.TAG_NAME, "button").click()
    wait(driver, 10).until(EC.presence_of_element_located((By.ID, "new-signing-secret")))
    seen["new_signing_secret_shown"] = driver.find_element(By.ID, "new-signing-secret").text.startswith("whsec_")
    seen["signing_secret_states"] = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#signing-secrets-table tbody tr td:nth-child(3)")]
    driver.execute_script("document.getElementById('signing-secrets').scrollIntoView()")
    shot(driver, "14-signing-secrets")

    step = "datasets: upload a CSV through the form, see its version"
    csv_path = os.path.join(shots, "acme-upload.csv")
    with open(csv_path, "w") as handle:
        handle.write("Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9.5,10.5,1000\n2024-01-03,10.5,10.9,10.1,10.2,1200\n")
    driver.get(base + "/datasets")
    wait(driver, 10).until(EC.presence_of_element_located((By.ID, "datasets")))
    form = driver.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data']")
    form.find_element(By.NAME, "ticker").send_keys("acme")
    form.find_element(By.NAME, "file").send_keys(csv_path)
    form.find_element(By.TAG_NAME, "button").click()
    wait(driver, 10).until(EC.presence_of_element_located((By.ID, "versions")))
    seen["dataset_notice"] = driver.find_element(By.CSS_SELECTOR, "p[role='status']").text
    seen["dataset_versions"] = len(driver.find_elements(By.CSS_SELECTOR, "#versions tbody tr"))
    os.remove(csv_path)
    shot(driver, "15-dataset")
    audit(driver, "dataset")

    step = "every page at a phone's width: no sideways scrolling"
    driver.set_window_size(390, 844)
    for name, path in [("trigger", "/trigger"), ("datasets", "/datasets"), ("dataset", "/datasets/ACME"), ("settings", "/settings"),
                       ("account", "/account"), ("job", job_url.replace(base, "")), ("jobs", "/")]:
        driver.get(base + path)
        wait(driver, 10).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
        seen.setdefault("phone_widths", {})[name] = driver.execute_script("return document.documentElement.scrollWidth")
        shot(driver, "16-phone-" + name)
    driver.set_window_size(1280, 1400)

    step = "sign out"
    driver.find_element(By.XPATH, "//button[text()='Sign out']").click()
    wait(driver, 10).until(EC.url_contains("/login"))
    driver.get(base + "/")
    wait(driver, 10).until(EC.url_contains("/login"))
    seen["signed_out"] = True

    step = "a viewer sees no forbidden action"
    sign_in(driver, viewer_key)
    seen["viewer_cancel_buttons"] = len(driver.find_elements(By.XPATH, "//button[text()='Cancel' or text()='Retry']"))
    seen["viewer_trigger_links"] = len(driver.find_elements(By.LINK_TEXT, "Trigger a sweep"))
    shot(driver, "11-viewer-jobs")
    driver.get(job_url)
    seen["viewer_job_buttons"] = len(driver.find_elements(By.XPATH, "//button[text()='Cancel' or text()='Retry']"))
    shot(driver, "12-viewer-job")
    print(json.dumps(seen), flush=True)
except Exception as error:  # noqa: BLE001 - report the step, then fail
    shot(driver, "failed-" + step.replace(" ", "-"))
    print(json.dumps({"failed_step": step, "error": repr(error)[:500], "seen": seen}), flush=True)
    sys.exit(1)
finally:
    driver.quit()
