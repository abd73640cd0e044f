# The shared stack's state; create the state bucket once, by hand or from a bootstrap stack.
bucket       = "{{ cookiecutter.project_slug }}-tfstate"
key          = "shared/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
