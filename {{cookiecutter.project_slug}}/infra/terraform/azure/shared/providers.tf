# The resources every environment shares: the DVC remote, the model registry (one
# registry, an alias per environment) and the roles that may read or move them.
# State: `terraform init -backend-config=backend.hcl` (docs/environments-and-security.md).
terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
  backend "azurerm" {}
}

# azurerm has no default tags: every resource that takes tags sets `tags = local.tags`
# (tags.tf), and tools/check_tags.py fails `make check` on one that does not.
provider "azurerm" {
  features {}
  subscription_id     = var.subscription_id
  storage_use_azuread = true
}
