"""The studio's forms: a new project (project.py), its about text (about.py), rendering a version
(render.py) and the brand kit (brand.py). The script editor is studio/script_editor.py."""
