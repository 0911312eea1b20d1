"""The sliding-window page on a phone (390×844) and on a laptop (1280×800): in both charts
(the animation and the picked cell), every number stays inside its cell, no text overlaps
another, and nothing is cut off at the chart's or the screen's edge.

Read from the browser's own geometry: each SVG text's bounding box against the heatmap
cells, placed by Plotly's axes (``_fullLayout``'s ``l2p``). The test waits until the check
holds for the view it asked for (the page may first draw its wide layout, then stack the
panels once the browser has reported the width); on a timeout it reports what is wrong.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, goto

#: Returns the problems in the page's Plotly charts as strings ([] = all fits), or null
#: while the charts are not all drawn for the view ``want`` ({charts, xTicks}).
PROBLEMS = """
(want) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const charts = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')];
  if (charts.length < want.charts || charts.some(gd => !gd._fullLayout)) return null;
  const visible = (t) => {
    const s = getComputedStyle(t);
    const fill = s.fill.replace(/\\s/g, '');
    return t.textContent.trim() !== '' && s.display !== 'none' && s.visibility !== 'hidden'
      && s.opacity !== '0' && fill !== 'rgba(0,0,0,0)' && t.getBoundingClientRect().width > 0;
  };
  const problems = [];
  const screen = document.documentElement.clientWidth;
  for (const [g, gd] of charts.entries()) {
    const fl = gd._fullLayout;
    const xs = [...gd.querySelectorAll('.subplot.xy .xtick text')].map(t => t.textContent);
    if (xs.length !== want.xTicks) return null;  // not (yet) the view asked for
    const box = gd.getBoundingClientRect();
    const texts = [];
    for (const t of gd.querySelectorAll('svg text')) {
      if (!visible(t)) continue;
      const r = t.getBoundingClientRect();
      texts.push({t, r, label: `chart ${g} "${t.textContent}"`});
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.left < -1 || r.right > screen + 1)
        problems.push(`${texts.at(-1).label} is cut off at the edge`);
    }
    // Cell texts: in a heatmap panel's plot group (not its tick labels).
    for (const id of ['xy', 'x2y2', 'x3y3']) {
      const [xid, yid] = id.match(/x\\d*|y\\d*/g);
      const xa = fl['xaxis' + xid.slice(1)], ya = fl['yaxis' + yid.slice(1)];
      if (!xa || !ya) continue;
      const px = (a, v) => a._offset + a.l2p(v);
      const span = (a, v) => [Math.min(px(a, v - 0.5), px(a, v + 0.5)),
                              Math.max(px(a, v - 0.5), px(a, v + 0.5))];
      for (const t of gd.querySelectorAll(`.subplot.${id} .plot text`)) {
        if (!visible(t)) continue;
        const r = t.getBoundingClientRect();
        const cx = (r.left + r.right) / 2 - box.left, cy = (r.top + r.bottom) / 2 - box.top;
        const [x0, x1] = span(xa, Math.round(xa.p2l(cx - xa._offset)));
        const [y0, y1] = span(ya, Math.round(ya.p2l(cy - ya._offset)));
        const l = r.left - box.left, rt = r.right - box.left;
        const tp = r.top - box.top, b = r.bottom - box.top;
        if (l < x0 - 1 || rt > x1 + 1 || tp < y0 - 1 || b > y1 + 1)
          problems.push(`chart ${g} ${id} "${t.textContent}" (${(rt - l).toFixed(0)}×`
            + `${(b - tp).toFixed(0)} px) overflows its ${(x1 - x0).toFixed(0)} px cell`);
      }
    }
    // No two texts overlap (by more than a pixel each way).
    texts.sort((a, b) => a.r.left - b.r.left);
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length && texts[j].r.left < texts[i].r.right - 1; j++) {
        const a = texts[i].r, b = texts[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) problems.push(`${texts[i].label} overlaps ${texts[j].label}`);
      }
    }
  }
  return problems;
}
"""

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
VIEWS = {  # query, X's column numbers (padded)
    "default": ("", 3),
    "16x16": ("?sw_x=random+integers&sw_rows=16&sw_cols=16&sw_k=preset&sw_kpreset=Sobel+x"
              "&sw_pad_h=1&sw_pad_w=1&sw_r=5&sw_c=7", 18),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("device", VIEWPORTS)
def test_numbers_stay_in_their_cells_and_no_text_collides(server, page, device, view):
    page.set_viewport_size(VIEWPORTS[device])
    query, x_ticks = VIEWS[view]
    goto(page, server)
    goto(page, f"{server}/sliding_window{query}")
    want = {"charts": 2, "xTicks": x_ticks}
    try:
        page.wait_for_function(f"(want) => ({PROBLEMS})(want)?.length === 0", arg=want,
                               timeout=30_000)
    except Exception:
        problems = page.evaluate(PROBLEMS, want)
        page.screenshot(path=str(SCREENSHOTS.parent.parent / ".pytest_cache" /
                                 f"phone-sliding-{device}-{view}.png"), full_page=True)
        assert problems == [], f"{len(problems or [])} problems, first: {(problems or [])[:8]}"
    assert_no_errors(page)
