# The live environment's state, apart from every other environment's.
resource_group_name  = "{{ cookiecutter.project_slug }}-tfstate"
storage_account_name = "{{ cookiecutter.project_slug.replace('-', '')[:16] }}tfstate"
container_name       = "tfstate"
key                  = "live.tfstate"
use_azuread_auth     = true
