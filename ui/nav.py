"""The app's pages: (file in pages/, title, emoji icon, URL path), in menu order.

Emoji, not ":material/…:" icons, which would fetch a font from the internet.
"""

PAGES = [
    ("tour.py", "Notebook tour", "📓", "tour"),
    ("sliding_window.py", "Sliding window", "🔲", "sliding-window"),
    ("edges.py", "Edge detection", "🖼️", "edges"),
    ("learn.py", "Learn a kernel", "📉", "learn"),
    ("shapes.py", "Shapes & padding", "📐", "shapes"),
    ("channels.py", "Channels & 1×1", "🧱", "channels"),
]
