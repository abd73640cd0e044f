# The live environment's state, apart from every other environment's.
bucket = "{{ cookiecutter.project_slug }}-tfstate"
prefix = "live"
