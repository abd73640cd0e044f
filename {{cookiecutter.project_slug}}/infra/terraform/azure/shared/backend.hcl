# The shared stack's state; create the state account once, by hand or from a bootstrap stack.
resource_group_name  = "{{ cookiecutter.project_slug }}-tfstate"
storage_account_name = "{{ cookiecutter.project_slug.replace('-', '')[:16] }}tfstate"
container_name       = "tfstate"
key                  = "shared.tfstate"
use_azuread_auth     = true
