# The shared stack's state; create the state bucket once, by hand or from a bootstrap stack.
bucket = "{{ cookiecutter.project_slug }}-tfstate"
prefix = "shared"
