# The uat environment's state, apart from every other environment's.
bucket       = "{{ cookiecutter.project_slug }}-tfstate"
key          = "uat/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
