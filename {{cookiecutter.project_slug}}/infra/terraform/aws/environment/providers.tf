# One environment's compute and budget: the cluster, its serving and training node
# groups and the budget. One state per environment:
#   terraform init -backend-config=backends/<env>.hcl
#   terraform plan -var-file=envs/<env>.tfvars
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
  backend "s3" {}
}

provider "aws" {
  region = var.region
  # The mandatory cost tags reach every resource that takes tags from one map (tags.tf).
  default_tags {
    tags = local.tags
  }
}
