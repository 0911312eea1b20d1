"""What only a browser shows about the numbers in the cells: each drawn label is narrower
than its cell, and its ink contrasts with the cell colour Plotly painted under it (read
back from the heatmap's own image), on every page, in light and dark theme, at a laptop
width and a wide one. Checked: the grids viz.grid and viz.channels draw (their figures
carry ``meta.numbers``); the sliding window's animated figure lays out its own cells."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_errors, goto

pytestmark = pytest.mark.e2e

#: The views with numbers in cells: the colour complaints' settings among them.
VIEWS = [
    "/",
    "/edges",
    "/edges?ed_img=Diagonal+edge+8%C3%978",
    "/edges?ed_kernel=Gaussian&ed_sobel=true",
    "/edges?ed_kernel=Box+blur&ed_img=Seed+stripes+transposed+X%E1%B5%80+8%C3%976",
    "/learn",
    "/sliding_window?sw_flip=true&sw_k=preset&sw_kpreset=Gaussian",
    "/channels?ch_values=uniform",
]

#: For every written cell: its text, its drawn width, the cell's width, the text's fill
#: and the cell's colour as painted (a pixel of the heatmap image under the label's centre).
MEASURE = """async () => {
  const out = [];
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(
    d => d._fullLayout && d._fullLayout.meta && 'numbers' in d._fullLayout.meta);
  for (const hm of plots.flatMap(d => [...d.querySelectorAll('g.hm')])) {
    const img = hm.querySelector('image');
    const labels = [...hm.querySelectorAll('g.heatmap-label text')];
    const cd = hm.__data__;
    if (!img || !labels.length || !cd || !cd[0] || !cd[0].z) continue;
    const w = +img.getAttribute('width'), h = +img.getAttribute('height');
    if (!w || !h) continue;  // a hidden tab
    const cell = w / cd[0].z[0].length;
    const im = new Image();
    im.src = img.getAttribute('xlink:href') || img.getAttribute('href');
    await im.decode();
    const canvas = document.createElement('canvas');
    canvas.width = im.naturalWidth; canvas.height = im.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(im, 0, 0);
    const x0 = +img.getAttribute('x'), y0 = +img.getAttribute('y');
    for (const t of labels) {
      const b = t.getBBox();
      const px = Math.floor((b.x + b.width / 2 - x0) * im.naturalWidth / w);
      const py = Math.floor((b.y + b.height / 2 - y0) * im.naturalHeight / h);
      const [r, g, bl, a] = ctx.getImageData(px, py, 1, 1).data;
      const inked = t.querySelector('tspan[style*="fill"]') || t;
      out.push({text: t.textContent, width: b.width, cell, size: parseFloat(t.style.fontSize),
                fill: getComputedStyle(inked).fill, under: [r, g, bl, a]});
    }
  }
  return out;
}"""


def _rgb(css: str) -> list[float]:
    return [float(v) for v in css[css.index("(") + 1:-1].split(",")[:3]]


def _luminance(rgb: list[float]) -> float:
    c = [v / 255 for v in rgb]
    c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _contrast(a: list[float], b: list[float]) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 1400])
def test_numbers_fit_their_cells_and_read_on_them(server, page, scheme, width):
    page.set_viewport_size({"width": width, "height": 1000})
    page.emulate_media(color_scheme=scheme)
    seen, widest = 0, 0.0
    for view in VIEWS:
        goto(page, server + view)
        assert_no_errors(page)
        page.wait_for_selector(".js-plotly-plot g.heatmap-label text", timeout=30_000)
        cells = page.evaluate(MEASURE)
        assert cells, f"{view}: no numbers in cells"
        for c in cells:
            where = f"{view} at {width} px, {scheme}: {c['text']!r}"
            assert c["width"] <= c["cell"] - 1, f"{where} is {c['width']:.1f} px wide " \
                f"in a {c['cell']:.1f} px cell"
            assert c["under"][3] == 255, f"{where} sits on a gap, not on its cell"
            ratio = _contrast(_rgb(c["fill"]), c["under"][:3])
            assert ratio >= 4.5, f"{where}: contrast {ratio:.2f} ({c['fill']} on {c['under']})"
            # The server's estimate (0.6 em a character) is never narrower than the drawing.
            assert c["width"] <= len(c["text"]) * 0.6 * c["size"] + 0.5, where
            widest = max(widest, c["width"] / (len(c["text"]) * c["size"]))
        seen += len(cells)
    assert seen > 300
    print(f"{seen} labels; widest drawn character {widest:.3f} em")
