"""Sphinx configuration of the course's static site (built by ``python -m mgcourse.tools.site build``).

The site is built from the notebooks' *stored* outputs (no execution) and
without network access: the theme's assets and the widget JavaScript are local.
``mgcourse.tools.site`` copies this folder, the chapter notebooks, the student
exercise notebooks and ``figures/`` into a staging folder and runs Sphinx there.
"""

project = "Magnesium and insulin resistance"
author = "The magnesium & insulin resistance course authors"
copyright = "the course authors, MIT licence"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "_static", "**.ipynb_checkpoints", "README.md", "**/README.md", "**/_figures"]
master_doc = "index"

# -- notebooks: stored outputs only, never executed here
nb_execution_mode = "off"
nb_merge_streams = True
# Markdown *outputs* (tables, links to other chapters, figures with their alt text) are MyST too
nb_render_markdown_format = "myst"
# the notebooks store no widget state: each panel's figure (or note) is shown instead (mgcourse.tools.site),
# so no widget JavaScript is loaded (it also called MathJax 2 functions that the vendored MathJax 3 lacks)
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# -- HTML
html_theme = "sphinx_book_theme"
html_title = "Magnesium and insulin resistance"
html_static_path = ["_static"]
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
}
html_last_updated_fmt = None
html_copy_source = True  # the download button offers each notebook (.ipynb)
html_show_sourcelink = False
html_context = {"default_mode": "light"}

# -- maths: MathJax 3 vendored in _static/mathjax (no CDN; the site works offline)
mathjax_path = "mathjax/tex-chtml.js"
# a local favicon, so no browser asks the server for a missing /favicon.ico (a console error on every page)
html_favicon = "_static/favicon.svg"
