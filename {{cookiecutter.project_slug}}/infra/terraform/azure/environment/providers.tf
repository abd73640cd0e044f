# One environment's compute and budget: the cluster, its serving and training node
# pools and the budget. One state per environment:
#   terraform init -backend-config=backends/<env>.hcl
#   terraform plan -var-file=envs/<env>.tfvars
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
  subscription_id = var.subscription_id
}
