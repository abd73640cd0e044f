# The resources every environment shares: the DVC remote, the model registry (one
# registry, an alias per environment) and the roles that may read or move them.
# State: `terraform init -backend-config=backend.hcl` (docs/environments-and-security.md).
terraform {
  required_version = ">= 1.6"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
  backend "gcs" {}
}

provider "google" {
  project = var.gcp_project
  region  = var.region
  # The mandatory cost labels reach every resource that takes labels from one map
  # (tags.tf); tools/check_tags.py fails `make check` when one is missing.
  default_labels = local.labels
}
