# The resources every environment shares: the DVC remote, the model registry (one
# registry, an alias per environment) and the roles that may read or move them.
# State: `terraform init -backend-config=backend.hcl` (docs/environments-and-security.md).
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
  # The mandatory cost tags reach every resource that takes tags from one map (tags.tf);
  # tools/check_tags.py fails `make check` when one is missing.
  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}
