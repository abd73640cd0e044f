# The test environment's state, apart from every other environment's.
bucket       = "{{ cookiecutter.project_slug }}-tfstate"
key          = "test/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
