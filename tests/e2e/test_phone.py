"""A phone opens the link (issue 12, item 8): at 390×844 every page keeps its numbers inside
their cells, no two texts of a figure on top of each other, and nothing wider than the screen
or cut off at a figure's edge.

Measured in the browser, on what is drawn: each heatmap label's getBoundingClientRect
against its cell (the heatmap image's width over its columns), every SVG text and play
button inside its figure's box, texts of one figure pairwise apart and out from under its
mode bar (the zoom buttons, which a touch screen shows all the time), and the page's,
the main column's and every element's width against the viewport (a box that scrolls its
own content, the layer editor's grid, is measured as a box).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.e2e.conftest import SCREENSHOTS, assert_no_errors, goto, screenshot, wait_idle

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
#: A long stack: the planner's table is widest with it.
RESNETISH = ("conv:64,7,2,3;pool:max,3,2,1;conv:64,3,1,1;conv:128,3,2,1;conv:256,3,2,1;"
             "conv:512,3,2,1")
#: Each page's default view and one where the numbers are dense (or the figure widest), with
#: how many figures it draws on a phone (and, for a view without any, what to wait for).
VIEWS = {
    "tour": ("/tour", 10),
    "sliding_window": ("/sliding_window", 2),
    "sliding_16x16": ("/sliding_window?sw_x=random+integers&sw_rows=16&sw_cols=16&sw_k=preset"
                      "&sw_kpreset=Sobel+x&sw_pad_h=1&sw_pad_w=1", 2),
    "edges": ("/edges", 3),
    "edges_gauss": ("/edges?ed_img=Diagonal+edge+8%C3%978&ed_kernel=Gaussian&ed_sobel=true", 6),
    "edges_64": ("/edges?ed_img=Text+64%C3%9764", 3),
    "learn": ("/learn", 7),
    "learn_sobel": ("/learn?lk_target=Sobel+x", 7),
    "shapes": ("/shapes", 1),
    "shapes_planner": ("/shapes?sh_tab=Layer+planner&sh_net_c=3&sh_net_h=224&sh_net_w=224"
                       f"&sh_layers={quote(RESNETISH)}", 0,
                       '[class*="st-key-sh_layers_ed"] canvas'),
    "shapes_solver": ("/shapes?sh_tab=Padding+solver", 0,
                      '[data-testid="stMain"] li, [data-testid="stDataFrame"] canvas'),
    "channels": ("/channels", 1),
    "channels_dense": ("/channels?ch_ci=3&ch_co=3&ch_n=4&ch_k=3", 1),
    "channels_out": ("/channels?ch_tab=Many+outputs&ch_co=4&ch_ci=3", 1),
    "channels_1x1": ("/channels?ch_tab=1%C3%971+convolution&ch_ci=3&ch_co=2&ch_n=3", 1),
    "channels_cost": ("/channels?ch_tab=Cost&ch_ci=8&ch_co=8&ch_groups=2", 1),
    "pooling": ("/pooling?pl_questions=true", 8),  # the book's questions opened: 7 grids
    "pooling_16x16": ("/pooling?pl_x=random+integers&pl_rows=16&pl_cols=16&pl_mode=avg"
                      "&pl_k_h=3&pl_k_w=3&pl_s_h=2&pl_s_w=2&pl_p_h=1&pl_p_w=1&pl_ceil=true"
                      "&pl_questions=true", 8),
}

#: Pages whose figures lay themselves out for the column's width (ui.viewport.main_width):
#: the browser reports the width once the page is drawn, and the page reruns with it.
LAID_OUT_FOR_WIDTH = ("sliding", "learn", "channels", "pooling")
#: The page clock's time of the width's report (ui.viewport marks it on the root), or null.
REPORTED = """() => document.documentElement.getAttribute('data-vp-reported')"""

#: Figures on screen: shown charts (not a twin hidden at this width), each with its SVG.
DRAWN = """(n) => {
  const shown = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => c.offsetParent !== null && c.getBoundingClientRect().width > 0);
  return shown.length >= n && shown.every(c => c.querySelector('.main-svg'));
}"""

#: Everything the checks look at, as plain data: problems found, as strings.
MEASURE = """() => {
  const W = window.innerWidth, bad = [];
  const r = e => e.getBoundingClientRect();
  const seen = e => { const b = r(e); return b.width > 0 && b.height > 0; };
  const name = e => (e.getAttribute('data-testid') || e.className?.baseVal || e.className
                     || e.tagName).toString().slice(0, 60);
  // The page, then the main column's scroller, then each element, within the screen.
  if (document.scrollingElement.scrollWidth > W)
    bad.push(`page ${document.scrollingElement.scrollWidth} px wide > ${W}`);
  const main = document.querySelector('[data-testid="stMain"]');
  if (main.scrollWidth > main.clientWidth + 1)
    bad.push(`main column scrolls: ${main.scrollWidth} > ${main.clientWidth}`);
  const grid = '[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]';
  for (const e of main.querySelectorAll('*')) {
    // (KaTeX's MathML copy is for screen readers: clipped to nothing on screen.)
    if (e.closest('svg, .katex-mathml') || (e.closest(grid) && !e.matches(grid)) || !seen(e))
      continue;
    const b = r(e);
    if (b.right > W + 1 || b.left < -1)
      bad.push(`${name(e)} spans ${Math.round(b.left)}..${Math.round(b.right)} px`);
    const s = getComputedStyle(e);
    if (['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1
        && !e.closest(grid))
      bad.push(`${name(e)} scrolls sideways: ${e.scrollWidth} > ${e.clientWidth}` +
               ` (${(e.textContent || '').slice(0, 40)})`);
  }
  for (const plot of [...document.querySelectorAll('.js-plotly-plot')].filter(seen)) {
    const box = r(plot);
    const title = (plot.querySelector('.gtitle, .annotation-text')?.textContent || '?')
      .slice(0, 30);
    // Texts: drawn (not transparent), inside the figure, not on top of each other.
    const texts = [...plot.querySelectorAll('text')].filter(t => {
      if (!seen(t) || !t.textContent.trim()) return false;
      const s = getComputedStyle(t);
      return s.visibility !== 'hidden' && s.opacity !== '0'
        && !/rgba\\(.*,\\s*0\\)$/.test(s.fill) && s.fillOpacity !== '0';
    });
    for (const t of texts) {
      const b = r(t);
      if (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1
          || b.bottom > box.bottom + 1)
        bad.push(`[${title}] "${t.textContent}" cut off at the figure's edge`);
    }
    // The mode bar (zoom buttons, shown on hover or touch) over no text of its figure.
    const bar = plot.querySelector('.modebar');
    if (bar && seen(bar))
      for (const t of texts) {
        const b = r(t), m = r(bar);
        if (Math.min(b.right, m.right) - Math.max(b.left, m.left) > 1
            && Math.min(b.bottom, m.bottom) - Math.max(b.top, m.top) > 1)
          bad.push(`[${title}] the mode bar covers "${t.textContent}"`);
      }
    for (const m of plot.querySelectorAll('.updatemenu-button')) {
      const b = r(m);
      if (b.right > box.right + 1 || b.left < box.left - 1)
        bad.push(`[${title}] button "${m.textContent}" cut off`);
    }
    const boxes = texts.map(t => [t, r(t)]);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, p] = boxes[i], [c, q] = boxes[j];
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1 && !a.contains(c) && !c.contains(a))
          bad.push(`[${title}] "${a.textContent}" overlaps "${c.textContent}"`);
      }
    // Heatmap labels within their cells: the heatmap's image spans its columns and rows.
    for (const hm of plot.querySelectorAll('g.hm')) {
      const img = hm.querySelector('image'), cd = hm.__data__;
      if (!img || !cd || !cd[0] || !cd[0].z) continue;
      const ib = r(img), cw = ib.width / cd[0].z[0].length, ch = ib.height / cd[0].z.length;
      for (const t of hm.querySelectorAll('g.heatmap-label text')) {
        const b = r(t);
        if (!b.width) continue;
        if (b.width > cw + 0.5 || b.height > ch + 0.5)
          bad.push(`[${title}] "${t.textContent}" is ${b.width.toFixed(1)}×` +
                   `${b.height.toFixed(1)} px in a ${cw.toFixed(1)}×${ch.toFixed(1)} cell`);
      }
    }
  }
  return [...new Set(bad)];
}"""


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_phone_sees_every_number_in_its_cell_and_nothing_cut_off(server, page, view):
    path, n_figures, *table = VIEWS[view]
    page.set_viewport_size(PHONE)
    goto(page, f"{server}{path}")
    if view.startswith(LAID_OUT_FOR_WIDTH):  # measure the phone's layout, not the first one
        # The report reruns the page as a visitor's input does: wait for it as for one.
        reported = float(page.wait_for_function(REPORTED, timeout=60_000).json_value())
        page.evaluate("(t) => { const cs = window.__convscope;"
                      " cs.lastInput = Math.max(cs.lastInput, t); }", reported)
        wait_idle(page)
    assert_no_errors(page)
    # A new session's figures (and tables) land a moment after the script has finished;
    # a cold server's first page takes its imports' time too.
    page.wait_for_function(DRAWN, arg=n_figures, timeout=90_000)
    if table:
        page.locator(table[0]).first.wait_for(state="attached", timeout=60_000)
    # Plotly draws a chart's labels in the frame after its SVG: wait until each shown heatmap
    # that carries numbers has them.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
              .filter(p => p.offsetParent !== null && p._fullData)
              .every(p => p._fullData.every(t => t.type !== 'heatmap' || !t.texttemplate
                || p.querySelector('g.heatmap-label')))""", timeout=20_000)
    problems = page.evaluate(MEASURE)
    if "_" not in view or view == "sliding_window":  # each page's default view, looked at
        # The whole column, not its first screen (Streamlit scrolls inside stMain): taken
        # after measuring, since it grows the viewport's height for the shot.
        (SCREENSHOTS / "phone").mkdir(exist_ok=True)
        screenshot(page, f"phone/{view}")
    assert not problems, f"{view} at 390×844:\n" + json.dumps(problems, ensure_ascii=False,
                                                               indent=1)
