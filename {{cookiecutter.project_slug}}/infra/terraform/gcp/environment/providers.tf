# One environment's compute and budget: the cluster, its serving and training node
# pools and the budget. One state per environment:
#   terraform init -backend-config=backends/<env>.hcl
#   terraform plan -var-file=envs/<env>.tfvars
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
  # The mandatory cost labels reach every resource that takes labels from one map (tags.tf).
  default_labels = local.labels
}
